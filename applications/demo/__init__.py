"""Demo data for `manage.py seed_demo`: regulator staff, firms, applications in every state, and
partner banks with referrals in every state (banking.demo).

Idempotent: demo rows are recognised by stable keys (firm registration numbers DEMO-00001...,
users @demo.regulator.example and @firmNNNNN.demo.example), so a second run adds only the firms
that are missing. Every seeded state is explained by the audit trail and django-fsm-log, written
in bulk with the same content the services would have written.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import reset_queries, transaction
from django.utils import timezone

from accounts.models import User
from applications.demo.cases import CaseBuilder
from applications.demo.content import registration_number
from applications.demo.firms import FirmSeed, build_firm
from applications.demo.persist import persist_cases, persist_firms
from applications.demo.records import CaseSeed, Configuration
from applications.demo.scenarios import application_plans
from applications.demo.specimen import StoredFile, store_specimen
from applications.demo.staff import Staff, ensure_staff
from applications.demo.trail import write_trail
from applications.models import Firm
from banking.demo import seed_banks

DEFAULT_FIRMS = 85  # the 80+ international firms the city expects
CHUNK_FIRMS = 1000


@dataclass
class SeedResult:
    staff: Staff
    firms_total: int
    created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_created(self) -> int:
        return sum(self.created.values())


def seed_demo(*, firms: int = DEFAULT_FIRMS, password: str) -> SeedResult:
    """Create what is missing of the demo data for firms 1..`firms`, all in one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        staff = ensure_staff(password=password)
        configuration = Configuration.load()
        if not configuration.codes:
            raise ValueError("No active licence type: the demo needs at least one to apply for.")
        specimen = store_specimen()
        demo_firms = Firm.objects.filter(registration_number__startswith="DEMO-")
        existing = set(demo_firms.values_list("registration_number", flat=True))
        indexes = [index for index in range(1, firms + 1) if registration_number(index) not in existing]
        created: Counter[str] = Counter()
        # In chunks, so memory stays flat however many firms are seeded. Reference numbers and
        # audit events are in date order within a chunk; the default 85 firms are one chunk.
        for first in range(0, len(indexes), CHUNK_FIRMS):
            chunk = indexes[first : first + CHUNK_FIRMS]
            seeds, cases = _build(chunk, staff=staff, configuration=configuration, specimen=specimen)
            created.update(persist_firms(seeds) | persist_cases(cases))
            created.update(write_trail(step for case in cases for step in case.steps))
            reset_queries()  # with DEBUG on, Django keeps every bulk INSERT's SQL: hundreds of MB by 10,000 firms
        # Partner banks and referrals come last: only licensed firms are referred to banks.
        created.update(seed_banks(firms=demo_firms))
        total = demo_firms.count()
    return SeedResult(staff=staff, firms_total=total, created=dict(created), seconds=time.perf_counter() - started)


def _build(
    indexes: list[int], *, staff: Staff, configuration: Configuration, specimen: StoredFile
) -> tuple[list[FirmSeed], list[CaseSeed]]:
    now = timezone.now()
    seeds = [build_firm(index, password_hash=staff.password_hash) for index in indexes]
    _reuse_existing_users(seeds)
    cases = []
    for seed in seeds:
        firm_cases: list[CaseSeed] = []
        start: datetime | None = None
        for number, plan in enumerate(application_plans(seed.index, configuration.codes)):
            copied_from = firm_cases[plan.copy_of].application if plan.copy_of is not None else None
            builder = CaseBuilder(
                seed=seed,
                plan=plan,
                number=number,
                configuration=configuration,
                staff=staff,
                specimen=specimen,
                copied_from=copied_from,
            )
            case = builder.build(start=start, now=now)
            assert case.last_application_step is not None
            # The firm's next application starts after this one came to its end (or its decision).
            start = case.last_application_step + timedelta(days=seed.rng.uniform(2, 20))
            firm_cases.append(case)
        _date_firm(seed, firm_cases[0].application.created_at - timedelta(days=seed.rng.uniform(3, 30)))
        cases += firm_cases
    return seeds, cases


def _date_firm(seed: FirmSeed, joined: datetime) -> None:
    """The firm, its people and users came before its first application."""
    seed.firm.created_at = seed.firm.updated_at = joined
    for person in seed.people:
        person.created_at = joined
    for membership in seed.memberships:
        membership.created_at = joined
    for user in seed.users:
        user.date_joined = joined


def _reuse_existing_users(seeds: list[FirmSeed]) -> None:
    """A firm deleted by hand leaves its users behind; a new run links them again instead of failing."""
    emails = {user.email for seed in seeds for user in seed.users}
    existing = set(User.objects.filter(email__endswith=".demo.example").values_list("email", flat=True)) & emails
    if not existing:
        return
    found = {user.email: user for user in User.objects.filter(email__in=existing)}
    for seed in seeds:
        seed.admin = found.get(seed.admin.email, seed.admin)
        seed.preparer = found.get(seed.preparer.email, seed.preparer)
        for membership in seed.memberships:
            membership.user = found.get(membership.user.email, membership.user)
