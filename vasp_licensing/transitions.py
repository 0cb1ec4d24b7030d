"""The one write path for every state machine: lock, check, fire, save, audit.

Each transition service calls `fire` inside its own transaction, so the portal, the regulator
workspace, the admin, the API and tasks all pass the same checks and leave the same trail.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
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
        label = f"{locked._meta.verbose_name} {locked}"
        verb = transition.replace("_", " ")
        if not meta.has_transition(source):
            specific = explain_invalid(locked) if explain_invalid else None
            raise InvalidTransition(specific or f"Cannot {verb} {label}: it is {state_label(locked, meta.field.name)}.")
        if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
            raise NotPermitted(f"Sign in to {verb} {label}.")
        if not meta.has_transition_perm(locked, source, actor):
            specific = explain_refusal(locked, actor) if explain_refusal else None
            raise NotPermitted(specific or f"Your role does not allow you to {verb} {label}.")
        if check is not None:
            check(locked)
        if not meta.conditions_met(locked, source):
            raise ConditionsNotMet(f"The conditions to {verb} {label} are not met.")
        try:
            method(by=actor, description=reason or "", **transition_kwargs)
            locked.save()
        except ConcurrentTransition as exc:
            raise ConcurrentChange(
                f"{label} was changed by someone else at the same time; reload and try again."
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
