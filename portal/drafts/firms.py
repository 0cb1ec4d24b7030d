"""The portal's front page, registering a firm, the firm's page and starting an application.

Every firm is found through the user's memberships (access.firm_for_member): another firm's id is a 404.
What a member may do (only a firm admin starts an application) is the services' call; the pages only
say in advance what the rules would refuse, so a preparer sees why rather than a button that fails.
"""

from typing import Any

import rules
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import FirmMembership
from accounts.signed_in import SignedInRequest
from applications import services
from applications.models import Firm, Licence, LicenceApplication
from applications.selectors import applications_for_firm, people_with_roles
from applications.services.firms import FIRM_FIELDS, IDENTITY_FIELDS, firm_identity_is_fixed, identity_fixed_message
from portal.access import MemberRequiredMixin, firm_for_member
from portal.drafts.forms import FirmForm, StartApplicationForm
from vasp_licensing.pages import submit


def application_url(application: LicenceApplication) -> str:
    """A draft opens on its sections; once submitted, the case page follows it."""
    name = "portal:application" if application.status == "draft" else "portal:case"
    return reverse(name, args=[application.reference])


class DashboardView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest) -> HttpResponse:
        firms = Firm.objects.of_member(request.user).prefetch_related(
            Prefetch("applications", queryset=LicenceApplication.objects.select_related("licence_type")),
            Prefetch("licences", queryset=Licence.objects.select_related("licence_type")),
        )
        roles = {membership.firm_id: membership for membership in FirmMembership.objects.filter(user=request.user)}
        rows = [
            {
                "firm": firm,
                "role": roles[firm.pk].get_role_display(),
                "applications": [(app, application_url(app)) for app in firm.applications.all()],
                "licences": list(firm.licences.all()),
            }
            for firm in firms
        ]
        return TemplateResponse(request, "portal/dashboard.html", {"rows": rows, "nav": "dashboard"})


class FirmCreateView(MemberRequiredMixin, View):
    template_name = "portal/drafts/firm_create.html"

    def get(self, request: SignedInRequest) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {"form": FirmForm(), "nav": "dashboard"})

    def post(self, request: SignedInRequest) -> HttpResponse:
        form = FirmForm(request.POST)
        submission = submit(request, form, lambda data: services.firm_create(actor=request.user, **data))
        if (firm := submission.result) is not None:
            messages.success(
                request,
                _(
                    "%(firm)s is registered and you are its firm admin. Firm admins sign in with a code from an "
                    "authenticator app; you may be asked to set it up now."
                )
                % {"firm": firm},
            )
            return HttpResponseRedirect(reverse("portal:firm", args=[firm.pk]))
        context = {"form": form, "nav": "dashboard"}
        return TemplateResponse(request, self.template_name, context, status=submission.status)


def firm_form(firm: Firm, data: QueryDict | None = None) -> FirmForm:
    """The firm's details form, bound to `data` if given.

    Browsers do not send disabled inputs: fields the page showed read-only (fixed identity) keep the firm's
    values, unless a page opened before the submission sends a change, which the service then refuses.
    """
    initial = {name: getattr(firm, name) for name in FIRM_FIELDS}
    if data is None:
        return FirmForm(initial=initial)
    data = data.copy()
    for name in IDENTITY_FIELDS:
        if name not in data:
            data[name] = initial[name]
    return FirmForm(data, initial=initial)


def firm_context(request: HttpRequest, firm: Firm, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_start = rules.has_perm("applications.create", user, firm)
    form = forms.get("form") or firm_form(firm)
    identity_fixed = firm_identity_is_fixed(firm=firm)
    if identity_fixed:
        form.fix_identity(IDENTITY_FIELDS)
    return {
        "firm": firm,
        "nav": "firm",
        "form": form,
        "identity_fixed": identity_fixed_message() if identity_fixed else "",
        "start_form": (forms.get("start_form") or StartApplicationForm()) if may_start else None,
        "may_edit": rules.has_perm("applications.edit_draft", user, firm),
        "people": people_with_roles(firm_id=firm.pk),
        "applications": [(app, application_url(app)) for app in applications_for_firm(firm_id=firm.pk)],
        "licences": firm.licences.select_related("licence_type"),
    }


class FirmView(MemberRequiredMixin, View):
    """The firm's details (the application's Firm section, edited here), people, applications, licences."""

    template_name = "portal/drafts/firm.html"

    def get(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        return TemplateResponse(request, self.template_name, firm_context(request, firm))

    def post(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        form = firm_form(firm, request.POST)
        submission = submit(request, form, lambda data: services.firm_update(firm=firm, actor=request.user, **data))
        if submission.done:
            messages.success(request, _("The firm's details are saved."))
            return HttpResponseRedirect(reverse("portal:firm", args=[firm.pk]))
        firm.refresh_from_db()
        context = firm_context(request, firm, form=form)
        return TemplateResponse(request, self.template_name, context, status=submission.status)


class ApplicationStartView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        form = StartApplicationForm(request.POST)
        submission = submit(
            request,
            form,
            lambda data: services.application_create(firm=firm, licence_type=data["licence_type"], actor=request.user),
        )
        if (application := submission.result) is not None:
            messages.success(
                request,
                _("Application %(reference)s is started. Fill in each section below, then submit it.")
                % {"reference": application.reference},
            )
            return HttpResponseRedirect(reverse("portal:application", args=[application.reference]))
        context = firm_context(request, firm, start_form=form)
        context["start_form"] = form  # shown with its errors, even to someone the rules refused
        return TemplateResponse(request, "portal/drafts/firm.html", context, status=submission.status)


urlpatterns: list[URLPattern] = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("firms/new/", FirmCreateView.as_view(), name="firm_create"),
    path("firms/<int:firm_id>/", FirmView.as_view(), name="firm"),
    path("firms/<int:firm_id>/applications/new/", ApplicationStartView.as_view(), name="application_start"),
]
