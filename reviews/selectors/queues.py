"""Reads for the workspace queues: which queues a regulator sees, their cases, their counts, and
whom to give the next case to.

Every function here runs a fixed number of queries, however many cases there are: the queue
querysets select their related rows, the counts are one aggregate, and the pledge clock is
computed by the database (see `with_clock`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegulatorRole
from accounts.models import User
from accounts.selectors import active_case_officers
from applications.choices import IN_REVIEW_STATUSES, OPEN_STATUSES
from applications.choices import ApplicationStatus as S
from applications.models import LicenceApplication, LicenceType
from reviews.models import InformationRequest, Recommendation


class Queue(TextChoices):
    """The queues of the workspace; the values are the slugs in their addresses."""

    UNASSIGNED = "unassigned", _("Unassigned")
    MINE = "mine", _("Mine")
    AWAITING_DECISION = "awaiting-decision", _("Awaiting my decision")
    WAITING_ON_FIRM = "waiting-on-firm", _("Waiting on the firm")
    OVERDUE = "overdue", _("Overdue")


UNASSIGNED_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW)

# Age is counted in whole days since the firm submitted; each bucket is (from, to) inclusive.
AGE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "0-30": (0, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91-": (91, None),
}

# The sort keys a page may ask for ("-key" for descending), and the columns they sort on.
SORTS: dict[str, tuple[Any, ...]] = {
    "reference": ("reference",),
    "firm": (Lower("firm__legal_name_en"),),
    "licence_type": ("licence_type__name",),
    "status": ("status",),
    "officer": ("assigned_officer__first_name", "assigned_officer__last_name", "assigned_officer__email"),
    "submitted": ("submitted_at",),
    "clock": ("clock_elapsed",),
}
DEFAULT_SORT = "submitted"  # oldest first: the longest-waiting case is at the top


def queues_visible_to(*, user: User) -> list[Queue]:
    """Every regulator sees the shared queues; "mine" is a case officer's, "awaiting my decision" a senior officer's."""
    visible = [Queue.UNASSIGNED]
    if user.has_regulator_role(RegulatorRole.CASE_OFFICER):
        visible.append(Queue.MINE)
    if user.has_regulator_role(RegulatorRole.SENIOR_OFFICER):
        visible.append(Queue.AWAITING_DECISION)
    visible += [Queue.WAITING_ON_FIRM, Queue.OVERDUE]
    return visible


def queue_default_for(*, user: User) -> Queue:
    """The queue a regulator lands on: their own work first, then the decisions they owe, else the unassigned."""
    visible = queues_visible_to(user=user)
    for queue in (Queue.MINE, Queue.AWAITING_DECISION):
        if queue in visible:
            return queue
    return Queue.UNASSIGNED


def with_clock(queryset: QuerySet[LicenceApplication], *, now: datetime) -> QuerySet[LicenceApplication]:
    """Annotates `clock_elapsed`: the time on the pledge clock at `now` (None until accepted).

    The same arithmetic as reviews.selectors.clock.pledge_clock, done by the database so that the
    overdue queue can be filtered, counted, sorted and paged without reading every case: the time
    since acceptance less the time each request for information was open (one correlated Sum).
    For open cases pledge_clock's clipping is not needed: a request is only made while a case is
    under review (so after acceptance), and a response is never in the future. Decided cases are
    never in a queue, so the end of the clock is always `now`.
    """
    open_for = ExpressionWrapper(
        Coalesce(F("responded_at"), Value(now)) - F("created_at"), output_field=DurationField()
    )
    paused = (
        InformationRequest.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum(open_for))
        .values("total")
    )
    return queryset.annotate(
        clock_paused=Coalesce(Subquery(paused, output_field=DurationField()), Value(timedelta(0))),
        clock_elapsed=ExpressionWrapper(
            Value(now) - F("accepted_at") - F("clock_paused"), output_field=DurationField()
        ),
    )


def _overdue_threshold() -> timedelta:
    # pledge_clock counts whole days: overdue once days_elapsed > pledge days, i.e. a full extra day has begun.
    return timedelta(days=settings.LICENSING_PLEDGE_DAYS + 1)


def _queue_filter(queue: Queue, *, user: User) -> Q:
    """The condition for one queue; the overdue one needs `with_clock` annotations."""
    if queue == Queue.UNASSIGNED:
        return Q(status__in=UNASSIGNED_STATUSES, assigned_officer__isnull=True)
    if queue == Queue.MINE:
        return Q(status__in=OPEN_STATUSES, assigned_officer=user)
    if queue == Queue.AWAITING_DECISION:
        # applications.rules.is_checker: a senior officer who made no recommendation on the case.
        recommended = Recommendation.objects.filter(application=OuterRef("pk"), made_by=user)
        return Q(~Exists(recommended), status=S.PENDING_DECISION)
    if queue == Queue.WAITING_ON_FIRM:
        return Q(status=S.INFORMATION_REQUESTED)
    return Q(status__in=IN_REVIEW_STATUSES, clock_elapsed__gte=_overdue_threshold())


@dataclass(frozen=True)
class QueueFilters:
    licence_type: LicenceType | None = None
    status: str = ""
    officer: User | None = None
    unassigned_only: bool = False
    age: str = ""


def queue_applications(
    *,
    user: User,
    queue: Queue,
    filters: QueueFilters | None = None,
    sort: str = DEFAULT_SORT,
    now: datetime | None = None,
) -> QuerySet[LicenceApplication]:
    """The cases of one queue as `user` sees it, filtered and sorted, with firm, type and officer selected.

    Each case carries `clock_elapsed` (a timedelta, or None before acceptance). The caller decides
    whether the user may see the queue (queues_visible_to).
    """
    now = now or timezone.now()
    cases = with_clock(
        LicenceApplication.objects.select_related("firm", "licence_type", "assigned_officer"), now=now
    ).filter(_queue_filter(queue, user=user))
    cases = _filtered(cases, filters or QueueFilters(), now=now)
    descending = sort.startswith("-")
    columns = SORTS.get(sort.removeprefix("-"), SORTS[DEFAULT_SORT])
    ordering = [_ordered(column, descending=descending) for column in columns]
    return cases.order_by(*ordering, "-pk" if descending else "pk")


def _ordered(column: Any, *, descending: bool) -> Any:
    expression = F(column) if isinstance(column, str) else column
    # Empty values (no officer, clock not started) go last either way.
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


def _filtered(
    cases: QuerySet[LicenceApplication], filters: QueueFilters, *, now: datetime
) -> QuerySet[LicenceApplication]:
    if filters.licence_type is not None:
        cases = cases.filter(licence_type=filters.licence_type)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.unassigned_only:
        cases = cases.filter(assigned_officer__isnull=True)
    elif filters.officer is not None:
        cases = cases.filter(assigned_officer=filters.officer)
    if filters.age in AGE_BUCKETS:
        youngest, oldest = AGE_BUCKETS[filters.age]
        # N whole days old: submitted at least N days and less than N + 1 days ago.
        cases = cases.filter(submitted_at__lte=now - timedelta(days=youngest))
        if oldest is not None:
            cases = cases.filter(submitted_at__gt=now - timedelta(days=oldest + 1))
    return cases


def queue_counts(*, user: User, now: datetime | None = None) -> dict[Queue, int]:
    """How many cases each visible queue holds, unfiltered: one aggregate query (plus the roles, once)."""
    now = now or timezone.now()
    visible = queues_visible_to(user=user)
    # Each case is flagged 0/1 per queue, then the flags are summed: aggregating a filter that holds
    # a correlated subquery directly would be wrapped by Django in a subquery that loses its outer row.
    flagged = with_clock(LicenceApplication.objects.order_by(), now=now).annotate(
        **{
            f"in_{queue.name}": Case(
                When(_queue_filter(queue, user=user), then=Value(1)), default=Value(0), output_field=IntegerField()
            )
            for queue in visible
        }
    )
    totals = flagged.aggregate(**{queue.name: Sum(f"in_{queue.name}") for queue in visible})
    return {queue: totals[queue.name] or 0 for queue in visible}


def licence_types_for_filters() -> list[LicenceType]:
    """Every licence type, inactive ones too: cases filed under them may still be open."""
    return list(LicenceType.objects.order_by("name"))


def officer_workloads() -> list[User]:
    """Active case officers with `open_cases` annotated, least loaded first, ties by name: one query."""
    officers = active_case_officers().annotate(
        open_cases=Count(
            "assigned_applications",
            filter=Q(assigned_applications__status__in=OPEN_STATUSES),
            distinct=True,
        )
    )
    return list(officers.order_by("open_cases", "first_name", "last_name", "email"))


def assignment_suggestion(*, officers: Sequence[User] | None = None) -> User | None:
    """The active case officer with the fewest open cases, ties by name; None when there is none."""
    loads = officer_workloads() if officers is None else officers
    return min(loads, key=_load_then_name, default=None)


def _load_then_name(officer: User) -> tuple[int, str, str, str]:
    return (officer.open_cases, officer.first_name, officer.last_name, officer.email)  # type: ignore[attr-defined]


def assignment_plan(
    *, applications: Iterable[LicenceApplication], officers: Sequence[User] | None = None
) -> dict[int, User | None]:
    """A suggested officer for each application, balancing open cases as the cases are handed out.

    Pure arithmetic over officer_workloads(): each case goes to the least-loaded officer (ties by
    name), whose load then grows by one. A case being taken from an officer no longer counts for them.
    """
    loads = {officer.pk: officer for officer in (officer_workloads() if officers is None else officers)}
    counts = {pk: officer.open_cases for pk, officer in loads.items()}  # type: ignore[attr-defined]
    plan: dict[int, User | None] = {}
    for application in applications:
        current = application.assigned_officer_id
        if current in counts and application.status in OPEN_STATUSES:
            counts[current] -= 1
        if not loads:
            plan[application.pk] = None
            continue
        chosen = min(loads.values(), key=lambda o: (counts[o.pk], o.first_name, o.last_name, o.email))
        counts[chosen.pk] += 1
        plan[application.pk] = chosen
    return plan
