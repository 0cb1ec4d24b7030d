"""The public register page: licences and closed applications, searchable, paginated, without sign-in."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Licence, LicenceApplication, LicenceCondition, LicenceType
from tests.factories import FirmFactory

REGISTER = "/register/"
_numbers = itertools.count(1)


def many_licences(count: int, *, prefix: str = "TEST") -> list[Licence]:
    """Licences written straight to the tables: only the register's reading of them is under test here."""
    licence_type = LicenceType.objects.get(code="vatp")
    now = timezone.now()
    made = []
    for _ in range(count):
        n = next(_numbers)
        firm = FirmFactory()
        application = LicenceApplication.objects.create(
            reference=f"VASP-T-{n:05d}", firm=firm, licence_type=licence_type, status="approved", decided_at=now
        )
        licence = Licence.objects.create(
            number=f"{prefix}-{n:05d}", firm=firm, application=application, licence_type=licence_type, granted_at=now
        )
        LicenceCondition.objects.create(licence=licence, text=f"Condition of {licence.number}.", imposed_at=now)
        made.append(licence)
    return made


def body(response) -> str:
    return response.content.decode()


def test_register_is_open_to_anonymous_visitors_and_lists_licences(licensed_case, client):
    licence = licensed_case.application.licence
    response = client.get(REGISTER)
    page = body(response)
    assert response.status_code == 200
    assert (
        licence.number in page and licensed_case.firm.legal_name_en in page and licensed_case.firm.legal_name_zh in page
    )
    assert reverse("register:licence", args=[licence.number]) in page
    assert "Serve professional investors only." in page  # the condition in force
    assert "<caption>" in page and 'scope="col"' in page
    assert 'role="status"' in page and "1 result" in page


def test_register_is_also_open_to_signed_in_firm_users(licensed_case, client):
    client.force_login(licensed_case.preparer)
    assert client.get(REGISTER).status_code == 200


@pytest.mark.parametrize("field", ["number", "legal_name_en", "legal_name_zh", "registration_number"])
def test_register_search_finds_a_licence_by(field, licensed_case, client):
    many_licences(3)
    licence = licensed_case.application.licence
    text = licence.number if field == "number" else getattr(licensed_case.firm, field)
    page = body(client.get(REGISTER, {"q": text}))
    assert licence.number in page
    assert "TEST-" not in page
    assert "1 result" in page


def test_certificate_verification_link_finds_the_licence(licensed_case, client):
    many_licences(2)
    licence = licensed_case.application.licence
    page = body(client.get(f"/register/?q={licence.number}"))
    assert licence.number in page and "1 result" in page


def test_register_filters_licences_by_status_and_type(licensed_case, client):
    others = many_licences(2)
    licence = licensed_case.application.licence
    services.licence_suspend(licence=licence, actor=licensed_case.staff.licensing_manager, reasons="Custody breach")

    suspended = body(client.get(REGISTER, {"status": "suspended"}))
    assert licence.number in suspended and others[0].number not in suspended
    active = body(client.get(REGISTER, {"status": "active"}))
    assert licence.number not in active and others[0].number in active
    none_of_that_type = body(client.get(REGISTER, {"licence_type": "stablecoin-issuer"}))
    assert licence.number not in none_of_that_type and "0 results" in none_of_that_type


def test_register_shows_an_error_for_an_unknown_status_and_ignores_it(licensed_case, client):
    page = body(client.get(REGISTER, {"status": "bogus"}))
    assert 'aria-invalid="true"' in page and licensed_case.application.licence.number in page


def withdrawn_after_submission(case_in):
    case = case_in("submitted")
    services.application_withdraw(application=case.application, actor=case.firm_admin, reason="Changed plans")
    return case


def test_register_lists_returned_refused_and_withdrawn_applications_only(case_in, client):
    closed = {status: case_in(status) for status in ("returned", "refused")}
    closed["withdrawn"] = withdrawn_after_submission(case_in)
    open_ones = [case_in("draft"), case_in("under_review")]

    page = body(client.get(REGISTER, {"show": "applications"}))

    for status, case in closed.items():
        assert case.application.reference in page, status
    for case in open_ones:
        assert case.application.reference not in page
    assert "Incomplete AML policies" not in page and "Changed plans" not in page  # reasons are not published
    assert "3 results" in page
    withdrawn = closed["withdrawn"].application
    assert timezone.localdate().isoformat() in page
    assert withdrawn.firm.legal_name_en in page


def test_register_leaves_out_a_draft_withdrawn_before_it_was_submitted(case_in, client):
    never_filed = case_in("withdrawn").application
    filed = withdrawn_after_submission(case_in).application
    assert never_filed.submitted_at is None

    page = body(client.get(REGISTER, {"show": "applications"}))

    assert never_filed.reference not in page and never_filed.firm.legal_name_en not in page
    assert filed.reference in page
    assert "1 result" in page


def test_register_filters_closed_applications_by_outcome_and_search(case_in, client):
    returned, refused = case_in("returned"), case_in("refused")
    only_refused = body(client.get(REGISTER, {"show": "applications", "outcome": "refused"}))
    assert refused.application.reference in only_refused and returned.application.reference not in only_refused
    by_name = body(client.get(REGISTER, {"show": "applications", "q": returned.firm.legal_name_en}))
    assert returned.application.reference in by_name and refused.application.reference not in by_name


def test_register_paginates_by_50_and_page_links_keep_the_query(db, client):
    many_licences(51, prefix="PAGE")
    first = body(client.get(REGISTER, {"q": "PAGE", "licence_type": "vatp"}))
    assert "51 results" in first and first.count('<th scope="row">') == 50
    assert "q=PAGE&amp;licence_type=vatp&amp;page=2" in first
    second = body(client.get(REGISTER, {"q": "PAGE", "licence_type": "vatp", "page": 2}))
    assert second.count('<th scope="row">') == 1 and "Page 2 of 2" in second


def many_closed_applications(count: int) -> None:
    licence_type = LicenceType.objects.get(code="vatp")
    for index in range(count):
        status = ("returned", "refused", "withdrawn")[index % 3]
        LicenceApplication.objects.create(
            reference=f"VASP-C-{next(_numbers):05d}",
            firm=FirmFactory(),
            licence_type=licence_type,
            status=status,
            submitted_at=timezone.now(),
        )


@pytest.mark.parametrize("show", ["licences", "applications"])
def test_register_query_count_does_not_grow_with_rows(show, db, client, django_assert_max_num_queries):
    add = many_closed_applications if show == "applications" else many_licences
    add(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REGISTER, {"show": show}).status_code == 200
    add(45)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(REGISTER, {"show": show})
    assert "50 results" in body(response)
    assert len(many) == len(few)


def test_register_licence_page_shows_status_conditions_and_history(licensed_case, client):
    licence = licensed_case.application.licence
    manager = licensed_case.staff.licensing_manager
    services.licence_suspend(licence=licence, actor=manager, reasons="Custody breach under investigation")
    services.licence_reinstate(licence=licence, actor=manager, reasons="Remediated")

    response = client.get(reverse("register:licence", args=[licence.number]))
    page = body(response)

    assert response.status_code == 200
    assert licence.number in page and licensed_case.firm.registration_number in page
    assert "Serve professional investors only." in page
    assert "Granted" in page and "Suspended" in page and "Reinstated" in page
    assert "Custody breach" not in page  # the regulator's reasons are not on the public page


def test_register_licence_page_is_404_for_an_unknown_number(db, client):
    assert client.get(reverse("register:licence", args=["NOPE-0001"])).status_code == 404
