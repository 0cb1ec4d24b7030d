import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail

from applications import services
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


def test_the_firm_is_told_of_submission_in_english_and_chinese(draft_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)

    reference = draft_case.application.reference
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [draft_case.firm_admin.email, draft_case.preparer.email]
    )
    message = mail.outbox[0]
    assert message.subject == f"Application {reference} received / 已收到申請 {reference}"
    assert "We received your licence application" in message.body and "我們已收到貴公司的牌照申請" in message.body
    assert draft_case.other_firm_admin.email not in [m.to[0] for m in mail.outbox]


def test_the_decision_mail_names_the_licence_and_its_conditions(case_in, django_capture_on_commit_callbacks):
    case = case_in("pending_decision")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        app = services.application_decide(
            application=case.application, actor=case.staff.senior_officer, outcome="approve", reasons="Fit and proper."
        )
    body = mail.outbox[0].body
    assert f"Licence number: {app.licence.number}" in body
    assert "Condition: Serve professional investors only." in body
    assert "Reasons: Fit and proper." in body


def test_internal_steps_send_nothing_to_the_firm(case_in, django_capture_on_commit_callbacks):
    case = case_in("under_review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_recommend(
            application=case.application, actor=case.staff.assigned_officer, outcome="grant", reasons="Sound"
        )
    assert mail.outbox == []


def test_a_notification_is_sent_once_however_often_the_task_runs(draft_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)
    notification = Notification.objects.filter(recipient=draft_case.firm_admin.email).get()
    sent = len(mail.outbox)

    assert notification_send(notification_id=notification.pk) == "already sent"
    assert len(mail.outbox) == sent


def test_a_mail_failure_is_remembered_and_raised_for_retry(draft_case, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.RefusingBackend"
    # In-process, Celery's autoretry surfaces as Retry: the task is scheduled again with backoff.
    with pytest.raises(Retry, match="relay down"), django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)
    failed = Notification.objects.get(recipient=draft_case.firm_admin.email)
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in failed.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send(notification_id=failed.pk) == "sent"


class RefusingBackend:
    """Stands in for an SMTP relay that is down (outside the system)."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("relay down")
