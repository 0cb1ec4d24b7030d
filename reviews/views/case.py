"""The case page of the workspace: everything about one application, and what this user may do to it now.

Policy: every regulator may read every case (the workspace is the regulator's shared record), but
only the assigned case officer acts on it, and only a senior officer who did not recommend decides.
The page offers exactly what the workflow table (reviews/workflow.py, read by the admin too) lets this
user do now; every POST goes through the same service as the admin, API and tasks, which
checks again under a row lock and explains a refusal. Forms work without JavaScript (post, redirect,
get); with htmx the checklist, notes and screening sections update in place, with the timeline.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.rules import is_auditor, is_case_officer, is_senior_officer
from accounts.signed_in import AnyUser, SignedInRequest
from applications.choices import TERMINAL_STATUSES, ApplicationStatus
from applications.models import Document, LicenceApplication
from applications.rules import made_a_recommendation
from applications.services.downloads import document_download, document_response
from reviews.forms import case as case_forms
from reviews.models import ChecklistArea
from reviews.selectors.case import CasePage, case_get, case_page
from reviews.services.checklist import checklist_item_record, checklist_may_record
from reviews.services.notes import note_add, note_may_add
from reviews.views.access import RegulatorRequiredMixin
from reviews.workflow import APPLICATION, application_actions_offered
from screening.models import ScreeningHit
from screening.services import screening_adjudicate
from vasp_licensing.pages import error_summary, is_htmx_partial, submit

App = LicenceApplication
Data = dict[str, Any]


@dataclass(frozen=True)
class OfferedAction:
    name: str
    label: Any
    form: forms.Form
    url: str


@dataclass(frozen=True)
class Row:
    """A checklist item or a screening hit, with its form when this user may act on it."""

    obj: Any
    form: forms.Form | None
    url: str


def case_url(application: App, anchor: str = "") -> str:
    url = reverse("reviews:case", args=[application.reference])
    return f"{url}#{anchor}" if anchor else url


def _case_or_404(reference: str) -> App:
    application = case_get(reference=reference)
    if application is None:
        raise Http404(_("No case with reference %(reference)s.") % {"reference": reference})
    return application


def _notices(application: App, user: AnyUser) -> list[str]:
    notices = []
    if is_auditor(user) and not (is_case_officer(user) or is_senior_officer(user)):
        notices.append(_("You are reading this case as an auditor: nothing can be changed from this page."))
    if is_case_officer(user) and application.assigned_officer_id != user.pk:
        # Policy: every regulator may read every case; only the assigned officer acts on it.
        officer = application.assigned_officer or _("nobody yet")
        notices.append(
            _("You may read this case. Only its assigned case officer (%(officer)s) acts on it.") % {"officer": officer}
        )
    if (
        application.status == ApplicationStatus.PENDING_DECISION
        and is_senior_officer(user)
        and made_a_recommendation(user, application)
    ):
        notices.append(
            _(
                "Four eyes: you made a recommendation on this case, so you cannot decide it or send it back. "
                "Another senior officer must."
            )
        )
    return notices


def _checklist_rows(application: App, page: CasePage, user: AnyUser, bound: dict[str, forms.Form]) -> list[Row]:
    may_record = checklist_may_record(user=user, application=application)
    rows = []
    for item in page.checklist:
        form: forms.Form | None = None
        if may_record:
            initial = {"outcome": item.outcome, "note": item.note}
            form = bound.get(f"checklist-{item.area}") or case_forms.ChecklistItemForm(
                prefix=item.area, initial=initial
            )
        rows.append(
            Row(obj=item, form=form, url=reverse("reviews:case_checklist", args=[application.reference, item.area]))
        )
    return rows


def _hit_row(application: App, hit: ScreeningHit, user: AnyUser, bound: dict[str, forms.Form]) -> Row:
    # The service also refuses once the case is at an end; the page does not offer what would be refused.
    may = application.status not in TERMINAL_STATUSES and rules.has_perm("screening.adjudicate_hit", user, hit)
    key = f"hit-{hit.pk}"
    form = (bound.get(key) or case_forms.HitAdjudicationForm(prefix=key)) if may else None
    return Row(obj=hit, form=form, url=reverse("reviews:case_hit", args=[application.reference, hit.pk]))


def _offered_actions(application: App, user: Any, bound: dict[str, forms.Form]) -> list[OfferedAction]:
    """Exactly what the workflow table lets `user` do now (as the admin offers it), in the table's order."""
    return [
        OfferedAction(
            name=action.name,
            label=action.label,
            form=bound.get(action.name) or action.form_class(prefix=action.name, initial=action.initial(application)),
            url=reverse("reviews:case_action", args=[application.reference, action.name]),
        )
        for action in application_actions_offered(application=application, user=user)
        if action.form_class is not None  # the firm's own acts are the portal's
    ]


def _page_context(request: HttpRequest, application: App, bound: dict[str, forms.Form]) -> dict[str, Any]:
    """Everything the templates read. `bound` holds posted forms by key, to show them with their errors."""
    user = request.user
    page = case_page(application=application)
    return {
        "page": page,
        "application": application,
        "actions": _offered_actions(application, user, bound),
        "checklist": _checklist_rows(application, page, user, bound),
        "firm_hits": [_hit_row(application, hit, user, bound) for hit in page.firm_hits],
        "people": [
            (entry.person, [_hit_row(application, hit, user, bound) for hit in entry.hits]) for entry in page.people
        ],
        "note_form": (bound.get("note") or case_forms.NoteForm(prefix="note")) if note_may_add(user=user) else None,
        "notices": _notices(application, user),
        "error_summary": error_summary(bound.values()),
    }


