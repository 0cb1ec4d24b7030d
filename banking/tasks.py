"""Celery tasks for banking: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from banking.services import webhook_attempt, webhooks_due
from banking.services.idempotency import idempotency_records_prune


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt; the service schedules the next. A duplicate or early task finds nothing due and does nothing."""
    delivery = webhook_attempt(delivery_id=delivery_id)
    return "not due" if delivery is None else delivery.status


@shared_task(acks_late=True)
def webhooks_deliver_due() -> int:
    """Beat: queue every pending delivery whose time has come (a lost task, a restart)."""
    due = webhooks_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)


@shared_task(acks_late=True)
def idempotency_keys_prune() -> int:
    """Beat: forget idempotency keys after IDEMPOTENCY_KEY_TTL_HOURS; a bank never retries that late."""
    return idempotency_records_prune()
