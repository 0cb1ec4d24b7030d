from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegulatorRole
from accounts.models import User
from applications import choices
from applications.models import Document, Firm, LicenceApplication, LicenceType
from applications.services.documents import document_checks_queue
from applications.services.references import next_application_reference
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

EDITABLE_FIELDS = ("business_plan_summary", "products_and_services", "target_markets")
COPYABLE_STATUSES = (choices.ApplicationStatus.RETURNED, choices.ApplicationStatus.REFUSED)


def _require(perm: str, actor: User, obj: Any, message: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not rules.has_perm(perm, actor, obj):
        raise NotPermitted(message)


def _require_draft(application: LicenceApplication) -> None:
    if application.status != choices.ApplicationStatus.DRAFT:
        raise InvalidTransition(
            _("Application %(reference)s is %(status)s, not a draft: it can no longer be changed.")
            % {"reference": application, "status": application.get_status_display().lower()}
        )


def application_create(
    *, firm: Firm, licence_type: LicenceType, actor: User, copied_from: LicenceApplication | None = None, **fields: Any
) -> LicenceApplication:
    """A new draft with its reference number. A firm has one open application per licence type."""
    _require(
        "applications.create",
        actor,
        firm,
        _("Only a firm admin of %(firm)s may start an application.") % {"firm": firm},
    )
    if not licence_type.is_active:
        raise ValidationFailed(_("%(licence_type)s does not take new applications.") % {"licence_type": licence_type})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields"), details=sorted(unknown))
    with transaction.atomic():
        Firm.objects.select_for_update().get(pk=firm.pk)  # one open application per type, even under races
        open_one = LicenceApplication.objects.not_ended().filter(firm=firm, licence_type=licence_type).first()
        if open_one is not None:
            raise ValidationFailed(
                _("%(firm)s already has an open application for %(licence_type)s: %(reference)s.")
                % {"firm": firm, "licence_type": licence_type, "reference": open_one.reference}
            )
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
            action=actions.APPLICATION_CREATE,
            obj=application,
            after={"status": application.status, "licence_type": licence_type.code},
            payload={"copied_from": copied_from.reference} if copied_from else None,
        )
    return application


def application_copy(*, source: LicenceApplication, actor: User) -> LicenceApplication:
    """A new draft from a returned or refused application: its business plan and current documents carry over.

    The declaration is not copied: the new draft is signed afresh. Only a firm admin (application_create).
    Each copied document keeps its uploader, is audited as document.copy and is checked again (pending until
    then): the checks and their rules may have changed since, and a date-bound document may have expired.
    """
    source = LicenceApplication.objects.get(pk=source.pk)
    if source.status not in COPYABLE_STATUSES:
        raise InvalidTransition(
            _("Only a returned or refused application can be copied; %(reference)s is %(status)s.")
            % {"reference": source, "status": source.get_status_display().lower()}
        )
    with transaction.atomic():
        copy = application_create(
            firm=source.firm,
            licence_type=source.licence_type,
            actor=actor,
            copied_from=source,
            **{field: getattr(source, field) for field in EDITABLE_FIELDS},
        )
        for document in source.documents.filter(is_current=True).select_related("document_type"):
            _document_copy(document=document, application=copy, actor=actor)
    return copy


def _document_copy(*, document: Document, application: LicenceApplication, actor: User) -> Document:
    """One current document of the source, filed in `application` (inside the caller's transaction)."""
    # The stored files are immutable, so the copy points at the same bytes.
    copied = Document.objects.create(
        application=application,
        document_type_id=document.document_type_id,
        person_id=document.person_id,
        file=document.file.name,
        original_name=document.original_name,
        size=document.size,
        sha256=document.sha256,
        check_status=choices.DocumentCheckStatus.PENDING,
        document_date=document.document_date,
        uploaded_by_id=document.uploaded_by_id,  # who filed it; the copier is the audit event's actor
    )
    audit_record(
        actor=actor,
        action=actions.DOCUMENT_COPY,
        obj=copied,
        payload={
            "application": application.reference,
            "copied_from": document.pk,
            "copied_from_application": document.application.reference,
            "document_type": document.document_type.code,
            "version": copied.version,
            "copied_from_version": document.version,
            "size": copied.size,
            "sha256": copied.sha256,
            "uploaded_by": copied.uploaded_by_id,
        },
    )
    # Queued when the copy commits, like an upload's checks.
    document_checks_queue(document_id=copied.pk)
    return copied


def application_update(*, application: LicenceApplication, actor: User, **fields: Any) -> LicenceApplication:
    """Edit a draft's business plan. A signed declaration no longer covers changed content, so it is cleared."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields"), details=sorted(unknown))
    with transaction.atomic():
        application = lock(application)
        _require(
            "applications.edit_draft",
            actor,
            application,
            _("You may not edit application %(reference)s.") % {"reference": application},
        )
        _require_draft(application)
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
            application.declaration_signatory_role = ""
            update_fields += [
                "declaration_signed_at",
                "declaration_signed_by",
                "declaration_signatory_name",
                "declaration_signatory_role",
            ]
        application.save(update_fields=update_fields)
        audit_record(
            actor=actor,
            action=actions.APPLICATION_UPDATE,
            obj=application,
            before={field: before[field] for field in changed},
            after=changed,
        )
    return application


def application_sign_declaration(
    *, application: LicenceApplication, actor: User, signatory_name: str, signatory_role: str
) -> LicenceApplication:
    """A firm admin signs the declaration by full name and role (position) in the firm.

    Editing the draft's content afterwards clears the signature (application_update, firm and people).
    """
    signatory_name = (signatory_name or "").strip()
    signatory_role = (signatory_role or "").strip()
    if not signatory_name:
        raise ValidationFailed(_("The declaration needs the full name of the person signing it."))
    if not signatory_role:
        raise ValidationFailed(_("The declaration needs the role or position of the person signing it."))
    with transaction.atomic():
        application = lock(application)
        _require("applications.sign_declaration", actor, application, _("Only a firm admin may sign the declaration."))
        _require_draft(application)
        application.declaration_signed_by = actor
        application.declaration_signatory_name = signatory_name
        application.declaration_signatory_role = signatory_role
        application.declaration_signed_at = timezone.now()
        application.save(
            update_fields=[
                "declaration_signed_by",
                "declaration_signatory_name",
                "declaration_signatory_role",
                "declaration_signed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=actions.APPLICATION_SIGN_DECLARATION,
            obj=application,
            payload={"signatory": signatory_name, "signatory_role": signatory_role},
        )
    return application


def application_assign(*, application: LicenceApplication, actor: User, officer: User | None) -> LicenceApplication:
    """A licensing manager gives a case to a case officer (or takes it back with officer=None)."""
    if officer is not None and not (officer.is_active and officer.has_regulator_role(RegulatorRole.CASE_OFFICER)):
        raise ValidationFailed(_("%(officer)s is not an active case officer.") % {"officer": officer})
    with transaction.atomic():
        application = lock(application)
        _require("applications.assign", actor, application, _("Only a licensing manager may assign cases."))
        if application.is_terminal or application.status == choices.ApplicationStatus.DRAFT:
            raise InvalidTransition(
                _("Cannot assign application %(reference)s: it is %(status)s.")
                % {"reference": application, "status": application.get_status_display().lower()}
            )
        before = application.assigned_officer_id
        application.assigned_officer = officer
        application.save(update_fields=["assigned_officer", "updated_at"])
        audit_record(
            actor=actor,
            action=actions.APPLICATION_ASSIGN,
            obj=application,
            before={"assigned_officer": before},
            after={"assigned_officer": officer.pk if officer else None},
        )
    return application
