"""E-mail to the people a change concerns, in English and Traditional Chinese, sent once per recipient.

Notifications are queued after the transaction that made the change commits, and sent by a task;
a crashed or retried task never sends the same notification twice to one recipient.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from applications.models import Licence, LicenceApplication
from audit.actions import action_for
from audit.models import AuditEvent
from notifications.models import Notification, NotificationStatus
from vasp_licensing.links import absolute_reverse

LANGUAGES = ("en", "zh-hant")


def firm_template(action_code: str) -> str | None:
    """The template the firm is told of an action with (audit.actions `notify`), or None."""
    action = action_for(action_code)
    return action.notify if action is not None else None


def notify_on_commit(event: AuditEvent) -> None:
    """Called by the services right after they record a change; does nothing for changes firms are not told of."""
    if firm_template(event.action) is None:
        return
    from notifications.tasks import notifications_for_audit_event

    notifications_for_audit_event.delay_on_commit(event.pk)


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body, each in both languages. A template's first line is its subject."""
    subjects, bodies = [], []
    for language in LANGUAGES:
        text = render_to_string(f"notifications/email/{template}.{language}.txt", context).strip()
        subject, _, body = text.partition("\n")
        subjects.append(subject.strip())
        bodies.append(body.strip())
    return " / ".join(subjects)[:255], "\n\n————————\n\n".join(bodies) + "\n"


def notification_queue(
    *, key: str, template: str, recipients: Iterable[str], context: dict[str, Any]
) -> list[Notification]:
    """Create the notifications not yet created for this key and send them after commit. Idempotent."""
    subject, body = render(template, {**context, "site_url": absolute_reverse("home")})
    queued = []
    with transaction.atomic():
        for recipient in sorted(set(recipients)):
            notification, created = Notification.objects.get_or_create(
                key=key, recipient=recipient, defaults={"template": template, "subject": subject, "body": body}
            )
            if created:
                queued.append(notification)
    from notifications.tasks import notification_send

    for notification in queued:
        notification_send.delay_on_commit(notification.pk)
    return queued


def firm_recipients(firm_id: int) -> list[str]:
    return list(User.objects.filter(is_active=True, firm_memberships__firm_id=firm_id).values_list("email", flat=True))


def notifications_queue_for_event(*, event_id: int) -> list[Notification]:
    event = AuditEvent.objects.get(pk=event_id)
    template = firm_template(event.action)
    if template is None:
        return []
    application, licence = _subject_of(event)
    subject = licence or application
    if subject is None:
        return []  # the object is gone; nothing to tell
    firm = subject.firm
    context = {
        "event": event,
        "application": application,
        "licence": licence,
        "firm": firm,
        "reason": (event.payload or {}).get("reason", ""),
        "payload": event.payload or {},
    }
    return notification_queue(
        key=f"event:{event.pk}", template=template, recipients=firm_recipients(firm.pk), context=context
    )


def _subject_of(event: AuditEvent) -> tuple[LicenceApplication | None, Licence | None]:
    if event.object_type == "applications.licenceapplication":
        return LicenceApplication.objects.select_related("firm").filter(pk=event.object_id).first(), None
    if event.object_type == "applications.licence":
        licence = Licence.objects.select_related("firm", "application").filter(pk=event.object_id).first()
        return (licence.application if licence else None), licence
    return None, None


def notification_send(*, notification_id: int) -> str:
    """Send one notification unless it was sent already. Raises on a mail failure, so the task retries.

    The row stays locked while sending, so two deliveries of the same task cannot both send.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.select_for_update().get(pk=notification_id)
            if notification.status == NotificationStatus.SENT:
                return "already sent"
            send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.recipient])
            notification.status, notification.sent_at = NotificationStatus.SENT, timezone.now()
            notification.attempts += 1
            notification.save(update_fields=["status", "sent_at", "attempts"])
    except Exception as error:
        # After the rollback, so the failed attempt is remembered for the regulator to see.
        Notification.objects.filter(pk=notification_id).exclude(status=NotificationStatus.SENT).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    return "sent"
