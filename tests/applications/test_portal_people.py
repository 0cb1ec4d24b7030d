"""The firm's people: roles, percentages and the firm's ownership totals, on the page and in the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.choices import FirmRole
from accounts.mfa import totp_enrol
from applications import services
from applications.models import Person, PersonRole
from audit.models import AuditEvent
from tests.factories import TEST_TOTP_SECRET, FirmFactory, member, person_with_roles
from vasp_licensing.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return FirmFactory()


@pytest.fixture
def preparer(firm, client):
    user = member(firm, FirmRole.PREPARER)
    totp_enrol(user=user, secret=TEST_TOTP_SECRET)
    client.force_login(user)
    return user


def person_post(**overrides):
    return {
        "full_name_en": "Wong Siu Ming",
        "full_name_zh": "黃小明",
        "date_of_birth": "1980-04-01",
        "nationality": "hk",
        "identity_document_number": "A1234567",
        "email": "wong@example.test",
        "roles": ["director"],
        "shareholding_percentage": "",
        "ownership_percentage": "",
        **overrides,
    }


def add_url(firm):
    return reverse("portal:person_create", args=[firm.pk])


def test_a_member_adds_a_person_with_roles_and_percentages_which_is_audited(client, firm, preparer):
    data = person_post(
        roles=["director", "substantial_shareholder", "beneficial_owner"],
        shareholding_percentage="25.5",
        ownership_percentage="30",
    )
    response = client.post(add_url(firm), data)

    assert response.status_code == 302
    person = Person.objects.get(firm=firm)
    assert person.nationality == "HK"
    assert dict(person.roles.values_list("role", "percentage")) == {
        "director": None,
        "substantial_shareholder": Decimal("25.50"),
        "beneficial_owner": Decimal("30.00"),
    }
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert event.actor == preparer
    assert event.after is not None
    assert event.after["roles"]["substantial_shareholder"] == "25.50"
    page = client.get(reverse("portal:people", args=[firm.pk])).content.decode()
    assert "Wong Siu Ming" in page and "25.50 %" in page


def test_beneficial_ownership_above_100_percent_across_the_firm_is_refused_and_nothing_written(client, firm, preparer):
    person_with_roles(firm, "beneficial_owner", percentage="70.00")
    response = client.post(add_url(firm), person_post(roles=["beneficial_owner"], ownership_percentage="40"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Beneficial ownership would add up to 110.00 % across the firm&#x27;s people" in html
    assert 'id="id_ownership_percentage_error"' in html
    assert Person.objects.filter(firm=firm).count() == 1
    assert not AuditEvent.objects.filter(action="person.create").exists()


def test_substantial_shareholdings_above_100_percent_are_refused(client, firm, preparer):
    person_with_roles(firm, "substantial_shareholder", percentage="60.00")
    response = client.post(add_url(firm), person_post(roles=["substantial_shareholder"], shareholding_percentage="50"))
    assert response.status_code == 400
    assert "Substantial shareholdings would add up to 110.00 %" in response.content.decode()
    assert Person.objects.filter(firm=firm).count() == 1


def test_a_single_percentage_above_100_is_refused(client, firm, preparer):
    response = client.post(add_url(firm), person_post(roles=["beneficial_owner"], ownership_percentage="100.5"))
    assert response.status_code == 400
    assert "A percentage cannot be above 100 %; 100.5 % was entered." in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("roles", "field", "value", "message"),
    [
        (["beneficial_owner"], "ownership_percentage", "", "Enter the percentage held as Ultimate beneficial owner."),
        (["substantial_shareholder"], "shareholding_percentage", "", "Enter the percentage held as Substantial"),
        (["substantial_shareholder"], "shareholding_percentage", "9.99", "holds at least 10 %; 9.99 % was entered."),
        (["beneficial_owner"], "ownership_percentage", "0", "must be above 0 %."),
        (["director"], "ownership_percentage", "20", "among the roles, or leave this empty."),
        ([], "roles", None, "Choose at least one role."),
    ],
)
def test_percentage_rules_are_form_errors_beside_their_field(client, firm, preparer, roles, field, value, message):
    data = person_post(roles=roles)
    if value is not None:
        data[field] = value
    response = client.post(add_url(firm), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Person.objects.exists()


def test_an_invalid_nationality_is_a_form_error(client, firm, preparer):
    response = client.post(add_url(firm), person_post(nationality="H1"))
    assert response.status_code == 400
    assert "H1 is not a two-letter country code" in response.content.decode()


def test_the_service_refuses_a_percentage_for_a_role_without_one(firm):
    admin = member(firm, FirmRole.FIRM_ADMIN)
    with pytest.raises(ValidationFailed, match="applies only to substantial shareholders"):
        services.person_create(firm=firm, actor=admin, roles={"director": Decimal("5")}, full_name_en="A B")
    assert not Person.objects.exists()


def test_editing_a_person_replaces_their_roles_and_their_own_share_is_not_counted_twice(client, firm, preparer):
    person = person_with_roles(firm, "beneficial_owner", percentage="90.00")
    url = reverse("portal:person_edit", args=[firm.pk, person.pk])
    assert 'value="90.00"' in client.get(url).content.decode()

    response = client.post(
        url,
        person_post(
            full_name_en=person.full_name_en,
            roles=["responsible_officer", "beneficial_owner"],
            ownership_percentage="95",
        ),
    )

    assert response.status_code == 302
    assert dict(person.roles.values_list("role", "percentage")) == {
        "responsible_officer": None,
        "beneficial_owner": Decimal("95.00"),
    }
    event = AuditEvent.objects.get(action="person.update", object_id=str(person.pk))
    assert event.before is not None and event.after is not None
    assert event.before["roles"] == {"beneficial_owner": "90.00"}
    assert event.after["roles"] == {"beneficial_owner": "95.00", "responsible_officer": None}


def test_a_person_without_documents_is_removed_after_confirmation(client, firm, preparer):
    person = person_with_roles(firm, "director")
    url = reverse("portal:person_remove", args=[firm.pk, person.pk])
    assert "Remove" in client.get(url).content.decode()
    assert Person.objects.filter(pk=person.pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not PersonRole.objects.filter(person_id=person.pk).exists()
    removal = AuditEvent.objects.get(action="person.remove", object_id=str(person.pk))
    assert removal.before is not None
    assert removal.before["roles"] == {"director": None}


def test_a_person_with_documents_filed_cannot_be_removed_and_the_page_says_why(client, draft_case):
    totp_enrol(user=draft_case.preparer, secret=TEST_TOTP_SECRET)
    client.force_login(draft_case.preparer)
    person = draft_case.people[0]
    response = client.post(reverse("portal:person_remove", args=[draft_case.firm.pk, person.pk]))

    assert response.status_code == 400
    assert "cannot be removed: documents were filed for them" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


def test_someone_outside_the_firm_cannot_change_its_people(firm):
    outsider = member(FirmFactory(), FirmRole.FIRM_ADMIN)
    with pytest.raises(NotPermitted):
        services.person_create(firm=firm, actor=outsider, roles={"director": None}, full_name_en="A B")
    person = person_with_roles(firm, "director")
    with pytest.raises(NotPermitted):
        services.person_remove(person=person, actor=outsider)
    assert Person.objects.filter(pk=person.pk).exists()


def test_adding_a_person_clears_the_signature_of_the_firms_drafts(draft_case):
    services.person_create(
        firm=draft_case.firm, actor=draft_case.preparer, roles={"manager_in_charge": None}, full_name_en="Lee Ka Yan"
    )
    assert draft_case.refresh().declaration_signed_at is None
