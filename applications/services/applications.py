from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from accounts.choices import RegulatorRole
from applications import choices
from applications.models import Document, Firm, LicenceApplication, LicenceType
from applications.services.references import next_application_reference
from audit.services import audit_record
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

EDITABLE_FIELDS = ("business_plan_summary", "products_and_services", "target_markets")


def _require(perm: str, actor: Any, obj: Any, message: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not rules.has_perm(perm, actor, obj):
        raise NotPermitted(message)


def _require_draft(application: LicenceApplication, doing: str) -> None:
    if application.status != choices.ApplicationStatus.DRAFT:
        raise InvalidTransition(
            f"Cannot {doing} application {application}: it is {application.get_status_display().lower()}, not a draft."
        )


def application_create(
    *, firm: Firm, licence_type: LicenceType, actor: Any, copied_from: LicenceApplication | None = None, **fields: Any
) -> LicenceApplication:
    """A new draft with its reference number. A firm has one open application per licence type."""
    _require("applications.create", actor, firm, f"Only a firm admin of {firm} may start an application.")
    if not licence_type.is_active:
        raise ValidationFailed(f"{licence_type} does not take new applications.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown fields", details=sorted(unknown))
    with transaction.atomic():
        Firm.objects.select_for_update().get(pk=firm.pk)  # one open application per type, even under races
        open_one = (
            LicenceApplication.objects.filter(firm=firm, licence_type=licence_type)
            .exclude(status__in=choices.TERMINAL_STATUSES)
            .first()
        )
        if open_one is not None:
            raise ValidationFailed(f"{firm} already has an open application for {licence_type}: {open_one.reference}.")
        application = LicenceApplication.objects.create(
            reference=next_application_reference(),
            firm=firm,
            licence_type=licence_type,
            created_by=actor,
            copied_from=copied_from,
            **fields,
        )
        audit_record(
            actor=actor,
            action="application.create",
            obj=application,
            after={"status": application.status, "licence_type": licence_type.code},
            payload={"copied_from": copied_from.reference} if copied_from else None,
        )
    return application


def application_copy(*, source: LicenceApplication, actor: Any) -> LicenceApplication:
    """A new draft from a returned application: its business plan and current documents carry over."""
    source = LicenceApplication.objects.get(pk=source.pk)
    if source.status != choices.ApplicationStatus.RETURNED:
        raise InvalidTransition(
            f"Only a returned application can be copied; {source} is {source.get_status_display().lower()}."
        )
    with transaction.atomic():
        copy = application_create(
            firm=source.firm,
            licence_type=source.licence_type,
            actor=actor,
            copied_from=source,
            **{field: getattr(source, field) for field in EDITABLE_FIELDS},
        )
        # The stored files are immutable, so the copy points at the same bytes.
        for document in source.documents.filter(is_current=True):
            Document.objects.create(
                application=copy,
                document_type_id=document.document_type_id,
                person_id=document.person_id,
                file=document.file.name,
                original_name=document.original_name,
                size=document.size,
                sha256=document.sha256,
                check_status=document.check_status,
                document_date=document.document_date,
                uploaded_by=actor,
            )
    return copy


def application_update(*, application: LicenceApplication, actor: Any, **fields: Any) -> LicenceApplication:
    """Edit a draft's business plan. A signed declaration no longer covers changed content, so it is cleared."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown fields", details=sorted(unknown))
    with transaction.atomic():
        application = lock(application)
        _require("applications.edit_draft", actor, application, f"You may not edit application {application}.")
        _require_draft(application, "edit")
        before = {field: getattr(application, field) for field in fields}
        changed = {field: value for field, value in fields.items() if before[field] != value}
        if not changed:
            return application
        for field, value in changed.items():
            setattr(application, field, value)
        update_fields = [*changed, "updated_at"]
        if application.declaration_signed_at is not None:
            application.declaration_signed_at = None
            application.declaration_signed_by = None
            application.declaration_signatory_name = ""
            update_fields += ["declaration_signed_at", "declaration_signed_by", "declaration_signatory_name"]
        application.save(update_fields=update_fields)
        audit_record(
            actor=actor,
            action="application.update",
            obj=application,
            before={field: before[field] for field in changed},
            after=changed,
        )
    return application


def application_sign_declaration(
    *, application: LicenceApplication, actor: Any, signatory_name: str
) -> LicenceApplication:
    signatory_name = (signatory_name or "").strip()
    if not signatory_name:
        raise ValidationFailed("The declaration needs the full name of the person signing it.")
    with transaction.atomic():
        application = lock(application)
        _require("applications.sign_declaration", actor, application, "Only a firm admin may sign the declaration.")
        _require_draft(application, "sign the declaration of")
        application.declaration_signed_by = actor
        application.declaration_signatory_name = signatory_name
        application.declaration_signed_at = timezone.now()
        application.save(
            update_fields=["declaration_signed_by", "declaration_signatory_name", "declaration_signed_at", "updated_at"]
        )
        audit_record(
            actor=actor, action="application.sign_declaration", obj=application, payload={"signatory": signatory_name}
        )
    return application


def application_assign(*, application: LicenceApplication, actor: Any, officer: Any) -> LicenceApplication:
    """A licensing manager gives a case to a case officer (or takes it back with officer=None)."""
    if officer is not None and not (officer.is_active and officer.has_regulator_role(RegulatorRole.CASE_OFFICER)):
        raise ValidationFailed(f"{officer} is not an active case officer.")
    with transaction.atomic():
        application = lock(application)
        _require("applications.assign", actor, application, "Only a licensing manager may assign cases.")
        if application.is_terminal or application.status == choices.ApplicationStatus.DRAFT:
            raise InvalidTransition(
                f"Cannot assign application {application}: it is {application.get_status_display().lower()}."
            )
        before = application.assigned_officer_id
        application.assigned_officer = officer
        application.save(update_fields=["assigned_officer", "updated_at"])
        audit_record(
            actor=actor,
            action="application.assign",
            obj=application,
            before={"assigned_officer": before},
            after={"assigned_officer": officer.pk if officer else None},
        )
    return application
