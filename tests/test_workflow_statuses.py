"""Every workflow status is a django-fsm machine, and no code outside a transition writes one.

The protected FSMField refuses `obj.status = ...` at run time; the scan below also catches what the
descriptor cannot see (`.update(status=...)`, `bulk_update`, creating a row in a later state).
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django_fsm import FSMField

from applications import choices
from applications.models import Firm, Licence, LicenceApplication, LicenceType
from banking.choices import CLOSED_REFERRAL_STATUSES, OPEN_REFERRAL_STATUSES, ReferralStatus
from tests.factories import FirmFactory

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = {"accounts", "applications", "audit", "banking", "notifications", "reviews", "screening"}

# Status fields that are bookkeeping, not workflow: nobody decides them, the code records what happened.
BOOKKEEPING = {
    # The outcome of the automatic checks, recomputed on every run (applications.services.checks).
    ("applications", "document", "check_status"),
    # Where a webhook's retry loop stands (banking.services.webhooks).
    ("banking", "webhookdelivery", "status"),
    # Whether an e-mail went out (notifications.services).
    ("notifications", "notification", "status"),
}

# Where a status attribute is written on purpose, by (file or folder, the object written to), and why.
EXEMPT_RECEIVERS = {
    ("banking/services/webhooks.py", "delivery"): "WebhookDelivery.status is bookkeeping",
    ("notifications/services.py", "notification"): "Notification.status is bookkeeping",
    # The case builder's own attribute: the state its plan has reached, not a model field.
    ("applications/demo/", "self"): "seed_demo's case builder",
}
# seed_demo builds demo rows in their final state in bulk and writes the audit trail and the state log
# those transitions would have written alongside (applications/demo/__init__.py).
EXEMPT_CREATION = ("applications/demo/",)


def workflow_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and any(isinstance(f, FSMField) for f in model._meta.fields)
    ]


def workflow_field_names() -> set[str]:
    return {f.name for model in workflow_models() for f in model._meta.fields if isinstance(f, FSMField)}


def _exempt(path: str, receiver: str) -> bool:
    return any(path.startswith(prefix) and receiver == name for prefix, name in EXEMPT_RECEIVERS)


def _receiver(node: ast.expr) -> str:
    return ast.unparse(node)


def _chain_root(node: ast.expr) -> str:
    """`Referral.objects.filter(...).update` -> "Referral"."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _writes(node: ast.Call, *, fields: set[str], models: set[str], creating: bool) -> bool:
    """setattr(obj, "status", ...), .update(status=...), .bulk_update(objs, ["status"]), or (unless `creating`
    is off) a workflow model created in a given state: Model(status=...), Model.objects.create(status=...)."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    keywords = {keyword.arg for keyword in node.keywords}
    if name == "setattr":
        return len(node.args) > 1 and getattr(node.args[1], "value", None) in fields
    if name == "update":
        return bool(keywords & fields)
    if name == "bulk_update":
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return any(
            isinstance(value, ast.Constant) and value.value in fields
            for argument in arguments
            for value in ast.walk(argument)
        )
    creates = name in models or (
        name in {"create", "get_or_create", "update_or_create"} and _chain_root(node) in models
    )
    return creating and creates and bool(keywords & fields)


def direct_status_writes(source: str, path: str, *, fields: set[str], models: set[str]) -> list[str]:
    """Every place in `source` that writes one of `fields` without a transition, as "path:line: code"."""
    found: list[tuple[int, str]] = []
    creating_allowed = path.startswith(EXEMPT_CREATION)
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                if (
                    isinstance(element, ast.Attribute)
                    and element.attr in fields
                    and not _exempt(path, _receiver(element.value))
                ):
                    found.append((element.lineno, ast.unparse(element)))
        if isinstance(node, ast.Call) and _writes(node, fields=fields, models=models, creating=not creating_allowed):
            found.append((node.lineno, ast.unparse(node)))
    return [f"{path}:{line}: {code}" for line, code in sorted(found)]


def project_sources() -> list[Path]:
    return sorted(
        path
        for app in [*PROJECT_APPS, "vasp_licensing"]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_every_workflow_machine_protects_its_status():
    machines = workflow_models()
    assert {model.__name__ for model in machines} >= {
        "LicenceApplication",
        "Licence",
        "Referral",
        "LicenceChange",
        "ScreeningHit",
    }
    unprotected = [
        f"{model.__name__}.{f.name}"
        for model in machines
        for f in model._meta.fields
        if isinstance(f, FSMField) and not f.protected
    ]
    assert unprotected == []


def test_every_status_field_is_a_state_machine_or_named_bookkeeping():
    plain = [
        (model._meta.app_label, model._meta.model_name, f.name)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for f in model._meta.fields
        if f.name.endswith("status") and f.choices and not isinstance(f, FSMField)
    ]
    assert sorted(set(plain) - BOOKKEEPING) == []


@pytest.mark.parametrize("model", workflow_models(), ids=lambda model: model.__name__)
def test_assigning_a_workflow_status_directly_is_refused(model):
    obj = model()
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        obj.status = "anything"


def test_no_code_outside_a_transition_writes_a_workflow_status():
    fields = workflow_field_names()
    models = {model.__name__ for model in workflow_models()}
    found = [
        write
        for path in project_sources()
        for write in direct_status_writes(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix(), fields=fields, models=models
        )
    ]
    assert found == []


@pytest.mark.parametrize(
    "code",
    [
        "hit.status = 'true_match'",
        "change.status, change.decided_at = 'approved', now",
        "setattr(referral, 'status', 'declined')",
        "LicenceChange.objects.filter(pk=1).update(status='approved')",
        "ScreeningHit.objects.bulk_update(hits, ['status'])",
        "Referral.objects.create(bank=bank, status='declined')",
        "Licence(number='x', status='revoked')",
    ],
)
def test_the_scan_finds_each_kind_of_direct_write(code):
    assert direct_status_writes(
        code,
        "reviews/services/x.py",
        fields={"status"},
        models={"LicenceChange", "Referral", "ScreeningHit", "Licence"},
    )


@pytest.mark.parametrize(
    "code",
    [
        "delivery.status = 'failed'",  # in banking/services/webhooks.py only, see below
        "Referral.objects.filter(status='declined').count()",
        "LicenceApplication.objects.create(firm=firm)",
        "hit.status == 'open'",
    ],
)
def test_the_scan_leaves_reads_and_named_bookkeeping_alone(code):
    path = "banking/services/webhooks.py"
    assert direct_status_writes(code, path, fields={"status"}, models={"Referral", "LicenceApplication"}) == []


def test_bookkeeping_is_exempt_only_where_it_is_named():
    assert direct_status_writes(
        "delivery.status = 'failed'", "banking/services/referrals.py", fields={"status"}, models=set()
    )


def test_open_referral_statuses_and_closed_ones_cover_every_status():
    assert set(OPEN_REFERRAL_STATUSES) | CLOSED_REFERRAL_STATUSES == set(ReferralStatus)
    assert not set(OPEN_REFERRAL_STATUSES) & CLOSED_REFERRAL_STATUSES


def test_draft_open_and_ended_cover_every_application_status_once():
    statuses = choices.ApplicationStatus
    parts = [{statuses.DRAFT}, set(choices.OPEN_STATUSES), set(choices.TERMINAL_STATUSES)]
    assert set().union(*parts) == set(statuses)
    assert sum(map(len, parts)) == len(statuses)  # no status in two parts


def _application(firm: Firm, status: str, number: int) -> LicenceApplication:
    return LicenceApplication.objects.create(
        reference=f"T-{number:04d}", firm=firm, licence_type=LicenceType.objects.first(), status=status
    )


@pytest.mark.django_db
def test_open_cases_are_submitted_and_not_ended_and_not_ended_includes_drafts():
    firm = FirmFactory()
    for number, status in enumerate(choices.ApplicationStatus):
        _application(firm, status, number)

    assert set(LicenceApplication.objects.open().values_list("status", flat=True)) == set(choices.OPEN_STATUSES)
    assert set(LicenceApplication.objects.not_ended().values_list("status", flat=True)) == {
        choices.ApplicationStatus.DRAFT,
        *choices.OPEN_STATUSES,
    }
    assert set(firm.applications.open().values_list("status", flat=True)) == set(choices.OPEN_STATUSES)


@pytest.mark.django_db
def test_live_licences_are_active_or_suspended():
    firm = FirmFactory()
    for number, status in enumerate(choices.LicenceStatus):
        application = _application(firm, choices.ApplicationStatus.APPROVED, number)
        Licence.objects.create(
            number=f"L-{number}",
            firm=firm,
            application=application,
            licence_type=application.licence_type,
            status=status,
            granted_at=application.created_at,
        )

    live = set(Licence.objects.live().values_list("status", flat=True))
    assert live == set(choices.LIVE_LICENCE_STATUSES) == {choices.LicenceStatus.ACTIVE, choices.LicenceStatus.SUSPENDED}
    assert list(Licence.objects.active().values_list("status", flat=True)) == [choices.LicenceStatus.ACTIVE]


# Each named set of statuses has its queryset method; a hand-written filter on it is what the method replaces.
VOCABULARY = {
    "OPEN_STATUSES": "LicenceApplication.objects.open()",
    "IN_REVIEW_STATUSES": "LicenceApplication.objects.in_review()",
    "LIVE_LICENCE_STATUSES": "Licence.objects.live() or licence.is_live",
    "OPEN_REFERRAL_STATUSES": "Referral.objects.open()",
}
VOCABULARY_FIELDS = {"lifted_at__isnull": "licence.conditions.in_force()"}


def _constant_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def hand_written_vocabulary(path: str, source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude"}
        ):
            for keyword in node.keywords:
                if keyword.arg in VOCABULARY_FIELDS:
                    found.append(f"{path}:{node.lineno}: {keyword.arg}: use {VOCABULARY_FIELDS[keyword.arg]}")
                elif keyword.arg == "status__in" and _constant_name(keyword.value) in VOCABULARY:
                    found.append(f"{path}:{node.lineno}: use {VOCABULARY[_constant_name(keyword.value)]}")
        if isinstance(node, ast.Compare) and any(
            _constant_name(right) == "LIVE_LICENCE_STATUSES" for right in node.comparators
        ):
            found.append(f"{path}:{node.lineno}: use licence.is_live")
    return found


def test_named_status_sets_are_read_through_their_queryset_methods():
    found = [
        hit
        for path in project_sources()
        if path.name != "models.py"  # where the methods themselves are defined
        for hit in hand_written_vocabulary(str(path.relative_to(ROOT)), path.read_text())
    ]
    assert found == [], "\n".join(found)


def test_the_vocabulary_scan_sees_a_hand_written_filter():
    source = (
        "cases = LicenceApplication.objects.filter(status__in=choices.OPEN_STATUSES)\n"
        "kept = licence.conditions.exclude(lifted_at__isnull=True)\n"
        "live = licence.status not in LIVE_LICENCE_STATUSES\n"
        "fine = LicenceApplication.objects.filter(status__in=[S.SUBMITTED])\n"
    )
    assert [hit.split(": ", 1)[0] for hit in hand_written_vocabulary("x.py", source)] == ["x.py:1", "x.py:2", "x.py:3"]


@pytest.mark.django_db
def test_in_review_is_accepted_and_not_yet_decided():
    firm = FirmFactory()
    for number, status in enumerate(choices.ApplicationStatus):
        _application(firm, status, number)
    assert set(LicenceApplication.objects.in_review().values_list("status", flat=True)) == {
        choices.ApplicationStatus.UNDER_REVIEW,
        choices.ApplicationStatus.INFORMATION_REQUESTED,
        choices.ApplicationStatus.PENDING_DECISION,
    }


@pytest.mark.django_db
def test_conditions_in_force_are_those_not_lifted_and_live_agrees_with_is_live():
    firm = FirmFactory()
    application = _application(firm, choices.ApplicationStatus.APPROVED, 1)
    licence = Licence.objects.create(
        number="L-1",
        firm=firm,
        application=application,
        licence_type=application.licence_type,
        granted_at=application.created_at,
    )
    kept = licence.conditions.create(text="Keep records", imposed_at=application.created_at)
    lifted = licence.conditions.create(text="Old", imposed_at=application.created_at, lifted_at=application.created_at)
    assert list(licence.conditions.in_force()) == [kept]
    assert kept.in_force and not lifted.in_force
    for status in choices.LicenceStatus:
        assert Licence(status=status).is_live == (status in choices.LIVE_LICENCE_STATUSES)
