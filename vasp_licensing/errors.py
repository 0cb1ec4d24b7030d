"""Domain errors raised by services, translated once per door (admin message, form error, problem+json)."""

from collections.abc import Sequence


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was changed."""

    code = "domain_error"
    title = "The action was refused"
    http_status = 400

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
    title = "The input is not valid"
    http_status = 400


class NotPermitted(DomainError):
    code = "not_permitted"
    title = "You may not do this"
    http_status = 403


class InvalidTransition(DomainError):
    """The object is not in a state this action starts from (often: someone acted first)."""

    code = "invalid_transition"
    title = "This action is not possible in the current state"
    http_status = 409


class ConditionsNotMet(DomainError):
    """The action is possible from this state but its conditions are not met; details list what is missing."""

    code = "conditions_not_met"
    title = "The conditions for this action are not met"
    http_status = 422


class ConcurrentChange(InvalidTransition):
    code = "concurrent_change"
    title = "Someone else changed this case at the same time"


class IdempotencyKeyMissing(ValidationFailed):
    code = "idempotency_key_missing"
    title = "An Idempotency-Key header is required"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used for another request"
    http_status = 422


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    title = "A request with this Idempotency-Key is in progress"
    http_status = 409
