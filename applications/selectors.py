import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import rules
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.rules import is_regulator
from accounts.signed_in import AnyUser
from applications import choices
from applications.models import (
    Document,
    DocumentFinding,
    Firm,
    Licence,
    LicenceApplication,
    LicenceCondition,
    Person,
    PersonRole,
)


def documents_current(*, application: LicenceApplication) -> QuerySet[Document]:
    return application.documents.filter(is_current=True).select_related("document_type", "person")


def document_findings_for(*, document: Document, user: AnyUser) -> QuerySet[DocumentFinding]:
    """What `user` may see of a document's check findings.

    Regulator staff see every finding; the firm sees only those not marked internal (a duplicate of
    another firm's file is the officer's red flag, not the firm's business); anyone else sees none.
    """
    findings = document.findings.order_by("pk")
    if is_regulator(user):
        return findings
    if rules.has_perm("applications.view", user, document.application):
        return findings.filter(internal=False)
    return findings.none()


def people_with_roles(*, firm_id: int) -> QuerySet[Person]:
    return Person.objects.filter(firm_id=firm_id).prefetch_related(
        Prefetch("roles", queryset=PersonRole.objects.order_by("role"))
    )


@dataclass(frozen=True)
class SectionProgress:
    """One section of a draft: what is still missing in it, in the request's language (empty: complete)."""

    key: str  # firm, people, business_plan, documents, declaration
    title: str
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


# Labels of the fields a draft needs, translatable (the models' verbose names are not).
_FIRM_REQUIRED = {
    "legal_name_en": gettext_lazy("legal name (English)"),
    "registration_number": gettext_lazy("company registration number"),
    "jurisdiction": gettext_lazy("jurisdiction"),
    "registered_address": gettext_lazy("registered address"),
}
_BUSINESS_PLAN_REQUIRED = {
    "business_plan_summary": gettext_lazy("business plan summary"),
    "products_and_services": gettext_lazy("products and services"),
    "target_markets": gettext_lazy("target markets"),
}
# How each section names itself in the flat list that application_submit refuses with.
_FLAT_PREFIXES = {
    "firm": gettext_lazy("Firm"),
    "people": gettext_lazy("People"),
    "business_plan": gettext_lazy("Business plan"),
    "documents": gettext_lazy("Document"),
    "declaration": gettext_lazy("Declaration"),
}


def application_progress(*, application: LicenceApplication) -> list[SectionProgress]:
    """The five sections of a draft in the order the firm fills them, each with exactly what is missing."""
    firm = application.firm
    people = list(people_with_roles(firm_id=firm.pk))
    return [
        SectionProgress("firm", _("Firm"), _firm_gaps(firm)),
        SectionProgress("people", _("People"), _people_gaps(people)),
        SectionProgress("business_plan", _("Business plan"), _business_plan_gaps(application)),
        SectionProgress("documents", _("Documents"), _document_gaps(application=application, people=people)),
        SectionProgress("declaration", _("Declaration"), _declaration_gaps(application)),
    ]


def application_missing_items(*, application: LicenceApplication) -> list[str]:
    """Everything that stops this application from being submitted, in words a firm can act on:
    application_progress flattened, each item prefixed with its section ("People: ...")."""
    return [
        _("%(section)s: %(item)s") % {"section": _FLAT_PREFIXES[section.key], "item": item}
        for section in application_progress(application=application)
        for item in section.missing
    ]


def _empty(labels: dict[str, Any], obj: models.Model) -> list[str]:
    return [
        _("%(field)s is empty") % {"field": label} for field, label in labels.items() if not getattr(obj, field).strip()
    ]


def _firm_gaps(firm: Firm) -> list[str]:
    return _empty(_FIRM_REQUIRED, firm)


def _people_gaps(people: list[Person]) -> list[str]:
    gaps: list[str] = []
    role_counts = dict.fromkeys(choices.PersonRoleKind, 0)
    for person in people:
        for person_role in person.roles.all():
            role_counts[choices.PersonRoleKind(person_role.role)] += 1
    officers = role_counts[choices.PersonRoleKind.RESPONSIBLE_OFFICER]
    if officers < choices.MIN_RESPONSIBLE_OFFICERS:
        gaps.append(
            _("at least %(needed)s responsible officers needed, %(named)s named")
            % {"needed": choices.MIN_RESPONSIBLE_OFFICERS, "named": officers}
        )
    if role_counts[choices.PersonRoleKind.DIRECTOR] == 0:
        gaps.append(_("at least one director needed"))
    return gaps


