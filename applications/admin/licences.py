"""Granted licences, read-only, with a workflow page for their life: suspend, reinstate, revoke,
surrender and vary conditions, each through its service in applications/services/licences.py."""

from collections.abc import Callable
from typing import Any

import rules
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_fsm_log.admin import StateLogInline

from applications import services
from applications.admin.workflow import WorkflowAdmin, open_transitions
from applications.forms import LicenceActionForm
from applications.models import Licence, LicenceCondition
from applications.services.licences import LIVE_STATUSES
from audit.admin import ReadOnlyAdminMixin, ReadOnlyInline

Data = dict[str, Any]

ACTION_LABELS: dict[str, str] = {
    "suspend": "Suspend",
    "reinstate": "Reinstate",
    "revoke": "Revoke",
    "surrender": "Surrender (firm admin)",
    "vary_conditions": "Vary conditions",
}
TRANSITIONS = ("suspend", "reinstate", "revoke", "surrender")
ACTION_SERVICES: dict[str, Callable[[Licence, Any, Data], Licence]] = {
    "suspend": lambda licence, actor, data: services.licence_suspend(
        licence=licence, actor=actor, reasons=data["reasons"]
    ),
    "reinstate": lambda licence, actor, data: services.licence_reinstate(
        licence=licence, actor=actor, reasons=data["reasons"]
    ),
    "revoke": lambda licence, actor, data: services.licence_revoke(
        licence=licence, actor=actor, reasons=data["reasons"]
    ),
    "surrender": lambda licence, actor, data: services.licence_surrender(
        licence=licence, actor=actor, reasons=data["reasons"]
    ),
    "vary_conditions": lambda licence, actor, data: services.licence_conditions_vary(
        licence=licence,
        actor=actor,
        reasons=data["reasons"],
        impose=data["impose"],
        lift=[condition.pk for condition in data["lift"]],
    ),
}


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

    workflow_form_class = LicenceActionForm
    workflow_actions = ACTION_LABELS

    def offered_actions(self, request: HttpRequest, obj: Licence) -> list[str]:
        offered = open_transitions(obj, request.user, TRANSITIONS)
        if obj.status in LIVE_STATUSES and rules.has_perm("licences.vary_conditions", request.user, obj):
            offered.append("vary_conditions")
        return offered

    def perform_action(self, request: HttpRequest, obj: Licence, action: str, data: Data) -> Licence:
        return ACTION_SERVICES[action](obj, request.user, data)

    def workflow_form_kwargs(self, request: HttpRequest, obj: Licence) -> dict[str, Any]:
        return {"licence": obj}

    def workflow_context(self, request: HttpRequest, obj: Licence) -> dict[str, Any]:
        in_force = "; ".join(condition.text for condition in obj.conditions.filter(lifted_at__isnull=True))
        return {
            "summary": [
                ("Firm", obj.firm),
                ("Licence type", obj.licence_type),
                ("Conditions in force", in_force or "none"),
            ]
        }
