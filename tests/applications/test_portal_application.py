"""The draft's page: sections and their completeness, what is missing, business plan, declaration; who sees it."""

import pytest
from django.urls import reverse

from accounts.choices import FirmRole
from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import ApplicationSnapshot, Document, LicenceApplication, LicenceType, Person
from applications.selectors import application_missing_items, application_progress
from audit.models import AuditEvent
from tests.factories import FirmFactory, member, person_with_roles
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_draft():
    """A firm with one director and a fresh VATP draft: firm complete, everything else to do."""
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN)
    preparer = member(firm, FirmRole.PREPARER)
    person_with_roles(firm, "director", "responsible_officer", full_name_en="Chan Tai Man")
    application = services.application_create(firm=firm, licence_type=LicenceType.objects.get(code="vatp"), actor=admin)
    return application, admin, preparer


def test_progress_lists_each_section_with_exactly_what_is_missing(new_draft):
    application, _, _ = new_draft
    progress = {section.key: section for section in application_progress(application=application)}

    assert list(progress) == ["firm", "people", "business_plan", "documents", "declaration"]
    assert progress["firm"].complete
    assert progress["people"].missing == ["at least 2 responsible officers needed, 1 named"]
    assert progress["business_plan"].missing == [
        "business plan summary is empty",
        "products and services is empty",
        "target markets is empty",
    ]
    assert "Identity document for Chan Tai Man not uploaded" in progress["documents"].missing
    assert progress["declaration"].missing == ["not signed by a firm admin"]
    flat = application_missing_items(application=application)
    assert flat[0] == "People: at least 2 responsible officers needed, 1 named"
    assert flat[-1] == "Declaration: not signed by a firm admin"
    assert len(flat) == sum(len(section.missing) for section in progress.values())


def test_the_draft_page_shows_marks_and_the_missing_list(client, new_draft):
    application, _, preparer = new_draft
    html = sign_in(client, preparer).get(reverse("portal:application", args=[application.reference])).content.decode()

    assert html.count('class="mark-complete"') == 1  # the firm
    assert html.count('class="mark-incomplete"') == 4
    assert "at least 2 responsible officers needed, 1 named" in html
    assert "target markets is empty" in html
    assert 'role="status"' in html
    assert reverse("portal:application_business_plan", args=[application.reference]) in html
    assert reverse("portal:people", args=[application.firm_id]) in html
    assert "Only a firm admin can submit the application." in html


def test_a_complete_draft_has_every_section_marked_complete(client, draft_case):
    url = reverse("portal:application", args=[draft_case.application.reference])
    html = sign_in(client, draft_case.firm_admin).get(url).content.decode()
    assert html.count('class="mark-complete"') == 5
    assert 'class="mark-incomplete"' not in html
    assert "Nothing is missing: the application can be submitted." in html


def test_a_submitted_application_redirects_to_its_case_page(client, case_in):
    case = case_in("submitted")
    sign_in(client, case.preparer)
    for name in ("portal:application", "portal:application_business_plan", "portal:application_declaration"):
        response = client.get(reverse(name, args=[case.application.reference]))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:case", args=[case.application.reference])


def test_the_business_plan_is_saved_audited_and_clears_the_signature(client, draft_case):
    url = reverse("portal:application_business_plan", args=[draft_case.application.reference])
    data = {
        "business_plan_summary": "OTC desk.",
        "products_and_services": "Block trades.",
        "target_markets": "Hong Kong and Singapore professional investors.",
    }
    response = sign_in(client, draft_case.preparer).post(url, data)

    assert response.status_code == 302
    app = draft_case.refresh()
    assert app.target_markets == "Hong Kong and Singapore professional investors."
    assert app.declaration_signed_at is None and app.declaration_signatory_role == ""
    assert AuditEvent.objects.filter(action="application.update", object_id=str(app.pk)).exists()


def test_a_firm_admin_signs_the_declaration_by_name_and_role_and_the_snapshot_keeps_both(client, draft_case):
    url = reverse("portal:application_declaration", args=[draft_case.application.reference])
    sign_in(client, draft_case.firm_admin)
    assert "the information in this application" in client.get(url).content.decode()

    data = {"signatory_name": "Ho Wing Sze", "signatory_role": "Chief Executive Officer", "confirm": "on"}
    response = client.post(url, data)

    assert response.status_code == 302
    app = draft_case.refresh()
    assert (app.declaration_signatory_name, app.declaration_signatory_role) == (
        "Ho Wing Sze",
        "Chief Executive Officer",
    )
    assert app.declaration_signed_by == draft_case.firm_admin
    event = AuditEvent.objects.get(
        action="application.sign_declaration", object_id=str(app.pk), payload__signatory="Ho Wing Sze"
    )
    assert event.payload["signatory_role"] == "Chief Executive Officer"
    services.application_submit(application=app, actor=draft_case.firm_admin)
    snapshot = ApplicationSnapshot.objects.get(application=app)
    assert snapshot.data["declaration"]["signatory_role"] == "Chief Executive Officer"


