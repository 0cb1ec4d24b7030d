"""The application state machine as a table: who may fire which transition from which state."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django_fsm_log.models import StateLog

from applications import services
from applications.choices import WITHDRAWABLE_STATUSES
from applications.choices import ApplicationStatus as S
from audit.models import AuditEvent
from tests.builders import Case

ROLES = [
    "firm_admin",
    "preparer",
    "other_firm_admin",
    "assigned_officer",  # also a senior officer: made the recommendation, so four eyes bar them from deciding
    "other_case_officer",
    "senior_officer",
    "licensing_manager",
    "auditor",
]


def actor_for(case: Case, role: str):
    if role in ("firm_admin", "preparer", "other_firm_admin"):
        return getattr(case, role)
    return getattr(case.staff, role)


@dataclass(frozen=True)
class BuiltCase:
    """A case as the builder left it, with the counts a triple checks before it starts."""

    case: Case
    application_pk: int
    state_logs: int  # django-fsm-log rows of this case
    audit_events: int  # audit events in the database, every case's


def built(cases: dict[str, Case]) -> dict[str, BuiltCase]:
    """Call once every case is built: the audit count is the database's."""
    audit_events = AuditEvent.objects.count()
    return {
        state: BuiltCase(case, case.application.pk, StateLog.objects.for_(case.refresh()).count(), audit_events)
        for state, case in cases.items()
    }


def _due() -> date:
    return timezone.localdate() + timedelta(days=10)


# transition name: (source states, target, roles allowed, how to fire it, audit action)
TABLE = {
    "submit": (
        [S.DRAFT],
        S.SUBMITTED,
        {"firm_admin"},
        lambda app, who: services.application_submit(application=app, actor=who),
        "application.submit",
    ),
    "accept": (
        [S.SUBMITTED],
        S.UNDER_REVIEW,
        {"assigned_officer"},
        lambda app, who: services.application_accept(application=app, actor=who),
        "application.accept",
    ),
    "return": (
        [S.SUBMITTED],
        S.RETURNED,
        {"assigned_officer"},
        lambda app, who: services.application_return(application=app, actor=who, reasons="Missing pages"),
        "application.return",
    ),
    "request_information": (
        [S.UNDER_REVIEW],
        S.INFORMATION_REQUESTED,
        {"assigned_officer"},
        lambda app, who: services.application_request_information(
            application=app, actor=who, items=["Why?"], due_date=_due()
        ),
        "application.request_information",
    ),
    "respond": (
        [S.INFORMATION_REQUESTED],
        S.UNDER_REVIEW,
        {"firm_admin", "preparer"},
        lambda app, who: services.application_respond(application=app, actor=who),
        "application.respond",
    ),
    "recommend": (
        [S.UNDER_REVIEW],
        S.PENDING_DECISION,
        {"assigned_officer"},
        lambda app, who: services.application_recommend(application=app, actor=who, outcome="grant", reasons="Sound"),
        "application.recommend",
    ),
    "recommend_final_grant": (
        [S.APPROVED_IN_PRINCIPLE],
        S.PENDING_DECISION,
        {"assigned_officer"},
        lambda app, who: services.application_recommend_final_grant(
            application=app, actor=who, reasons="Conditions met"
        ),
        "application.recommend_final_grant",
    ),
    "decide_approve": (
        [S.PENDING_DECISION],
        S.APPROVED,
        {"senior_officer"},
        lambda app, who: services.application_decide(application=app, actor=who, outcome="approve", reasons="Agreed"),
        "application.decide",
    ),
    "decide_approve_in_principle": (
        [S.PENDING_DECISION],
        S.APPROVED_IN_PRINCIPLE,
        {"senior_officer"},
        lambda app, who: services.application_decide(
            application=app, actor=who, outcome="approve_in_principle", reasons="Agreed"
        ),
        "application.decide",
    ),
    "decide_refuse": (
        [S.PENDING_DECISION],
        S.REFUSED,
        {"senior_officer"},
        lambda app, who: services.application_decide(application=app, actor=who, outcome="refuse", reasons="Not fit"),
        "application.decide",
    ),
    "send_back": (
        [S.PENDING_DECISION],
        S.UNDER_REVIEW,
        {"senior_officer"},
        lambda app, who: services.application_send_back(application=app, actor=who, comment="Check custody"),
        "application.send_back",
    ),
    "withdraw": (
        list(WITHDRAWABLE_STATUSES),
        S.WITHDRAWN,
        {"firm_admin"},
        lambda app, who: services.application_withdraw(application=app, actor=who),
        "application.withdraw",
    ),
}
