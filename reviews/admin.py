"""Review records, read-only: requests for information, recommendations and decisions come from services."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from audit.admin import ReadOnlyAdminMixin, ReadOnlyInline, pretty_json
from reviews.models import (
    ChecklistItem,
    Decision,
    InformationRequest,
    InformationRequestItem,
    InternalNote,
    LicenceChange,
    Recommendation,
)

CASE_SEARCH = ("application__reference", "application__firm__legal_name_en", "application__firm__registration_number")
CASE_RELATED = ("application", "application__firm")


class InformationRequestItemInline(ReadOnlyInline):
    model = InformationRequestItem
    fields = ("position", "question", "answer", "answered_by", "answered_at")
    show_change_link = False


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "application", "requested_by", "created_at", "due_date", "responded_at")
    list_filter = (("responded_at", admin.EmptyFieldListFilter), "due_date")
    list_select_related = (*CASE_RELATED, "requested_by")
    search_fields = CASE_SEARCH
    date_hierarchy = "created_at"
    inlines = (InformationRequestItemInline,)


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "outcome", "made_by", "created_at")
    list_filter = ("outcome",)
    list_select_related = (*CASE_RELATED, "made_by")
    search_fields = CASE_SEARCH
    fields = ("application", "made_by", "outcome", "reasons", "conditions_list", "created_at")
    readonly_fields = ("conditions_list",)

    @admin.display(description="draft conditions")
    def conditions_list(self, recommendation: Recommendation) -> SafeString:
        return pretty_json(recommendation.draft_conditions)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "outcome", "decided_by", "recommendation", "created_at")
    list_filter = ("outcome",)
    list_select_related = (*CASE_RELATED, "decided_by", "recommendation__application")
    search_fields = CASE_SEARCH
    fields = ("application", "recommendation", "decided_by", "outcome", "reasons", "conditions_list", "created_at")
    readonly_fields = ("conditions_list",)

    @admin.display(description="conditions")
    def conditions_list(self, decision: Decision) -> SafeString:
        return pretty_json(decision.conditions)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Recorded from the case page by the assigned officer (reviews.services.checklist)."""

    list_display = ("application", "area", "outcome", "updated_by", "updated_at")
    list_filter = ("area", "outcome")
    list_select_related = (*CASE_RELATED, "updated_by")
    search_fields = CASE_SEARCH


@admin.register(InternalNote)
class InternalNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Added from the case page (reviews.services.notes); never edited or deleted."""

    list_display = ("application", "author", "created_at")
    list_select_related = (*CASE_RELATED, "author")
    search_fields = CASE_SEARCH
    date_hierarchy = "created_at"


@admin.register(LicenceChange)
class LicenceChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposed and decided on the workspace's licence page (reviews.services.licence_changes), four eyes."""

    list_display = ("licence", "action", "status", "proposed_by", "proposed_at", "decided_by", "decided_at")
    list_filter = ("action", "status")
    list_select_related = ("licence", "proposed_by", "decided_by")
    search_fields = ("licence__number", "licence__firm__legal_name_en")
    date_hierarchy = "proposed_at"
    fields = (
        "licence",
        "action",
        "status",
        "reasons",
        "impose_list",
        "lift",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    readonly_fields = ("impose_list",)

    @admin.display(description="conditions to impose")
    def impose_list(self, change: LicenceChange) -> SafeString:
        return pretty_json(change.impose)


# Shown on the application's page.


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = ("created_at", "made_by", "outcome", "reasons")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("made_by")


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("created_at", "decided_by", "outcome", "reasons")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("decided_by")


class InformationRequestInline(ReadOnlyInline):
    model = InformationRequest
    fields = ("created_at", "requested_by", "due_date", "responded_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("requested_by")
