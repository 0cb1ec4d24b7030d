"""The audit trail in the admin, and the two mixins every other admin builds on.

ReadOnlyAdminMixin: records that services write (audit events, snapshots, decisions, licences ...)
are shown, never added, changed or deleted here, whatever a user's permissions, superusers included.
AuditedAdminMixin: what the admin may edit (configuration, firm master data, users) joins the
hash-chained audit trail in the same transaction as the edit.
"""

import json
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.signed_in import signed_in_user
from audit import actions
from audit.actions import label_of
from audit.models import AuditChainHead, AuditEvent
from audit.services import audit_record


class ReadOnlyAdminMixin:
    """No add, change or delete for anyone: the permission tables cannot grant them back."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Under an editable parent (a firm) the inline's formset is still built; nothing in it is a form field.
        return self.fields or [field.name for field in self.model._meta.fields]


class AuditedAdminMixin:
    """Writes admin.add / admin.change / admin.delete events with Django's change message.

    Field names only, not values: the chain is append-only for ever, and people's identity data
    has no place in it; the values themselves are on the record.
    """

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        audit_record(
            actor=signed_in_user(request), action=actions.ADMIN_ADD, obj=obj, payload={"changes": message or []}
        )
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        if message:  # a save without changes is not an action
            audit_record(
                actor=signed_in_user(request), action=actions.ADMIN_CHANGE, obj=obj, payload={"changes": message}
            )
        return entry

    # The delete view and the delete action log before deleting; recording here instead keeps the
    # event and the deletion in one transaction, so a refused deletion leaves no event behind.
    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=signed_in_user(request), action=actions.ADMIN_DELETE, obj=obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=signed_in_user(request), action=actions.ADMIN_DELETE, obj=obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]


def pretty_json(value: Any) -> SafeString:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "sequence",
        "occurred_at",
        "action",
        "action_label",
        "object_type",
        "object_label",
        "actor_label",
        "request_id",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor_label", "request_id")
    ordering = ("-sequence",)
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # the trail only grows; skip the second COUNT(*)
    fields = (
        ("sequence", "occurred_at"),
        ("actor", "actor_label"),
        "action",
        ("object_type", "object_id", "object_label"),
        "before_json",
        "after_json",
        "payload_json",
        "request_id",
        "previous_hash",
        "hash",
    )
    readonly_fields = ("before_json", "after_json", "payload_json")

    @admin.display(description=_("What happened"))
    def action_label(self, event: AuditEvent) -> Any:
        return label_of(event.action)

    @admin.display(description="before")
    def before_json(self, event: AuditEvent) -> SafeString:
        return pretty_json(event.before)

    @admin.display(description="after")
    def after_json(self, event: AuditEvent) -> SafeString:
        return pretty_json(event.after)

    @admin.display(description="payload")
    def payload_json(self, event: AuditEvent) -> SafeString:
        return pretty_json(event.payload)


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "sequence", "hash")
