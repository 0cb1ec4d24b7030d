"""Forms of the licence pages. They only collect input; the services judge it and explain refusals."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.choices import LicenceStatus
from applications.forms import LinesField
from applications.models import Licence, LicenceCondition
from reviews.models import LicenceChangeAction

TEXTAREA = {"rows": 4, "cols": 60}


class LicenceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *LicenceStatus.choices]
    )


class ConditionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.text)


class LicenceChangeProposeForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=LicenceChangeAction.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The firm sees these once the change is approved."),
    )
    impose = LinesField(
        label=_("Conditions to impose"),
        required=False,
        help_text=_("Varying conditions: one condition per line, as it would appear on the licence."),
    )
    lift = ConditionChoiceField(
        label=_("Conditions to lift"),
        queryset=LicenceCondition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, licence: Licence, offered: Sequence[tuple[str, str | Promise]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the changes this user may propose now are shown; any change is accepted, so that a stale
        # page's post is answered by the service's reason ("Cannot reinstate ..."), not "not a valid choice".
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.widget.choices = list(offered)
        lift = self.fields["lift"]
        assert isinstance(lift, forms.ModelMultipleChoiceField)
        lift.queryset = licence.conditions.in_force()


class LicenceChangeApproveForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class LicenceChangeRejectForm(forms.Form):
    note = forms.CharField(label=_("Reasons for rejecting"), widget=forms.Textarea(attrs=TEXTAREA))


class LicenceChangeWithdrawForm(forms.Form):
    """Nothing to fill in: the proposer takes the proposal back."""
