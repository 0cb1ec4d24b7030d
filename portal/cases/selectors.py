"""What the firm may read about its case: the firm's timeline, its requests for information, what it
submitted, and its licence.

The workspace's timeline (reviews.selectors.case.case_timeline) shows every audit event of a case,
internal notes, checklist work, screening and recommendations included. The firm's timeline is built
from the same trail through an explicit allow-list: an action without a firm label in audit.actions never
reaches the firm, and of each allowed event only the details its firm_keys name are shown (never the
payload as such).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import CharField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FirmMembership
from applications.choices import ApplicationStatus, DecisionOutcome
from applications.models import (
    ApplicationSnapshot,
    Document,
    DocumentType,
    Licence,
    LicenceApplication,
    LicenceCondition,
)
from audit.actions import action_for, registered
from audit.models import AuditEvent
from reviews.models import Decision, InformationRequest, InformationRequestItem
from reviews.selectors.pending import information_request_unanswered

Payload = dict[str, Any]


@dataclass(frozen=True)
class FirmTimelineEntry:
    occurred_at: datetime
    label: Any
    who: str
    detail: str


def _text_ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.annotate(object_key=Cast("pk", CharField())).values("object_key")


def firm_action_codes() -> list[str]:
    """The only actions the firm's timeline shows: those audit.actions gives a firm label."""
    return [action.code for action in registered() if action.firm_sees]


def firm_timeline_events(*, application: LicenceApplication) -> QuerySet[AuditEvent]:
    """The allowed audit events of the application, its request items and its licence, newest first."""
    about = (
        Q(object_type=application._meta.label_lower, object_id=str(application.pk))
        | Q(
            object_type=InformationRequestItem._meta.label_lower,
            object_id__in=_text_ids(InformationRequestItem.objects.filter(request__application=application)),
        )
        | Q(
            object_type=Licence._meta.label_lower,
            object_id__in=_text_ids(Licence.objects.filter(application=application)),
        )
    )
    return AuditEvent.objects.filter(about, action__in=firm_action_codes()).order_by("-sequence")


def _named_actors(events: list[AuditEvent], *, application: LicenceApplication) -> set[int]:
    """The events' actors the firm may see by name: the current members of the application's firm.

    Anyone else is "the regulator", whatever their groups say now: an officer whose groups were removed
    (or who left) is not a firm member and must stay anonymous. A former member of the firm shows as the
    regulator too; naming the wrong side by mistake would be worse than not naming the right one.
    """
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    members = FirmMembership.objects.filter(firm_id=application.firm_id, user_id__in=actor_ids)
    return set(members.values_list("user_id", flat=True))


def firm_timeline(*, application: LicenceApplication) -> list[FirmTimelineEntry]:
    """The firm's view of its case: its own current members are named; anyone else is "the regulator"."""
    events = list(firm_timeline_events(application=application))
    named = _named_actors(events, application=application)
    entries = []
    for event in events:
        action = action_for(event.action)
        assert action is not None and action.firm_sees  # firm_timeline_events filtered on firm_action_codes()
        facts = action.firm_facts(
            payload=event.payload, before=event.before, after=event.after, object_label=event.object_label
        )
        who = event.actor_label if event.actor_id in named else _("The regulator")
        entries.append(
            FirmTimelineEntry(
                occurred_at=event.occurred_at, label=action.firm_label, who=who, detail=action.firm_text(facts)
            )
        )
    return entries


@dataclass(frozen=True)
class RequestView:
    """A request for information as the firm sees it."""

    request: InformationRequest
    items: list[InformationRequestItem]

    @property
    def is_open(self) -> bool:
        return self.request.is_open

    @property
    def is_overdue(self) -> bool:
        return self.request.is_open and self.request.due_date < timezone.localdate()

    @property
    def unanswered(self) -> int:
        return sum(1 for item in self.items if not item.answer)