@pytest.mark.parametrize(
    ("missing", "error_id"),
    [
        ("signatory_name", "id_signatory_name_error"),
        ("signatory_role", "id_signatory_role_error"),
        ("confirm", "id_confirm_error"),
    ],
)
def test_the_declaration_needs_name_role_and_confirmation(client, new_draft, missing, error_id):
    application, admin, _ = new_draft
    data = {"signatory_name": "Ho Wing Sze", "signatory_role": "Director", "confirm": "on"}
    del data[missing]
    url = reverse("portal:application_declaration", args=[application.reference])
    response = sign_in(client, admin).post(url, data)

    assert response.status_code == 400
    assert f'id="{error_id}"' in response.content.decode()
    application.refresh_from_db()
    assert application.declaration_signed_at is None


def test_a_preparer_sees_why_they_cannot_sign_and_a_post_is_forbidden(client, new_draft):
    application, _, preparer = new_draft
    url = reverse("portal:application_declaration", args=[application.reference])
    sign_in(client, preparer)
    assert "Only a firm admin can sign the declaration." in client.get(url).content.decode()

    response = client.post(url, {"signatory_name": "P", "signatory_role": "Preparer", "confirm": "on"})

    assert response.status_code == 403
    assert "Only a firm admin may sign the declaration." in response.content.decode()
    application.refresh_from_db()
    assert application.declaration_signed_at is None


def test_a_refused_application_can_be_copied_into_a_new_draft(case_in):
    case = case_in("refused")
    copy = services.application_copy(source=case.application, actor=case.firm_admin)

    assert (copy.status, copy.copied_from_id) == (S.DRAFT, case.application.pk)
    assert copy.declaration_signed_at is None
    assert (
        Document.objects.filter(application=copy).count()
        == Document.objects.filter(application=case.application, is_current=True).count()
    )


# Another firm's user gets a 404 on every page and every POST of firm A, by id or reference, and changes nothing.
def _firm_a_urls(case):
    firm, person, reference = case.firm.pk, case.people[0].pk, case.application.reference
    return [
        ("get", reverse("portal:firm", args=[firm])),
        ("post", reverse("portal:firm", args=[firm])),
        ("post", reverse("portal:application_start", args=[firm])),
        ("get", reverse("portal:people", args=[firm])),
        ("get", reverse("portal:person_create", args=[firm])),
        ("post", reverse("portal:person_create", args=[firm])),
        ("get", reverse("portal:person_edit", args=[firm, person])),
        ("post", reverse("portal:person_edit", args=[firm, person])),
        ("get", reverse("portal:person_remove", args=[firm, person])),
        ("post", reverse("portal:person_remove", args=[firm, person])),
        ("get", reverse("portal:application", args=[reference])),
        ("get", reverse("portal:application_business_plan", args=[reference])),
        ("post", reverse("portal:application_business_plan", args=[reference])),
        ("get", reverse("portal:application_declaration", args=[reference])),
        ("post", reverse("portal:application_declaration", args=[reference])),
        ("post", reverse("portal:application_submit", args=[reference])),
        ("get", reverse("portal:application_withdraw", args=[reference])),
        ("post", reverse("portal:application_withdraw", args=[reference])),
    ]


def test_a_user_of_another_firm_gets_404_on_every_page_and_post_of_firm_a(client, draft_case):
    outsider = draft_case.other_firm_admin
    sign_in(client, outsider)
    data = {
        "legal_name_en": "Taken Over Ltd",
        "registration_number": "1",
        "jurisdiction": "HK",
        "registered_address": "x",
        "full_name_en": "Intruder",
        "roles": ["director"],
        "licence_type": draft_case.application.licence_type.pk,
        "business_plan_summary": "Taken over",
        "signatory_name": "Intruder",
        "signatory_role": "Intruder",
        "confirm": "on",
    }
    events = AuditEvent.objects.count()
    for method, url in _firm_a_urls(draft_case):
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, url)

    assert AuditEvent.objects.count() == events
    app = draft_case.refresh()
    assert (app.status, app.business_plan_summary) == (
        S.DRAFT,
        "Spot trading of major virtual assets for professional investors.",
    )
    assert Person.objects.filter(pk=draft_case.people[0].pk).exists()
    assert not Person.objects.filter(full_name_en="Intruder").exists()
    assert LicenceApplication.objects.filter(firm=draft_case.firm).count() == 1


def test_firm_a_people_are_404_under_the_outsiders_own_firm_id(client, draft_case):
    outsider = draft_case.other_firm_admin
    own_firm = outsider.firm_memberships.get().firm_id
    sign_in(client, outsider)
    person = draft_case.people[0].pk
    assert client.get(reverse("portal:person_edit", args=[own_firm, person])).status_code == 404
    assert client.post(reverse("portal:person_remove", args=[own_firm, person])).status_code == 404
    assert Person.objects.filter(pk=person).exists()


def test_anonymous_visitors_are_sent_to_sign_in_from_draft_pages(client, draft_case):
    response = client.get(reverse("portal:application", args=[draft_case.application.reference]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
