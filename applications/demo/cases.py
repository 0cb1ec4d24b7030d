"""Plays a scenario path in memory: the application, its side records and the steps of its trail.

Nothing here touches the database: thousands of cases are built first and inserted in bulk.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L
from applications.demo import content
from applications.demo.firms import FirmSeed
from applications.demo.records import CaseSeed, Configuration
from applications.demo.scenarios import AppPlan
from applications.demo.specimen import StoredFile
from applications.demo.staff import Staff
from applications.demo.steps import LICENCE_STEPS, StepsMixin
from applications.models import LicenceApplication

# Days between one step and the one before it: (shortest, longest).
GAP_DAYS: dict[str, tuple[float, float]] = {
    "create": (0, 0),
    "upload": (2, 20),
    "sign": (1, 7),
    "submit": (0.1, 2),
    "assign": (1, 7),
    "accept": (2, 14),
    "return": (3, 15),
    "request_information": (10, 40),
    "answer": (3, 14),
    "respond": (0.2, 3),
    "recommend": (15, 60),
    "recommend_final_grant": (30, 120),
    "send_back": (3, 14),
    "decide": (4, 21),
    "withdraw": (5, 40),
    "suspend": (30, 200),
    "reinstate": (20, 90),
    "revoke": (20, 120),
    "surrender": (60, 250),
}
# How long ago the last step happened: cases still in a queue moved recently; decided ones longer ago.
RECENT_DAYS: dict[str, tuple[float, float]] = {
    S.DRAFT: (0.1, 20),
    S.SUBMITTED: (0.1, 10),
    S.UNDER_REVIEW: (0.5, 30),
    S.INFORMATION_REQUESTED: (0.5, 40),
    S.PENDING_DECISION: (0.5, 20),
}
DECIDED_DAYS = (3, 120)
# A case followed by another one (a copy, a second licence) ended this long ago, to leave room.
FOLLOWED_DAYS = (150, 300)


class CaseBuilder(StepsMixin):
    """Builds one application by playing its plan's path, every step in the past."""

    def __init__(
        self,
        *,
        seed: FirmSeed,
        plan: AppPlan,
        number: int,
        configuration: Configuration,
        staff: Staff,
        specimen: StoredFile,
        copied_from: LicenceApplication | None,
    ) -> None:
        self.seed, self.plan, self.rng = seed, plan, seed.rng
        self.staff, self.specimen, self.copied_from = staff, specimen, copied_from
        self.licence_type = configuration.licence_types[plan.licence_type_code]
        self.required = configuration.required[plan.licence_type_code]
        # Cases are spread over the officers and managers, so every queue has work in it.
        self.officer = staff.case_officers[(seed.index + number) % len(staff.case_officers)]
        self.manager = staff.licensing_managers[seed.index % len(staff.licensing_managers)]
        self.status, self.licence_status, self.decisions_made = "", str(L.ACTIVE), 0
        summary, products, markets = content.business_plan(plan.licence_type_code, seed.firm.legal_name_en, seed.index)
        application = LicenceApplication(
            reference="",  # numbered in bulk once every case is built, in the order they were created
            firm=seed.firm,
            licence_type=self.licence_type,
            status=plan.status,
            copied_from=copied_from,
            business_plan_summary=summary,
            products_and_services=products,
            target_markets=markets,
            created_by=seed.admin,
        )
        self.case = CaseSeed(firm=seed, plan=plan, application=application)

    def build(self, *, start: datetime | None, now: datetime) -> CaseSeed:
        """Play the path; `start` is when the firm began this case (None: let the path decide)."""
        tokens = list(self.plan.path)
        if self.plan.status == S.APPROVED:
            tokens += self.plan.licence_fate[0]
        times = self._timeline(tokens, start, now)
        for token, at in zip(tokens, times, strict=True):
            name, _, argument = token.partition(":")
            handler: Callable[[datetime, str], None] = getattr(self, f"_{name}")
            handler(at, argument)
        # A licence's later life is not a change to its application.
        last = max(at for token, at in zip(tokens, times, strict=True) if token not in LICENCE_STEPS)
        self.case.last_application_step = self.case.application.updated_at = last
        # The application was constructed in its planned status (FSMField is protected), so
        # the path played must lead exactly there; anything else is a bug in scenarios.py.
        if self.status != self.plan.status or (self.case.licence and self.licence_status != self.plan.licence_fate[1]):
            raise AssertionError(f"Path {self.plan.path} does not lead to {self.plan.status}")
        return self.case

    def _timeline(self, tokens: list[str], start: datetime | None, now: datetime) -> list[datetime]:
        gaps = [timedelta(days=self.rng.uniform(*GAP_DAYS[token.partition(":")[0]])) for token in tokens]
        end = now - timedelta(days=self.rng.uniform(*RECENT_DAYS.get(self.plan.status, DECIDED_DAYS)))
        span = sum(gaps, timedelta())
        if start is None:
            start = end - span
            if self.plan.follow_up:
                start -= timedelta(days=self.rng.uniform(*FOLLOWED_DAYS))
        elif start + span > end:
            # A follow-up case squeezes its steps between its predecessor and now.
            room = max(end - start, timedelta(hours=1))
            gaps = [gap * (room / span) for gap in gaps]
        times, at = [], start
        for gap in gaps:
            at += gap
            times.append(at)
        return times