def firm_information_requests(*, application: LicenceApplication) -> list[RequestView]:
    """The application's requests for information, newest first, with items and their attached documents."""
    requests = InformationRequest.objects.filter(application=application).prefetch_related(
        Prefetch(
            "items",
            queryset=InformationRequestItem.objects.select_related("answered_by").prefetch_related(
                Prefetch("documents", queryset=Document.objects.select_related("document_type").order_by("pk"))
            ),
        )
    )
    return [RequestView(request=request, items=list(request.items.all())) for request in requests]


def firm_information_item(*, application: LicenceApplication, item_id: int) -> InformationRequestItem | None:
    """One request item of this application (None for another application's item, whoever owns it)."""
    return (
        InformationRequestItem.objects.filter(pk=item_id, request__application=application)
        .select_related("request__application", "answered_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.select_related("document_type")))
        .first()
    )


def attachable_document_types() -> QuerySet[DocumentType]:
    """Types a firm may file with an answer: the active ones filed for the firm (not per person)."""
    return DocumentType.objects.filter(is_active=True, per_person=False).order_by("name")


def document_type_guess(*, question: str, types: list[DocumentType]) -> DocumentType | None:
    """A sensible default for a question: the type whose name's first word (its stem) the question mentions.

    "Provide the insurer's letter" suggests Insurance arrangements. Only a default; the firm chooses.
    """
    text = question.lower()
    for document_type in types:
        first_word = document_type.name.split()[0].lower() if document_type.name.split() else ""
        if len(first_word) >= 5 and first_word[:5] in text:
            return document_type
    return None


@dataclass(frozen=True)
class SubmittedDocument:
    pk: int
    type_name: str
    original_name: str
    version: int


@dataclass(frozen=True)
class Submission:
    submitted_at: datetime | None
    sha256: str
    people: int
    documents: list[SubmittedDocument]


def firm_submission(*, application: LicenceApplication) -> Submission | None:
    """What was submitted, from the frozen snapshot: the documents with their versions."""
    snapshot = ApplicationSnapshot.objects.filter(application=application).first()
    if snapshot is None:
        return None
    names = {document_type.code: document_type.label for document_type in DocumentType.objects.all()}
    documents = [
        SubmittedDocument(
            pk=entry["id"],
            type_name=names.get(entry["document_type"], entry["document_type"]),
            original_name=entry["original_name"],
            version=entry["version"],
        )
        for entry in snapshot.data.get("documents", [])
    ]
    documents.sort(key=lambda document: (document.type_name, document.original_name))
    return Submission(
        submitted_at=application.submitted_at,
        sha256=snapshot.sha256,
        people=len(snapshot.data.get("people", [])),
        documents=documents,
    )


def conditions_in_principle(*, application: LicenceApplication) -> list[str]:
    """The conditions of the approval in principle, when the application is approved in principle."""
    if application.status != ApplicationStatus.APPROVED_IN_PRINCIPLE:
        return []
    decision = (
        Decision.objects.filter(application=application, outcome=DecisionOutcome.APPROVE_IN_PRINCIPLE)
        .order_by("-created_at", "-pk")
        .first()
    )
    return list(decision.conditions) if decision else []


def open_request_due(*, application: LicenceApplication) -> date | None:
    request = information_request_unanswered(application=application)
    return request.due_date if request else None


@dataclass(frozen=True)
class LicencePage:
    licence: Licence
    in_force: list[LicenceCondition]
    lifted: list[LicenceCondition]


def firm_licence_page(*, licence: Licence) -> LicencePage:
    conditions = list(licence.conditions.order_by("imposed_at", "pk"))
    return LicencePage(
        licence=licence,
        in_force=[condition for condition in conditions if condition.lifted_at is None],
        lifted=[condition for condition in conditions if condition.lifted_at is not None],
    )


def licence_of(*, application: LicenceApplication) -> Licence | None:
    return Licence.objects.filter(application=application).first()
