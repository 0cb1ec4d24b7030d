"""The review checklist: one outcome and note per area, recorded by the assigned case officer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signed_in import AnyUser
from applications.choices import ApplicationStatus
from applications.models import LicenceApplication
from applications.rules import is_working_officer
from audit import actions
from audit.services import audit_record
from reviews.models import ChecklistArea, ChecklistItem, ChecklistOutcome
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

# The checklist is the review's working paper: open from acceptance until the recommendation, and
# again while an approval in principle waits for its conditions to be met (before the final grant).
CHECKLIST_STATES = (
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
    ApplicationStatus.APPROVED_IN_PRINCIPLE,
)


def checklist_may_record(*, user: AnyUser, application: LicenceApplication) -> bool:
    """Whether `user` may record checklist outcomes on the case now: the page shows the forms exactly then."""
    return application.status in CHECKLIST_STATES and bool(is_working_officer(user, application))


def checklist_item_record(
    *, application: LicenceApplication, actor: User, area: str, outcome: str, note: str = ""
) -> ChecklistItem:
    """Set the outcome and note of one area; the item is created on first use. Audited with before and after.

    Only the case officer assigned to the case, and only while it is under review (CHECKLIST_STATES).
    """
    if area not in ChecklistArea.values:
        raise ValidationFailed(_("%(area)s is not an area of the checklist.") % {"area": repr(area)})
    if outcome not in ChecklistOutcome.values:
        raise ValidationFailed(_("%(outcome)s is not a checklist outcome.") % {"outcome": repr(outcome)})
    note = (note or "").strip()
    if outcome in (ChecklistOutcome.CONCERNS, ChecklistOutcome.UNSATISFACTORY) and not note:
        raise ValidationFailed(_("A note is required when an area raises concerns or is unsatisfactory."))
    with transaction.atomic():
        application = lock(application)
        if actor is None or not getattr(actor, "is_authenticated", False) or not is_working_officer(actor, application):
            raise NotPermitted(
                _("Only the case officer assigned to %(application)s records its checklist.")
                % {"application": application}
            )
        if application.status not in CHECKLIST_STATES:
            state = application.get_status_display().lower()
            raise InvalidTransition(
                _("The checklist of %(application)s cannot be changed while it is %(state)s.")
                % {"application": application, "state": state}
            )
        item, _created = ChecklistItem.objects.select_for_update().get_or_create(application=application, area=area)
        before = {"outcome": item.outcome, "note": item.note}
        item.outcome, item.note, item.updated_by, item.updated_at = outcome, note, actor, timezone.now()
        item.save()
        audit_record(
            actor=actor,
            action=actions.CHECKLIST_RECORD,
            obj=item,
            before=before,
            after={"outcome": outcome, "note": note},
            payload={"application": application.reference, "area": area},
        )
    return item