def _business_plan_gaps(application: LicenceApplication) -> list[str]:
    return _empty(_BUSINESS_PLAN_REQUIRED, application)


def _declaration_gaps(application: LicenceApplication) -> list[str]:
    if application.declaration_signed_at is None:
        return [_("not signed by a firm admin")]
    return []


def _document_gaps(*, application: LicenceApplication, people: list[Person]) -> list[str]:
    gaps: list[str] = []
    current = list(documents_current(application=application))
    required = application.licence_type.required_documents.select_related("document_type")
    for requirement in required:
        document_type = requirement.document_type
        owners: list[Person | None] = list(people) if document_type.per_person else [None]
        for owner in owners:
            filed = [
                doc
                for doc in current
                if doc.document_type_id == document_type.pk and (owner is None or doc.person_id == owner.pk)
            ]
            # "Business plan", or "Identity document for Chan Tai Man": the name reads the same in every message.
            name = (
                _("%(document)s for %(person)s") % {"document": document_type.label, "person": owner}
                if owner is not None
                else document_type.label
            )
            statuses = {doc.check_status for doc in filed}
            if not filed:
                gaps.append(_("%(document)s not uploaded") % {"document": name})
            elif choices.DocumentCheckStatus.FAILED in statuses:
                gaps.append(_("%(document)s failed its checks; upload a new version") % {"document": name})
            elif choices.DocumentCheckStatus.PENDING in statuses:
                gaps.append(_("%(document)s checks still running; try again in a minute") % {"document": name})
    return gaps


SNAPSHOT_FIRM_FIELDS = (
    "legal_name_en",
    "legal_name_zh",
    "registration_number",
    "jurisdiction",
    "registered_address",
    "lei",
    "website",
)


def snapshot_data(
    *,
    application: LicenceApplication,
    firm: Firm,
    people: Iterable[tuple[Person, Iterable[PersonRole]]],
    documents: Iterable[Document],
) -> dict[str, Any]:
    """The snapshot's shape, from objects already loaded (people in name order, each with its roles)."""
    signed_at = application.declaration_signed_at
    return {
        "reference": application.reference,
        "licence_type": application.licence_type.code,
        "firm": {field: getattr(firm, field) for field in SNAPSHOT_FIRM_FIELDS},
        "people": [
            {
                "id": person.pk,
                "full_name_en": person.full_name_en,
                "full_name_zh": person.full_name_zh,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "nationality": person.nationality,
                "identity_document_number": person.identity_document_number,
                "roles": [
                    {"role": role.role, "percentage": str(role.percentage) if role.percentage is not None else None}
                    for role in sorted(roles, key=lambda role: role.role)
                ],
            }
            for person, roles in people
        ],
        "business_plan": {
            "summary": application.business_plan_summary,
            "products_and_services": application.products_and_services,
            "target_markets": application.target_markets,
        },
        "declaration": {
            "signatory_name": application.declaration_signatory_name,
            "signatory_role": application.declaration_signatory_role,
            "signed_by": application.declaration_signed_by_id,
            "signed_at": signed_at.isoformat() if signed_at else None,
        },
        "documents": [
            {
                "id": doc.pk,
                "document_type": doc.document_type.code,
                "person_id": doc.person_id,
                "original_name": doc.original_name,
                "version": doc.version,
                "size": doc.size,
                "sha256": doc.sha256,
            }
            for doc in sorted(documents, key=lambda doc: doc.pk)
        ],
    }


