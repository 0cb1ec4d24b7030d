"""The firm's people: list, add, edit, remove. A person is found only through the user's firm (404 otherwise)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.signed_in import SignedInRequest
from applications import services
from applications.models import Firm, Person
from applications.selectors import people_with_roles
from portal.access import MemberRequiredMixin, firm_for_member
from portal.drafts.forms import ROLE_PERCENTAGE_FIELDS, PersonForm
from vasp_licensing.pages import attempt, refusal_messages, submit


def _person_of(firm: Firm, person_id: int) -> Person:
    return get_object_or_404(people_with_roles(firm_id=firm.pk), pk=person_id)


def _people_url(firm: Firm) -> str:
    return reverse("portal:people", args=[firm.pk])


class PeopleView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        context = {"firm": firm, "nav": "firm", "people": people_with_roles(firm_id=firm.pk)}
        return TemplateResponse(request, "portal/drafts/people.html", context)


def _person_saved(
    request: HttpRequest,
    firm: Firm,
    form: PersonForm,
    save: Callable[..., Person],
    *,
    done: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Save a person's form through the service: back to the people, or the form again with its errors."""
    submission = submit(
        request,
        form,
        lambda data: save(roles=form.roles_given(), **form.person_fields()),
        field_names=ROLE_PERCENTAGE_FIELDS,
    )
    if (person := submission.result) is not None:
        messages.success(request, done % {"name": person})
        return HttpResponseRedirect(_people_url(firm))
    page = {"firm": firm, "nav": "firm", "form": form, **context()}
    return TemplateResponse(request, "portal/drafts/person_form.html", page, status=submission.status)


class PersonCreateView(MemberRequiredMixin, View):
    template_name = "portal/drafts/person_form.html"

    def get(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        return TemplateResponse(request, self.template_name, {"firm": firm, "nav": "firm", "form": PersonForm()})

    def post(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        form = PersonForm(request.POST)
        return _person_saved(
            request,
            firm,
            form,
            lambda **fields: services.person_create(firm=firm, actor=request.user, **fields),
            done=_("%(name)s is added."),
            context=dict,
        )


class PersonEditView(MemberRequiredMixin, View):
    template_name = "portal/drafts/person_form.html"

    def get(self, request: SignedInRequest, firm_id: int, person_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        person = _person_of(firm, person_id)
        form = PersonForm(initial=PersonForm.initial_for(person))
        context = {"firm": firm, "nav": "firm", "form": form, "person": person}
        return TemplateResponse(request, self.template_name, context)

    def post(self, request: SignedInRequest, firm_id: int, person_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        person = _person_of(firm, person_id)
        form = PersonForm(request.POST)
        return _person_saved(
            request,
            firm,
            form,
            lambda **fields: services.person_update(person=person, actor=request.user, **fields),
            done=_("%(name)s is saved."),
            context=lambda: {"person": _person_of(firm, person_id)},  # as it is now
        )


class PersonRemoveView(MemberRequiredMixin, View):
    """GET asks for confirmation; POST removes (or says why not)."""

    template_name = "portal/drafts/person_remove.html"

    def get(self, request: SignedInRequest, firm_id: int, person_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        context = {"firm": firm, "nav": "firm", "person": _person_of(firm, person_id), "errors": []}
        return TemplateResponse(request, self.template_name, context)

    def post(self, request: SignedInRequest, firm_id: int, person_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        person = _person_of(firm, person_id)
        removed = attempt(request, lambda: services.person_remove(person=person, actor=request.user))
        if removed.refusal is not None:
            context = {"firm": firm, "nav": "firm", "person": person, "errors": refusal_messages(removed.refusal)}
            return TemplateResponse(request, self.template_name, context, status=removed.status)
        messages.success(request, _("%(name)s is removed.") % {"name": person})
        return HttpResponseRedirect(_people_url(firm))


urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/people/", PeopleView.as_view(), name="people"),
    path("firms/<int:firm_id>/people/new/", PersonCreateView.as_view(), name="person_create"),
    path("firms/<int:firm_id>/people/<int:person_id>/", PersonEditView.as_view(), name="person_edit"),
    path("firms/<int:firm_id>/people/<int:person_id>/remove/", PersonRemoveView.as_view(), name="person_remove"),
]
