"""Every figure of the dashboards, each in a fixed number of queries whatever the number of rows.

A figure carries its numbers once, as table rows; the chart, the table on the page and the CSV
export are all drawn from those rows, so they can never disagree. Counting and grouping happen in
the database. Two figures read a bounded list instead: the ageing figure reuses pledge_clock (the one
definition of the paused clock) on the open cases, and the median needs the durations of the accounts
opened, since SQLite has no median aggregate.
"""

import itertools
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegulatorRole
from accounts.models import User
from applications.choices import OPEN_STATUSES, DecisionOutcome, LicenceStatus
from applications.choices import ApplicationStatus as S
from applications.models import Firm, LicenceApplication
from banking.choices import ReferralStatus
from banking.models import Referral
from reviews.charts import Bar, number
from reviews.models import Decision
from reviews.selectors.clock import pledge_clock
from screening.choices import HitStatus
from screening.models import ScreeningHit

Cell = int | float | str | None

DECIDING_OUTCOMES = tuple(DecisionOutcome.values)  # a "send back" is not a decision on the application
MONTHS_SHOWN = 12
AGEING_BANDS = 5
OPEN_HIT_AGE_BANDS = ((0, 6), (7, 29), (30, None))


@dataclass(frozen=True)
class Figure:
    """One dashboard figure: its table (headers and rows), the bars of its chart, and how to read it."""

    slug: str
    title: str
    description: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    bars: tuple[Bar, ...]
    kind: str = "bar"  # or "funnel"
    note: str = ""


# Application funnel and current states


