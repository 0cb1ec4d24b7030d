"""The workspace queues: unassigned, mine, awaiting my decision, waiting on the firm, overdue.

Every regulator may look at the queues (the auditor too, read-only); "mine" is shown to case
officers and "awaiting my decision" to senior officers. Only a licensing manager gets the
assignment controls, and every assignment goes through applications.services.application_assign,
which checks the permission again and writes the audit event.

Pages work without JavaScript (GET forms and links; the assignment posts, redirects, gets). With
htmx, filtering, sorting and paging swap only the results region and push the address, so the
back button and a shared link give the same page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import User
from accounts.rules import is_licensing_manager
from accounts.signed_in import SignedInRequest
from applications.models import LicenceApplication
from applications.services import application_assign
from reviews.forms.queues import AssignForm, QueueFilterForm, officer_name
from reviews.selectors.queues import (
    Queue,
    assignment_plan,
    assignment_suggestion,
    licence_types_for_filters,
    officer_workloads,
    queue_applications,
    queue_counts,
    queue_default_for,
    queues_visible_to,
)
from reviews.views.access import RegulatorRequiredMixin
from vasp_licensing.pages import attempt

PAGE_SIZE = 25
RESULTS_ID = "queue-results"  # the region htmx swaps

# The sortable columns, in table order: (sort key, heading).
COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("firm", gettext_lazy("Firm")),
    ("licence_type", gettext_lazy("Licence type")),
    ("status", gettext_lazy("State")),
    ("officer", gettext_lazy("Officer")),
    ("submitted", gettext_lazy("Submitted")),
    ("clock", gettext_lazy("Days on the pledge clock")),
]


@dataclass(frozen=True)
class QueueTab:
    queue: Queue
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class SortHeading:
    key: str
    label: str
    sort_value: str  # what following the heading's link asks for
    aria_sort: str  # "ascending", "descending" or "" when the table is not sorted by this column


@dataclass(frozen=True)
class QueueRow:
    application: LicenceApplication
    age_days: int | None
    clock_days: int | None
    overdue: bool


class QueueView(RegulatorRequiredMixin, View):
    """One queue; the default one at the workspace's front door."""

    def get(self, request: SignedInRequest, queue: str | None = None) -> HttpResponse:
        user = request.user
        visible = queues_visible_to(user=user)
        current = self._queue(queue, user=user, visible=visible)
        now = timezone.now()
        partial = _wants_results_only(request)
        licence_types = licence_types_for_filters()
        officers = officer_workloads()
        filter_form = QueueFilterForm(request.GET, licence_types=licence_types, officers=officers)
        sort = filter_form.sort_key()
        cases = queue_applications(user=user, queue=current, filters=filter_form.filters(), sort=sort, now=now)
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
        can_assign = bool(is_licensing_manager(user))
        context = {
            "section": "queues",
            "queue": current,
            "tabs": [] if partial else self._tabs(user=user, current=current, now=now),
            "filter_form": filter_form,
            "filtered": any(request.GET.get(name) for name in ("licence_type", "status", "officer", "age")),
            "headings": _headings(sort),
            "sort": sort,
            "page": page,
            "rows": _rows(page, now=now),
            "results_id": RESULTS_ID,
            "can_assign": can_assign,
            "pledge_days": settings.LICENSING_PLEDGE_DAYS,
        }
        if can_assign:
            suggestion = assignment_suggestion(officers=officers)
            context["suggestion"] = suggestion
            context["assign_form"] = AssignForm(
                officers=officers, suggestion=suggestion, initial={"next": request.get_full_path()}
            )
        template = "reviews/queues/_results.html" if partial else "reviews/queues/queue.html"
        response = render(request, template, context)
        # The same address answers with a page or a fragment: caches must keep them apart.
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response

    @staticmethod
    def _queue(slug: str | None, *, user: User, visible: list[Queue]) -> Queue:
        if slug is None:
            return queue_default_for(user=user)
        try:
            queue = Queue(slug)
        except ValueError:
            raise Http404(_("There is no such queue.")) from None
        if queue not in visible:
            raise PermissionDenied(_("This queue is not one of yours."))
        return queue

    @staticmethod
    def _tabs(*, user: User, current: Queue, now: datetime) -> list[QueueTab]:
        counts = queue_counts(user=user, now=now)
        return [
            QueueTab(queue, count, reverse("reviews:queue_named", args=[queue.value]), queue == current)
            for queue, count in counts.items()
        ]


def _wants_results_only(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    # A history restore (the page fell out of htmx's cache) needs the whole page.
    return bool(htmx.target == RESULTS_ID and not htmx.history_restore_request)


def _headings(sort: str) -> list[SortHeading]:
    descending = sort.startswith("-")
    active = sort.removeprefix("-")
    headings = []
    for key, label in COLUMNS:
        if key == active:
            aria_sort = "descending" if descending else "ascending"
            sort_value = key if descending else f"-{key}"
        else:
            aria_sort, sort_value = "", key
        headings.append(SortHeading(key, str(label), sort_value, aria_sort))
    return headings


def _rows(page: Page, *, now: datetime) -> list[QueueRow]:
    rows = []
    for application in page.object_list:
        elapsed: timedelta | None = application.clock_elapsed if application.accepted_at else None
        submitted = application.submitted_at
        rows.append(
            QueueRow(
                application=application,
                age_days=(now - submitted).days if submitted else None,
                clock_days=max(elapsed.days, 0) if elapsed is not None else None,
                overdue=elapsed is not None and elapsed.days > settings.LICENSING_PLEDGE_DAYS,
            )
        )
    return rows


class AssignView(RegulatorRequiredMixin, View):
    """Assigns the ticked cases (one or many) to an officer, to the suggestion, or to nobody."""

    def post(self, request: SignedInRequest) -> HttpResponse:
        user = request.user
        if not is_licensing_manager(user):
            raise PermissionDenied(_("Only a licensing manager may assign cases."))
        officers = officer_workloads()
        form = AssignForm(request.POST, officers=officers)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(_next_url(request, form.data.get("next")))
        applications = sorted(form.cleaned_data["applications"], key=lambda application: application.reference)
        if form.wants_suggestion:
            plan = assignment_plan(applications=applications, officers=officers)
        else:
            chosen = form.chosen_officer()
            plan = {application.pk: chosen for application in applications}
        done = []
        for application in applications:
            officer = plan[application.pk]
            assigned = attempt(
                request, partial(application_assign, application=application, actor=user, officer=officer)
            )
            if assigned.refusal is not None:
                messages.error(
                    request,
                    _("%(reference)s was not assigned: %(reason)s")
                    % {"reference": application.reference, "reason": assigned.refusal},
                )
            else:
                done.append(
                    _("%(reference)s to %(officer)s")
                    % {
                        "reference": application.reference,
                        "officer": officer_name(officer) if officer else _("nobody"),
                    }
                )
        if done:
            messages.success(request, _("Assigned: %(cases)s.") % {"cases": "; ".join(done)})
        return HttpResponseRedirect(_next_url(request, form.cleaned_data.get("next")))


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    """Back to the queue the form was on, never to another site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("reviews:queue")


urlpatterns: list[URLPattern] = [
    path("", QueueView.as_view(), name="queue"),
    path("queues/<slug:queue>/", QueueView.as_view(), name="queue_named"),
    path("assign/", AssignView.as_view(), name="assign"),
]
