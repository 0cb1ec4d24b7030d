"""The licence pages of the workspace: the list of licences, and one licence with its conditions, the
change proposed on it, its past changes and its audit timeline.

Policy: every regulator reads every licence; a licensing manager or a senior officer proposes a change
(the maker) and another one decides it (the checker, never the proposer). The page offers exactly what
the workflow tables (reviews/workflow.py, read by the admin too) let this user do now; every POST goes
through reviews.services.licence_changes, which checks again under a row lock and explains a refusal.
Forms work without JavaScript (post, redirect, get).
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.signed_in import SignedInRequest
from applications.models import Licence
from reviews.forms import licences as licence_forms
from reviews.models import LicenceChange, LicenceChangeAction
from reviews.selectors.licences import licence_get, licence_list, licence_page
from reviews.services.licence_changes import licence_change_may_propose
from reviews.views.access import RegulatorRequiredMixin
from reviews.workflow import LICENCE, LICENCE_CHANGE, licence_actions_offered, licence_change_actions_offered
from vasp_licensing.pages import error_summary, submit

PAGE_SIZE = 25


@dataclass(frozen=True)
class OfferedForm:
    name: str
    label: Any
    form: forms.Form
    url: str


def licence_url(licence: Licence) -> str:
    return reverse("reviews:licence", args=[licence.number])


def _licence_or_404(number: str) -> Licence:
    licence = licence_get(number=number)
    if licence is None:
        raise Http404(_("No licence with number %(number)s.") % {"number": number})
    return licence


class LicenceListView(RegulatorRequiredMixin, View):
    def get(self, request: SignedInRequest) -> HttpResponse:
        filter_form = licence_forms.LicenceFilterForm(request.GET)
        status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
        page = Paginator(licence_list(status=status or None), PAGE_SIZE).get_page(request.GET.get("page"))
        actions = dict(LicenceChangeAction.choices)
        rows = [(licence, actions.get(licence.pending_action)) for licence in page.object_list]  # type: ignore[attr-defined]
        context = {
            "section": "licences",
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "filtered": bool(status),
        }
        return TemplateResponse(request, "reviews/licences/list.html", context)


def _decision_forms(change: LicenceChange | None, user: Any, bound: dict[str, forms.Form]) -> list[OfferedForm]:
    return [
        OfferedForm(
            name=action.name,
            label=action.label,
            form=bound.get(action.name) or action.form_class(prefix=action.name),
            url=reverse("reviews:licence_change_decide", args=[change.licence.number, change.pk, action.name]),
        )
        for action in licence_change_actions_offered(change=change, user=user)
        if change is not None and action.form_class is not None
    ]


def _proposals(licence: Licence, user: Any) -> list[tuple[str, Any]]:
    """The changes this user may propose now, as the propose form's choices (none while a change is open)."""
    return [
        (action.name, action.label)
        for action in licence_actions_offered(licence=licence, user=user)
        if action.form_class is licence_forms.LicenceChangeProposeForm
    ]


def _propose_form(licence: Licence, user: Any, bound: dict[str, forms.Form]) -> forms.Form | None:
    offered = _proposals(licence, user)
    if not offered:
        return None
    return bound.get("propose") or licence_forms.LicenceChangeProposeForm(
        prefix="propose", licence=licence, offered=offered
    )


def render_licence(
    request: HttpRequest, licence: Licence, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> TemplateResponse:
    bound = bound or {}
    user = request.user
    page = licence_page(licence=licence)
    propose_form = _propose_form(licence, user, bound)
    notices = []
    if page.pending is not None and page.pending.proposed_by_id == user.pk:
        notices.append(_("You proposed this change; another officer must decide it."))
    if propose_form is None and page.pending is None and not licence_change_may_propose(user=user, licence=licence):
        notices.append(_("You may read this licence. Only a licensing manager or a senior officer proposes changes."))
    context = {
        "section": "licences",
        "page": page,
        "licence": licence,
        "propose_form": propose_form,
        "propose_url": reverse("reviews:licence_change_propose", args=[licence.number]),
        "decision_forms": _decision_forms(page.pending, user, bound),
        "notices": notices,
        "error_summary": error_summary(bound.values()),
    }
    return TemplateResponse(request, "reviews/licences/page.html", context, status=status)


class LicenceView(RegulatorRequiredMixin, View):
    def get(self, request: SignedInRequest, number: str) -> HttpResponse:
        return render_licence(request, _licence_or_404(number))


class LicenceChangeProposeView(RegulatorRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: SignedInRequest, number: str) -> HttpResponse:
        licence = _licence_or_404(number)
        offered = _proposals(licence, request.user)
        form = licence_forms.LicenceChangeProposeForm(request.POST, prefix="propose", licence=licence, offered=offered)
        submission = submit(request, form, lambda data: LICENCE[data["action"]].perform(licence, request.user, data))
        if submission.done:
            messages.success(request, _("Change proposed. Another officer must decide it."))
            return HttpResponseRedirect(licence_url(licence))
        return render_licence(request, _licence_or_404(number), bound={"propose": form}, status=submission.status)


class LicenceChangeDecideView(RegulatorRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, number: str, pk: int, decision: str) -> HttpResponse:
        spec = LICENCE_CHANGE.get(decision)
        if spec is None or spec.form_class is None:
            raise Http404(_("No such decision."))
        licence = _licence_or_404(number)
        change = get_object_or_404(LicenceChange.objects.select_related("licence"), pk=pk, licence=licence)
        form = spec.form_class(request.POST, prefix=decision)
        submission = submit(request, form, lambda data: spec.perform(change, request.user, data))
        if (done := submission.result) is not None:
            messages.success(
                request, _("The change is now %(status)s.") % {"status": done.get_status_display().lower()}
            )
            return HttpResponseRedirect(licence_url(licence))
        return render_licence(request, _licence_or_404(number), bound={decision: form}, status=submission.status)


urlpatterns: list[URLPattern] = [
    path("licences/", LicenceListView.as_view(), name="licences"),
    path("licences/<str:number>/", LicenceView.as_view(), name="licence"),
    path("licences/<str:number>/changes/", LicenceChangeProposeView.as_view(), name="licence_change_propose"),
    path(
        "licences/<str:number>/changes/<int:pk>/<slug:decision>/",
        LicenceChangeDecideView.as_view(),
        name="licence_change_decide",
    ),
]
