"""Four eyes on a licence's life: one officer proposes a suspension, reinstatement, revocation or variation
of conditions (the maker), another decides it (the checker).

An approved change is carried out by the same services as before (applications.services.licence_*),
with the checker as their actor, so the licence's transition, its audit event, the firm's notification
and banking's handling of licence_changed happen exactly as they always did. Every function here runs
in one transaction with the licence row locked, and writes one audit event on the proposal.
"""

from collections.abc import Callable, Sequence
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from accounts.signed_in import AnyUser, is_signed_in
from applications import services as licence_services
from applications.models import Licence
from audit import actions
from audit.services import audit_record
from reviews.models import LicenceChange, LicenceChangeAction, LicenceChangeStatus
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import fire, lock

A = LicenceChangeAction
NOTE_MAX_LENGTH = 10_000


def licence_change_possible(*, licence: Licence, action: str) -> bool:
    """Whether `action` can follow from the licence's state now (the model's transitions say, for the three
    that are transitions; conditions may be varied while the licence is active or suspended)."""
    if action == A.VARY_CONDITIONS:
        return licence.is_live
    meta = getattr(licence, action)._django_fsm
    return bool(meta.has_transition(licence.status))


def licence_change_open(*, licence: Licence) -> LicenceChange | None:
    return LicenceChange.objects.open().filter(licence=licence).first()


def licence_change_may_propose(*, user: AnyUser, licence: Licence) -> bool:
    return is_signed_in(user) and rules.has_perm("licences.propose_change", user, licence)


def licence_change_may_decide(*, user: AnyUser, change: LicenceChange) -> bool:
    return is_signed_in(user) and change.is_open and rules.has_perm("licences.decide_change", user, change)


def _clean_reasons(text: str, *, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("%(what)s are required.") % {"what": what})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("%(what)s may be at most %(limit)s characters.") % {"what": what, "limit": f"{NOTE_MAX_LENGTH:,}"}
        )
    return text


def licence_change_propose(
    *,
    licence: Licence,
    actor: User,
    action: str,
    reasons: str,
    impose: Sequence[str] = (),
    lift: Sequence[int] = (),
) -> LicenceChange:
    """Propose a change to `licence`; nothing happens to the licence until another officer approves it.

    Refused, with nothing written: an unknown action (ValidationFailed), empty reasons, a variation with
    nothing to impose or lift, or conditions to lift that are not in force (ValidationFailed); an actor who
    is not a licensing manager or senior officer (NotPermitted); a proposal already open on the licence, or
    an action that cannot follow from the licence's state (InvalidTransition).
    """
    if action not in A.values:
        raise ValidationFailed(_("Unknown licence change: %(action)s.") % {"action": repr(action)})
    reasons = _clean_reasons(reasons, what=_("Reasons"))
    new_texts = [text.strip() for text in impose if text and text.strip()] if action == A.VARY_CONDITIONS else []
    lift_ids = sorted({int(pk) for pk in lift}) if action == A.VARY_CONDITIONS else []
    if action == A.VARY_CONDITIONS and not new_texts and not lift_ids:
        raise ValidationFailed(_("Name at least one condition to impose or to lift."))
    with transaction.atomic():
        licence = lock(licence)
        if not licence_change_may_propose(user=actor, licence=licence):
            raise NotPermitted(_("Only a licensing manager or a senior officer may propose a change to a licence."))
        if licence_change_open(licence=licence) is not None:
            raise InvalidTransition(
                _("A change to licence %(number)s is already proposed; it must be decided or withdrawn first.")
                % {"number": licence}
            )
        if not licence_change_possible(licence=licence, action=action):
            verb = A(action).label.lower()
            raise InvalidTransition(
                _("Cannot %(verb)s licence %(number)s: it is %(status)s.")
                % {"verb": verb, "number": licence, "status": licence.get_status_display().lower()}
            )
        in_force = set(licence.conditions.in_force().filter(pk__in=lift_ids).values_list("pk", flat=True))
        unknown = [str(pk) for pk in lift_ids if pk not in in_force]
        if unknown:
            raise ValidationFailed(_("These conditions are not in force on this licence"), details=unknown)
        change = LicenceChange.objects.create(
            licence=licence, action=action, reasons=reasons, impose=new_texts, lift=lift_ids, proposed_by=actor
        )
        audit_record(
            actor=actor,
            action=actions.LICENCE_CHANGE_PROPOSE,
            obj=change,
            after={"status": change.status},
            payload={
                "licence": licence.number,
                "change": action,
                "reason": reasons,
                "impose": new_texts,
                "lift": lift_ids,
            },
        )
    return change


