"""The audit action registry (audit/actions.py): what may be recorded, and what each action says of itself."""

import ast
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import get_template
from django.utils.functional import Promise

from audit import actions
from audit.actions import AuditAction, UnregisteredAction
from audit.models import AuditEvent
from audit.services import AuditEntry, audit_record, audit_record_many

ROOT = Path(settings.BASE_DIR)
SKIPPED_PARTS = {"tests", "migrations", ".venv", "node_modules", "static"}


def source_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts) and path != ROOT / "audit" / "actions.py"
    ]


def stored_codes() -> set[str]:
    return set(AuditEvent.objects.values_list("action", flat=True).distinct())


@pytest.mark.django_db
def test_audit_record_refuses_a_plain_string_even_a_registered_code():
    with pytest.raises(UnregisteredAction):
        audit_record(actor=None, action="application.submit")  # type: ignore[arg-type]

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_audit_record_refuses_an_action_that_was_never_registered():
    stray = AuditAction(code="application.teleport", label="Teleported")

    with pytest.raises(UnregisteredAction):
        audit_record(actor=None, action=stray)
    with pytest.raises(UnregisteredAction):
        audit_record_many([AuditEntry(actor=None, action=stray)])

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_registered_action_is_stored_by_its_code():
    event = audit_record(actor=None, action=actions.APPLICATION_SUBMIT)

    event.refresh_from_db()
    assert event.action == "application.submit"


def test_an_action_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        actions.register("application.submit", "Submitted again")


def test_each_member_is_named_after_its_code():
    members = {name: value for name, value in vars(actions).items() if isinstance(value, AuditAction)}

    assert {name: action.code.upper().replace(".", "_") for name, action in members.items()} == {
        name: name for name in members
    }
    assert {action.code for action in members.values()} == {action.code for action in actions.registered()}


def test_every_label_is_translatable():
    for action in actions.registered():
        assert isinstance(action.label, Promise), action
        assert action.firm_label is None or isinstance(action.firm_label, Promise), action


def test_every_notification_template_exists_in_both_languages():
    templates = {action.notify for action in actions.registered() if action.notify}

    assert templates  # the firm is told of something
    for template in templates:
        for language in ("en", "zh-hant"):
            get_template(f"notifications/email/{template}.{language}.txt")


def test_the_firm_is_told_only_of_what_its_timeline_shows():
    for action in actions.registered():
        assert not action.notify or action.firm_sees, action
        assert action.firm_sees or not (action.firm_keys or action.firm_detail), action


def test_the_licence_changes_and_only_they_have_a_licence_effect():
    with_effect = {action.code for action in actions.registered() if action.licence_effect}

    assert with_effect == {
        "licence.suspend",
        "licence.reinstate",
        "licence.revoke",
        "licence.surrender",
        "licence.vary_conditions",
    }


def test_the_firm_reads_only_the_details_its_action_names():
    facts = actions.APPLICATION_DECIDE.firm_facts(
        payload={"outcome": "refuse", "reason": "Not fit and proper.", "recommendation": 7, "decision": 3},
        before={"status": "pending_decision"},
        after={"status": "refused"},
        object_label="APP-1",
    )

    assert facts == {"outcome": "refuse", "reason": "Not fit and proper."}
    assert (
        actions.APPLICATION_SUBMIT.firm_facts(
            payload={"snapshot_sha256": "abc"}, before=None, after=None, object_label="APP-1"
        )
        == {}
    )


def test_no_code_outside_the_registry_spells_an_action_as_a_string():
    codes = {action.code for action in actions.registered()}
    literal = re.compile(r"""\baction=f?["']""")
    offenders = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: action=..." for _ in literal.finditer(text)]
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and node.value in codes:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")

    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["approved", "refused", "returned", "withdrawn"])
def test_every_action_a_case_records_on_its_way_is_registered(case_in, status):
    case_in(status)

    assert stored_codes() <= {action.code for action in actions.registered()}


@pytest.mark.django_db
def test_every_action_seed_demo_records_is_registered():
    call_command("seed_demo", firms=3, stdout=StringIO())

    assert stored_codes()
    assert stored_codes() <= {action.code for action in actions.registered()}
