"""The portal's front page, registering a firm, the firm's page and starting an application."""

import re

import pytest
from django.urls import reverse

from accounts.choices import FirmRole
from accounts.models import FirmMembership
from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Firm, LicenceApplication, LicenceType
from applications.services.firms import FIRM_FIELDS, IDENTITY_FIELDS
from applications.validators import InvalidFields, lei_with_check_digits
from audit.models import AuditEvent
from tests.factories import FirmFactory, UserFactory, member
from tests.support import sign_in
from vasp_licensing.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

VALID_LEI = lei_with_check_digits("549300ABCDEFGHIJ12")


def firm_post(**overrides):
    data = {
        "legal_name_en": "Kowloon Crypto Exchange Limited",
        "legal_name_zh": "九龍加密交易所有限公司",
        "registration_number": "7654321",
        "jurisdiction": "hk",
        "registered_address": "1 Nathan Road, Tsim Sha Tsui, Hong Kong",
        "lei": VALID_LEI,
        "website": "https://kce.example.test",
    }
    return {**data, **overrides}


def test_dashboard_without_a_firm_invites_to_register_one(client):
    response = sign_in(client, UserFactory()).get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Register your firm to apply for a licence" in html
    assert reverse("portal:firm_create") in html


def test_dashboard_lists_the_firms_applications_with_links(client, draft_case):
    response = sign_in(client, draft_case.preparer).get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert draft_case.firm.legal_name_en in html
    assert reverse("portal:application", args=[draft_case.application.reference]) in html
    assert "Draft" in html
    assert "Register your firm" not in html


def test_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_firm_create_makes_the_creator_its_firm_admin_and_is_audited(client):
    user = UserFactory()
    response = sign_in(client, user).post(reverse("portal:firm_create"), firm_post())

    firm = Firm.objects.get(registration_number="7654321")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:firm", args=[firm.pk])
    assert firm.jurisdiction == "HK"
    assert FirmMembership.objects.get(firm=firm).role == FirmRole.FIRM_ADMIN
    assert FirmMembership.objects.get(firm=firm).user == user
    event = AuditEvent.objects.get(action="firm.create", object_id=str(firm.pk))
    assert event.actor == user
    assert event.after is not None
    assert event.after["lei"] == VALID_LEI


