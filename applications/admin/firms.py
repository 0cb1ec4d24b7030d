"""Firm master data: firms, their people and roles, their users. Applications and licences are listed read-only."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import FirmMembership
from applications.models import Firm, Licence, LicenceApplication, Person, PersonRole
from audit.admin import AuditedAdminMixin, ReadOnlyInline


class PersonInline(admin.TabularInline):
    model = Person
    fields = ("full_name_en", "full_name_zh", "date_of_birth", "nationality", "identity_document_number", "email")
    extra = 0
    show_change_link = True  # roles are edited on the person's page


class FirmMembershipInline(admin.TabularInline):
    model = FirmMembership
    fk_name = "firm"
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


class ApplicationOfFirmInline(ReadOnlyInline):
    model = LicenceApplication
    fields = ("reference", "licence_type", "status", "assigned_officer", "submitted_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("licence_type", "assigned_officer")


class LicenceOfFirmInline(ReadOnlyInline):
    model = Licence
    fields = ("number", "licence_type", "status", "granted_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("licence_type")


@admin.register(Firm)
class FirmAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("legal_name_en", "legal_name_zh", "registration_number", "jurisdiction", "lei", "created_at")
    list_filter = ("jurisdiction",)
    search_fields = ("legal_name_en", "legal_name_zh", "registration_number", "lei")
    show_full_result_count = False  # 10,000 firms: skip the second COUNT(*)
    fieldsets = (
        (None, {"fields": ("legal_name_en", "legal_name_zh", "registration_number", "jurisdiction", "lei")}),
        ("Contact", {"fields": ("registered_address", "website")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (PersonInline, FirmMembershipInline, ApplicationOfFirmInline, LicenceOfFirmInline)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Person:
            for person_form in formset.forms:
                if person_form.instance.pk and NAME_FIELDS & set(person_form.changed_data):
                    _screen_after_commit(person_form.instance)


class PersonRoleInline(admin.TabularInline):
    model = PersonRole
    fields = ("role", "percentage")
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("full_name_en", "full_name_zh", "firm", "nationality", "role_list")
    list_select_related = ("firm",)
    search_fields = ("full_name_en", "full_name_zh", "identity_document_number", "firm__legal_name_en")
    autocomplete_fields = ("firm",)
    show_full_result_count = False
    fields = (
        "firm",
        "full_name_en",
        "full_name_zh",
        "date_of_birth",
        "nationality",
        "identity_document_number",
        "email",
        "created_at",
    )
    readonly_fields = ("created_at",)
    inlines = (PersonRoleInline,)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change or NAME_FIELDS & set(form.changed_data):
            _screen_after_commit(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="roles")
    def role_list(self, person: Person) -> str:
        return ", ".join(str(role) for role in person.roles.all())


def _screen_after_commit(person: Person) -> None:
    # A person added or renamed while a case is open is screened too (the task skips drafts and closed cases).
    from screening.tasks import screening_screen_person

    screening_screen_person.delay_on_commit(person.pk)


NAME_FIELDS = {"full_name_en", "full_name_zh"}
