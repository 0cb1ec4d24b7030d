"""Beat jobs (CELERY_BEAT_SCHEDULE): thin, idempotent, each calling one service."""

from celery import shared_task

from reviews import services


@shared_task(acks_late=True)
def deadlines_escalate_overdue_requests() -> int:
    return services.deadlines_escalate_overdue_requests()


@shared_task(acks_late=True)
def deadlines_warn_pledge_dates() -> int:
    return services.deadlines_warn_pledge_dates()


@shared_task(acks_late=True)
def deadlines_remind_licence_anniversaries() -> int:
    return services.deadlines_remind_licence_anniversaries()
