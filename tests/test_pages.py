"""vasp_licensing.pages: how a refusal becomes a page (the API's twin is problems.py)."""

from html import unescape
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from applications.choices import ApplicationStatus as S
from applications.models import Document
from applications.validators import InvalidFields
from tests.builders import Case
from tests.support import sign_in
from vasp_licensing.errors import ConditionsNotMet, InvalidTransition, NotPermitted
from vasp_licensing.pages import permission_denied, refused_status, show_refusal, submit


def _request(path: str = "/portal/", *, htmx: bool = False, boosted: bool = False):
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if boosted:
        headers["HX-Boosted"] = "true"
    request: Any = RequestFactory().post(path, headers=headers)  # with django-htmx's attribute
    request.htmx = HtmxDetails(request)
    request.user = AnonymousUser()
    return request


class NameForm(forms.Form):
    name = forms.CharField()
    size = forms.IntegerField(required=False)


def test_a_firm_user_on_a_workspace_page_gets_the_reason_in_the_site_layout_with_status_403(client, case_in):
    case: Case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.firm_admin).get(reverse("reviews:case", args=[case.application.reference]))

    page = unescape(response.content.decode())
    assert response.status_code == 403
    assert "The workspace is for the regulator's staff." in page
    assert 'class="site-header"' in page and "You may not open this page" in page


def test_the_reason_of_the_403_page_is_in_the_language_of_the_browser(client, case_in):
    case: Case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.firm_admin).get(
        reverse("reviews:case", args=[case.application.reference]), headers={"accept-language": "zh-hant"}
    )

    assert response.status_code == 403
    assert 'lang="zh-hant"' in response.content.decode()


def test_a_refusal_no_view_handled_is_the_403_page_with_the_services_reason(client, case_in, staff):
    case: Case = case_in(S.UNDER_REVIEW)
    document = Document.objects.filter(application=case.application).first()
    assert document is not None
    outsider = case_in(S.UNDER_REVIEW).firm_admin  # a member of another firm
    response = sign_in(client, outsider).get(reverse("reviews:document_download", args=[document.pk]))

    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
    assert "Content-Disposition" not in response


def test_a_portal_refusal_page_is_drawn_in_the_portals_layout():
    response = permission_denied(_request("/portal/firms/1/"), NotPermitted("Only a firm admin may do this."))

    page = response.content.decode()
    assert response.status_code == 403
    assert "Only a firm admin may do this." in page
    assert "portal.css" in page


def test_a_workspace_refusal_page_is_drawn_in_the_workspaces_layout():
    response = permission_denied(_request("/workspace/queues/"), PermissionDenied("Not one of your queues."))

    assert response.status_code == 403
    assert "Not one of your queues." in response.content.decode()
    assert reverse("reviews:queue") in response.content.decode()


def test_a_refusal_under_the_api_stays_problem_json():
    response = permission_denied(_request("/api/v1/referrals/"), PermissionDenied("No."))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/portal/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and "portal.css" in response.content.decode()


@pytest.mark.parametrize(
    ("refusal", "status"),
    [(NotPermitted("no"), 403), (InvalidTransition("late"), 409), (ConditionsNotMet("missing"), 422), (None, 400)],
)
def test_a_refused_page_has_the_refusals_status(refusal, status):
    assert refused_status(_request(), refusal) == status


@pytest.mark.parametrize("boosted", [False, True])
def test_to_htmx_a_refused_page_is_200_so_that_it_is_swapped_in(boosted):
    assert refused_status(_request(htmx=True, boosted=boosted), NotPermitted("no")) == 200


def test_a_refusal_that_names_a_field_lands_on_that_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_refusal(form, InvalidFields("Not valid.", field_errors={"name": ["Too short."], "": ["Whole form."]}))

    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Whole form."]


def test_a_field_name_of_the_service_is_mapped_to_the_forms_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_refusal(
        form, InvalidFields("Not valid.", field_errors={"volume": ["Too big."]}), field_names={"volume": "size"}
    )

    assert form.errors["size"] == ["Too big."]


def test_a_refusal_that_names_no_field_is_the_message_then_each_detail_on_the_form():
    def refuse(data):
        raise ConditionsNotMet("Not complete.", details=["The declaration is not signed."])

    form = NameForm({"name": "x"})
    submission = submit(_request(), form, refuse)

    assert not submission.done and submission.status == 422
    assert form.non_field_errors() == ["Not complete.", "The declaration is not signed."]


def test_a_form_the_form_itself_rejects_never_reaches_the_service():
    called = []
    submission = submit(_request(), NameForm({}), lambda data: called.append(data))

    assert called == [] and submission.status == 400 and submission.refusal is None


def test_a_submission_the_service_accepts_is_done_with_its_result():
    submission = submit(_request(), NameForm({"name": "x"}), lambda data: data["name"].upper())

    assert submission.done and submission.result == "X"
