import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import rules
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from accounts.rules import is_regulator
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


def document_findings_for(*, document: Document, user: Any) -> QuerySet[DocumentFinding]:
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


def _field_label(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    return str(getattr(field, "verbose_name", field_name))


def application_missing_items(*, application: LicenceApplication) -> list[str]:
    """Everything that stops this application from being submitted, in words a firm can act on."""
    missing: list[str] = []
    firm = application.firm
    for field in ("legal_name_en", "registration_number", "jurisdiction", "registered_address"):
        if not getattr(firm, field):
            missing.append(f"Firm: {_field_label(Firm, field)} is empty")

    people = list(people_with_roles(firm_id=firm.pk))
    role_counts = dict.fromkeys(choices.PersonRoleKind, 0)
    for person in people:
        for person_role in person.roles.all():
            role_counts[choices.PersonRoleKind(person_role.role)] += 1
    officers = role_counts[choices.PersonRoleKind.RESPONSIBLE_OFFICER]
    if officers < choices.MIN_RESPONSIBLE_OFFICERS:
        missing.append(
            f"People: at least {choices.MIN_RESPONSIBLE_OFFICERS} responsible officers needed, {officers} named"
        )
    if role_counts[choices.PersonRoleKind.DIRECTOR] == 0:
        missing.append("People: at least one director needed")

    for field in ("business_plan_summary", "products_and_services", "target_markets"):
        if not getattr(application, field).strip():
            missing.append(f"Business plan: {_field_label(LicenceApplication, field)} is empty")

    missing.extend(_document_gaps(application=application, people=people))

    if application.declaration_signed_at is None:
        missing.append("Declaration: not signed by a firm admin")
    return missing


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
            whose = f" for {owner}" if owner is not None else ""
            statuses = {doc.check_status for doc in filed}
            if not filed:
                gaps.append(f"Document: {document_type.name}{whose} not uploaded")
            elif choices.DocumentCheckStatus.FAILED in statuses:
                gaps.append(f"Document: {document_type.name}{whose} failed its checks; upload a new version")
            elif choices.DocumentCheckStatus.PENDING in statuses:
                gaps.append(f"Document: {document_type.name}{whose} checks still running; try again in a minute")
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


def licences_with_conditions() -> QuerySet[Licence]:
    """Licences with their firm, type and the conditions in force (as conditions_in_force), in three queries."""
    return Licence.objects.select_related("firm", "licence_type").prefetch_related(
        Prefetch(
            "conditions",
            queryset=LicenceCondition.objects.filter(lifted_at__isnull=True),
            to_attr="conditions_in_force",
        )
    )


def licence_for_verification(*, number: str) -> Licence | None:
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
    return licences.filter(
        Q(number__icontains=text)
        | Q(firm__legal_name_en__icontains=text)
        | Q(firm__legal_name_zh__icontains=text)
        | Q(firm__registration_number__iexact=text)
    )


def transitions_open(*, obj: models.Model, user: Any, names: Sequence[str], field_name: str = "status") -> list[str]:
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


def application_transitions_open(*, application: LicenceApplication, user: Any) -> list[str]:
    """What `user` may do to the application now."""
    return transitions_open(obj=application, user=user, names=application_transition_names())