# How an approved change is carried out: the existing services, the checker as actor.
EXECUTE: dict[str, Callable[[Licence, Any, LicenceChange], Licence]] = {
    A.SUSPEND: lambda licence, actor, change: licence_services.licence_suspend(
        licence=licence, actor=actor, reasons=change.reasons
    ),
    A.REINSTATE: lambda licence, actor, change: licence_services.licence_reinstate(
        licence=licence, actor=actor, reasons=change.reasons
    ),
    A.REVOKE: lambda licence, actor, change: licence_services.licence_revoke(
        licence=licence, actor=actor, reasons=change.reasons
    ),
    A.VARY_CONDITIONS: lambda licence, actor, change: licence_services.licence_conditions_vary(
        licence=licence, actor=actor, reasons=change.reasons, impose=change.impose, lift=change.lift
    ),
}


def _already_decided(*, verb: str) -> Callable[[LicenceChange], str]:
    """The refusal of a change no longer open, worded for what was tried."""
    return lambda locked: (
        _("This change to licence %(number)s is already %(status)s; it cannot be %(verb)s.")
        % {
            "number": locked.licence,
            "status": locked.get_status_display().lower(),
            "verb": verb,
        }
    )


def _explain_decide_refusal(change: LicenceChange, actor: User) -> str:
    if change.proposed_by_id == actor.pk:
        return _(
            "Four eyes: you proposed this change, so you cannot decide it. "
            "Another licensing manager or senior officer must."
        )
    return _("Only a licensing manager or a senior officer may decide a change to a licence.")


def _decide(change: LicenceChange, actor: User, *, outcome: str, note: str, verb: str) -> LicenceChange:
    """Approve or reject, the licence row locked first (the order every licence service locks in)."""
    licence = lock(change.licence)

    def effects(decided: LicenceChange) -> dict[str, Any]:
        decided.licence = licence
        if outcome == LicenceChangeStatus.APPROVED:
            decided.licence = EXECUTE[decided.action](licence, actor, decided)
        return {"licence": licence.number, "change": decided.action, "note": note}

    return fire(
        obj=change,
        transition="decide",
        actor=actor,
        action=(
            actions.LICENCE_CHANGE_APPROVE if outcome == LicenceChangeStatus.APPROVED else actions.LICENCE_CHANGE_REJECT
        ),
        reason=None,
        explain_invalid=_already_decided(verb=verb),
        explain_refusal=_explain_decide_refusal,
        effects=effects,
        outcome=outcome,
        note=note,
        at=timezone.now(),
    )


def licence_change_approve(*, change: LicenceChange, actor: User, note: str = "") -> LicenceChange:
    """Approve a proposed change and carry it out, with `actor` as the actor of the licence's own service.

    The checker is a licensing manager or senior officer who did not propose it (NotPermitted otherwise).
    If the licence service refuses (say the licence was surrendered meanwhile), its error propagates and
    nothing is written: the proposal stays open, to be rejected or withdrawn.
    """
    note = (note or "").strip()
    with transaction.atomic():
        return _decide(
            change, actor, outcome=LicenceChangeStatus.APPROVED, note=note, verb=pgettext("refusal", "approved")
        )


def licence_change_reject(*, change: LicenceChange, actor: User, note: str) -> LicenceChange:
    """Reject a proposed change; the licence is untouched. Same checker rule as approval; a note is required."""
    note = _clean_reasons(note, what=_("Reasons for rejecting"))
    with transaction.atomic():
        return _decide(
            change, actor, outcome=LicenceChangeStatus.REJECTED, note=note, verb=pgettext("refusal", "rejected")
        )


def licence_change_withdraw(*, change: LicenceChange, actor: User) -> LicenceChange:
    """The proposer takes back a proposal that is still open; nobody else may."""
    with transaction.atomic():
        licence = lock(change.licence)

        def effects(withdrawn: LicenceChange) -> dict[str, Any]:
            withdrawn.licence = licence
            return {"licence": licence.number, "change": withdrawn.action}

        return fire(
            obj=change,
            transition="withdraw",
            actor=actor,
            action=actions.LICENCE_CHANGE_WITHDRAW,
            reason=None,
            explain_invalid=_already_decided(verb=pgettext("refusal", "withdrawn")),
            explain_refusal=lambda _change, _actor: _("Only the officer who proposed a change may withdraw it."),
            effects=effects,
            at=timezone.now(),
        )