def render_case(
    request: HttpRequest, application: App, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> TemplateResponse:
    context = _page_context(request, application, bound or {})
    return TemplateResponse(request, "reviews/case/page.html", context, status=status)


class CaseView(RegulatorRequiredMixin, View):
    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        return render_case(request, _case_or_404(reference))


class CaseActionView(RegulatorRequiredMixin, View):
    """POST one transition. Any known action is accepted: the service, not the page, refuses (four eyes)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, reference: str, action: str) -> HttpResponse:
        spec = APPLICATION.get(action)
        if spec is None or spec.form_class is None:
            raise Http404(_("No such action."))
        application = _case_or_404(reference)
        form = spec.form_class(request.POST, prefix=action)
        submission = submit(request, form, lambda data: spec.perform(application, request.user, data))
        if (updated := submission.result) is not None:
            state = updated.get_status_display().lower()
            messages.success(
                request, _("%(action)s: done. The case is now %(state)s.") % {"action": spec.label, "state": state}
            )
            return HttpResponseRedirect(case_url(updated))
        # Read again: the page shows the case as it is now, whatever happened meanwhile.
        return render_case(request, _case_or_404(reference), bound={action: form}, status=submission.status)


class SectionView(RegulatorRequiredMixin, View):
    """A POST that changes one section: under htmx the section and the timeline come back in place."""

    http_method_names = ["post"]
    section: str  # the template reviews/case/_<section>.html, and the page's anchor

    def respond(
        self,
        request: HttpRequest,
        application: App,
        *,
        key: str,
        form: forms.Form,
        perform: Callable[[Data], Any],
        done: str,
    ) -> HttpResponse:
        submission = submit(request, form, perform)
        saved = submission.done
        partial = is_htmx_partial(request)
        if saved and not partial:
            messages.success(request, done)
            return HttpResponseRedirect(case_url(application, self.section))
        application = _case_or_404(application.reference)
        bound = {} if saved else {key: form}  # once saved, the section shows fresh forms
        if not partial:
            return render_case(request, application, bound=bound, status=submission.status)
        context = {
            **_page_context(request, application, bound),
            "oob_timeline": True,
            "saved": done if saved else "",
        }
        return TemplateResponse(request, f"reviews/case/_{self.section}.html", context)


class ChecklistItemView(SectionView):
    section = "checklist"

    def post(self, request: SignedInRequest, reference: str, area: str) -> HttpResponse:
        if area not in ChecklistArea.values:
            raise Http404(_("No such checklist area."))
        application = _case_or_404(reference)
        label = ChecklistArea(area).label
        return self.respond(
            request,
            application,
            key=f"checklist-{area}",
            form=case_forms.ChecklistItemForm(request.POST, prefix=area),
            perform=lambda data: checklist_item_record(
                application=application, actor=request.user, area=area, outcome=data["outcome"], note=data["note"]
            ),
            done=_("Checklist: %(area)s saved.") % {"area": label},
        )


class NoteAddView(SectionView):
    section = "notes"

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = _case_or_404(reference)
        return self.respond(
            request,
            application,
            key="note",
            form=case_forms.NoteForm(request.POST, prefix="note"),
            perform=lambda data: note_add(application=application, actor=request.user, text=data["text"]),
            done=_("Internal note added."),
        )


class HitAdjudicateView(SectionView):
    section = "people"

    def post(self, request: SignedInRequest, reference: str, hit_id: int) -> HttpResponse:
        application = _case_or_404(reference)
        hit = get_object_or_404(ScreeningHit, pk=hit_id, application=application)
        key = f"hit-{hit.pk}"
        return self.respond(
            request,
            application,
            key=key,
            form=case_forms.HitAdjudicationForm(request.POST, prefix=key),
            perform=lambda data: screening_adjudicate(
                hit=hit, actor=request.user, status=data["status"], note=data["note"]
            ),
            done=_("Screening hit adjudicated."),
        )


class DocumentDownloadView(LoginRequiredMixin, View):
    """The file as an attachment, for whoever may view the application (regulators and the firm's members):
    the rules decide, not the workspace's door, so the applicant portal can link here too. Every download
    is in the audit trail."""

    def get(self, request: SignedInRequest, pk: int) -> HttpResponseBase:
        document = get_object_or_404(Document.objects.select_related("application", "document_type"), pk=pk)
        # A NotPermitted is the 403 page with its reason (vasp_licensing.pages.RefusalMiddleware).
        return document_response(document_download(document=document, actor=request.user))


urlpatterns: list[URLPattern] = [
    path("cases/<str:reference>/", CaseView.as_view(), name="case"),
    path("cases/<str:reference>/actions/<slug:action>/", CaseActionView.as_view(), name="case_action"),
    path("cases/<str:reference>/checklist/<slug:area>/", ChecklistItemView.as_view(), name="case_checklist"),
    path("cases/<str:reference>/notes/", NoteAddView.as_view(), name="case_note_add"),
    path("cases/<str:reference>/hits/<int:hit_id>/", HitAdjudicateView.as_view(), name="case_hit"),
    path("documents/<int:pk>/download/", DocumentDownloadView.as_view(), name="document_download"),
]
