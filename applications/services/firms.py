"""Creating and editing a firm: the company that applies, whose creator becomes its first firm admin."""

from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import FirmRole
from accounts.models import FirmMembership, User
from accounts.rules import is_regulator
from applications import choices
from applications.models import Firm, LicenceApplication
from applications.validators import InvalidFields
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

FIRM_FIELDS = (
    "legal_name_en",
    "legal_name_zh",
    "registration_number",
    "jurisdiction",
    "registered_address",
    "lei",
    "website",
)

# Who the firm is. Once the regulator has an application of the firm on file (or has licensed it), the
# register, the certificate and the banks' data pack show these from the live row: a change is the
# regulator's to record, not a member's edit. Address and website stay the members' to keep current.
IDENTITY_FIELDS = ("legal_name_en", "legal_name_zh", "registration_number", "jurisdiction", "lei")


def firm_identity_is_fixed(*, firm: Firm) -> bool:
    """True once the firm has an application past draft or any licence: IDENTITY_FIELDS can no longer be edited.

    A draft withdrawn before it was submitted never reached the regulator, so it does not count.
    """
    if firm.licences.exists():
        return True
    return (
        LicenceApplication.objects.filter(firm=firm)
        .exclude(status=choices.ApplicationStatus.DRAFT)
        .exclude(status=choices.ApplicationStatus.WITHDRAWN, submitted_at__isnull=True)
        .exists()
    )


def identity_fixed_message() -> str:
    return _(
        "The firm's legal names, registration number, jurisdiction and LEI are fixed once an application has "
        "been submitted; ask the regulator to record a change."
    )


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FIRM_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields"), details=sorted(unknown))
    clean = {
        name: (value or "").strip() if isinstance(value, str) or value is None else value
        for name, value in fields.items()
    }
    for name in ("jurisdiction", "lei"):
        if name in clean:
            clean[name] = clean[name].upper()
    return clean


def _duplicates(firm: Firm) -> dict[str, list[str]]:
    """Another firm with the same registration (in the same jurisdiction) or LEI, said plainly."""
    others = Firm.objects.exclude(pk=firm.pk) if firm.pk else Firm.objects.all()
    errors: dict[str, list[str]] = {}
    if others.filter(jurisdiction=firm.jurisdiction, registration_number=firm.registration_number).exists():
        errors["registration_number"] = [
            _("A firm with registration number %(number)s in %(jurisdiction)s is already registered here.")
            % {"number": firm.registration_number, "jurisdiction": firm.jurisdiction}
        ]
    if firm.lei and others.filter(lei=firm.lei).exists():
        errors["lei"] = [_("A firm with the LEI %(lei)s is already registered here.") % {"lei": firm.lei}]
    return errors


def _validate(firm: Firm) -> None:
    """Field by field, in the request's language; duplicates first, with a message saying which."""
    errors = _duplicates(firm)
    try:
        firm.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as error:
        for field, texts in InvalidFields.from_django("", error).field_errors.items():
            errors.setdefault(field, []).extend(texts)
    if errors:
        raise InvalidFields(_("The firm's details are not valid."), field_errors=errors)


def _save(firm: Firm, **kwargs: Any) -> None:
    try:
        with transaction.atomic():  # a savepoint: the duplicate that won a race leaves the caller's transaction usable
            firm.save(**kwargs)
    except IntegrityError as error:
        raise InvalidFields(
            _("The firm's details are not valid."), field_errors=_duplicates(firm) or {"": [str(error)]}
        ) from error


def firm_create(*, actor: User, **fields: Any) -> Firm:
    """A new firm, with `actor` as its firm admin (who must then set up TOTP). Audited as firm.create.

    Raises InvalidFields (field by field) for invalid details or a firm already registered with the
    same registration number in the same jurisdiction, or the same LEI.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotPermitted(_("Sign in to register a firm."))
    if is_regulator(actor):
        raise NotPermitted(_("Regulator staff cannot register a firm."))
    firm = Firm(**_normalised(fields))
    with transaction.atomic():
        _validate(firm)
        _save(firm)
        FirmMembership.objects.create(user=actor, firm=firm, role=FirmRole.FIRM_ADMIN)
        audit_record(
            actor=actor,
            action=actions.FIRM_CREATE,
            obj=firm,
            after={name: getattr(firm, name) for name in FIRM_FIELDS},
            payload={"firm_admin": actor.pk},
        )
    return firm


def firm_update(*, firm: Firm, actor: User, **fields: Any) -> Firm:
    """Edit the firm's details: firm admins and preparers. Audited as firm.update with before and after.

    Raises ValidationFailed, changing nothing, for a change to IDENTITY_FIELDS once firm_identity_is_fixed.

    A firm's details are part of every draft of it, so signed declarations of its drafts are cleared
    (application_update does the same for the business plan); submitted snapshots keep what was filed.
    """
    changes = _normalised(fields)
    with transaction.atomic():
        firm = lock(firm)
        if actor is None or not rules.has_perm("applications.edit_draft", actor, firm):
            raise NotPermitted(_("You may not edit the details of %(firm)s.") % {"firm": firm})
        before = {name: getattr(firm, name) for name in changes}
        changed = {name: value for name, value in changes.items() if before[name] != value}
        if not changed:
            return firm
        if set(changed) & set(IDENTITY_FIELDS) and firm_identity_is_fixed(firm=firm):
            raise ValidationFailed(identity_fixed_message())
        for name, value in changed.items():
            setattr(firm, name, value)
        _validate(firm)
        _save(firm, update_fields=[*changed, "updated_at"])
        cleared = drafts_declarations_clear(firm=firm)
        audit_record(
            actor=actor,
            action=actions.FIRM_UPDATE,
            obj=firm,
            before={name: before[name] for name in changed},
            after=changed,
            payload={"declarations_cleared": cleared} if cleared else None,
        )
    return firm


def drafts_declarations_clear(*, firm: Firm | int, signed_by: User | None = None) -> list[str]:
    """Clear the signed declarations of the firm's drafts; returns their references.

    For every draft when their content changed; with `signed_by`, only those that user signed (they are no
    longer a firm admin, and a declaration must not outlive its signer's authority). Called inside the
    caller's transaction and audit event: the caller records what was cleared."""
    drafts = LicenceApplication.objects.filter(
        firm=firm, status=choices.ApplicationStatus.DRAFT, declaration_signed_at__isnull=False
    )
    if signed_by is not None:
        drafts = drafts.filter(declaration_signed_by=signed_by)
    references = sorted(drafts.values_list("reference", flat=True))
    if references:
        drafts.update(
            declaration_signed_at=None,
            declaration_signed_by=None,
            declaration_signatory_name="",
            declaration_signatory_role="",
            updated_at=timezone.now(),
        )
    return references
