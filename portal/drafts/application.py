"""A draft application: its sections with their completeness, the business plan, the declaration, submit, withdraw.

Once submitted, an application is followed on the case page (portal:case); its draft pages redirect there.
"""

from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from accounts.signed_in import SignedInRequest
from applications import services
from applications.choices import WITHDRAWABLE_STATUSES, ApplicationStatus
from applications.models import LicenceApplication
from applications.selectors import SectionProgress, application_progress
from applications.services.applications import EDITABLE_FIELDS
from portal.access import MemberRequiredMixin, application_for_member
from portal.drafts.forms import (
    BusinessPlanForm,
    DeclarationForm,
    SubmitForm,
    WithdrawForm,
)
from vasp_licensing.pages import submit


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another area has not built yet
        return None


def section_url(application: LicenceApplication, section: SectionProgress) -> str | None:
    reference = application.reference
    return {
        "firm": _url("portal:firm", application.firm_id),
        "people": _url("portal:people", application.firm_id),
        "business_plan": _url("portal:application_business_plan", reference),
        "documents": _url("portal:documents", reference),
        "declaration": _url("portal:application_declaration", reference),
    }[section.key]


def _case_url(application: LicenceApplication) -> str:
    return reverse("portal:case", args=[application.reference])


def _draft_or_redirect(request: HttpRequest, reference: str) -> LicenceApplication | HttpResponse:
    application = application_for_member(request.user, reference)
    if application.status != ApplicationStatus.DRAFT:
        return HttpResponseRedirect(_case_url(application))
    return application


def application_context(request: HttpRequest, application: LicenceApplication, **extra: Any) -> dict[str, Any]:
    user = request.user
    progress = application_progress(application=application)
    return {
        "application": application,
        "firm": application.firm,
        "nav": "firm",
        "sections": [(section, section_url(application, section)) for section in progress],
        "missing_count": sum(len(section.missing) for section in progress),
        "may_submit": rules.has_perm("applications.submit", user, application),
        "may_withdraw": rules.has_perm("applications.withdraw", user, application),
        "submit_form": extra.get("submit_form") or SubmitForm(),
        **extra,
    }


class ApplicationView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = _draft_or_redirect(request, reference)
        if isinstance(application, HttpResponse):
            return application
        return TemplateResponse(request, "portal/drafts/application.html", application_context(request, application))


class _DraftFormView(MemberRequiredMixin, View):
    """A page of one draft with one form; a submitted application redirects to its case page."""

    template_name: str
    form_class: type[forms.Form]

    def initial(self, application: LicenceApplication) -> dict[str, Any]:
        return {}

    def perform(self, application: LicenceApplication, actor: User, data: dict[str, Any]) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def render(
        self, request: HttpRequest, application: LicenceApplication, form: forms.Form, status: int = 200
    ) -> HttpResponse:
        context = {
            "application": application,
            "firm": application.firm,
            "nav": "firm",
            "form": form,
            **self.extra(request, application),
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def extra(self, request: HttpRequest, application: LicenceApplication) -> dict[str, Any]:
        return {}

    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = _draft_or_redirect(request, reference)
        if isinstance(application, HttpResponse):
            return application
        return self.render(request, application, self.form_class(initial=self.initial(application)))

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = _draft_or_redirect(request, reference)
        if isinstance(application, HttpResponse):
            return application
        form = self.form_class(request.POST)
        submission = submit(request, form, lambda data: self.perform(application, request.user, data))
        if (done := submission.result) is not None:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("portal:application", args=[application.reference]))
        return self.render(request, application, form, status=submission.status)


class BusinessPlanView(_DraftFormView):
    template_name = "portal/drafts/business_plan.html"
    form_class = BusinessPlanForm

    def initial(self, application: LicenceApplication) -> dict[str, Any]:
        return {field: getattr(application, field) for field in EDITABLE_FIELDS}

    def perform(self, application: LicenceApplication, actor: User, data: dict[str, Any]) -> str:
        updated = services.application_update(application=application, actor=actor, **data)
        if application.declaration_signed_at is not None and updated.declaration_signed_at is None:
            return _("The business plan is saved. The declaration must be signed again, as the content changed.")
        return _("The business plan is saved.")


class DeclarationView(_DraftFormView):
    template_name = "portal/drafts/declaration.html"
    form_class = DeclarationForm

    def initial(self, application: LicenceApplication) -> dict[str, Any]:
        return {
            "signatory_name": application.declaration_signatory_name,
            "signatory_role": application.declaration_signatory_role,
        }

    def extra(self, request: HttpRequest, application: LicenceApplication) -> dict[str, Any]:
        return {"may_sign": rules.has_perm("applications.sign_declaration", request.user, application)}

    def perform(self, application: LicenceApplication, actor: User, data: dict[str, Any]) -> str:
        services.application_sign_declaration(
            application=application,
            actor=actor,
            signatory_name=data["signatory_name"],
            signatory_role=data["signatory_role"],
        )
        return _("The declaration is signed.")


class SubmitView(MemberRequiredMixin, View):
    """POST only. Refused (not complete, not a firm admin): the application page with the reasons."""

    http_method_names = ["post"]

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = _draft_or_redirect(request, reference)
        if isinstance(application, HttpResponse):
            return application
        form = SubmitForm(request.POST)
        draft = application
        submission = submit(
            request, form, lambda data: services.application_submit(application=draft, actor=request.user)
        )
        if (submitted := submission.result) is None:
            application = application_for_member(request.user, reference)
            context = application_context(request, application, submit_form=form)
            return TemplateResponse(request, "portal/drafts/application.html", context, status=submission.status)
        messages.success(
            request,
            _("Application %(reference)s is submitted. The regulator will check that it is complete.")
            % {"reference": submitted.reference},
        )
        return HttpResponseRedirect(_case_url(submitted))


class WithdrawView(MemberRequiredMixin, View):
    """GET asks for confirmation (and an optional reason); POST withdraws. Any state before the decision."""

    template_name = "portal/drafts/withdraw.html"

    def _render(
        self, request: HttpRequest, application: LicenceApplication, form: forms.Form, status: int = 200
    ) -> HttpResponse:
        context = {
            "application": application,
            "firm": application.firm,
            "nav": "firm",
            "form": form,
            "withdrawable": application.status in WITHDRAWABLE_STATUSES,
            "may_withdraw": rules.has_perm("applications.withdraw", request.user, application),
            "back_url": reverse("portal:application", args=[application.reference]),
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        return self._render(request, application_for_member(request.user, reference), WithdrawForm())

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = application_for_member(request.user, reference)
        form = WithdrawForm(request.POST)
        submission = submit(
            request,
            form,
            lambda data: services.application_withdraw(
                application=application, actor=request.user, reason=data["reason"]
            ),
        )
        if submission.done:
            messages.success(
                request, _("Application %(reference)s is withdrawn.") % {"reference": application.reference}
            )
            return HttpResponseRedirect(_case_url(application))
        application = application_for_member(request.user, reference)
        return self._render(request, application, form, status=submission.status)


urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/", ApplicationView.as_view(), name="application"),
    path(
        "applications/<str:reference>/business-plan/",
        BusinessPlanView.as_view(),
        name="application_business_plan",
    ),
    path(
        "applications/<str:reference>/declaration/",
        DeclarationView.as_view(),
        name="application_declaration",
    ),
    path("applications/<str:reference>/submit/", SubmitView.as_view(), name="application_submit"),
    path("applications/<str:reference>/withdraw/", WithdrawView.as_view(), name="application_withdraw"),
]
