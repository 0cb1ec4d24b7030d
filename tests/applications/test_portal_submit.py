"""Submitting and withdrawing a draft from the portal."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import ApplicationSnapshot
from audit.models import AuditEvent
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def submit_url(case):
    return reverse("portal:application_submit", args=[case.application.reference])


def test_submit_is_refused_with_the_list_of_what_is_missing(client, draft_case):
    services.application_update(application=draft_case.application, actor=draft_case.preparer, target_markets="")

    response = sign_in(client, draft_case.firm_admin).post(submit_url(draft_case))

    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html
    assert "Business plan: target markets is empty" in html
    assert "Declaration: not signed by a firm admin" in html
    assert html.count('class="mark-incomplete"') == 2
    assert draft_case.refresh().status == S.DRAFT
    assert not ApplicationSnapshot.objects.filter(application=draft_case.application).exists()


def test_a_complete_draft_is_submitted_by_a_firm_admin(client, draft_case):
    response = sign_in(client, draft_case.firm_admin).post(submit_url(draft_case))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[draft_case.application.reference])
    app = draft_case.refresh()
    assert app.status == S.SUBMITTED
    assert ApplicationSnapshot.objects.filter(application=app).exists()
    assert AuditEvent.objects.filter(
        action="application.submit", object_id=str(app.pk), actor=draft_case.firm_admin
    ).exists()


def test_a_preparer_cannot_submit_and_is_told_why(client, draft_case):
    sign_in(client, draft_case.preparer)
    page = client.get(reverse("portal:application", args=[draft_case.application.reference])).content.decode()
    assert "Only a firm admin can submit the application." in page
    assert submit_url(draft_case) not in page

    response = client.post(submit_url(draft_case))

    assert response.status_code == 403
    assert "Your role does not allow you to submit" in response.content.decode()
    assert draft_case.refresh().status == S.DRAFT


def test_submitting_twice_lands_on_the_case_page(client, draft_case):
    sign_in(client, draft_case.firm_admin)
    client.post(submit_url(draft_case))
    response = client.post(submit_url(draft_case))
    assert response["Location"] == reverse("portal:case", args=[draft_case.application.reference])
    assert AuditEvent.objects.filter(action="application.submit").count() == 1


def test_a_firm_admin_withdraws_with_a_reason_after_confirming(client, draft_case):
    url = reverse("portal:application_withdraw", args=[draft_case.application.reference])
    sign_in(client, draft_case.firm_admin)
    assert "Withdraw the application" in client.get(url).content.decode()

    refused = client.post(url, {"reason": "Merging with another firm."})
    assert refused.status_code == 400
    assert 'id="id_confirm_error"' in refused.content.decode()
    assert draft_case.refresh().status == S.DRAFT

    response = client.post(url, {"reason": "Merging with another firm.", "confirm": "on"})

    assert response.status_code == 302
    app = draft_case.refresh()
    assert (app.status, app.closing_reasons) == (S.WITHDRAWN, "Merging with another firm.")
    assert AuditEvent.objects.filter(action="application.withdraw", object_id=str(app.pk)).exists()


def test_a_submitted_application_can_be_withdrawn_from_the_portal(client, case_in):
    case = case_in("under_review")
    url = reverse("portal:application_withdraw", args=[case.application.reference])
    response = sign_in(client, case.firm_admin).post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert case.refresh().status == S.WITHDRAWN


def test_a_preparer_cannot_withdraw(client, draft_case):
    url = reverse("portal:application_withdraw", args=[draft_case.application.reference])
    sign_in(client, draft_case.preparer)
    assert "Only a firm admin can withdraw an application." in client.get(url).content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 403
    assert "Only a firm admin" in response.content.decode()
    assert draft_case.refresh().status == S.DRAFT


def test_withdrawing_an_application_someone_already_withdrew_is_a_conflict(client, draft_case):
    url = reverse("portal:application_withdraw", args=[draft_case.application.reference])
    sign_in(client, draft_case.firm_admin)
    services.application_withdraw(application=draft_case.application, actor=draft_case.firm_admin, reason="")

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()


def test_a_refused_submit_comes_back_as_200_to_htmx_so_the_errors_are_swapped_in(client, draft_case):
    services.application_update(application=draft_case.application, actor=draft_case.preparer, target_markets="")

    response = sign_in(client, draft_case.firm_admin).post(submit_url(draft_case), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Declaration: not signed by a firm admin" in response.content.decode()
    assert draft_case.refresh().status == S.DRAFT
