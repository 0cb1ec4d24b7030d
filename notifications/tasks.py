from smtplib import SMTPException

from celery import shared_task

from notifications import services


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),  # the relay is down or refused: transient
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=12,
)
def notification_send(notification_id: int) -> str:
    return services.notification_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_for_audit_event(event_id: int) -> int:
    return len(services.notifications_queue_for_event(event_id=event_id))
