from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications import services
from audit.models import AuditEvent
from notifications.models import Notification
from reviews import services as deadlines
from reviews.models import InformationRequest
from reviews.selectors import pledge_clock
from reviews.services import information_item_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_on_firm(case_in, django_capture_on_commit_callbacks):
    case = case_in("under_review")
    services.application_request_information(
        application=case.application,
        actor=case.staff.assigned_officer,
        items=["Provide the insurer's letter."],
        due_date=timezone.localdate() + timedelta(days=7),
    )
    return case


def test_an_overdue_request_escalates_once_not_once_per_run(waiting_on_firm, django_capture_on_commit_callbacks):
    case = waiting_on_firm
    with time_machine.travel(timezone.now() + timedelta(days=8)), django_capture_on_commit_callbacks(execute=True):
        assert deadlines.deadlines_escalate_overdue_requests() == 1
        assert deadlines.deadlines_escalate_overdue_requests() == 0
    with time_machine.travel(timezone.now() + timedelta(days=20)), django_capture_on_commit_callbacks(execute=True):
        assert deadlines.deadlines_escalate_overdue_requests() == 0

    request = InformationRequest.objects.get(application=case.application)
    assert request.escalated_at is not None
    assert AuditEvent.objects.filter(action="information_request.escalate").count() == 1
    recipients = sorted(
        message.to[0]
        for message in mail.outbox
        if "overdue" in message.subject.lower() or "Escalation" in message.subject
    )
    assert recipients == sorted([case.firm_admin.email, case.preparer.email, case.staff.assigned_officer.email])


def test_nothing_escalates_before_the_due_date(waiting_on_firm):
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert deadlines.deadlines_escalate_overdue_requests() == 0


def test_the_pledge_clock_pauses_while_waiting_on_the_firm(case_in):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = case_in("under_review")
    with time_machine.travel(start + timedelta(days=10), tick=False):
        services.application_request_information(
            application=case.application,
            actor=case.staff.assigned_officer,
            items=["Why?"],
            due_date=timezone.localdate() + timedelta(days=30),
        )
    with time_machine.travel(start + timedelta(days=25), tick=False):
        for item in InformationRequest.objects.get().items.all():
            information_item_answer(item=item, actor=case.preparer, answer="Because.")
        services.application_respond(application=case.application, actor=case.preparer)

    clock = pledge_clock(application=case.refresh(), now=start + timedelta(days=40))
    assert clock is not None
    assert (clock.days_elapsed, clock.days_paused, clock.days_left) == (25, 15, 80)
    assert clock.pledge_date == timezone.localdate(start) + timedelta(days=105 + 15)


def test_the_officer_is_warned_once_near_the_pledge_date(case_in, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = case_in("under_review")
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.deadlines_warn_pledge_dates(now=start + timedelta(days=80)) == 0
        assert deadlines.deadlines_warn_pledge_dates(now=start + timedelta(days=92)) == 1
        assert deadlines.deadlines_warn_pledge_dates(now=start + timedelta(days=100)) == 0
    warning = Notification.objects.get(template="pledge_warning")
    assert warning.recipient == case.staff.assigned_officer.email
    assert "13 days left" in warning.subject


def test_licence_anniversary_reminds_the_firm_once_a_year(case_in):
    granted = timezone.now()
    with time_machine.travel(granted, tick=False):
        case = case_in("approved")
    in_eleven_months = timezone.localdate(granted) + timedelta(days=340)
    assert (
        deadlines.deadlines_remind_licence_anniversaries(today=timezone.localdate(granted) + timedelta(days=200)) == 0
    )
    assert deadlines.deadlines_remind_licence_anniversaries(today=in_eleven_months) == 1
    assert deadlines.deadlines_remind_licence_anniversaries(today=in_eleven_months + timedelta(days=5)) == 0
    reminder = Notification.objects.get(template="licence_anniversary", recipient=case.firm_admin.email)
    assert case.application.licence.number in reminder.subject


def test_29_february_falls_on_the_28th_in_common_years():
    from datetime import date

    assert deadlines.next_anniversary(date(2028, 2, 29), date(2029, 1, 10)) == date(2029, 2, 28)
    assert deadlines.next_anniversary(date(2026, 5, 1), date(2026, 11, 24)) == date(2027, 5, 1)
