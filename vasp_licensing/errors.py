"""Domain errors raised by services, translated once per door (admin message, form error, problem+json)."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was changed."""

    code = "domain_error"
    title: StrOrPromise = _("The action was refused")
    http_status = 400

    # The message is written for the reader in the active language: gettext when raised (see
    # tests/test_refusals_translatable.py), with named placeholders filled after translation.
    def __init__(self, message: str, *, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return f"{self.message}: " + "; ".join(self.details)


class ValidationFailed(DomainError):
    code = "validation_failed"
    title: StrOrPromise = _("The input is not valid")
    http_status = 400


class NotPermitted(DomainError):
    code = "not_permitted"
    title: StrOrPromise = _("You may not do this")
    http_status = 403


class InvalidTransition(DomainError):
    """The object is not in a state this action starts from (often: someone acted first)."""

    code = "invalid_transition"
    title: StrOrPromise = _("This action is not possible in the current state")
    http_status = 409


class ConditionsNotMet(DomainError):
    """The action is possible from this state but its conditions are not met; details list what is missing."""

    code = "conditions_not_met"
    title: StrOrPromise = _("The conditions for this action are not met")
    http_status = 422


class ConcurrentChange(InvalidTransition):
    code = "concurrent_change"
    title: StrOrPromise = _("Someone else changed this case at the same time")


class IdempotencyKeyMissing(ValidationFailed):
    code = "idempotency_key_missing"
    title: StrOrPromise = _("An Idempotency-Key header is required")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    title: StrOrPromise = _("This Idempotency-Key was used for another request")
    http_status = 422


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    title: StrOrPromise = _("A request with this Idempotency-Key is in progress")
    http_status = 409
