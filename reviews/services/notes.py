"""Internal notes on a case: the regulator's own record, which the firm never sees."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.rules import is_auditor, is_regulator
from accounts.signed_in import AnyUser
from applications.models import LicenceApplication
from audit import actions
from audit.services import audit_record
from reviews.models import InternalNote
from vasp_licensing.errors import NotPermitted, ValidationFailed

NOTE_MAX_LENGTH = 10_000


def note_may_add(*, user: AnyUser) -> bool:
    """Any regulator may write notes on any case, except auditors, who change nothing."""
    return bool(is_regulator(user)) and not is_auditor(user)


def note_add(*, application: LicenceApplication, actor: User, text: str) -> InternalNote:
    """Add a note to a case, in any state; notes are never edited or deleted. Audited (the text included)."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("A note cannot be empty."))
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed(_("A note may be at most %(limit)s characters.") % {"limit": f"{NOTE_MAX_LENGTH:,}"})
    if actor is None or not getattr(actor, "is_authenticated", False) or not note_may_add(user=actor):
        raise NotPermitted(_("Only the regulator's case staff may add internal notes; auditors read them."))
    with transaction.atomic():
        note = InternalNote.objects.create(application=application, author=actor, text=text)
        audit_record(
            actor=actor,
            action=actions.NOTE_ADD,
            obj=note,
            payload={"application": application.reference, "text": text},
        )
    return note
