"""Hand a webhook attempt to a worker, now or later, without ever running it in the caller's thread.

With a broker, Celery's countdown schedules it, and the beat sweeper (webhooks_deliver_due) catches
any task a restart dropped. The embedded setup has no broker and runs Celery tasks in-process: there
a timer thread makes the attempt, so a slow bank never holds up a page. It has no beat either: a
retry whose timer died with the process waits for `webhooks_deliver_due` to be run, or a replay.
"""

import logging
import threading

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def schedule(delivery_id: int, *, countdown: float) -> None:
    from banking.tasks import webhook_deliver

    if not webhook_deliver.app.conf.task_always_eager:
        webhook_deliver.apply_async((delivery_id,), countdown=countdown)
        return
    timer = threading.Timer(countdown, _attempt_in_thread, args=(delivery_id,))
    timer.daemon = True
    timer.name = f"webhook-delivery-{delivery_id}"
    timer.start()


def _attempt_in_thread(delivery_id: int) -> None:
    from banking.services.webhooks import webhook_attempt

    close_old_connections()
    try:
        webhook_attempt(delivery_id=delivery_id)
    except Exception:
        # Nobody waits on this thread: say what went wrong where operators look. The delivery stays
        # pending with its lease, so the sweeper tries it again once the lease runs out.
        logger.exception("Webhook delivery %s: the attempt failed before it was logged", delivery_id)
    finally:
        connection.close()
