"""Forms of the firm, people and draft pages. They collect input; the services judge it and explain refusals."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.choices import PersonRoleKind
from applications.models import LicenceType
from applications.validators import validate_country_code, validate_lei

TEXTAREA = {"rows": 4, "cols": 60}


class FirmForm(forms.Form):
    legal_name_en = forms.CharField(label=_("Legal name (English)"), max_length=255)
    legal_name_zh = forms.CharField(
        label=_("Legal name (Chinese)"), max_length=255, required=False, help_text=_("If the firm has one.")
    )
    registration_number = forms.CharField(
        label=_("Company registration number"),
        max_length=50,
        help_text=_("As on the certificate of incorporation."),
    )
    jurisdiction = forms.CharField(
        label=_("Jurisdiction of incorporation"),
        max_length=2,
        help_text=_("Two-letter country code, e.g. HK."),
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    registered_address = forms.CharField(label=_("Registered address"), widget=forms.Textarea(attrs=TEXTAREA))
    lei = forms.CharField(
        label=_("Legal Entity Identifier (LEI)"),
        max_length=20,
        required=False,
        help_text=_("20 letters and digits, if the firm has one."),
        widget=forms.TextInput(attrs={"size": 22, "autocapitalize": "characters", "spellcheck": "false"}),
    )
    website = forms.CharField(
        label=_("Website"),
        max_length=200,
        required=False,
        help_text=_("Starting with https://"),
        widget=forms.URLInput(),
    )

    def fix_identity(self, fields: Sequence[str]) -> None:
        """Show `fields` read-only: once the regulator has the firm on file, only it records a change of them.

        Call it after validation: a disabled field's value is its initial one, whatever was posted."""
        for name in fields:
            self.fields[name].disabled = True

    # The codes are checked here too, so that every field's error shows at once; the service checks again.
    def clean_jurisdiction(self) -> str:
        value: str = self.cleaned_data["jurisdiction"].strip().upper()
        validate_country_code(value)
        return value

    def clean_lei(self) -> str:
        value: str = self.cleaned_data["lei"].strip().upper()
        validate_lei(value)
        return value


class StartApplicationForm(forms.Form):
    licence_type = forms.ModelChoiceField(
        label=_("Licence type"),
        queryset=LicenceType.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
    )


ROLE_PERCENTAGE_FIELDS = {
    PersonRoleKind.SUBSTANTIAL_SHAREHOLDER.value: "shareholding_percentage",
    PersonRoleKind.BENEFICIAL_OWNER.value: "ownership_percentage",
}


class PersonForm(forms.Form):
    full_name_en = forms.CharField(label=_("Full name (English)"), max_length=255)
    full_name_zh = forms.CharField(label=_("Full name (Chinese)"), max_length=255, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nationality = forms.CharField(
        label=_("Nationality"),
        max_length=2,
        required=False,
        help_text=_("Two-letter country code, e.g. HK."),
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    identity_document_number = forms.CharField(
        label=_("Identity document number"), max_length=50, required=False, help_text=_("HKID or passport number.")
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=PersonRoleKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    shareholding_percentage = forms.DecimalField(
        label=_("Shareholding (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("For a substantial shareholder: at least 10, at most 100."),
    )
    ownership_percentage = forms.DecimalField(
        label=_("Beneficial ownership (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("For an ultimate beneficial owner: above 0, at most 100."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        roles = set(data.get("roles") or [])
        for role, field in ROLE_PERCENTAGE_FIELDS.items():
            if data.get(field) is not None and role not in roles:
                self.add_error(
                    field,
                    _("Tick “%(role)s” among the roles, or leave this empty.") % {"role": PersonRoleKind(role).label},
                )
        return data

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name not in ("roles", *ROLE_PERCENTAGE_FIELDS.values())}

    def roles_given(self) -> dict[str, Decimal | None]:
        data = self.cleaned_data
        return {
            role: data.get(ROLE_PERCENTAGE_FIELDS[role]) if role in ROLE_PERCENTAGE_FIELDS else None
            for role in data["roles"]
        }

    @classmethod
    def initial_for(cls, person: Any) -> dict[str, Any]:
        roles = list(person.roles.all())
        initial = {name: getattr(person, name) for name in cls.base_fields if hasattr(person, name)}
        initial["roles"] = [role.role for role in roles]
        for role in roles:
            if role.role in ROLE_PERCENTAGE_FIELDS:
                initial[ROLE_PERCENTAGE_FIELDS[role.role]] = role.percentage
        return initial


class BusinessPlanForm(forms.Form):
    business_plan_summary = forms.CharField(
        label=_("Business plan summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=_("What the firm will do, for whom, and how it will be run. The full plan is a document."),
    )
    products_and_services = forms.CharField(
        label=_("Products and services"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    target_markets = forms.CharField(
        label=_("Target markets"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Where the clients are, and which kinds of investors."),
    )


class DeclarationForm(forms.Form):
    signatory_name = forms.CharField(label=_("Your full name"), max_length=255)
    signatory_role = forms.CharField(
        label=_("Your role or position in the firm"), max_length=255, help_text=_("For example: Director, CEO.")
    )
    confirm = forms.BooleanField(
        label=_("I have read the declaration above and make it on behalf of the firm."),
        error_messages={"required": _("Tick the box to confirm the declaration.")},
    )


class SubmitForm(forms.Form):
    """Nothing to fill in; refusals (what is missing) show as its errors."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The regulator sees this."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn application cannot be resumed."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
