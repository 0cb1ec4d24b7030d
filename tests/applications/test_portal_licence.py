"""The firm's licence page: number, type, status explained, conditions in force and lifted, links."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from applications import services
from applications.models import Licence
from tests.applications.test_portal_case import text_of
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def licence_url(licence: Licence) -> str:
    return reverse("portal:licence", args=[licence.number])


def test_licence_page_shows_number_type_status_grant_date_and_conditions(client, licensed_case, licence):
    case = licensed_case
    response = sign_in(client, case.preparer).get(licence_url(licence))
    assert response.status_code == 200
    page = text_of(response)
    assert f"Licence {licence.number}" in page
    assert licence.licence_type.name in page
    assert "Active" in page and "The licence is in force" in page
    assert f"{localtime(licence.granted_at):%Y-%m-%d}" in page
    assert "Serve professional investors only." in page
    assert case.firm.legal_name_en in page


def test_licence_page_links_to_the_certificate_banking_and_the_case(client, licensed_case, licence):
    case = licensed_case
    html = sign_in(client, case.preparer).get(licence_url(licence)).content.decode()
    assert reverse("portal:licence_certificate", args=[licence.number]) in html
    assert reverse("portal:banking", args=[case.firm.pk]) in html
    assert reverse("portal:case", args=[case.application.reference]) in html


def test_licence_page_lists_lifted_conditions_with_their_dates(client, licensed_case, licence):
    case = licensed_case
    old = licence.conditions.get()
    services.licence_conditions_vary(
        licence=licence,
        actor=case.staff.licensing_manager,
        reasons="Controls matured.",
        impose=["Report trading volumes quarterly."],
        lift=[old.pk],
    )
    old.refresh_from_db()
    page = text_of(sign_in(client, case.preparer).get(licence_url(licence)))
    in_force, lifted = page.split("Conditions lifted")
    assert "Report trading volumes quarterly." in in_force
    assert "Serve professional investors only." not in in_force
    assert "Serve professional investors only." in lifted and f"{localtime(old.lifted_at):%Y-%m-%d}" in lifted


@pytest.mark.parametrize(
    ("change", "explanation"),
    [
        ("licence_suspend", "The licence is suspended"),
        ("licence_revoke", "The licence is revoked"),
    ],
)
def test_licence_page_explains_a_licence_not_in_force_with_its_reasons(
    client, licensed_case, licence, change, explanation
):
    case = licensed_case
    getattr(services, change)(licence=licence, actor=case.staff.licensing_manager, reasons="Custody breach found.")
    page = text_of(sign_in(client, case.preparer).get(licence_url(licence)))
    assert explanation in page
    assert "Reasons: Custody breach found." in page


def test_licence_page_explains_a_surrendered_licence(client, licensed_case, licence):
    case = licensed_case
    services.licence_surrender(licence=licence, actor=case.firm_admin, reasons="Leaving the market.")
    page = text_of(sign_in(client, case.preparer).get(licence_url(licence)))
    assert "Your firm surrendered the licence" in page


def test_licence_page_is_404_for_another_firms_user(client, licensed_case, licence):
    case = licensed_case
    assert sign_in(client, case.other_firm_admin).get(licence_url(licence)).status_code == 404


def test_licence_page_is_404_for_an_unknown_number(client, licensed_case, licence):
    case = licensed_case
    assert sign_in(client, case.preparer).get(reverse("portal:licence", args=["VATP-1999-9999"])).status_code == 404


def test_licence_page_sends_anonymous_visitors_to_sign_in(client, licence):
    response = client.get(licence_url(licence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