def test_firm_create_with_an_invalid_lei_is_a_form_error_and_writes_nothing(client):
    response = sign_in(client, UserFactory()).post(reverse("portal:firm_create"), firm_post(lei="549300ABCDEFGHIJ1299"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "549300ABCDEFGHIJ1299 is not a valid LEI" in html
    assert 'id="id_lei_error"' in html
    assert not Firm.objects.exists()
    assert not AuditEvent.objects.filter(action="firm.create").exists()


def test_firm_create_refuses_a_registration_number_already_registered(client):
    FirmFactory(registration_number="7654321", jurisdiction="HK")
    response = sign_in(client, UserFactory()).post(reverse("portal:firm_create"), firm_post())

    html = response.content.decode()
    assert response.status_code == 400
    assert "A firm with registration number 7654321 in HK is already registered here." in html
    assert Firm.objects.filter(registration_number="7654321").count() == 1


def test_firm_create_refuses_an_lei_already_registered(client):
    FirmFactory(lei=VALID_LEI)
    response = sign_in(client, UserFactory()).post(reverse("portal:firm_create"), firm_post())
    assert response.status_code == 400
    assert f"A firm with the LEI {VALID_LEI} is already registered here." in response.content.decode()


@pytest.mark.parametrize("field", ["legal_name_en", "registration_number", "jurisdiction", "registered_address"])
def test_firm_create_reports_each_missing_field_beside_it(client, field):
    response = sign_in(client, UserFactory()).post(reverse("portal:firm_create"), firm_post(**{field: ""}))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in html
    assert "This field is required." in html
    assert not Firm.objects.exists()


def test_firm_form_errors_in_traditional_chinese_keep_their_accessible_structure(client):
    sign_in(client, UserFactory())
    client.cookies["django_language"] = "zh-hant"
    response = client.post(reverse("portal:firm_create"), firm_post(lei="NOT-AN-LEI", legal_name_en=""))
    assert not Firm.objects.exists()

    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="zh-hant">' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_lei_helptext id_lei_error"' in html
    assert 'id="id_lei_error"' in html and 'id="id_legal_name_en_error"' in html
    assert 'role="alert"' in html


def test_firm_page_of_a_member_shows_details_people_and_applications(client, draft_case):
    response = sign_in(client, draft_case.preparer).get(reverse("portal:firm", args=[draft_case.firm.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert draft_case.application.reference in html
    assert draft_case.people[0].full_name_en in html
    assert reverse("portal:people", args=[draft_case.firm.pk]) in html


def test_a_preparer_edits_the_firm_which_is_audited_and_clears_the_drafts_signature(client, draft_case):
    url = reverse("portal:firm", args=[draft_case.firm.pk])
    data = firm_post(
        registration_number=draft_case.firm.registration_number,
        lei=draft_case.firm.lei,
        registered_address="2 Queen's Road Central, Hong Kong",
    )
    response = sign_in(client, draft_case.preparer).post(url, data)

    assert response.status_code == 302
    firm = Firm.objects.get(pk=draft_case.firm.pk)
    assert firm.registered_address == "2 Queen's Road Central, Hong Kong"
    event = AuditEvent.objects.get(action="firm.update", object_id=str(firm.pk))
    assert event.before is not None and event.after is not None
    assert event.before["registered_address"] == "Level 20, 1 Harbour Road, Wan Chai, Hong Kong"
    assert event.after["registered_address"] == "2 Queen's Road Central, Hong Kong"
    assert event.payload["declarations_cleared"] == [draft_case.application.reference]
    assert draft_case.refresh().declaration_signed_at is None


def test_a_firm_admin_starts_an_application_and_lands_on_it(client):
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN)
    sfo = LicenceType.objects.get(code="sfo-type-1-7")
    response = sign_in(client, admin).post(
        reverse("portal:application_start", args=[firm.pk]), {"licence_type": sfo.pk}
    )

    application = LicenceApplication.objects.get(firm=firm)
    assert (application.status, application.licence_type, application.created_by) == (S.DRAFT, sfo, admin)
    assert response["Location"] == reverse("portal:application", args=[application.reference])
    assert AuditEvent.objects.filter(action="application.create", object_id=str(application.pk)).exists()


def test_inactive_licence_types_are_not_offered(client):
    firm = FirmFactory()
    html = (
        sign_in(client, member(firm, FirmRole.FIRM_ADMIN)).get(reverse("portal:firm", args=[firm.pk])).content.decode()
    )
    assert "Securities dealing and automated trading" in html
    assert "Virtual asset dealer (being legislated)" not in html


def test_a_preparer_sees_why_they_cannot_start_an_application_and_cannot_post_one(client):
    firm = FirmFactory()
    preparer = member(firm, FirmRole.PREPARER)
    sign_in(client, preparer)
    html = client.get(reverse("portal:firm", args=[firm.pk])).content.decode()
    assert "Only a firm admin can start an application." in html
    assert reverse("portal:application_start", args=[firm.pk]) not in html

    vatp = LicenceType.objects.get(code="vatp")
    response = client.post(reverse("portal:application_start", args=[firm.pk]), {"licence_type": vatp.pk})
    assert response.status_code == 403
    assert "Only a firm admin of" in response.content.decode()
    assert not LicenceApplication.objects.filter(firm=firm).exists()


def test_starting_a_second_open_application_for_the_same_type_says_which(client, draft_case):
    sign_in(client, draft_case.firm_admin)
    url = reverse("portal:application_start", args=[draft_case.firm.pk])
    response = client.post(url, {"licence_type": draft_case.application.licence_type.pk})
    assert response.status_code == 400
    assert draft_case.application.reference in response.content.decode()
    assert LicenceApplication.objects.filter(firm=draft_case.firm).count() == 1


def test_the_service_checks_each_field_too_whatever_door_the_input_comes_through():
    user = UserFactory()
    with pytest.raises(InvalidFields) as refused:
        services.firm_create(actor=user, **{**firm_post(lei="549300ABCDEFGHIJ1299"), "jurisdiction": "Hong Kong"})
    assert set(refused.value.field_errors) == {"lei", "jurisdiction"}
    assert "549300ABCDEFGHIJ1299 is not a valid LEI" in refused.value.field_errors["lei"][0]
    assert not Firm.objects.exists()


def test_only_members_edit_a_firm_and_regulators_do_not_register_one(draft_case):
    with pytest.raises(NotPermitted):
        services.firm_update(firm=draft_case.firm, actor=draft_case.other_firm_admin, website="https://x.test")
    with pytest.raises(NotPermitted):
        services.firm_create(actor=draft_case.staff.assigned_officer, **firm_post())
    assert Firm.objects.get(pk=draft_case.firm.pk).website == "https://example.test"


def details_post(firm, **overrides):
    """The firm's details as its page posts them, with `overrides`."""
    return {**{name: getattr(firm, name) for name in FIRM_FIELDS}, **overrides}


IDENTITY_FIXED = "are fixed once an application has been submitted; ask the regulator to record a change."


@pytest.mark.parametrize("role", ["preparer", "firm_admin"])
def test_a_member_cannot_rename_a_firm_with_a_submitted_application_and_nothing_is_written(client, case_in, role):
    case = case_in("submitted")
    firm = case.firm
    response = sign_in(client, getattr(case, role)).post(
        reverse("portal:firm", args=[firm.pk]), details_post(firm, legal_name_en="Totally Different Bank Ltd")
    )

    assert response.status_code == 400
    assert IDENTITY_FIXED in response.content.decode()
    assert Firm.objects.get(pk=firm.pk).legal_name_en == firm.legal_name_en
    assert not AuditEvent.objects.filter(action="firm.update", object_id=str(firm.pk)).exists()


def test_the_service_refuses_identity_changes_of_a_licensed_firm_whatever_the_door(case_in):
    case = case_in("approved")
    with pytest.raises(ValidationFailed, match="ask the regulator to record a change"):
        services.firm_update(firm=case.firm, actor=case.firm_admin, registration_number="999", lei="")
    firm = Firm.objects.get(pk=case.firm.pk)
    assert (firm.registration_number, firm.lei) == (case.firm.registration_number, case.firm.lei)
    assert not AuditEvent.objects.filter(action="firm.update", object_id=str(firm.pk)).exists()


def test_a_firm_with_a_submitted_application_shows_its_identity_read_only_and_keeps_address_and_website_editable(
    client, case_in
):
    case = case_in("submitted")
    firm = case.firm
    sign_in(client, case.preparer)
    html = client.get(reverse("portal:firm", args=[firm.pk])).content.decode()
    assert IDENTITY_FIXED in html
    for name in IDENTITY_FIELDS:
        assert re.search(rf'<input[^>]*name="{name}"[^>]*disabled', html), name
    assert not re.search(r'<input[^>]*name="website"[^>]*disabled', html)

    # Browsers do not send disabled inputs: the page posts the address and website only.
    data = {"registered_address": "2 Queen's Road Central, Hong Kong", "website": "https://new.example.test"}
    response = client.post(reverse("portal:firm", args=[firm.pk]), data)

    assert response.status_code == 302
    saved = Firm.objects.get(pk=firm.pk)
    assert (saved.website, saved.legal_name_en) == ("https://new.example.test", firm.legal_name_en)
    event = AuditEvent.objects.get(action="firm.update", object_id=str(firm.pk))
    assert set(event.after or ()) == {"registered_address", "website"}


def test_a_firm_with_drafts_only_can_still_change_its_name(client, draft_case):
    firm = draft_case.firm
    sign_in(client, draft_case.preparer)
    assert IDENTITY_FIXED not in client.get(reverse("portal:firm", args=[firm.pk])).content.decode()

    response = client.post(reverse("portal:firm", args=[firm.pk]), details_post(firm, legal_name_en="Renamed Ltd"))

    assert response.status_code == 302
    assert Firm.objects.get(pk=firm.pk).legal_name_en == "Renamed Ltd"
