"""Inserts built firms and cases in bulk, in the order their foreign keys need.

bulk_create gives the primary keys back (PostgreSQL, and SQLite 3.35+), so later rows can point
at earlier ones without a query per row.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from accounts.models import FirmMembership, User
from applications.demo.firms import FirmSeed
from applications.demo.records import CaseSeed
from applications.models import (
    ApplicationSnapshot,
    Document,
    Firm,
    Licence,
    LicenceApplication,
    LicenceCondition,
    Person,
    PersonRole,
    ReferenceSequence,
)
from applications.selectors import snapshot_data, snapshot_sha256
from reviews.models import Decision, InformationRequest, InformationRequestItem, Recommendation

BATCH_SIZE = 1000
T = TypeVar("T")


def insert(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    rows = list(objects)
    model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def persist_firms(seeds: list[FirmSeed]) -> dict[str, int]:
    return {
        "users": insert(User, (user for seed in seeds for user in seed.users if user.pk is None)),
        "firms": insert(Firm, (seed.firm for seed in seeds)),
        "memberships": insert(FirmMembership, (m for seed in seeds for m in seed.memberships)),
        "people": insert(Person, (person for seed in seeds for person in seed.people)),
        "person roles": insert(PersonRole, (role for seed in seeds for role in seed.roles)),
    }


def persist_cases(cases: list[CaseSeed]) -> dict[str, int]:
    applications = [case.application for case in cases]
    # The series next_application_reference draws from.
    references = numbers_in_series(applications, series=lambda _: ("application", "VASP"), when=_created, width=5)
    for application, reference in zip(applications, references, strict=True):
        application.reference = reference
    # A copy points at the application it was copied from, so the originals go in first.
    insert(LicenceApplication, (app for app in applications if app.copied_from is None))
    insert(LicenceApplication, (app for app in applications if app.copied_from is not None))
    counts = {"applications": len(applications), "documents": insert(Document, _all(cases, "documents"))}
    snapshots = [case.snapshot for case in cases if case.snapshot is not None]
    for case in cases:
        if case.snapshot is not None:
            case.snapshot.data, case.snapshot.sha256 = _snapshot(case)
    counts["snapshots"] = insert(ApplicationSnapshot, snapshots)
    counts["information requests"] = insert(InformationRequest, _all(cases, "requests"))
    counts["information request items"] = insert(InformationRequestItem, _all(cases, "items"))
    counts["recommendations"] = insert(Recommendation, _all(cases, "recommendations"))
    counts["decisions"] = insert(Decision, _all(cases, "decisions"))
    licences = [case.licence for case in cases if case.licence is not None]
    # The series next_licence_number draws from: one per prefix.
    numbers = numbers_in_series(licences, series=_licence_series, when=lambda licence: licence.granted_at, width=4)
    for licence, number in zip(licences, numbers, strict=True):
        licence.number = number
    counts["licences"] = insert(Licence, licences)
    counts["licence conditions"] = insert(LicenceCondition, _all(cases, "conditions"))
    return counts


def _created(application: LicenceApplication) -> datetime:
    return application.created_at


def _licence_series(licence: Licence) -> tuple[str, str]:
    prefix = licence.licence_type.licence_number_prefix
    return f"licence-{prefix}", prefix


def _all(cases: list[CaseSeed], attribute: str) -> Iterator[models.Model]:
    for case in cases:
        yield from getattr(case, attribute)


def numbers_in_series(
    objects: Sequence[T], *, series: Callable[[T], tuple[str, str]], when: Callable[[T], datetime], width: int
) -> list[str]:
    """A number for each object, e.g. VASP-2026-00042: in date order within each yearly series.

    `series` gives an object's sequence name and prefix. The block of numbers is reserved from
    ReferenceSequence, so the services (next_reference) continue after it.
    """
    by_series: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for position, obj in enumerate(objects):
        by_series[(*series(obj), timezone.localtime(when(obj)).year)].append(position)
    numbers = [""] * len(objects)
    for (name, prefix, year), positions in sorted(by_series.items()):
        first = _reserve(name, year, len(positions))
        for offset, position in enumerate(sorted(positions, key=lambda position: when(objects[position]))):
            numbers[position] = f"{prefix}-{year}-{first + offset:0{width}d}"
    return numbers


def _reserve(name: str, year: int, count: int) -> int:
    """The first of `count` numbers taken from the series under its row lock, as next_reference does."""
    ReferenceSequence.objects.get_or_create(name=name, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(name=name, year=year)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return first


def _snapshot(case: CaseSeed) -> tuple[dict[str, Any], str]:
    """What applications.selectors.application_snapshot_data reads back, built from memory; and its hash."""
    seed = case.firm
    people = sorted(seed.people, key=lambda person: person.full_name_en)
    data = snapshot_data(
        application=case.application,
        firm=seed.firm,
        people=[(person, [role for role in seed.roles if role.person is person]) for person in people],
        documents=case.documents,
    )
    return data, snapshot_sha256(data)
