"""The admin: every page loads, records stay read-only, and transitions go through the services."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import RegulatorRole
from accounts.mfa import email_verify, totp_enrol
from accounts.models import User
from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L
from applications.models import DocumentType, Firm, Licence, LicenceApplication, LicenceType, Person
from audit.models import AuditEvent
from banking import services as bank_services
from reviews.models import Decision, LicenceChange
from reviews.services.checklist import checklist_item_record
from reviews.services.licence_changes import licence_change_approve, licence_change_propose
from reviews.services.notes import note_add
from reviews.workflow import APPLICATION, LICENCE
from screening.models import ScreeningHit
from screening.services import sanctions_list_load, screening_adjudicate, screening_run
from tests.factories import UserFactory
from vasp_licensing.errors import NotPermitted
from vasp_licensing.problems import domain_problem

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
SAMPLES = Path(__file__).resolve().parent.parent / "screening" / "samples"
SERVICE_RECORDS = [
    "applications.ApplicationSnapshot",
    "applications.Document",
    "applications.Licence",
    "applications.LicenceApplication",
    "applications.ReferenceSequence",
    "reviews.Decision",
    "reviews.InformationRequest",
    "reviews.Recommendation",
    "audit.AuditEvent",
    "audit.AuditChainHead",
    "screening.SanctionsEntry",
    "screening.ScreeningHit",
    "mfa.Authenticator",  # enrolled by the user on the TOTP setup page, never by an administrator
    "reviews.ChecklistItem",
    "reviews.InternalNote",
    "reviews.LicenceChange",  # proposed and decided on the workspace's licence page, four eyes
    "banking.PartnerBank",  # bank_create prints the credentials once; the admin cannot
    "banking.Referral",
    "banking.WebhookDelivery",
    "banking.IdempotencyRecord",
]


def url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def staff(user: User, *perms: str) -> User:
    """Into the admin with these model permissions; what they may *do* still comes from their roles."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def superuser() -> User:
    return UserFactory(email="root@regulator.example", is_superuser=True, is_staff=True)


def bank_records(case, settings) -> None:
    """A bank with a referral, a webhook delivery that failed once, and a stored idempotent answer."""
    settings.WEBHOOK_RETRY_DELAYS = []  # one attempt, then failed: no retry thread outlives the test
    bank = bank_services.bank_create(name="Admin Bank", webhook_url="http://127.0.0.1:9/refused").bank
    [referral] = bank_services.referral_request(
        firm=case.firm, banks=[bank], actor=case.firm_admin, consent_text="We consent to share our data pack."
    )
    bank_services.webhook_attempt(delivery_id=referral.deliveries.get().pk)
    bank_services.idempotency_run(
        bank=bank, key="admin-key", fingerprint="0" * 64, run=lambda: (200, {}), problem=domain_problem
    )


@pytest.fixture
def every_record(case_in, settings):
    """Something in every table: an approved case (licence, decision, snapshot), one waiting on the firm,
    a screening hit cleared as a false match, a bank's referral with a webhook delivery, and an officer
    who signs in with a verified address and TOTP (allauth's EmailAddress and Authenticator)."""
    approved = case_in("approved")
    officer = approved.staff.assigned_officer
    email_verify(user=officer)
    totp_enrol(user=officer, secret="JBSWY3DPEHPK3PXP")
    waiting = case_in("information_requested")
    checklist_item_record(
        application=waiting.application, actor=waiting.staff.assigned_officer, area="custody", outcome="satisfactory"
    )
    note_add(application=waiting.application, actor=waiting.staff.senior_officer, text="Seen.")
    sanctions_list_load(path=SAMPLES / "un_sc_sample.xml")
    person = waiting.people[0]
    person.full_name_en = "Zoran Velimir Kastellan"
    person.save(update_fields=["full_name_en"])
    screening_run(application_id=waiting.application.pk)
    screening_adjudicate(
        hit=ScreeningHit.objects.get(person=person),
        actor=waiting.staff.assigned_officer,
        status="false_match",
        note="Different date of birth.",
    )
    bank_records(approved, settings)
    licence_change_propose(
        licence=approved.application.licence, actor=approved.staff.licensing_manager, action="suspend", reasons="Seen."
    )
    return approved


def transition(client, user: User, application: LicenceApplication, **data: object):
    client.force_login(user)
    return client.post(url(LicenceApplication, "transition", application.pk), data)


