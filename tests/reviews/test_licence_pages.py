"""The licence pages of the workspace: who reads them, which forms each role is offered, what a POST does,
and how many queries the list takes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.choices import LicenceStatus as L
from applications.models import Licence, LicenceApplication, LicenceType
from reviews.models import LicenceChange
from reviews.models import LicenceChangeStatus as C
from reviews.services.licence_changes import licence_change_approve, licence_change_propose
from tests.factories import FirmFactory
from tests.support import sign_in
from tests.transition_table import actor_for

pytestmark = pytest.mark.django_db

MAKERS = ["licensing_manager", "senior_officer", "assigned_officer"]  # the assigned officer also is a senior officer
READERS = ["other_case_officer", "auditor"]
FIRM_ROLES = ["firm_admin", "preparer"]
LIST_URL = reverse("reviews:licences")


def page_url(case) -> str:
    return reverse("reviews:licence", args=[case.application.licence.number])


def propose_url(case) -> str:
    return reverse("reviews:licence_change_propose", args=[case.application.licence.number])


def decide_url(change: LicenceChange, decision: str) -> str:
    return reverse("reviews:licence_change_decide", args=[change.licence.number, change.pk, decision])


def forms_on(html: str) -> list[str]:
    """The data-action of every form the page offers, in order."""
    return re.findall(r'<form method="post"[^>]*data-action="([a-z_]+)"', html)


def propose(case, who="licensing_manager", action="suspend"):
    return licence_change_propose(
        licence=case.application.licence, actor=getattr(case.staff, who), action=action, reasons="Custody breach."
    )


# Who reads.


@pytest.mark.parametrize("role", MAKERS + READERS)
def test_every_regulator_reads_the_list_and_the_licence(client, licensed_case, role):
    sign_in(client, actor_for(licensed_case, role))
    listing = client.get(LIST_URL)
    page = client.get(page_url(licensed_case))

    assert listing.status_code == 200 and licensed_case.application.licence.number in listing.content.decode()
    assert page.status_code == 200
    body = page.content.decode()
    assert licensed_case.firm.legal_name_en in body
    assert licensed_case.application.licence.conditions.get().text in body


@pytest.mark.parametrize("role", FIRM_ROLES)
def test_firm_users_are_refused_the_licence_pages(client, licensed_case, role):
    sign_in(client, actor_for(licensed_case, role))

    assert client.get(LIST_URL).status_code == 403
    assert client.get(page_url(licensed_case)).status_code == 403
    assert client.post(propose_url(licensed_case), {"propose-action": "suspend"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, licensed_case):
    for url in (LIST_URL, page_url(licensed_case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_licence_is_not_found(client, licensed_case):
    sign_in(client, licensed_case.staff.auditor)
    assert client.get(reverse("reviews:licence", args=["NOPE-1"])).status_code == 404


def test_the_case_page_links_to_the_licence(client, licensed_case):
    sign_in(client, licensed_case.staff.auditor)
    body = client.get(reverse("reviews:case", args=[licensed_case.application.reference])).content.decode()
    assert page_url(licensed_case) in body


def test_the_workspace_nav_links_to_the_licences(client, licensed_case):
    sign_in(client, licensed_case.staff.auditor)
    assert f'href="{LIST_URL}"' in client.get(reverse("reviews:queue")).content.decode()


# What each role is offered.


@pytest.mark.parametrize("role", MAKERS)
def test_makers_are_offered_the_propose_form_when_nothing_is_pending(client, licensed_case, role):
    body = sign_in(client, actor_for(licensed_case, role)).get(page_url(licensed_case)).content.decode()
    assert forms_on(body) == ["propose"]
    assert licensed_case.application.licence.conditions.get().text in body  # a checkbox to lift it


@pytest.mark.parametrize("role", READERS)
def test_readers_are_offered_no_form(client, licensed_case, role):
    propose(licensed_case)
    for _ in range(2):  # with and without a pending change
        body = sign_in(client, actor_for(licensed_case, role)).get(page_url(licensed_case)).content.decode()
        assert forms_on(body) == []
        LicenceChange.objects.update(status=C.WITHDRAWN)


def test_the_proposer_is_told_another_officer_decides_and_may_only_withdraw(client, licensed_case):
    propose(licensed_case)
    body = sign_in(client, licensed_case.staff.licensing_manager).get(page_url(licensed_case)).content.decode()
    assert forms_on(body) == ["withdraw"]
    assert "You proposed this change; another officer must decide it." in body


@pytest.mark.parametrize("role", ["senior_officer", "assigned_officer"])
def test_another_officer_is_offered_approve_and_reject(client, licensed_case, role):
    propose(licensed_case)
    body = sign_in(client, actor_for(licensed_case, role)).get(page_url(licensed_case)).content.decode()
    assert forms_on(body) == ["approve", "reject"]
    assert "Custody breach." in body


# What a POST does.


def test_a_manager_proposes_and_a_senior_officer_approves_through_the_page(client, licensed_case):
    licence = licensed_case.application.licence
    sign_in(client, licensed_case.staff.licensing_manager)
    response = client.post(
        propose_url(licensed_case), {"propose-action": "suspend", "propose-reasons": "Custody breach."}
    )
    assert response.status_code == 302 and response["Location"] == page_url(licensed_case)
    change = LicenceChange.objects.get()
    assert change.status == C.PROPOSED

    sign_in(client, licensed_case.staff.senior_officer)
    response = client.post(decide_url(change, "approve"), {"approve-note": "Agreed."})
    assert response.status_code == 302
    licence.refresh_from_db()
    change.refresh_from_db()
    assert licence.status == L.SUSPENDED and change.status == C.APPROVED
    body = client.get(page_url(licensed_case)).content.decode()
    assert "Licence suspended" in body and "Licence change approved" in body  # the timeline


def test_a_variation_is_proposed_with_lines_and_checkboxes(client, licensed_case):
    old = licensed_case.application.licence.conditions.get()
    sign_in(client, licensed_case.staff.senior_officer)
    data = {
        "propose-action": "vary_conditions",
        "propose-reasons": "New rules.",
        "propose-impose": "Cold storage 98%.\n\nQuarterly audits.",
        "propose-lift": [old.pk],
    }
    assert client.post(propose_url(licensed_case), data).status_code == 302
    change = LicenceChange.objects.get()
    assert change.impose == ["Cold storage 98%.", "Quarterly audits."] and change.lift == [old.pk]


def test_the_proposer_posting_approve_is_refused_with_four_eyes(client, licensed_case):
    change = propose(licensed_case)
    response = sign_in(client, licensed_case.staff.licensing_manager).post(decide_url(change, "approve"), {})
    assert response.status_code == 403
    assert "Four eyes" in response.content.decode()
    change.refresh_from_db()
    assert change.status == C.PROPOSED


def test_a_refused_proposal_shows_why(client, licensed_case):
    sign_in(client, licensed_case.staff.licensing_manager)
    data = {"propose-action": "reinstate", "propose-reasons": "Why not."}
    response = client.post(propose_url(licensed_case), data)
    assert response.status_code == 409
    assert "Cannot reinstate" in response.content.decode()
    assert not LicenceChange.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_post(client, licensed_case, role):
    sign_in(client, actor_for(licensed_case, role))
    data = {"propose-action": "revoke", "propose-reasons": "Because."}
    assert client.post(propose_url(licensed_case), data).status_code == 403
    change = propose(licensed_case)
    assert client.post(decide_url(change, "approve"), {}).status_code == 403
    assert client.post(decide_url(change, "reject"), {"reject-note": "No."}).status_code == 403
    change.refresh_from_db()
    assert change.status == C.PROPOSED


def test_reject_and_withdraw_through_the_page(client, licensed_case):
    change = propose(licensed_case)
    sign_in(client, licensed_case.staff.senior_officer)
    assert client.post(decide_url(change, "reject"), {"reject-note": ""}).status_code == 400
    assert client.post(decide_url(change, "reject"), {"reject-note": "No."}).status_code == 302
    change.refresh_from_db()
    assert change.status == C.REJECTED

    second = propose(licensed_case, who="senior_officer", action="revoke")
    assert client.post(decide_url(second, "withdraw"), {}).status_code == 302
    second.refresh_from_db()
    assert second.status == C.WITHDRAWN


# The list.


def test_the_list_filters_by_status_and_shows_the_pending_change(client, case_in):
    active, suspended = case_in("approved"), case_in("approved")
    change = propose(suspended)
    licence_change_approve(change=change, actor=suspended.staff.senior_officer)
    propose(active, action="revoke")
    sign_in(client, active.staff.auditor)

    body = client.get(LIST_URL, {"status": "suspended"}).content.decode()
    assert suspended.application.licence.number in body and active.application.licence.number not in body
    body = client.get(LIST_URL).content.decode()
    assert "Revoke" in body  # the pending change


def _licences(start: int, count: int) -> None:
    """Bare licences straight in the database: the list reads only these rows, and 100 cases would be slow."""
    licence_type = LicenceType.objects.get(code="vatp")
    now = timezone.now()
    for n in range(start, start + count):
        firm = FirmFactory()
        app = LicenceApplication.objects.create(reference=f"T-{n:05d}", firm=firm, licence_type=licence_type)
        Licence.objects.create(
            number=f"TEST-{n:05d}", firm=firm, application=app, licence_type=licence_type, granted_at=now
        )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_10_licences_as_for_100(client, staff):
    sign_in(client, staff.auditor)
    _licences(0, 10)
    _queries(client)  # warm the session and the role cache
    few = _queries(client)
    _licences(10, 90)
    many = _queries(client)
    assert few == many


def test_lifted_conditions_and_past_changes_show_who_and_when(client, licensed_case):
    licence = licensed_case.application.licence
    old = licence.conditions.get()
    change = licence_change_propose(
        licence=licence,
        actor=licensed_case.staff.licensing_manager,
        action="vary_conditions",
        reasons="New rules.",
        impose=["Cold storage 98%."],
        lift=[old.pk],
    )
    licence_change_approve(change=change, actor=licensed_case.staff.senior_officer, note="Agreed.")
    senior = licensed_case.staff.senior_officer

    body = sign_in(client, licensed_case.staff.auditor).get(page_url(licensed_case)).content.decode()
    lifted = body.split("<h3>Lifted</h3>")[1].split("</ul>")[0]
    assert old.text in lifted and f"lifted by {senior.get_full_name() or senior.email}" in lifted
    past = body.split("Past changes")[1]
    assert "Vary conditions" in past and "Agreed." in past and "Cold storage 98%." in past
