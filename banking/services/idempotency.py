"""Idempotency-Key handling for the bank API: the first response to a request is the answer to every retry."""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banking.choices import IdempotencyState
from banking.models import IdempotencyRecord, PartnerBank
from vasp_licensing.errors import (
    DomainError,
    IdempotencyConflict,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    ValidationFailed,
)

KEY_MAX_LENGTH = 255
# Visible ASCII, no spaces: a UUID or any token a client makes; the OpenAPI document says the same.
KEY_PATTERN = re.compile(r"^[!-~]{1,255}$")
Outcome = tuple[int, dict[str, Any]]


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    """The same request, whatever the key order or spacing of its JSON body."""
    canonical = json.dumps(
        {"method": method.upper(), "path": path, "body": body}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_run(
    *,
    bank: PartnerBank,
    key: str | None,
    fingerprint: str,
    run: Callable[[], Outcome],
    problem: Callable[[DomainError], Outcome],
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed). The key is claimed in its own committed transaction before the work starts,
    so a concurrent duplicate finds it in progress (409) instead of doing the work twice.

    Domain refusals are outcomes too and are replayed; an unexpected error releases the key for a retry.
    """
    if not (key or "").strip():
        raise IdempotencyKeyMissing(_("This request needs an Idempotency-Key header (a unique string, e.g. a UUID)."))
    assert key is not None
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            _("The Idempotency-Key must be 1 to %(limit)s visible ASCII characters without spaces, e.g. a UUID.")
            % {"limit": KEY_MAX_LENGTH}
        )
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                bank=bank, key=key, fingerprint=fingerprint, state=IdempotencyState.IN_PROGRESS
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(bank=bank, key=key)
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                _("This Idempotency-Key was used for a different request; use a new key for a new request.")
            ) from None
        if existing.state == IdempotencyState.IN_PROGRESS:
            raise IdempotencyConflict(
                _("A request with this Idempotency-Key is still being processed; retry after it finishes.")
            ) from None
        assert existing.response_status is not None and existing.response_body is not None
        return existing.response_status, existing.response_body, True
    try:
        status, body = run()
    except DomainError as refusal:
        status, body = problem(refusal)
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE, response_status=status, response_body=body, completed_at=timezone.now()
    )
    return status, body, False


def idempotency_records_prune() -> int:
    """Forget keys after IDEMPOTENCY_KEY_TTL_HOURS; banks retry within minutes, not days."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