# Every page loads.


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_and_change_page_load_for_a_superuser(client, superuser, every_record, model):
    client.force_login(superuser)
    assert client.get(url(model, "changelist")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the builders leave no {model._meta.label}"
    assert client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page_loads_only_for_what_the_admin_may_create(client, superuser, model):
    client.force_login(superuser)
    expected = 403 if model._meta.label in SERVICE_RECORDS else 200
    assert client.get(url(model, "add")).status_code == expected


def test_application_list_searches_and_filters(client, superuser, case_in):
    case = case_in("under_review")
    client.force_login(superuser)
    app, firm = case.application, case.firm
    for query in (app.reference, firm.legal_name_en, firm.registration_number):
        response = client.get(url(LicenceApplication, "changelist"), {"q": query})
        assert app.reference in response.content.decode()
    officer = case.staff.assigned_officer.pk
    filters = [
        {"status__exact": "under_review"},
        {"licence_type__regime": "amlo"},
        {"officer": str(officer)},
        {"officer": "none"},
        {"officer": "me"},
        {"licence_type__id__exact": str(app.licence_type_id)},
    ]
    for params in filters:
        assert client.get(url(LicenceApplication, "changelist"), params).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_list_queries_do_not_grow_with_rows(client, superuser, case_in, model):
    client.force_login(superuser)
    case_in("approved")
    with CaptureQueriesContext(connection) as one_case:
        client.get(url(model, "changelist"))
    case_in("approved")
    case_in("approved")
    with CaptureQueriesContext(connection) as three_cases:
        client.get(url(model, "changelist"))
    assert len(three_cases) == len(one_case)


# Status and service records are read-only.


@pytest.mark.parametrize("model", [LicenceApplication, Licence])
def test_status_is_not_editable_on_the_change_form(client, superuser, case_in, model):
    case = case_in("approved")
    obj = case.application if model is LicenceApplication else case.application.licence
    client.force_login(superuser)
    page = client.get(url(model, "change", obj.pk)).content.decode()
    assert 'name="status"' not in page
    assert url(model, "transition", obj.pk) in page  # the way to change it
    assert client.post(url(model, "change", obj.pk), {"status": "withdrawn"}).status_code == 403
    obj.refresh_from_db()
    assert obj.status in (S.APPROVED, L.ACTIVE)


def test_audit_events_cannot_be_added_changed_or_deleted_even_by_a_superuser(client, superuser, case_in):
    case_in("submitted")
    event = AuditEvent.objects.order_by("sequence")[0]
    before = list(AuditEvent.objects.values_list("pk", "hash"))
    client.force_login(superuser)
    assert client.get(url(AuditEvent, "add")).status_code == 403
    assert client.post(url(AuditEvent, "add"), {"action": "forged"}).status_code == 403
    assert client.post(url(AuditEvent, "change", event.pk), {"action": "forged"}).status_code == 403
    assert client.get(url(AuditEvent, "delete", event.pk)).status_code == 403
    assert client.post(url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    client.post(url(AuditEvent, "changelist"), bulk)
    assert list(AuditEvent.objects.values_list("pk", "hash")) == before


def test_audit_list_filters_and_searches(client, superuser, case_in):
    case = case_in("submitted")
    client.force_login(superuser)
    for params in (
        {"action": "application.submit"},
        {"object_type": "applications.licenceapplication"},
        {"q": case.application.reference},
        {"q": case.firm_admin.email},
    ):
        response = client.get(url(AuditEvent, "changelist"), params)
        assert response.status_code == 200
        assert "application.submit" in response.content.decode()


# Transitions go through the services.


def test_transition_page_offers_what_the_user_may_do_now(client, case_in):
    case = case_in("pending_decision")
    senior = staff(case.staff.senior_officer, "applications.view_licenceapplication")
    client.force_login(senior)
    page = client.get(url(LicenceApplication, "transition", case.application.pk)).content.decode()
    assert 'value="decide"' in page and 'value="send_back"' in page
    assert 'value="accept"' not in page and 'value="recommend"' not in page
    assert "Serve professional investors only." in page  # the draft conditions, prefilled


def test_senior_officer_approves_through_the_service(client, case_in):
    case = case_in("pending_decision")
    senior = staff(case.staff.senior_officer, "applications.view_licenceapplication")
    response = transition(
        client,
        senior,
        case.application,
        action="decide",
        decision_outcome="approve",
        reasons="Controls are adequate.",
        conditions="Serve professional investors only.\n",
    )
    assert response.status_code == 302
    assert response["Location"] == url(LicenceApplication, "change", case.application.pk)
    assert case.refresh().status == S.APPROVED
    licence = Licence.objects.get(application=case.application)
    assert [condition.text for condition in licence.conditions.all()] == ["Serve professional investors only."]
    assert AuditEvent.objects.filter(action="application.decide", actor=senior).count() == 1
    assert "is now approved" in client.get(response["Location"]).content.decode()


def test_recommender_cannot_decide_four_eyes_and_nothing_changes(client, case_in):
    case = case_in("pending_decision")
    maker = staff(case.staff.assigned_officer, "applications.view_licenceapplication")
    events = AuditEvent.objects.count()
    response = transition(client, maker, case.application, action="decide", decision_outcome="approve", reasons="Fine.")
    assert response.status_code == 200
    assert "Four eyes: you made a recommendation on" in response.content.decode()
    assert case.refresh().status == S.PENDING_DECISION
    assert not Decision.objects.exists() and not Licence.objects.exists()
    assert AuditEvent.objects.count() == events


def test_superuser_without_the_role_is_refused_by_the_service(client, superuser, case_in):
    case = case_in("pending_decision")
    response = transition(client, superuser, case.application, action="decide", decision_outcome="approve", reasons="x")
    assert "Your role does not allow you to decide" in response.content.decode()
    assert case.refresh().status == S.PENDING_DECISION


def test_service_validation_is_shown_and_nothing_changes(client, case_in):
    case = case_in("submitted")
    officer = staff(case.staff.assigned_officer, "applications.view_licenceapplication")
    response = transition(client, officer, case.application, action="return_to_firm", reasons="  ")
    assert "Reasons for returning the application are required." in response.content.decode()
    assert case.refresh().status == S.SUBMITTED


def test_missing_inputs_are_form_errors(client, case_in):
    case = case_in("under_review")
    officer = staff(case.staff.assigned_officer, "applications.view_licenceapplication")
    response = transition(client, officer, case.application, action="request_information", items="Why?")
    assert "A request for information needs a due date." in response.content.decode()
    response = transition(client, officer, case.application, action="recommend", reasons="Fine.")
    assert "Choose the recommendation." in response.content.decode()
    assert case.refresh().status == S.UNDER_REVIEW


DUE = (timezone.localdate() + timedelta(days=10)).isoformat()
RFI = {"action": "request_information", "items": "A?\nB?", "due_date": DUE}
RECOMMEND = {"action": "recommend", "recommendation_outcome": "refuse", "reasons": "Unfit."}
DECIDE = {"action": "decide", "decision_outcome": "refuse", "reasons": "Unfit."}
# (starting state, who acts, what they post, the state it ends in): one row per service.
TRANSITION_TABLE = [
    ("draft", "firm_admin", {"action": "submit"}, S.SUBMITTED),
    ("submitted", "assigned_officer", {"action": "accept"}, S.UNDER_REVIEW),
    ("submitted", "assigned_officer", {"action": "return_to_firm", "reasons": "Gaps."}, S.RETURNED),
    ("under_review", "assigned_officer", RFI, S.INFORMATION_REQUESTED),
    ("information_requested", "firm_admin", {"action": "respond"}, S.UNDER_REVIEW),
    ("under_review", "assigned_officer", RECOMMEND, S.PENDING_DECISION),
    (
        "approved_in_principle",
        "assigned_officer",
        {"action": "recommend_final_grant", "reasons": "Met."},
        S.PENDING_DECISION,
    ),
    ("pending_decision", "senior_officer", DECIDE, S.REFUSED),
    ("pending_decision", "senior_officer", {"action": "send_back", "reasons": "Check custody."}, S.UNDER_REVIEW),
    ("under_review", "firm_admin", {"action": "withdraw", "reasons": "Changed plans."}, S.WITHDRAWN),
]


@pytest.mark.parametrize(
    ("start", "who", "data", "end"), TRANSITION_TABLE, ids=[r[2]["action"] for r in TRANSITION_TABLE]
)
def test_each_transition_fires_its_service(client, case_in, start, who, data, end):
    case = case_in(start)
    actor = getattr(case.staff, who, None) or getattr(case, who)
    staff(actor, "applications.view_licenceapplication")  # firm staff are in the admin only for this test
    events = AuditEvent.objects.filter(object_id=str(case.application.pk), actor=actor)
    before = events.count()
    response = transition(client, actor, case.application, **data)
    assert response.status_code == 302, response.content.decode()
    assert case.refresh().status == end
    assert events.count() == before + 1


def test_every_model_transition_has_a_service():
    application_transitions = LicenceApplication._meta.get_field("status").transitions[LicenceApplication]
    licence_transitions = Licence._meta.get_field("status").transitions[Licence]
    assert set(APPLICATION.actions) == set(application_transitions)
    assert set(LICENCE.actions) == {*licence_transitions, "vary_conditions"}


# Assignment.


def test_manager_assigns_a_case_officer_from_the_workflow_page(client, case_in):
    case = case_in("submitted")
    manager = staff(case.staff.licensing_manager, "applications.view_licenceapplication")
    inactive = UserFactory(roles=[RegulatorRole.CASE_OFFICER], is_active=False)
    client.force_login(manager)
    page = client.get(url(LicenceApplication, "transition", case.application.pk)).content.decode()
    assert case.staff.other_case_officer.email in page
    assert case.staff.senior_officer.email not in page and inactive.email not in page
    officer = case.staff.other_case_officer
    client.post(url(LicenceApplication, "assign", case.application.pk), {"officer": officer.pk})
    assert case.refresh().assigned_officer == officer
    assert AuditEvent.objects.filter(action="application.assign", actor=manager).exists()


def test_assignment_by_someone_without_the_role_is_refused(client, superuser, case_in):
    case = case_in("submitted")
    client.force_login(superuser)
    response = client.post(
        url(LicenceApplication, "assign", case.application.pk),
        {"officer": case.staff.other_case_officer.pk},
        follow=True,
    )
    assert "Only a licensing manager may assign cases." in response.content.decode()
    assert case.refresh().assigned_officer == case.staff.assigned_officer


def test_bulk_assign_action_assigns_each_case_through_the_service(client, case_in):
    first, second = case_in("submitted"), case_in("under_review")
    manager = staff(first.staff.licensing_manager, "applications.view_licenceapplication")
    client.force_login(manager)
    events = AuditEvent.objects.filter(action="application.assign").count()
    selected = {"action": "assign_officer", "_selected_action": [first.application.pk, second.application.pk]}
    page = client.post(url(LicenceApplication, "changelist"), selected)
    assert page.status_code == 200 and first.application.reference in page.content.decode()
    officer = first.staff.other_case_officer
    client.post(url(LicenceApplication, "changelist"), {**selected, "apply": "1", "officer": officer.pk})
    assert first.refresh().assigned_officer == officer and second.refresh().assigned_officer == officer
    assert AuditEvent.objects.filter(action="application.assign").count() == events + 2


# Licences.


def licence_action(client, user: User, licence: Licence, **data: object):
    client.force_login(user)
    return client.post(url(Licence, "transition", licence.pk), data)


def test_the_admin_only_proposes_a_suspension_and_another_officer_decides_it(client, case_in):
    """Four eyes: the admin's licence actions are proposals; nothing happens until someone else approves."""
    case = case_in("approved")
    licence = case.application.licence
    senior = staff(case.staff.senior_officer, "applications.view_licence")
    assert licence_action(client, senior, licence, action="suspend", reasons="Custody breach.").status_code == 302
    licence.refresh_from_db()
    change = LicenceChange.objects.get(licence=licence)
    assert licence.status == L.ACTIVE
    assert (change.action, change.status, change.proposed_by) == ("suspend", "proposed", senior)
    page = client.get(url(Licence, "transition", licence.pk)).content.decode()
    assert reverse("reviews:licence", args=[licence.number]) in page  # where it is decided

    with pytest.raises(NotPermitted, match="Four eyes"):
        licence_change_approve(change=change, actor=senior)
    licence_change_approve(change=change, actor=case.staff.licensing_manager)
    licence.refresh_from_db()
    assert licence.status == L.SUSPENDED and licence.status_reason == "Custody breach."
    assert AuditEvent.objects.filter(action="licence.suspend").count() == 1


def test_the_admin_offers_no_proposal_while_one_is_open(client, case_in):
    case = case_in("approved")
    licence = case.application.licence
    manager = staff(case.staff.licensing_manager, "applications.view_licence")
    licence_action(client, manager, licence, action="revoke", reasons="Fraud.")
    page = client.get(url(Licence, "transition", licence.pk)).content.decode()
    assert "Your roles allow no action" in page
    response = licence_action(client, manager, licence, action="suspend", reasons="Also.")
    assert "already proposed" in response.content.decode()
    assert LicenceChange.objects.filter(licence=licence).count() == 1


def test_conditions_variation_is_proposed_through_the_service(client, case_in):
    case = case_in("approved")
    licence = case.application.licence
    old = licence.conditions.get()
    manager = staff(case.staff.licensing_manager, "applications.view_licence")
    data = {"action": "vary_conditions", "reasons": "New rules.", "impose": "Cold storage 98%.", "lift": [old.pk]}
    assert licence_action(client, manager, licence, **data).status_code == 302
    change = LicenceChange.objects.get(licence=licence)
    assert (change.impose, change.lift) == (["Cold storage 98%."], [old.pk])
    assert not AuditEvent.objects.filter(action="licence.vary_conditions").exists()

    licence_change_approve(change=change, actor=case.staff.senior_officer)
    assert [c.text for c in licence.conditions.filter(lifted_at__isnull=True)] == ["Cold storage 98%."]
    assert AuditEvent.objects.filter(action="licence.vary_conditions").count() == 1


def test_auditor_cannot_propose_a_revocation(client, case_in):
    case = case_in("approved")
    licence = case.application.licence
    auditor = staff(case.staff.auditor, "applications.view_licence")
    client.force_login(auditor)
    assert "Your roles allow no action" in client.get(url(Licence, "transition", licence.pk)).content.decode()
    response = licence_action(client, auditor, licence, action="revoke", reasons="Because.")
    assert "Only a licensing manager or a senior officer may propose" in response.content.decode()
    licence.refresh_from_db()
    assert licence.status == L.ACTIVE and not LicenceChange.objects.exists()


# What the admin may edit: configuration and master data, audited.


def test_configuration_edits_are_audited_and_codes_stay_fixed(client, superuser):
    document_type = DocumentType.objects.get(code="insurance")
    client.force_login(superuser)
    data = {
        "name": "Insurance cover",
        "name_zh": document_type.name_zh,
        "code": "renamed",
        "description": "",
        "allowed_extensions": "pdf",
        "max_size_bytes": 1024,
        "max_age_months": 12,
        "is_active": "on",
    }
    assert client.post(url(DocumentType, "change", document_type.pk), data).status_code == 302
    document_type.refresh_from_db()
    assert (document_type.name, document_type.code) == ("Insurance cover", "insurance")
    event = AuditEvent.objects.get(action="admin.change", actor=superuser)
    assert event.object_type == "applications.documenttype"
    assert event.payload["changes"][0]["changed"]["fields"] == ["Name", "Max size bytes"]


def test_deleting_unused_configuration_is_audited(client, superuser):
    unused = DocumentType.objects.create(code="letter_of_comfort", name="Letter of comfort")
    client.force_login(superuser)
    assert client.post(url(DocumentType, "delete", unused.pk), {"post": "yes"}).status_code == 302
    assert not DocumentType.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="admin.delete", object_label="Letter of comfort").exists()


def test_licence_type_page_lists_its_required_documents(client, superuser):
    licence_type = LicenceType.objects.get(code="vatp")
    client.force_login(superuser)
    page = client.get(url(LicenceType, "change", licence_type.pk)).content.decode()
    assert "required documents" in page.lower() and "Custody arrangements" in page


def test_users_are_created_with_their_email_as_login(client, superuser):
    client.force_login(superuser)
    data = {
        "email": "New.Officer@Regulator.Example",
        "usable_password": "true",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    }
    assert client.post(url(User, "add"), data).status_code == 302
    user = User.objects.get(email="new.officer@regulator.example")
    assert user.check_password("a-long-passphrase-42")
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(user.pk)).exists()


