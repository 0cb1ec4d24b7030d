from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from applications import services
from audit.models import AuditEvent
from audit.services import audit_chain_verify

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """What an attacker with database access would do: bypass the ORM, and on PostgreSQL the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's deferred foreign-key checks must run before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def trail(case_in):
    case_in("approved")
    assert AuditEvent.objects.count() > 10
    return list(AuditEvent.objects.order_by("sequence"))


def test_audit_verify_passes_on_an_intact_chain(trail, capsys):
    call_command("audit_verify")
    assert f"Audit chain intact: {len(trail)} events verified." in capsys.readouterr().out


def test_audit_verify_names_the_first_edited_event(trail):
    victim = trail[7]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", victim.pk])

    with pytest.raises(CommandError, match=rf"broken at event #{victim.sequence}: .*altered"):
        call_command("audit_verify")


def test_audit_verify_catches_a_rewritten_hash(trail):
    victim = trail[3]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET payload = %s, hash = %s WHERE id = %s", ["{}", "f" * 64, victim.pk])

    problem = audit_chain_verify()
    assert problem is not None and problem.sequence == victim.sequence


def test_audit_verify_names_a_deleted_event(trail):
    victim = trail[5]
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])

    with pytest.raises(CommandError, match=rf"broken at event #{victim.sequence}: .*missing"):
        call_command("audit_verify")


def test_audit_verify_catches_a_deleted_tail(trail):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].pk])

    with pytest.raises(CommandError, match="tail deleted"):
        call_command("audit_verify")


def test_the_orm_refuses_to_change_or_delete_events(trail):
    event = trail[0]
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_postgres_trigger_refuses_update_and_delete(trail, postgres_only, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == len(trail)


def test_events_carry_actor_and_request_id(client, draft_case):
    services.application_update(application=draft_case.application, actor=draft_case.firm_admin, target_markets="SG")
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.actor_id, event.before, event.after) == (
        "application.update",
        draft_case.firm_admin.pk,
        {"target_markets": "Hong Kong professional investors."},
        {"target_markets": "SG"},
    )
    response = client.get("/healthz/", HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-ID"] == "req-123"
