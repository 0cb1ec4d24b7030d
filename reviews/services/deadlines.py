"""Deadlines, run by beat: overdue requests for information, pledge dates, licence anniversaries.

Each job may run any number of times: what it does for one case happens once (a timestamp under a
row lock, or a notification key that is unique per recipient).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.choices import RegulatorRole
from accounts.models import User
from applications.choices import ApplicationStatus
from applications.models import Licence, LicenceApplication
from audit import actions
from audit.services import audit_record
from notifications.services import firm_recipients, notification_queue
from reviews.models import InformationRequest
from reviews.selectors import pledge_clock


def _officer_recipients(application: LicenceApplication) -> list[str]:
    """The assigned officer; while nobody is assigned, the licensing managers who assign."""
    officer = application.assigned_officer
    if officer is not None and officer.is_active:
        return [officer.email]
    managers = User.objects.filter(is_active=True, groups__name=RegulatorRole.LICENSING_MANAGER)
    return list(managers.values_list("email", flat=True))


def deadlines_escalate_overdue_requests(*, today: date | None = None) -> int:
    """Escalate each unanswered request past its due date once: the officer is told, the firm reminded."""
    today = today or timezone.localdate()
    overdue = InformationRequest.objects.filter(
        responded_at__isnull=True,
        escalated_at__isnull=True,
        due_date__lt=today,
        application__status=ApplicationStatus.INFORMATION_REQUESTED,
    )
    return sum(1 for request_id in overdue.values_list("pk", flat=True) if _escalate(request_id))


def _escalate(request_id: int) -> bool:
    with transaction.atomic():
        request = (
            # of=self: lock the request only; PostgreSQL refuses FOR UPDATE across the nullable officer join.
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("application__firm", "application__assigned_officer")
            .get(pk=request_id)
        )
        if request.escalated_at is not None or request.responded_at is not None:
            return False  # another run got here first, or the firm answered meanwhile
        request.escalated_at = timezone.now()
        request.save(update_fields=["escalated_at"])
        application = request.application
        audit_record(
            actor=None,
            action=actions.INFORMATION_REQUEST_ESCALATE,
            obj=request,
            payload={"application": application.reference, "due_date": request.due_date.isoformat()},
        )
        context = {"application": application, "firm": application.firm, "request": request}
        notification_queue(
            key=f"rfi-overdue:{request.pk}",
            template="information_request_overdue",
            recipients=firm_recipients(application.firm_id),
            context=context,
        )
        notification_queue(
            key=f"rfi-escalated:{request.pk}",
            template="information_request_escalated",
            recipients=_officer_recipients(application),
            context=context,
        )
    return True


def deadlines_warn_pledge_dates(*, now: datetime | None = None) -> int:
    """Warn the officer once when a case under review comes within PLEDGE_WARNING_DAYS of its pledge date."""
    now = now or timezone.now()
    open_cases = (
        LicenceApplication.objects.filter(
            status__in=[ApplicationStatus.UNDER_REVIEW, ApplicationStatus.PENDING_DECISION],
            accepted_at__isnull=False,
        )
        .select_related("firm", "assigned_officer")
        .prefetch_related("information_requests")
    )
    warned = 0
    for application in open_cases.iterator(chunk_size=500):
        clock = pledge_clock(application=application, now=now)
        if clock is None or clock.days_left > settings.PLEDGE_WARNING_DAYS:
            continue
        warned += bool(
            notification_queue(
                key=f"pledge-warning:{application.pk}",
                template="pledge_warning",
                recipients=_officer_recipients(application),
                context={"application": application, "firm": application.firm, "clock": clock},
            )
        )
    return warned


def next_anniversary(granted: date, today: date) -> date:
    """The first anniversary of `granted` on or after today (29 February falls on the 28th in common years)."""
    year = max(today.year, granted.year + 1)
    while True:
        try:
            candidate = granted.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
        year += 1


def deadlines_remind_licence_anniversaries(*, today: date | None = None) -> int:
    """Remind each licensed firm once a year that its annual fee falls due within a month of the anniversary."""
    today = today or timezone.localdate()
    notice = timedelta(days=settings.LICENCE_ANNIVERSARY_NOTICE_DAYS)
    reminded = 0
    live = Licence.objects.live().select_related("firm")
    for licence in live.iterator(chunk_size=500):
        anniversary = next_anniversary(timezone.localdate(licence.granted_at), today)
        if anniversary - today > notice:
            continue
        reminded += bool(
            notification_queue(
                key=f"licence-anniversary:{licence.pk}:{anniversary.year}",
                template="licence_anniversary",
                recipients=firm_recipients(licence.firm_id),
                context={"licence": licence, "firm": licence.firm, "anniversary": anniversary},
            )
        )
    return reminded