def test_firm_is_found_by_registration_number_and_shows_people_members_and_applications(client, superuser, case_in):
    case = case_in("submitted")
    client.force_login(superuser)
    found = client.get(url(Firm, "changelist"), {"q": case.firm.registration_number}).content.decode()
    assert case.firm.legal_name_en in found
    page = client.get(url(Firm, "change", case.firm.pk)).content.decode()
    assert case.people[0].full_name_en in page and case.firm_admin.email in page
    assert case.application.reference in page


def test_a_person_added_in_the_admin_is_screened_for_open_cases(
    client, superuser, case_in, django_capture_on_commit_callbacks
):
    case = case_in("under_review")
    sanctions_list_load(path=SAMPLES / "un_sc_sample.xml")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(Person, "add"),
            {
                "firm": case.firm.pk,
                "full_name_en": "Zoran Velimir Kastellan",
                "full_name_zh": "",
                "nationality": "HK",
                "identity_document_number": "X1234567",
                "email": "",
                "roles-TOTAL_FORMS": "1",
                "roles-INITIAL_FORMS": "0",
                "roles-0-role": "director",
                "roles-0-percentage": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    hit = ScreeningHit.objects.get(person__full_name_en="Zoran Velimir Kastellan")
    assert (hit.application_id, hit.status) == (case.application.pk, "open")
