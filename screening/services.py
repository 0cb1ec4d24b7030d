"""Every write of name screening: loading lists, screening an application's names, adjudicating hits."""

from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.choices import TERMINAL_STATUSES
from applications.choices import ApplicationStatus as S
from applications.models import Firm, LicenceApplication, Person
from audit import actions
from audit.services import audit_record
from screening import matching
from screening.choices import ADJUDICATED_STATUSES, ListSource
from screening.loaders import ListedEntry, detect_source, read_entries
from screening.models import SanctionsEntry, SanctionsNameKey, ScreeningHit
from screening.selectors import screening_candidates, screening_open_applications_of_firm
from vasp_licensing.errors import InvalidTransition, ValidationFailed
from vasp_licensing.transitions import fire

LOAD_BATCH_SIZE = 500
ENTRY_FIELDS = ("kind", "name", "aliases", "birth_dates", "countries", "programme", "reference", "listed_on")


@dataclass
class ListLoadResult:
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sanctions_list_load(*, path: Path, source: ListSource | None = None) -> ListLoadResult:
    """Upsert every entry of a list file by (source, source id); loading the same file twice changes nothing.

    All or nothing: a file that fails half way leaves the entries as they were. Entries missing
    from the file are kept (hits refer to them); a delisting is for an officer to judge.
    """
    source = source or detect_source(path)
    result = ListLoadResult(source=source)
    with transaction.atomic():
        batch: OrderedDict[str, ListedEntry] = OrderedDict()
        for listed in read_entries(path, source):
            if listed is None:
                result.skipped += 1
                continue
            result.read += 1
            batch[listed.source_id] = listed  # a repeated id in one batch: the last one wins
            if len(batch) >= LOAD_BATCH_SIZE:
                _store_batch(source, list(batch.values()), result)
                batch.clear()
        if batch:
            _store_batch(source, list(batch.values()), result)
        audit_record(actor=None, action=actions.SCREENING_LIST_LOAD, payload={"file": path.name, **result.as_dict()})
    return result


def _store_batch(source: str, batch: list[ListedEntry], result: ListLoadResult) -> None:
    ids = [listed.source_id for listed in batch]
    existing = set(SanctionsEntry.objects.filter(source=source, source_id__in=ids).values_list("source_id", flat=True))
    now = timezone.now()
    entries = [
        SanctionsEntry(
            source=source,
            source_id=listed.source_id,
            match_names=[matching.normalise_tokens(name) for name in [listed.name, *listed.aliases]],
            loaded_at=now,
            **{name: getattr(listed, name) for name in ENTRY_FIELDS},
        )
        for listed in batch
    ]
    SanctionsEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[*ENTRY_FIELDS, "match_names", "loaded_at"],
    )
    pks = dict(SanctionsEntry.objects.filter(source=source, source_id__in=ids).values_list("source_id", "pk"))
    SanctionsNameKey.objects.filter(entry_id__in=pks.values()).delete()
    SanctionsNameKey.objects.bulk_create(
        SanctionsNameKey(entry_id=pks[entry.source_id], key=key)
        for entry in entries
        for key in sorted(set().union(*(matching.blocking_keys(tokens) for tokens in entry.match_names)))
    )
    result.created += len(set(ids) - existing)
    result.updated += len(existing)


@dataclass
class Match:
    entry: SanctionsEntry
    score: int
    screened_name: str
    matched_name: str


def screening_matches(*, names: list[str]) -> list[Match]:
    """Listed entries resembling any of `names` at or above the threshold, best first, one per entry."""
    limit = matching.threshold()
    best: dict[int, Match] = {}
    for name in names:
        tokens = matching.normalise_tokens(name)
        if not tokens:
            continue
        for entry in screening_candidates(keys=matching.blocking_keys(tokens)):
            found = matching.best_match(tokens, entry.match_names)
            if found is None or found[0] < limit:
                continue
            score, index = found
            if entry.pk not in best or score > best[entry.pk].score:
                best[entry.pk] = Match(entry, score, name, [entry.name, *entry.aliases][index])
    return sorted(best.values(), key=lambda match: (-match.score, match.entry.pk))


@dataclass
class Subject:
    firm: Firm | None = None
    person: Person | None = None
    names: list[str] = field(default_factory=list)


