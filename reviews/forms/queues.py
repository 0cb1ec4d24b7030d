"""The queue filters (a GET form) and the assignment form (single and bulk, one POST)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from applications.choices import OPEN_STATUSES, ApplicationStatus
from applications.models import LicenceApplication, LicenceType
from reviews.selectors.queues import AGE_BUCKETS, DEFAULT_SORT, SORTS, QueueFilters

UNASSIGNED = "none"  # the officer filter's value for cases nobody holds, and the assignment's for "take it back"
SUGGESTED = "suggested"  # the assignment's value for "balance open cases"

AGE_LABELS = {
    "0-30": _("Up to 30 days"),
    "31-60": _("31 to 60 days"),
    "61-90": _("61 to 90 days"),
    "91-": _("More than 90 days"),
}


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def officer_name(officer: User) -> str:
    return officer.get_full_name() or officer.email


class QueueFilterForm(forms.Form):
    """Filters read from the query string; every field is optional, and an invalid one is simply not applied."""

    licence_type = forms.ChoiceField(label=_("Licence type"), required=False)
    status = forms.ChoiceField(label=_("State"), required=False)
    officer = forms.ChoiceField(label=_("Officer"), required=False)
    age = forms.ChoiceField(label=_("Age since submission"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, licence_types: Sequence[LicenceType], officers: Sequence[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.licence_types = {str(licence_type.pk): licence_type for licence_type in licence_types}
        self.officers = {str(officer.pk): officer for officer in officers}
        _choice_field(self, "licence_type").choices = [("", _("All licence types"))] + [
            (pk, licence_type.name) for pk, licence_type in self.licence_types.items()
        ]
        _choice_field(self, "status").choices = [("", _("All states"))] + [
            (status.value, status.label) for status in map(ApplicationStatus, OPEN_STATUSES)
        ]
        _choice_field(self, "officer").choices = [("", _("Any officer")), (UNASSIGNED, _("Nobody (unassigned)"))] + [
            (pk, officer_name(officer)) for pk, officer in self.officers.items()
        ]
        _choice_field(self, "age").choices = [("", _("Any age"))] + [(key, AGE_LABELS[key]) for key in AGE_BUCKETS]
        _choice_field(self, "sort").choices = [("", "")] + [(key, key) for name in SORTS for key in (name, f"-{name}")]

    def filters(self) -> QueueFilters:
        """What to apply: the valid fields only."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        officer = data.get("officer", "")
        return QueueFilters(
            licence_type=self.licence_types.get(data.get("licence_type", "")),
            status=data.get("status", ""),
            officer=self.officers.get(officer),
            unassigned_only=officer == UNASSIGNED,
            age=data.get("age", ""),
        )

    def sort_key(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or DEFAULT_SORT


class AssignForm(forms.Form):
    """Cases ticked in the queue table, and to whom: a chosen officer, the suggestion, or nobody."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Cases"),
        queryset=LicenceApplication.objects.select_related("assigned_officer"),
        error_messages={"required": _("Select at least one case to assign.")},
    )
    officer = forms.ChoiceField(label=_("Assign to"))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, officers: Sequence[User], suggestion: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(officer.pk): officer for officer in officers}
        suggested = (
            _("Suggested: balance open cases (next: %(name)s)") % {"name": officer_name(suggestion)}
            if suggestion is not None
            else _("Suggested: balance open cases")
        )
        _choice_field(self, "officer").choices = [
            (SUGGESTED, suggested),
            *[(pk, _officer_with_load(officer)) for pk, officer in self.officers.items()],
            (UNASSIGNED, _("Nobody (take the case back)")),
        ]

    def chosen_officer(self) -> User | None:
        """The officer picked by name, or None for "nobody"; only meaningful when not suggested."""
        return self.officers.get(self.cleaned_data["officer"])

    @property
    def wants_suggestion(self) -> bool:
        return bool(self.cleaned_data["officer"] == SUGGESTED)


def _officer_with_load(officer: User) -> str:
    count = getattr(officer, "open_cases", 0)
    return ngettext("%(name)s (%(count)d open case)", "%(name)s (%(count)d open cases)", count) % {
        "name": officer_name(officer),
        "count": count,
    }
