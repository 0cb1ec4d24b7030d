"""Configuration a licensing manager edits: licence types, document types, what each type requires."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from applications.models import DocumentType, LicenceType, ReferenceSequence, RequiredDocument
from audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin


class CodeFixedOnceCreatedMixin:
    """Codes are identifiers: snapshots and number series refer to them (a licence type's series is
    named after its code, so a new code would restart its licence numbers and collide)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return (*readonly, "code") if obj is not None else readonly

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {"code": ("name",)} if obj is None else {}


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    verbose_name = "required document"
    verbose_name_plural = "required documents"


@admin.register(LicenceType)
class LicenceTypeAdmin(AuditedAdminMixin, CodeFixedOnceCreatedMixin, admin.ModelAdmin):
    list_display = ("name", "code", "regime", "licence_number_prefix", "is_active")
    list_filter = ("regime", "is_active")
    search_fields = ("name", "code")
    fields = ("name", "code", "regime", "description", "licence_number_prefix", "is_active")
    inlines = (RequiredDocumentInline,)


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedAdminMixin, CodeFixedOnceCreatedMixin, admin.ModelAdmin):
    list_display = ("name", "code", "per_person", "allowed_extensions", "max_size_bytes", "max_age_months", "is_active")
    list_filter = ("per_person", "is_active")
    search_fields = ("name", "name_zh", "code")
    fields = (
        "name",
        "name_zh",
        "code",
        "description",
        "per_person",
        "allowed_extensions",
        "max_size_bytes",
        "max_age_months",
        "is_active",
    )


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Counters behind reference and licence numbers; changed only under a row lock by next_reference."""

    list_display = ("name", "year", "last_value")
    list_filter = ("year",)
    ordering = ("name", "-year")
