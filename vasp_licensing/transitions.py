"""The one write path for every state machine: lock, check, fire, save, audit.

Each transition service calls `fire` inside its own transaction, so the portal, the regulator
workspace, the admin, the API and tasks all pass the same checks and leave the same trail.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_fsm import ConcurrentTransition

from accounts.models import User
from audit.actions import AuditAction
from audit.services import audit_record
from notifications.services import notify_on_commit
from vasp_licensing.errors import ConcurrentChange, ConditionsNotMet, InvalidTransition, NotPermitted

M = TypeVar("M", bound=models.Model)


def lock(obj: M) -> M:
    """Re-read obj under a row lock (PostgreSQL); on SQLite the IMMEDIATE transaction already serialises writers."""
    locked: M = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    return locked


# How a refusal names each machine and each move, in the reader's language. The English is the model's
# verbose name and the transition's name; tests/test_refusals_translatable.py holds every machine to these.
MACHINES: dict[str, Any] = {
    "applications.licenceapplication": gettext_lazy("licence application"),
    "applications.licence": gettext_lazy("licence"),
    "banking.referral": gettext_lazy("referral"),
    "reviews.licencechange": gettext_lazy("licence change"),
    "screening.screeninghit": gettext_lazy("screening hit"),
}
VERBS: dict[str, Any] = {
    "submit": pgettext_lazy("refusal", "submit"),
    "accept": pgettext_lazy("refusal", "accept"),
    "return_to_firm": pgettext_lazy("refusal", "return to firm"),
    "request_information": pgettext_lazy("refusal", "request information"),
    "respond": pgettext_lazy("refusal", "respond"),
    "recommend": pgettext_lazy("refusal", "recommend"),
    "recommend_final_grant": pgettext_lazy("refusal", "recommend final grant"),
    "decide": pgettext_lazy("refusal", "decide"),
    "send_back": pgettext_lazy("refusal", "send back"),
    "withdraw": pgettext_lazy("refusal", "withdraw"),
    "suspend": pgettext_lazy("refusal", "suspend"),
    "reinstate": pgettext_lazy("refusal", "reinstate"),
    "revoke": pgettext_lazy("refusal", "revoke"),
    "surrender": pgettext_lazy("refusal", "surrender"),
    "adjudicate": pgettext_lazy("refusal", "adjudicate"),
    "deliver": pgettext_lazy("refusal", "deliver"),
    "acknowledge": pgettext_lazy("refusal", "acknowledge"),
    "start_review": pgettext_lazy("refusal", "start review"),
    "open_account": pgettext_lazy("refusal", "open account"),
    "decline": pgettext_lazy("refusal", "decline"),
    "cancel": pgettext_lazy("refusal", "cancel"),
    "cancel_for_licence": pgettext_lazy("refusal", "cancel for licence"),
}


def _label(obj: models.Model) -> str:
    kind = MACHINES.get(obj._meta.label_lower, obj._meta.verbose_name)
    return f"{kind} {obj}"


def transition_verb(transition: str) -> str:
    return str(VERBS.get(transition, transition.replace("_", " ")))


def state_label(obj: models.Model, field_name: str = "status") -> str:
    display: Callable[[], str] = getattr(obj, f"get_{field_name}_display")
    return display().lower()


def fire(
    *,
    obj: M,
    transition: str,
    actor: User,
    action: AuditAction,
    reason: str | None = "",
    check: Callable[[M], None] | None = None,
    explain_invalid: Callable[[M], str | None] | None = None,
    explain_refusal: Callable[[M, User], str | None] | None = None,
    effects: Callable[[M], dict[str, Any] | None] | None = None,
    **transition_kwargs: Any,
) -> M:
    """Fire `transition` on a fresh, locked copy of obj and return it.

    Order of refusals: not from this state (InvalidTransition), not this actor (NotPermitted),
    conditions with the list of what is missing (ConditionsNotMet). Nothing is changed on refusal.
    `effects` runs after the state change in the same transaction; what it returns goes into the
    audit event's payload. `reason=None` is for a machine whose transitions take no reason: the payload is
    then exactly what `effects` returns. `explain_invalid` may word the "not from this state" refusal.
    """
    with transaction.atomic():
        locked = lock(obj)
        method = getattr(locked, transition)
        meta = method._django_fsm
        source = meta.field.get_state(locked)
        words = {"verb": transition_verb(transition), "object": _label(locked)}
        if not meta.has_transition(source):
            specific = explain_invalid(locked) if explain_invalid else None
            raise InvalidTransition(
                specific
                or _("Cannot %(verb)s %(object)s: it is %(state)s.")
                % {**words, "state": state_label(locked, meta.field.name)}
            )
        if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
            raise NotPermitted(_("Sign in to %(verb)s %(object)s.") % words)
        if not meta.has_transition_perm(locked, source, actor):
            specific = explain_refusal(locked, actor) if explain_refusal else None
            raise NotPermitted(specific or _("Your role does not allow you to %(verb)s %(object)s.") % words)
        if check is not None:
            check(locked)
        if not meta.conditions_met(locked, source):
            raise ConditionsNotMet(_("The conditions to %(verb)s %(object)s are not met.") % words)
        try:
            method(by=actor, description=reason or "", **transition_kwargs)
            locked.save()
        except ConcurrentTransition as exc:
            raise ConcurrentChange(
                _("%(object)s was changed by someone else at the same time; reload and try again.") % words
            ) from exc
        payload = effects(locked) if effects is not None else None
        if reason is not None:
            payload = {"reason": reason, **(payload or {})} if reason or payload else None
        event = audit_record(
            actor=actor,
            action=action,
            obj=locked,
            before={meta.field.name: source},
            after={meta.field.name: meta.field.get_state(locked)},
            payload=payload,
        )
        notify_on_commit(event)
    return locked
