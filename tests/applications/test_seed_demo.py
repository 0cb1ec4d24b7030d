import hashlib
import itertools
import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django_fsm_log.models import StateLog
from rest_framework.test import APIClient

from accounts.choices import FirmRole, RegulatorRole
from accounts.models import User
from applications.choices import ApplicationStatus, LicenceStatus
from applications.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from applications.models import (
    ApplicationSnapshot,
    Document,
    Firm,
    Licence,
    LicenceApplication,
    Person,
    PersonRole,
    ReferenceSequence,
)
from applications.selectors import application_missing_items, application_snapshot_data
from applications.services.references import next_application_reference
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from banking.choices import ReferralStatus
from banking.models import PartnerBank, Referral, WebhookDelivery
from reviews.models import Decision, InformationRequestItem
from tests.banking.conftest import PrintedCredentials, fetch_token

pytestmark = pytest.mark.django_db

TRANSITION_ACTIONS = {
    "application.submit",
    "application.accept",
    "application.return",
    "application.request_information",
    "application.respond",
    "application.recommend",
    "application.recommend_final_grant",
    "application.decide",
    "application.send_back",
    "application.withdraw",
}
PAST_INTAKE = set(ApplicationStatus) - {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED}


def seed(firms: int = 12) -> str:
    out = StringIO()
    call_command("seed_demo", firms=firms, stdout=out)
    return out.getvalue()


def demo_row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_puts_applications_in_every_status():
    seed()

    assert set(LicenceApplication.objects.values_list("status", flat=True)) == set(ApplicationStatus)
    assert Firm.objects.filter(registration_number__startswith="DEMO-").count() == 12


def test_seed_creates_staff_of_every_regulator_role_who_can_use_the_admin():
    seed()

    for role in RegulatorRole:
        members = User.objects.filter(groups__name=role.value)
        assert members.exists(), role
        assert all(user.is_staff for user in members)
    assert User.objects.filter(groups__name=RegulatorRole.CASE_OFFICER).count() >= 2
    assert User.objects.filter(groups__name=RegulatorRole.SENIOR_OFFICER).count() >= 2
    assert User.objects.get(email="admin@demo.regulator.example").is_superuser
    manager = User.objects.filter(groups__name=RegulatorRole.LICENSING_MANAGER)[0]
    auditor = User.objects.filter(groups__name=RegulatorRole.AUDITOR)[0]
    assert manager.has_perm("applications.change_licencetype")
    assert auditor.has_perm("audit.view_auditevent")
    assert not auditor.has_perm("applications.change_licencetype")


def test_seed_prints_the_demo_logins():
    output = seed()

    assert f"password for all: {DEFAULT_DEMO_PASSWORD}" in output
    for email in ("admin@demo.regulator.example", "case.officer1@", "senior.officer2@", "auditor1@"):
        assert email in output
    assert "admin@firm00001.demo.example" in output
    assert "Firm admin (approved)" in output


def test_demo_firm_admins_have_the_demo_totp_and_preparers_none():
    seed(firms=3)

    with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP, user__email__endswith=".demo.example").values_list(
            "user__email", flat=True
        )
    )
    assert with_totp == {f"admin@firm{index:05d}.demo.example" for index in (1, 2, 3)}
    authenticators = Authenticator.objects.count()
    seed(firms=3)
    assert Authenticator.objects.count() == authenticators  # a second run enrols nobody twice


def test_seed_uses_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-passphrase")
    seed(firms=1)

    assert User.objects.get(email="senior.officer1@demo.regulator.example").check_password("another-demo-passphrase")
    assert User.objects.get(email="preparer@firm00001.demo.example").check_password("another-demo-passphrase")


def test_seed_keeps_the_audit_chain_intact():
    seed()

    assert audit_chain_verify() is None
    call_command("audit_verify", stdout=StringIO())


def test_every_application_transition_has_one_audit_event_and_one_state_log():
    seed()

    application_type = ContentType.objects.get_for_model(LicenceApplication)
    logs = StateLog.objects.filter(content_type=application_type)
    assert logs.count() == AuditEvent.objects.filter(action__in=TRANSITION_ACTIONS).count()
    for application in LicenceApplication.objects.all():
        trail = list(logs.filter(object_id=application.pk).order_by("timestamp", "pk"))
        # The last transition explains the status; a draft never moved.
        assert (trail[-1].state if trail else ApplicationStatus.DRAFT) == application.status
        assert all(earlier.state == later.source_state for earlier, later in itertools.pairwise(trail))
        assert all(log.timestamp <= timezone.now() for log in trail)


