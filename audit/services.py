import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from audit.actions import AuditAction, action_checked
from audit.context import request_id_var
from audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_PK = 1


def _json_safe(value: Any) -> Any:
    """What a JSONField gives back after a round trip, so the hash at write equals the hash at read."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_content(event: AuditEvent) -> dict[str, Any]:
    occurred_at: datetime = event.occurred_at
    return {
        "sequence": event.sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "payload": event.payload,
        "request_id": event.request_id,
        "previous_hash": event.previous_hash,
    }


def event_hash(event: AuditEvent) -> str:
    canonical = json.dumps(event_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One event to append, for audit_record_many. occurred_at and request_id default to now and the request.

    action is a member of audit.actions; anything else (a plain string included) raises UnregisteredAction.
    """

    actor: User | None
    action: AuditAction
    obj: models.Model | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    occurred_at: datetime | None = None
    request_id: str | None = None

    def __post_init__(self) -> None:
        action_checked(self.action)


def _chained_event(entry: AuditEntry, *, sequence: int, previous_hash: str) -> AuditEvent:
    obj, actor = entry.obj, entry.actor
    event = AuditEvent(
        sequence=sequence,
        occurred_at=entry.occurred_at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        action=entry.action.code,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        before=_json_safe(entry.before),
        after=_json_safe(entry.after),
        payload=_json_safe(entry.payload or {}),
        request_id=request_id_var.get() if entry.request_id is None else entry.request_id,
        previous_hash=previous_hash,
    )
    event.hash = event_hash(event)
    return event


def audit_record_many(entries: Iterable[AuditEntry], *, batch_size: int = 1000) -> list[AuditEvent]:
    """Append events in the given order, inside the caller's transaction (the chain head stays locked).

    Events are ordered by sequence, the order of writing; occurred_at may say otherwise for imported history.
    """
    with transaction.atomic():
        # get_or_create: a flushed test database has no head row yet.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=HEAD_PK)
        events: list[AuditEvent] = []
        sequence, previous_hash = head.sequence, head.hash or GENESIS_HASH
        for entry in entries:
            sequence += 1
            event = _chained_event(entry, sequence=sequence, previous_hash=previous_hash)
            previous_hash = event.hash
            events.append(event)
        if events:
            AuditEvent.objects.bulk_create(events, batch_size=batch_size)
            head.sequence, head.hash = events[-1].sequence, events[-1].hash
            head.save(update_fields=["sequence", "hash"])
    return events


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head row is locked until the caller commits, so events are strictly ordered and
    an event exists exactly when the change it describes was committed.
    """
    entry = AuditEntry(actor=actor, action=action, obj=obj, before=before, after=after, payload=payload)
    [event] = audit_record_many([entry])
    return event


def _actor_label(actor: User | None) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "system"
    return str(getattr(actor, "email", "") or actor)


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    message: str


def audit_chain_verify(*, batch_size: int = 2000) -> ChainProblem | None:
    """Walk the whole chain; return the first problem found, or None when it is intact."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainProblem(expected_sequence, f"event #{expected_sequence} is missing (deleted)")
        if event.previous_hash != previous_hash:
            return ChainProblem(event.sequence, f"event #{event.sequence} does not follow the event before it")
        if event_hash(event) != event.hash:
            return ChainProblem(event.sequence, f"event #{event.sequence} was altered after it was written")
        previous_hash = event.hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    last_sequence = expected_sequence - 1
    if head is not None and (head.sequence != last_sequence or (head.hash or GENESIS_HASH) != previous_hash):
        return ChainProblem(
            last_sequence + 1,
            f"the chain ends at #{last_sequence} but #{head.sequence} events were written (tail deleted)",
        )
    return None
