"""The life of a granted licence: issue, suspend, reinstate, revoke, surrender, vary conditions."""

from collections.abc import Sequence

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Licence, LicenceApplication, LicenceCondition
from applications.services.references import next_reference
from applications.signals import licence_changed
from audit import actions
from audit.services import audit_record
from notifications.services import notify_on_commit
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import fire, lock, transition_verb


def next_licence_number(*, prefix: str) -> str:
    return next_reference(name=f"licence-{prefix}", prefix=prefix, width=4)


def licence_issue(*, application: LicenceApplication, actor: User, conditions: Sequence[str]) -> Licence:
    """Called by the approval decision, inside its transaction; the decision's audit event records it."""
    now = timezone.now()
    licence_type = application.licence_type
    licence = Licence.objects.create(
        number=next_licence_number(prefix=licence_type.licence_number_prefix),
        firm_id=application.firm_id,
        application=application,
        licence_type=licence_type,
        granted_at=now,
        granted_by=actor,
    )
    LicenceCondition.objects.bulk_create(
        LicenceCondition(licence=licence, text=text, imposed_at=now, imposed_by=actor) for text in conditions
    )
    return licence


def _licence_transition(
    *, licence: Licence, actor: User, transition: str, action: actions.AuditAction, reasons: str
) -> Licence:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed(_("Reasons are required to %(verb)s a licence.") % {"verb": transition_verb(transition)})
    with transaction.atomic():
        licence = fire(
            obj=licence, transition=transition, actor=actor, action=action, reason=reasons, at=timezone.now()
        )
        licence_changed.send(sender=Licence, licence=licence, actor=actor, action=action, reason=reasons)
    return licence


def licence_suspend(*, licence: Licence, actor: User, reasons: str) -> Licence:
    return _licence_transition(
        licence=licence, actor=actor, transition="suspend", action=actions.LICENCE_SUSPEND, reasons=reasons
    )


def licence_reinstate(*, licence: Licence, actor: User, reasons: str) -> Licence:
    return _licence_transition(
        licence=licence, actor=actor, transition="reinstate", action=actions.LICENCE_REINSTATE, reasons=reasons
    )


def licence_revoke(*, licence: Licence, actor: User, reasons: str) -> Licence:
    return _licence_transition(
        licence=licence, actor=actor, transition="revoke", action=actions.LICENCE_REVOKE, reasons=reasons
    )


def licence_surrender(*, licence: Licence, actor: User, reasons: str) -> Licence:
    return _licence_transition(
        licence=licence, actor=actor, transition="surrender", action=actions.LICENCE_SURRENDER, reasons=reasons
    )


def licence_conditions_vary(
    *, licence: Licence, actor: User, reasons: str, impose: Sequence[str] = (), lift: Sequence[int] = ()
) -> Licence:
    """Lift some conditions and impose new ones; conditions are never edited in place."""
    reasons = (reasons or "").strip()
    new_texts = [text.strip() for text in impose if text and text.strip()]
    if not reasons:
        raise ValidationFailed(_("Reasons are required to vary the conditions of a licence."))
    if not new_texts and not lift:
        raise ValidationFailed(_("Name at least one condition to impose or to lift."))
    with transaction.atomic():
        licence = lock(licence)
        if actor is None or not rules.has_perm("licences.vary_conditions", actor, licence):
            raise NotPermitted(_("Only a licensing manager or a senior officer may vary licence conditions."))
        if not licence.is_live:
            raise InvalidTransition(
                _("Licence %(number)s is %(status)s; its conditions are final.")
                % {"number": licence, "status": licence.get_status_display().lower()}
            )
        now = timezone.now()
        to_lift = list(licence.conditions.select_for_update().in_force().filter(pk__in=lift))
        unknown = set(lift) - {condition.pk for condition in to_lift}
        if unknown:
            raise ValidationFailed(
                _("These conditions are not in force on this licence"), details=[str(pk) for pk in sorted(unknown)]
            )
        for condition in to_lift:
            condition.lifted_at, condition.lifted_by = now, actor
            condition.save(update_fields=["lifted_at", "lifted_by"])
        LicenceCondition.objects.bulk_create(
            LicenceCondition(licence=licence, text=text, imposed_at=now, imposed_by=actor) for text in new_texts
        )
        event = audit_record(
            actor=actor,
            action=actions.LICENCE_VARY_CONDITIONS,
            obj=licence,
            before={"lifted": [condition.text for condition in to_lift]},
            after={"imposed": new_texts},
            payload={"reason": reasons},
        )
        notify_on_commit(event)
        licence_changed.send(
            sender=Licence, licence=licence, actor=actor, action=actions.LICENCE_VARY_CONDITIONS, reason=reasons
        )
    return licence