def test_every_approved_application_has_a_licence_with_conditions():
    seed(firms=20)

    approved = LicenceApplication.objects.filter(status=ApplicationStatus.APPROVED)
    assert approved.exists()
    for application in approved:
        assert application.licence.conditions.exists()
        assert application.licence.number.startswith(application.licence_type.licence_number_prefix + "-")
    assert not Licence.objects.exclude(application__status=ApplicationStatus.APPROVED).exists()
    assert set(Licence.objects.values_list("status", flat=True)) > {LicenceStatus.ACTIVE}


def test_decisions_are_never_made_by_the_recommender():
    seed()

    assert Decision.objects.exists()
    for decision in Decision.objects.select_related("recommendation", "application"):
        recommenders = set(decision.application.recommendations.values_list("made_by", flat=True))
        assert decision.decided_by_id not in recommenders
        assert decision.decided_by.has_regulator_role(RegulatorRole.SENIOR_OFFICER)
        assert decision.recommendation.made_by.has_regulator_role(RegulatorRole.CASE_OFFICER)


def test_cases_past_intake_have_an_assigned_case_officer():
    seed()

    for application in LicenceApplication.objects.filter(status__in=PAST_INTAKE).exclude(accepted_at=None):
        assert application.assigned_officer.has_regulator_role(RegulatorRole.CASE_OFFICER)


def test_some_submitted_cases_wait_unassigned():
    seed(firms=20)

    submitted = LicenceApplication.objects.filter(status=ApplicationStatus.SUBMITTED)
    assert submitted.filter(assigned_officer=None).exists()
    assert submitted.exclude(assigned_officer=None).exists()


def test_cases_waiting_on_the_firm_have_an_open_request_for_information():
    seed(firms=20)

    waiting = LicenceApplication.objects.filter(status=ApplicationStatus.INFORMATION_REQUESTED)
    assert waiting.exists()
    for application in waiting:
        request = application.information_requests.get(responded_at=None)
        assert request.items.exists()
        assert request.due_date > request.created_at.date()
    answered = InformationRequestItem.objects.filter(request__application__in=waiting).exclude(answer="")
    assert answered.exists()