def _application_funnel(now: datetime) -> Figure:
    decided = Decision.objects.filter(application=OuterRef("pk"), outcome__in=DECIDING_OUTCOMES)
    counts = LicenceApplication.objects.annotate(has_decision=Exists(decided)).aggregate(
        started=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        decided=Count("pk", filter=Q(has_decision=True)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
    )
    stages = [
        (_("Started"), counts["started"]),
        (_("Submitted"), counts["submitted"]),
        (_("Accepted for review"), counts["accepted"]),
        (_("Decided"), counts["decided"]),
        (_("Approved (licensed)"), counts["approved"]),
    ]
    first = counts["started"]
    return Figure(
        slug="funnel",
        title=_("Applications: how far they got"),
        description=_(
            "How many applications reached each stage, out of every application started: "
            "submitted, accepted for review, decided (approved, approved in principle or refused), approved."
        ),
        headers=(_("Stage reached"), _("Applications"), _("Share of those started (%)")),
        rows=tuple((label, value, round(100 * value / first) if first else None) for label, value in stages),
        bars=tuple(Bar(label, value) for label, value in stages),
        kind="funnel",
        note=_("An application counts at every stage it has reached, whatever its state now."),
    )


def _application_states(now: datetime) -> Figure:
    by_status = dict(LicenceApplication.objects.values_list("status").annotate(count=Count("pk")).order_by())
    rows = tuple((str(label), by_status.get(value, 0)) for value, label in S.choices)
    return Figure(
        slug="states",
        title=_("Applications by state"),
        description=_("How many applications are in each state now, in the order of the workflow."),
        headers=(_("State"), _("Applications")),
        rows=rows,
        bars=tuple(Bar(str(label), int(count or 0)) for label, count in rows),
    )


# Ageing against the pledge


def _ageing_bands(pledge_days: int) -> list[tuple[int, int | None]]:
    """Equal bands up to the pledge day (the last one takes the remainder), then one band past it.

    A case is past the pledge once its clock shows more than the pledge days, as in the overdue queue.
    """
    width = pledge_days // AGEING_BANDS or 1
    starts = list(range(0, pledge_days + 1, width))[:AGEING_BANDS]
    bands: list[tuple[int, int | None]] = [(start, end - 1) for start, end in itertools.pairwise(starts)]
    return [*bands, (starts[-1], pledge_days), (pledge_days + 1, None)]


def _application_ageing(now: datetime) -> Figure:
    pledge_days = settings.LICENSING_PLEDGE_DAYS
    cases = (
        LicenceApplication.objects.in_review()
        .filter(accepted_at__isnull=False)
        .only("pk", "status", "accepted_at", "decided_at")
        .prefetch_related("information_requests")
    )
    elapsed = [clock.days_elapsed for case in cases if (clock := pledge_clock(application=case, now=now))]
    bands = _ageing_bands(pledge_days)
    rows: list[tuple[Cell, ...]] = []
    bars: list[Bar] = []
    for start, end in bands:
        count = sum(1 for days in elapsed if days >= start and (end is None or days <= end))
        if end is None:
            label, flag = _("%(days)s days or more") % {"days": start}, _("past the pledge")
        else:
            label, flag = _("%(start)s to %(end)s days") % {"start": start, "end": end}, ""
        rows.append((label, count, _("Yes") if flag else _("No")))
        bars.append(Bar(label, count, flag))
    return Figure(
        slug="ageing",
        title=_("Ageing against the pledge"),
        description=_(
            "Cases under review, waiting on the applicant or awaiting a decision, by days on the pledge clock "
            "(%(days)s days from acceptance, paused while information is requested)."
        )
        % {"days": pledge_days},
        headers=(_("Days on the clock"), _("Cases"), _("Past the pledge")),
        rows=tuple(rows),
        bars=tuple(bars),
        note=_(
            "A case is past the pledge once its clock shows more than %(days)s days, as in the overdue queue. "
            "That bar is hatched and marked in words."
        )
        % {"days": pledge_days},
    )


# Decisions per month


def _month_starts(now: datetime, count: int) -> list[datetime]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _index in range(count):
        starts.append(local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def _decisions_per_month(now: datetime) -> Figure:
    months = _month_starts(now, MONTHS_SHOWN)
    counted = (
        Decision.objects.filter(outcome__in=DECIDING_OUTCOMES, created_at__gte=months[0])
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "outcome")
        .annotate(count=Count("pk"))
        .order_by()
    )
    table: dict[tuple[int, int], dict[str, int]] = {}
    for month, outcome, count in counted:
        local = timezone.localtime(month) if timezone.is_aware(month) else month
        table.setdefault((local.year, local.month), {})[outcome] = count
    rows: list[tuple[Cell, ...]] = []
    for start in months:
        outcomes = table.get((start.year, start.month), {})
        values = [outcomes.get(outcome, 0) for outcome in DECIDING_OUTCOMES]
        rows.append((start.strftime("%Y-%m"), *values, sum(values)))
    return Figure(
        slug="decisions",
        title=_("Decisions per month"),
        description=_("Decisions by senior officers in each of the last %(months)s months; send-backs not counted.")
        % {"months": MONTHS_SHOWN},
        headers=(_("Month"), *(str(label) for label in DecisionOutcome.labels), _("Total")),
        rows=tuple(rows),
        bars=tuple(Bar(str(row[0]), int(row[-1] or 0)) for row in rows),
    )


# Officer workload


def _officer_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _officer_workload(now: datetime) -> Figure:
    officers = {
        pk: _officer_name(first, last, email)
        for pk, first, last, email in User.objects.filter(
            groups__name=RegulatorRole.CASE_OFFICER, is_active=True
        ).values_list("pk", "first_name", "last_name", "email")
    }
    counted = (
        LicenceApplication.objects.open()
        .filter(assigned_officer__isnull=False)
        .values_list(
            "assigned_officer", "assigned_officer__first_name", "assigned_officer__last_name", "assigned_officer__email"
        )
        .annotate(**{status: Count("pk", filter=Q(status=status)) for status in OPEN_STATUSES}, total=Count("pk"))
        .order_by()
    )
    per_officer: dict[int, list[int]] = {pk: [0] * (len(OPEN_STATUSES) + 1) for pk in officers}
    for pk, first, last, email, *numbers in counted:
        # Someone who lost the case officer role may still hold cases: they are shown too.
        officers.setdefault(pk, _officer_name(first, last, email))
        per_officer[pk] = list(numbers)
    ordered = sorted(per_officer, key=lambda pk: (-per_officer[pk][-1], officers[pk].lower()))
    rows: tuple[tuple[Cell, ...], ...] = tuple((officers[pk], *per_officer[pk]) for pk in ordered)
    return Figure(
        slug="workload",
        title=_("Officer workload"),
        description=_("Open cases assigned to each case officer, most loaded first."),
        headers=(_("Officer"), *(str(S(status).label) for status in OPEN_STATUSES), _("Total")),
        rows=rows,
        bars=tuple(Bar(officers[pk], per_officer[pk][-1]) for pk in ordered),
        note=_("Unassigned cases are not in this figure; they wait in the unassigned queue."),
    )


# Screening hits open


def _screening_hits(now: datetime) -> Figure:
    age_filters = {}
    for index, (low, high) in enumerate(OPEN_HIT_AGE_BANDS):
        window = Q(status=HitStatus.OPEN, created_at__lte=now - timedelta(days=low))
        if high is not None:
            window &= Q(created_at__gt=now - timedelta(days=high + 1))
        age_filters[f"band{index}"] = Count("pk", filter=window)
    counts = ScreeningHit.objects.aggregate(
        **age_filters,
        open=Count("pk", filter=Q(status=HitStatus.OPEN)),
        cases=Count("application", filter=Q(status=HitStatus.OPEN), distinct=True),
    )
    rows: list[tuple[Cell, ...]] = []
    for index, (low, high) in enumerate(OPEN_HIT_AGE_BANDS):
        if high is None:
            label = _("Open %(days)s days or more") % {"days": low}
        else:
            label = _("Open %(low)s to %(high)s days") % {"low": low, "high": high}
        rows.append((label, counts[f"band{index}"]))
    return Figure(
        slug="screening",
        title=_("Screening hits open"),
        description=_(
            "Name-screening hits no officer has adjudicated yet, by how long they have been open: "
            "%(hits)s open hits on %(cases)s applications."
        )
        % {"hits": counts["open"], "cases": counts["cases"]},
        headers=(_("Open for"), _("Hits")),
        rows=(*rows, (_("All open hits"), counts["open"]), (_("Applications with open hits"), counts["cases"])),
        bars=tuple(Bar(str(label), int(count or 0)) for label, count in rows),
        note=_("An open hit blocks the decision on its application until an officer marks it true or false."),
    )


# Banking access of licensed firms


def _eligible_firm_ids() -> "QuerySet[Firm, Any]":
    """Firms that may ask for referrals: an active licence, or an approval in principle."""
    eligible = Q(licences__status=LicenceStatus.ACTIVE) | Q(applications__status=S.APPROVED_IN_PRINCIPLE)
    return Firm.objects.filter(eligible).values("pk")


def _banking_access(now: datetime) -> Figure:
    referred = Exists(Referral.objects.filter(firm=OuterRef("pk")))
    opened = Exists(Referral.objects.filter(firm=OuterRef("pk"), status=ReferralStatus.ACCOUNT_OPENED))
    firms = Firm.objects.filter(pk__in=_eligible_firm_ids()).aggregate(
        firms=Count("pk"), referred=Count("pk", filter=Q(referred)), opened=Count("pk", filter=Q(opened))
    )
    durations = (
        Referral.objects.filter(
            status=ReferralStatus.ACCOUNT_OPENED, status_changed_at__isnull=False, firm__in=_eligible_firm_ids()
        )
        .annotate(took=ExpressionWrapper(F("status_changed_at") - F("created_at"), output_field=DurationField()))
        .values_list("took", flat=True)
    )
    days = [took.total_seconds() / 86400 for took in durations]
    median = round(statistics.median(days), 1) if days else None
    stages = [
        (_("Licensed or approved in principle"), firms["firms"]),
        (_("Referred to a bank"), firms["referred"]),
        (_("With an account opened"), firms["opened"]),
    ]
    first = firms["firms"]
    rows: list[tuple[Cell, ...]] = [
        (label, value, round(100 * value / first) if first else None) for label, value in stages
    ]
    rows.append((_("Median days to account (over %(n)s accounts)") % {"n": len(days)}, median, None))
    return Figure(
        slug="banking",
        title=_("Banking access of licensed firms"),
        description=_(
            "Firms holding an active licence or an approval in principle, how many were referred to a partner bank, "
            "how many have an account; median days to an account: %(median)s."
        )
        % {"median": _("none yet") if median is None else number(median)},
        headers=(_("Firms"), _("Number"), _("Share of eligible firms (%)")),
        rows=tuple(rows),
        bars=tuple(Bar(label, value) for label, value in stages),
        kind="funnel",
        note=_(
            "Days to account run from the day the firm's referral was created to the day the bank reported the "
            "account opened, for every account opened by the firms counted above (a firm with accounts at two banks "
            "counts twice); "
            "the median is the middle value, so one slow bank does not skew it."
        ),
    )


FIGURES: dict[str, Callable[[datetime], Figure]] = {
    "funnel": _application_funnel,
    "states": _application_states,
    "ageing": _application_ageing,
    "decisions": _decisions_per_month,
    "workload": _officer_workload,
    "screening": _screening_hits,
    "banking": _banking_access,
}


def dashboard_figures(*, now: datetime | None = None) -> list[Figure]:
    """Every figure, in page order; about ten queries in all, whatever the number of cases."""
    now = now or timezone.now()
    return [build(now) for build in FIGURES.values()]


def dashboard_figure(*, slug: str, now: datetime | None = None) -> Figure | None:
    """One figure (for its CSV export), or None for an unknown slug."""
    build = FIGURES.get(slug)
    return build(now or timezone.now()) if build else None