def _subjects(application: LicenceApplication, person_id: int | None) -> list[Subject]:
    firm = application.firm
    people = firm.people.order_by("pk")
    if person_id is not None:
        people = people.filter(pk=person_id)
    subjects = [] if person_id is not None else [Subject(firm=firm, names=[firm.legal_name_en, firm.legal_name_zh])]
    subjects += [Subject(person=person, names=[person.full_name_en, person.full_name_zh]) for person in people]
    for subject in subjects:
        subject.names = [name for name in subject.names if name and name.strip()]
    return subjects


@dataclass
class ScreeningResult:
    application: str
    screened: bool = True
    subjects: int = 0
    names: int = 0
    hits_new: int = 0
    hits_existing: int = 0
    hits_open: int = 0
    threshold: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record_hit(application: LicenceApplication, subject: Subject, match: Match) -> bool:
    """Create the hit, or refresh the score of the one already there; its adjudication is kept. True if new."""
    hit, created = ScreeningHit.objects.get_or_create(
        application=application,
        firm=subject.firm,
        person=subject.person,
        entry=match.entry,
        defaults={"screened_name": match.screened_name, "matched_name": match.matched_name, "score": match.score},
    )
    if not created:
        hit.screened_name, hit.matched_name, hit.score = match.screened_name, match.matched_name, match.score
        hit.last_screened_at = timezone.now()
        hit.save(update_fields=["screened_name", "matched_name", "score", "last_screened_at"])
    return created


def _screen(*, application_id: int, person_id: int | None = None) -> ScreeningResult:
    with transaction.atomic():
        # The row lock serialises a run with another run (a task delivered twice) and with adjudications.
        application = LicenceApplication.objects.select_for_update().select_related("firm").get(pk=application_id)
        result = ScreeningResult(application=application.reference, threshold=matching.threshold())
        if application.status == S.DRAFT or application.status in TERMINAL_STATUSES:
            result.screened = False  # not submitted yet, or over: nothing to screen for
            return result
        for subject in _subjects(application, person_id):
            result.subjects += 1
            result.names += len(subject.names)
            for match in screening_matches(names=subject.names):
                if _record_hit(application, subject, match):
                    result.hits_new += 1
                else:
                    result.hits_existing += 1
        result.hits_open = application.screening_hits.open().count()
        audit_record(
            actor=None, action=actions.SCREENING_RUN, obj=application, payload={**result.as_dict(), "person": person_id}
        )
    return result


def screening_run(*, application_id: int) -> ScreeningResult:
    """Screen the firm (English and Chinese legal names) and every person (both names) of an application.

    Idempotent: running it again adds only new hits and keeps every adjudication. A draft or an
    application at an end is not screened (result.screened is False, nothing is written).
    """
    return _screen(application_id=application_id)


def screening_run_for_person(*, person_id: int) -> list[ScreeningResult]:
    """Screen one person, added or renamed, for every submitted, not yet ended application of their firm."""
    person = Person.objects.get(pk=person_id)
    return [
        _screen(application_id=application_id, person_id=person.pk)
        for application_id in screening_open_applications_of_firm(firm_id=person.firm_id).values_list("pk", flat=True)
    ]


def screening_adjudicate(*, hit: ScreeningHit, actor: User, status: str, note: str) -> ScreeningHit:
    """The assigned case officer marks a hit a true or a false match, with a note saying why. Audited.

    A hit may be adjudicated again (say, on new evidence) until the application reaches an end.
    """
    if status not in ADJUDICATED_STATUSES:
        raise ValidationFailed(
            _("%(status)s is not an adjudication; choose true_match or false_match.") % {"status": repr(status)}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("A note saying why is required to adjudicate a screening hit."))
    with transaction.atomic():
        # The application first: a screening run holds the same lock while it refreshes hits.
        application = LicenceApplication.objects.select_for_update().get(pk=hit.application_id)

        def check(locked: ScreeningHit) -> None:
            if application.status in TERMINAL_STATUSES:
                raise InvalidTransition(
                    _("Application %(application)s is %(status)s.")
                    % {"application": application, "status": application.get_status_display().lower()}
                )

        def effects(locked: ScreeningHit) -> dict[str, Any]:
            locked.application = application
            return {
                "application": application.reference,
                "entry": f"{locked.entry.source}:{locked.entry.source_id}",
                "score": locked.score,
                "note": note,
            }

        return fire(
            obj=hit,
            transition="adjudicate",
            actor=actor,
            action=actions.SCREENING_ADJUDICATE,
            reason=None,
            check=check,
            explain_refusal=lambda _hit, _actor: (
                _("Only the case officer assigned to %(application)s adjudicates its screening hits.")
                % {"application": application}
            ),
            effects=effects,
            status=status,
            note=note,
            at=timezone.now(),
        )
