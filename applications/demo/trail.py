"""Writes the audit events and StateLog rows of the demo steps, chained as audit.services chains them.

audit_record_many chains them under the chain head's row lock and inserts them in bulk, so no live
write can slip in between. Seeded events carry past times, yet follow whatever the chain already
holds: the chain is ordered by sequence (the order of writing), not by time.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_fsm_log.models import StateLog

from applications.demo.persist import BATCH_SIZE
from applications.demo.records import Step
from audit.services import AuditEntry, audit_record_many

# Marks the seeded history in the request_id column, so an operator can tell it from real activity.
REQUEST_ID = "seed_demo"


def write_trail(steps: Iterable[Step]) -> dict[str, int]:
    """Append one audit event per step, in the order the steps happened, and a StateLog per transition."""
    ordered = sorted(steps, key=lambda step: step.at)  # stable: same-time steps keep their order
    with transaction.atomic():
        events = audit_record_many((_entry(step) for step in ordered), batch_size=BATCH_SIZE)
        logs = _state_logs(ordered)
        StateLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    return {"audit events": len(events), "state logs": len(logs)}


def _entry(step: Step) -> AuditEntry:
    return AuditEntry(
        actor=step.actor,
        action=step.action,
        obj=step.obj,
        before=step.before,
        after=step.after,
        payload=_resolve(step.payload),
        occurred_at=step.at,
        request_id=REQUEST_ID,
    )


def _resolve(payload: dict[str, Any]) -> dict[str, Any]:
    """Payload values that were not known when the step was built: saved objects and late numbers."""
    resolved = {}
    for key, value in payload.items():
        if isinstance(value, models.Model):
            value = value.pk
        elif callable(value):
            value = value()
        resolved[key] = value
    return resolved


def _state_logs(steps: list[Step]) -> list[StateLog]:
    content_types: dict[type[models.Model], ContentType] = {}
    logs = []
    for step in steps:
        if step.transition is None:
            continue
        model = type(step.obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        assert step.before is not None and step.after is not None  # transitions always record the status
        logs.append(
            StateLog(
                timestamp=step.at,
                by=step.actor,
                source_state=str(step.before["status"]),
                state=str(step.after["status"]),
                transition=step.transition,
                content_type=content_types[model],
                object_id=step.obj.pk,
                description=step.description,
            )
        )
    return logs
