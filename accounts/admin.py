"""Users (e-mail sign-in), their firm memberships, and the regulator roles, which are Django groups."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import FirmMembership, User
from audit.admin import AuditedAdminMixin


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes: dict[str, Any] = {}

    def clean_email(self) -> str:
        # The manager lower-cases addresses; the admin must too, or two accounts could differ by case.
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this e-mail address already exists.")
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, Any] = {}

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A user with this e-mail address already exists.")
        return email


class FirmMembershipOfUserInline(admin.TabularInline):
    model = FirmMembership
    fk_name = "user"
    fields = ("firm", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("firm",)  # there may be 10,000 firms
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Regulator roles and permissions",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Regulator roles are the groups case_officer, senior_officer, licensing_manager "
                "and auditor. Staff status lets someone into this admin; the roles decide what they may do.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    list_display = ("email", "first_name", "last_name", "roles", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    inlines = (FirmMembershipOfUserInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else ()  # memberships once the user exists


@admin.register(FirmMembership)
class FirmMembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "firm", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "firm")
    search_fields = ("user__email", "firm__legal_name_en", "firm__registration_number")
    autocomplete_fields = ("user", "firm")
    show_full_result_count = False


# Group permissions decide what each regulator role may see here, so their changes are audited too.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


def _replace_authenticator_admin() -> None:
    """allauth's own admin shows a TOTP secret and the recovery seed in `data`. Ours shows only who has
    which factor; deleting one is how an administrator resets a lost phone (the user then enrols again)."""
    from allauth.mfa.models import Authenticator

    if admin.site.is_registered(Authenticator):
        admin.site.unregister(Authenticator)

    @admin.register(Authenticator)
    class AuthenticatorAdmin(admin.ModelAdmin):
        list_display = ("user", "type", "created_at", "last_used_at")
        list_filter = ("type",)
        search_fields = ("user__email",)
        fields = ("user", "type", "created_at", "last_used_at")
        readonly_fields = fields

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False


_replace_authenticator_admin()
