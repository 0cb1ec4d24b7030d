"""Licence applications and what was filed with them: read-only records, moved on only by the services."""

from functools import partial
from typing import Any

import rules
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString
from django_fsm_log.admin import StateLogInline

from accounts.models import User
from accounts.selectors import active_case_officers
from accounts.signed_in import signed_in_user
from applications import services
from applications.admin.workflow import WorkflowAdmin
from applications.choices import ApplicationStatus
from applications.forms import ApplicationTransitionForm, AssignForm
from applications.models import ApplicationSnapshot, Document, DocumentFinding, LicenceApplication
from audit.admin import ReadOnlyAdminMixin, ReadOnlyInline, pretty_json
from reviews.admin import DecisionInline, InformationRequestInline, RecommendationInline
from reviews.workflow import APPLICATION
from vasp_licensing.pages import attempt

App = LicenceApplication
Data = dict[str, Any]


class AssignedOfficerFilter(admin.SimpleListFilter):
    """The queues: unassigned, mine, or one officer's. Lists case officers only, not every user."""

    title = "assigned officer"
    parameter_name = "officer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        officers = [(str(officer.pk), str(officer)) for officer in active_case_officers()]
        return [("none", "Unassigned"), ("me", "Assigned to me"), *officers]

    def queryset(self, request: HttpRequest, queryset: QuerySet[App]) -> QuerySet[App]:
        value = self.value()
        if value == "none":
            return queryset.filter(assigned_officer__isnull=True)
        if value == "me":
            return queryset.filter(assigned_officer_id=request.user.pk)
        if value and value.isdigit():
            return queryset.filter(assigned_officer_id=int(value))
        return queryset


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("document_type", "person", "original_name", "version", "is_current", "check_status", "uploaded_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("document_type", "person")


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(ReadOnlyAdminMixin, WorkflowAdmin):
    list_display = ("reference", "firm", "licence_type", "status", "assigned_officer", "submitted_at")
    list_filter = ("status", AssignedOfficerFilter, "licence_type", "licence_type__regime")
    list_select_related = ("firm", "licence_type", "assigned_officer")
    search_fields = ("reference", "firm__legal_name_en", "firm__legal_name_zh", "firm__registration_number")
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    actions = ("assign_officer",)
    fieldsets = (
        (None, {"fields": ("reference", "firm", "licence_type", "status", "assigned_officer", "copied_from")}),
        ("Business plan", {"fields": ("business_plan_summary", "products_and_services", "target_markets")}),
        ("Declaration", {"fields": ("declaration_signatory_name", "declaration_signed_by", "declaration_signed_at")}),
        ("Dates", {"fields": ("created_by", "created_at", "submitted_at", "accepted_at", "decided_at", "updated_at")}),
        ("Closing", {"fields": ("closing_reasons",)}),
    )
    # Read-only already (no change permission), and named again: status is never a form field here.
    readonly_fields = ("status", "reference", "created_at", "updated_at")
    inlines = (
        DocumentInline,
        InformationRequestInline,
        RecommendationInline,
        DecisionInline,
        StateLogInline,
    )

    workflow = APPLICATION
    workflow_form_class = ApplicationTransitionForm

    def workflow_context(self, request: HttpRequest, obj: App) -> dict[str, Any]:
        may_assign = rules.has_perm("applications.assign", request.user, obj)
        return {
            "summary": _case_summary(obj),
            "assign_form": AssignForm(initial={"officer": obj.assigned_officer_id}) if may_assign else None,
            "assign_url": reverse("admin:applications_licenceapplication_assign", args=[obj.pk]),
        }

    # Assigning: one case from its workflow page, or many from the list (the unassigned queue).

    def get_urls(self) -> list[URLPattern]:
        assign = path(
            "<path:object_id>/assign/",
            self.admin_site.admin_view(self.assign_view),
            name="applications_licenceapplication_assign",
        )
        return [assign, *super().get_urls()]

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return bool(rules.has_perm("applications.assign", request.user))

    def assign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        form = AssignForm(request.POST)
        if form.is_valid():
            self._assign(request, [obj], form.cleaned_data["officer"])
        else:
            self.message_user(request, "Choose an active case officer.", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:applications_licenceapplication_transition", args=[obj.pk]))

    @admin.action(description="Assign to a case officer", permissions=["assign"])
    def assign_officer(self, request: HttpRequest, queryset: QuerySet[App]) -> HttpResponse | None:
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._assign(request, list(queryset.select_related("firm")), form.cleaned_data["officer"])
            return None  # back to the list
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Assign to a case officer",
            "applications": queryset.select_related("firm"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/applications/licenceapplication/assign.html", context)

    def _assign(self, request: HttpRequest, applications: list[App], officer: User | None) -> None:
        """One service call, and so one transaction and one audit event, per application."""
        assigned = []
        for application in applications:
            done = attempt(
                request,
                partial(
                    services.application_assign, application=application, actor=signed_in_user(request), officer=officer
                ),
            )
            if done.refusal is not None:
                self.message_user(request, str(done.refusal), messages.ERROR)
            else:
                assigned.append(str(application))
        if assigned:
            whom = officer or "nobody"
            self.message_user(request, f"Assigned to {whom}: {', '.join(assigned)}.", messages.SUCCESS)


def _case_summary(app: App) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("Firm", app.firm),
        ("Licence type", app.licence_type),
        ("Assigned officer", app.assigned_officer or "nobody"),
    ]
    pending = app.recommendations.filter(decision__isnull=True).select_related("made_by").first()
    if pending is not None and app.status == ApplicationStatus.PENDING_DECISION:
        rows += [
            ("Recommendation", f"{pending.get_outcome_display()} by {pending.made_by}"),
            ("Its reasons", pending.reasons),
            ("Its draft conditions", "; ".join(pending.draft_conditions) or "none"),
        ]
    open_request = app.information_requests.filter(responded_at__isnull=True).first()
    if open_request is not None:
        rows.append(("Open request for information", f"due {open_request.due_date}"))
    return rows


class DocumentFindingInline(ReadOnlyInline):
    """Every finding, internal ones included: the admin is the regulator's side."""

    model = DocumentFinding
    fields = ("check_code", "outcome", "message", "internal", "created_at")
    show_change_link = False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    inlines = (DocumentFindingInline,)
    list_display = ("original_name", "application", "document_type", "person", "version", "is_current", "check_status")
    list_filter = ("check_status", "is_current", "document_type")
    list_select_related = ("application", "document_type", "person")
    search_fields = ("application__reference", "original_name", "=sha256")
    show_full_result_count = False


@admin.register(ApplicationSnapshot)
class ApplicationSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "created_at", "sha256")
    list_select_related = ("application",)
    search_fields = ("application__reference", "=sha256")
    fields = ("application", "created_at", "sha256", "data_json")
    readonly_fields = ("data_json",)

    @admin.display(description="data as submitted")
    def data_json(self, snapshot: ApplicationSnapshot) -> SafeString:
        return pretty_json(snapshot.data)