def test_snapshots_hold_what_submission_would_have_frozen():
    seed()

    submitted = LicenceApplication.objects.exclude(submitted_at=None)
    assert ApplicationSnapshot.objects.count() == submitted.count()
    for snapshot in ApplicationSnapshot.objects.select_related("application"):
        assert snapshot.data == application_snapshot_data(application=snapshot.application)
        canonical = json.dumps(snapshot.data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
        assert snapshot.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
        assert application_missing_items(application=snapshot.application) == []


def test_documents_point_at_a_stored_pdf_with_its_real_hash():
    seed(firms=3)

    for name, size, sha256 in Document.objects.values_list("file", "size", "sha256").distinct():
        with default_storage.open(name) as stored:
            content = stored.read()
        assert content.startswith(b"%PDF-")
        assert (len(content), hashlib.sha256(content).hexdigest()) == (size, sha256)


def test_demo_firms_and_people_pass_model_validation():
    seed()

    for model in (Firm, Person, PersonRole):
        for row in model.objects.all():
            row.full_clean()


def test_seed_twice_leaves_the_same_data():
    seed()
    before = demo_row_counts()

    output = seed()

    assert demo_row_counts() == before
    assert "created nothing" in output
    assert audit_chain_verify() is None


def test_seed_with_more_firms_adds_the_missing_ones():
    seed(firms=12)
    seed(firms=15)

    assert sorted(
        Firm.objects.filter(registration_number__startswith="DEMO-").values_list("registration_number", flat=True)
    ) == [f"DEMO-{index:05d}" for index in range(1, 16)]
    assert User.objects.filter(email__endswith=".demo.example").count() == 30
    assert audit_chain_verify() is None


def test_services_number_new_applications_after_the_seeded_ones():
    seed()

    assert next_application_reference() not in set(LicenceApplication.objects.values_list("reference", flat=True))
    for licence in Licence.objects.select_related("licence_type"):
        year, number = licence.number.split("-")[1:]
        prefix = licence.licence_type.licence_number_prefix
        sequence = ReferenceSequence.objects.get(name=f"licence-{prefix}", year=int(year))
        assert int(number) <= sequence.last_value


def test_seed_refuses_a_negative_number_of_firms():
    with pytest.raises(CommandError):
        call_command("seed_demo", firms=-1, stdout=StringIO())


def test_seeded_groups_are_the_regulator_roles():
    seed(firms=0)

    assert set(Group.objects.values_list("name", flat=True)) >= set(RegulatorRole.values)


# Partner banks and referrals. 40 firms hold 8 licensed ones, enough for Demo Bank's 8 states.
BANK_FIRMS = 40


def referral_rows() -> dict[str, int]:
    return {
        "banks": PartnerBank.objects.count(),
        "referrals": Referral.objects.count(),
        "state logs": StateLog.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def test_seed_creates_demo_bank_with_a_referral_in_every_status():
    seed(firms=BANK_FIRMS)

    demo_bank = PartnerBank.objects.get(name="Demo Bank")
    assert set(demo_bank.referrals.values_list("status", flat=True)) == set(ReferralStatus)
    assert PartnerBank.objects.count() >= 3


def test_seeded_banks_have_no_webhook_url_so_nothing_is_sent():
    seed(firms=BANK_FIRMS)

    assert not PartnerBank.objects.exclude(webhook_url="").exists()
    assert not WebhookDelivery.objects.exists()


def test_seed_twice_creates_no_new_banks_or_referrals():
    seed(firms=BANK_FIRMS)
    before = referral_rows()

    seed(firms=BANK_FIRMS)

    assert referral_rows() == before


def test_seed_with_more_firms_fills_in_the_missing_referral_states():
    seed(firms=12)
    assert set(Referral.objects.filter(bank__name="Demo Bank").values_list("status", flat=True)) < set(ReferralStatus)

    seed(firms=BANK_FIRMS)

    statuses = list(Referral.objects.filter(bank__name="Demo Bank").values_list("status", flat=True))
    assert sorted(statuses) == sorted(ReferralStatus)


@pytest.mark.parametrize("firms", [0, 3])
def test_seed_with_no_licensed_firm_creates_the_banks_without_referrals(firms):
    seed(firms=firms)

    assert PartnerBank.objects.filter(name="Demo Bank").exists()
    assert not Referral.objects.exists()


def test_seed_with_referrals_keeps_the_audit_chain_intact():
    seed(firms=BANK_FIRMS)

    assert AuditEvent.objects.filter(action="bank.create").count() == PartnerBank.objects.count()
    assert audit_chain_verify() is None
    call_command("audit_verify", stdout=StringIO())


def test_every_referral_status_is_explained_by_its_state_logs():
    seed(firms=BANK_FIRMS)

    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in Referral.objects.select_related("bank"):
        trail = list(StateLog.objects.filter(content_type=referral_type, object_id=referral.pk).order_by("pk"))
        # A referral starts requested; the last transition explains its status.
        assert (trail[-1].state if trail else ReferralStatus.REQUESTED) == referral.status
        assert [log.source_state for log in trail[:1]] in ([], [ReferralStatus.REQUESTED])
        assert all(earlier.state == later.source_state for earlier, later in itertools.pairwise(trail))
        events = AuditEvent.objects.filter(object_type="banking.referral", object_id=str(referral.pk))
        assert events.count() == len(trail) + 1  # referral.create, then one event per transition


def test_referrals_are_asked_for_by_the_firm_admin_and_answered_by_the_bank():
    seed(firms=BANK_FIRMS)

    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in Referral.objects.select_related("bank"):
        assert referral.consent_given_by.firm_memberships.get(firm=referral.firm).role == FirmRole.FIRM_ADMIN
        assert referral.consent_text
        for log in StateLog.objects.filter(content_type=referral_type, object_id=referral.pk):
            # The firm withdraws its own referral; every other move is the bank's.
            expected = referral.consent_given_by_id if log.transition == "cancel" else referral.bank.service_user_id
            assert log.by_id == expected


def test_seed_prints_how_to_get_the_demo_bank_credentials():
    output = seed(firms=0)

    assert 'python manage.py bank_credentials --name "Demo Bank"' in output


def test_demo_bank_credentials_from_bank_credentials_read_its_seeded_referrals():
    seed(firms=BANK_FIRMS)
    out = StringIO()
    call_command("bank_credentials", name="Demo Bank", stdout=out, stderr=StringIO())
    printed = json.loads(out.getvalue())

    token = fetch_token(PrintedCredentials(client_id=printed["client_id"], client_secret=printed["client_secret"]))
    assert token.status_code == 200, token.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}")
    listed = api.get("/api/v1/bank/referrals/")

    assert listed.status_code == 200
    assert {item["status"] for item in listed.json()["results"]} == set(ReferralStatus)