def snapshot_sha256(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a snapshot."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def application_snapshot_data(*, application: LicenceApplication) -> dict[str, Any]:
    """The data and document hashes as submitted, in plain JSON types."""
    return snapshot_data(
        application=application,
        firm=application.firm,
        people=[(person, person.roles.all()) for person in people_with_roles(firm_id=application.firm_id)],
        documents=documents_current(application=application),
    )


def applications_for_firm(*, firm_id: int) -> QuerySet[LicenceApplication]:
    return LicenceApplication.objects.filter(firm_id=firm_id).select_related("licence_type")


def conditions_in_force(lookup: str = "conditions") -> Prefetch:
    """Prefetch a licence's conditions not lifted, as `conditions_in_force`; lookup reaches the licence's."""
    return Prefetch(lookup, queryset=LicenceCondition.objects.in_force(), to_attr="conditions_in_force")


def licences_with_conditions() -> QuerySet[Licence]:
    """Licences with their firm, type and the conditions in force (as conditions_in_force), in three queries."""
    return Licence.objects.select_related("firm", "licence_type").prefetch_related(conditions_in_force())


def register_licence(*, number: str) -> Licence | None:
    """One licence of the public register (the page and the bank's verification), with its conditions in force."""
    return licences_with_conditions().filter(number=number).first()


def register_licences(
    *, status: str | None = None, licence_type: str | None = None, search: str = ""
) -> QuerySet[Licence]:
    """The public register: every licence ever granted, with its status and conditions."""
    licences = licences_with_conditions()
    if status:
        licences = licences.filter(status=status)
    if licence_type:
        licences = licences.filter(licence_type__code=licence_type)
    return register_search(licences, search)


def register_search(licences: QuerySet[Licence], text: str) -> QuerySet[Licence]:
    """Licence number, firm name (English or Chinese) or exact registration number."""
    text = text.strip()
    if not text:
        return licences
    return licences.filter(Q(number__icontains=text) | _firm_named(text))


def _firm_named(text: str) -> Q:
    """The register's firm search: either legal name, or the exact registration number."""
    return (
        Q(firm__legal_name_en__icontains=text)
        | Q(firm__legal_name_zh__icontains=text)
        | Q(firm__registration_number__iexact=text)
    )


def transitions_open(
    *, obj: models.Model, user: AnyUser, names: Sequence[str], field_name: str = "status"
) -> list[str]:
    """The transitions among `names` that `user` may fire on obj in its current state, in that order.

    django-fsm's has_transition and has_transition_perm, which ask the rules tables: the admin's
    workflow pages and the regulator workspace offer exactly these. The services check again under a lock.
    """
    state = getattr(obj, field_name)
    open_ones = []
    for name in names:
        meta = getattr(type(obj), name)._django_fsm
        if meta.has_transition(state) and meta.has_transition_perm(obj, state, user):
            open_ones.append(name)
    return open_ones


def application_transition_names() -> list[str]:
    """The name of every transition of the licence application, sorted."""
    field = LicenceApplication._meta.get_field("status")
    return sorted({transition.name for transition in field.get_all_transitions(LicenceApplication)})


def application_transitions_open(*, application: LicenceApplication, user: AnyUser) -> list[str]:
    """What `user` may do to the application now."""
    return transitions_open(obj=application, user=user, names=application_transition_names())


# --- The public register page (portal/register) ------------------------------------------------

REGISTER_CLOSED_STATUSES = (
    choices.ApplicationStatus.RETURNED,
    choices.ApplicationStatus.REFUSED,
    choices.ApplicationStatus.WITHDRAWN,
)


def register_closed_applications(
    *, outcome: str | None = None, search: str = "", licence_type: str | None = None
) -> QuerySet[LicenceApplication]:
    """Applications returned, refused or withdrawn, newest first, each with `closed_at` (when it ended).

    Regulators publish the fact, not their reasoning: callers show firm, type, outcome and date only.
    Only applications that were submitted: a draft withdrawn before submission was never filed, so it is
    the firm's private business and stays off the register.
    One query, whatever the number of rows (the date comes from the transition log in a subquery).
    """
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django_fsm_log.models import StateLog

    statuses = [outcome] if outcome in REGISTER_CLOSED_STATUSES else list(REGISTER_CLOSED_STATUSES)
    ended = StateLog.objects.filter(
        content_type__app_label="applications",
        content_type__model="licenceapplication",
        object_id=OuterRef("pk"),
        state=OuterRef("status"),
    ).order_by("-timestamp")
    applications = (
        LicenceApplication.objects.filter(status__in=statuses, submitted_at__isnull=False)
        .select_related("firm", "licence_type")
        .annotate(closed_at=Coalesce(Subquery(ended.values("timestamp")[:1]), "decided_at", "updated_at"))
        .order_by("-closed_at", "-pk")
    )
    if licence_type:
        applications = applications.filter(licence_type__code=licence_type)
    text = search.strip()
    if text:
        applications = applications.filter(Q(reference__icontains=text) | _firm_named(text))
    return applications


def licence_status_history(*, licence: Licence) -> list[Any]:
    """The licence's status changes (django-fsm-log), oldest first: when, from what, to what."""
    from django_fsm_log.models import StateLog

    return list(
        StateLog.objects.filter(
            content_type__app_label="applications", content_type__model="licence", object_id=licence.pk
        ).order_by("timestamp", "pk")
    )
