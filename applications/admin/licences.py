"""Granted licences, read-only, with a workflow page for their life.

Four eyes: suspending, reinstating, revoking and varying conditions are only *proposed* here, through
reviews.services.licence_changes; another licensing manager or senior officer decides the proposal on the
workspace's licence page (linked from the workflow page), which carries it out. Surrender is the firm's
own act and goes straight through its service in applications/services/licences.py."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django_fsm_log.admin import StateLogInline

from applications.admin.workflow import WorkflowAdmin
from applications.forms import LicenceActionForm
from applications.models import Licence, LicenceCondition
from audit.admin import ReadOnlyAdminMixin, ReadOnlyInline
from reviews.services.licence_changes import licence_change_open
from reviews.workflow import LICENCE


class LicenceConditionInline(ReadOnlyInline):
    model = LicenceCondition
    fields = ("text", "imposed_at", "imposed_by", "lifted_at", "lifted_by")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("imposed_by", "lifted_by")


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, WorkflowAdmin):
    list_display = ("number", "firm", "licence_type", "status", "granted_at", "status_changed_at")
    list_filter = ("status", "licence_type", "licence_type__regime")
    list_select_related = ("firm", "licence_type")
    search_fields = ("number", "firm__legal_name_en", "firm__legal_name_zh", "firm__registration_number")
    date_hierarchy = "granted_at"
    fields = (
        "number",
        "firm",
        "licence_type",
        "application",
        "status",
        "granted_at",
        "granted_by",
        "status_changed_at",
        "status_reason",
    )
    readonly_fields = ("number", "status")  # read-only already; named so status never becomes a form field
    inlines = (LicenceConditionInline, StateLogInline)

    workflow = LICENCE
    workflow_form_class = LicenceActionForm

    def workflow_form_kwargs(self, request: HttpRequest, obj: Licence) -> dict[str, Any]:
        return {"licence": obj}

    def workflow_context(self, request: HttpRequest, obj: Licence) -> dict[str, Any]:
        in_force = "; ".join(condition.text for condition in obj.conditions.in_force())
        pending = licence_change_open(licence=obj)
        page = reverse("reviews:licence", args=[obj.number])
        waiting = (
            format_html('{} by {}: decided on <a href="{}">the licence page</a>', pending, pending.proposed_by, page)
            if pending
            else format_html('none (<a href="{}">the licence page</a>)', page)
        )
        return {
            "summary": [
                ("Firm", obj.firm),
                ("Licence type", obj.licence_type),
                ("Conditions in force", in_force or "none"),
                ("Proposed change", waiting),
            ]
        }
