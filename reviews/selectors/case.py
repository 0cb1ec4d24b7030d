"""Everything the case page reads, in a fixed number of queries however long the case's history.

`case_page` runs about a dozen queries whatever the number of people, documents, findings, requests,
recommendations, notes or audit events: related rows come by select_related, prefetches, or one
query per list, never one query per row. tests/reviews/test_case_page.py holds it to that.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from applications.models import Document, DocumentFinding, Licence, LicenceApplication, Person
from applications.selectors import documents_current, people_with_roles
from audit.actions import label_of
from audit.models import AuditEvent
from reviews.models import (
    ChecklistArea,
    ChecklistItem,
    Decision,
    InformationRequest,
    InformationRequestItem,
    InternalNote,
    Recommendation,
)
from reviews.selectors.clock import PledgeClock, pledge_clock
from screening.models import ScreeningHit
from screening.selectors import screening_hits_for_application


def case_queryset() -> QuerySet[LicenceApplication]:
    """Applications with what the overview and the pledge clock read, requests and recommendations prefetched."""
    return LicenceApplication.objects.select_related("firm", "licence_type", "assigned_officer").prefetch_related(
        Prefetch(
            "information_requests",
            queryset=InformationRequest.objects.select_related("requested_by", "responded_by").prefetch_related(
                Prefetch(
                    "items",
                    queryset=InformationRequestItem.objects.select_related("answered_by").prefetch_related("documents"),
                )
            ),
        ),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related("made_by", "decision__decided_by"),
        ),
    )


def case_get(*, reference: str) -> LicenceApplication | None:
    return case_queryset().filter(reference=reference).first()


@dataclass(frozen=True)
class PersonHits:
    person: Person
    hits: list[ScreeningHit]


@dataclass
class CasePage:
    application: LicenceApplication
    clock: PledgeClock | None
    firm_hits: list[ScreeningHit]
    people: list[PersonHits]
    documents: list[Document]
    checklist: list[ChecklistItem]
    information_requests: list[InformationRequest]
    recommendations: list[Recommendation]
    notes: list[InternalNote]
    timeline: list["TimelineEntry"]
    hits: list[ScreeningHit] = field(default_factory=list)

    @property
    def pending_recommendation(self) -> Recommendation | None:
        """The recommendation waiting for the senior officer's decision, if any."""
        return next((rec for rec in self.recommendations if _decision_of(rec) is None), None)

    @property
    def decisions(self) -> list[Decision]:
        return [decision for rec in self.recommendations if (decision := _decision_of(rec)) is not None]


def _decision_of(recommendation: Recommendation) -> Decision | None:
    try:
        return recommendation.decision
    except Decision.DoesNotExist:
        return None


def case_page(*, application: LicenceApplication) -> CasePage:
    """The page's data for an application from case_queryset(). For regulator staff: findings and notes
    include what is internal (document_findings_for: regulators see every finding)."""
    hits = list(screening_hits_for_application(application=application).select_related("adjudicated_by"))
    hits_by_person: dict[int, list[ScreeningHit]] = defaultdict(list)
    for hit in hits:
        hit.application = application  # the rules read the assigned officer from here; no query per hit
        if hit.person_id is not None:
            hits_by_person[hit.person_id].append(hit)
    people = [
        PersonHits(person=person, hits=hits_by_person.get(person.pk, []))
        for person in people_with_roles(firm_id=application.firm_id)
    ]
    documents = list(
        documents_current(application=application)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("findings", queryset=DocumentFinding.objects.order_by("pk")))
    )
    notes = list(InternalNote.objects.filter(application=application).select_related("author"))
    return CasePage(
        application=application,
        clock=pledge_clock(application=application),
        firm_hits=[hit for hit in hits if hit.firm_id is not None],
        people=people,
        documents=documents,
        checklist=case_checklist(application=application),
        information_requests=list(application.information_requests.all()),
        recommendations=list(application.recommendations.all()),
        notes=notes,
        timeline=[TimelineEntry.of(event) for event in case_timeline(application=application)],
        hits=hits,
    )


def case_checklist(*, application: LicenceApplication) -> list[ChecklistItem]:
    """One item per area in ChecklistArea order; areas not yet looked at are unsaved 'not started' items."""
    saved = {item.area: item for item in application.checklist_items.select_related("updated_by")}
    return [saved.get(area) or ChecklistItem(application=application, area=area) for area in ChecklistArea.values]


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The primary keys as text, for a subquery against AuditEvent.object_id."""
    return queryset.annotate(object_key=Cast("pk", CharField())).values("object_key")


def _timeline_sources(application: LicenceApplication) -> Iterable[tuple[str, QuerySet[Any]]]:
    """Every kind of object whose audit events belong on the case's timeline, and those of this case."""
    yield "applications.document", Document.objects.filter(application=application)
    yield "applications.licence", Licence.objects.filter(application=application)
    yield "reviews.informationrequest", InformationRequest.objects.filter(application=application)
    yield "reviews.informationrequestitem", InformationRequestItem.objects.filter(request__application=application)
    yield "reviews.checklistitem", ChecklistItem.objects.filter(application=application)
    yield "reviews.internalnote", InternalNote.objects.filter(application=application)
    yield "screening.screeninghit", ScreeningHit.objects.filter(application=application)


def case_timeline(*, application: LicenceApplication) -> QuerySet[AuditEvent]:
    """Every audit event about the application or anything of it, newest first, in one query."""
    condition = Q(object_type=application._meta.label_lower, object_id=str(application.pk))
    for object_type, related in _timeline_sources(application):
        condition |= Q(object_type=object_type, object_id__in=_ids(related))
    return AuditEvent.objects.filter(condition).order_by("-sequence")


DETAIL_KEYS = ("reason", "note", "text", "outcome", "area", "status")


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    label: Any
    change: str
    detail: str

    @classmethod
    def of(cls, event: AuditEvent) -> "TimelineEntry":
        before, after, payload = event.before or {}, event.after or {}, event.payload or {}
        changed = [key for key in after if before.get(key) != after.get(key) and key in ("status", "outcome")]
        change = "; ".join(f"{before.get(key) or '-'} \u2192 {after[key]}" for key in changed)
        detail = next((str(payload[key]) for key in DETAIL_KEYS if payload.get(key)), "")
        return cls(event=event, label=label_of(event.action), change=change, detail=detail)
