"""The public register's search form: every input optional, read from the query string."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.choices import ApplicationStatus, LicenceStatus
from applications.models import LicenceType

SECTIONS = (("licences", _("Licences")), ("applications", _("Applications returned, refused or withdrawn")))
OUTCOMES = (ApplicationStatus.RETURNED, ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN)


class RegisterSearchForm(forms.Form):
    show = forms.ChoiceField(choices=SECTIONS, required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_(
            "Licence number, application reference (closed applications), firm name in English or Chinese, "
            "or company registration number."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    licence_type = forms.ChoiceField(label=_("Licence type"), required=False)
    status = forms.ChoiceField(
        label=_("Licence status"), required=False, choices=[("", _("Any status")), *LicenceStatus.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *[(status.value, status.label) for status in OUTCOMES]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = LicenceType.objects.order_by("name").values_list("code", "name")
        field = self.fields["licence_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any licence type")), *types]

    def value(self, name: str) -> str:
        """The cleaned value, or empty when it was not valid (the error shows; the filter is ignored)."""
        if not self.is_valid() and name in self.errors:
            return ""
        return str(self.cleaned_data.get(name) or "")
