"""Forms of the admin's workflow pages. They only collect input; the services judge it."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import active_case_officers
from applications.choices import DecisionOutcome, RecommendationOutcome
from applications.models import Licence, LicenceCondition

Choices = Sequence[tuple[str, str | Promise]]  # labels are translatable (lazy)


class LinesField(forms.CharField):
    """A textarea read as one entry per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value


class WorkflowForm(forms.Form):
    """The choice of action, plus what the chosen service needs.

    Only what this user may do now is offered, yet any known action is accepted: on a stale page,
    or where a rule refuses (four eyes), the service explains why, not "not a valid choice".
    """

    action = forms.ChoiceField(widget=forms.RadioSelect, label=_("Action"))
    # action -> {field of this form: the key the workflow table's action reads (its workspace form's field)}
    inputs: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, actions: Choices, offered: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(actions)
        field.widget.choices = list(offered)
        # The page shows only the inputs of what is offered (and of what was posted, for its errors);
        # the others stay in the form, empty.
        names = [name for name, _ in offered] + ([str(self.data.get("action"))] if self.is_bound else [])
        self.shown = {"action"}.union(*(self.inputs.get(name, {}) for name in names))

    @classmethod
    def initial_for(cls, initials: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """This form's initial values from each offered action's, given by the table's keys."""
        return {
            field: initials[action][key]
            for action, fields in cls.inputs.items()
            if action in initials
            for field, key in fields.items()
            if key in initials[action]
        }

    def action_data(self) -> dict[str, Any]:
        """The chosen action's inputs under the table's keys, for its service."""
        fields = self.inputs.get(self.cleaned_data["action"], {})
        return {key: self.cleaned_data.get(field) for field, key in fields.items()}


def _outcome_choices(choices: Choices) -> list[tuple[str, str | Promise]]:
    return [("", "---------"), *choices]


class ApplicationTransitionForm(WorkflowForm):
    inputs = {
        "return_to_firm": {"reasons": "reasons"},
        "request_information": {"items": "items", "due_date": "due_date"},
        "recommend": {"recommendation_outcome": "outcome", "reasons": "reasons", "conditions": "draft_conditions"},
        "recommend_final_grant": {"reasons": "reasons", "conditions": "draft_conditions"},
        "decide": {"decision_outcome": "outcome", "reasons": "reasons", "conditions": "conditions"},
        "send_back": {"reasons": "comment"},
        "withdraw": {"reasons": "reason"},
    }
    reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        label="Reasons or comment",
        help_text="Required to return, recommend, decide or send back; optional to withdraw.",
    )
    recommendation_outcome = forms.ChoiceField(
        required=False, choices=_outcome_choices(RecommendationOutcome.choices), label="Recommendation"
    )
    decision_outcome = forms.ChoiceField(
        required=False, choices=_outcome_choices(DecisionOutcome.choices), label="Decision"
    )
    conditions = LinesField(
        required=False,
        label="Conditions",
        help_text="One per line. Recommending: the draft conditions. Deciding: the conditions of the licence "
        "(prefilled with the recommendation's draft conditions).",
    )
    items = LinesField(required=False, label="Questions", help_text="Request for information: one question per line.")
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Request for information: when the answers are due.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        # Inputs the service cannot do without; the rules about them stay in the service.
        if action == "recommend" and not data.get("recommendation_outcome"):
            self.add_error("recommendation_outcome", "Choose the recommendation.")
        if action == "decide" and not data.get("decision_outcome"):
            self.add_error("decision_outcome", "Choose the decision.")
        if action == "request_information" and data.get("due_date") is None:
            self.add_error("due_date", "A request for information needs a due date.")
        return data


class LicenceActionForm(WorkflowForm):
    inputs = {
        "suspend": {"reasons": "reasons"},
        "reinstate": {"reasons": "reasons"},
        "revoke": {"reasons": "reasons"},
        "surrender": {"reasons": "reasons"},
        "vary_conditions": {"reasons": "reasons", "impose": "impose", "lift": "lift"},
    }
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False, label="Reasons")
    impose = LinesField(required=False, label="Conditions to impose", help_text="Varying conditions: one per line.")
    lift = forms.ModelMultipleChoiceField(
        queryset=LicenceCondition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Conditions to lift",
    )

    def __init__(self, *args: Any, licence: Licence, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lift = self.fields["lift"]
        assert isinstance(lift, forms.ModelMultipleChoiceField)
        lift.queryset = licence.conditions.in_force()


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody (take the case back)",
        label="Case officer",
        help_text="Active case officers only.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = active_case_officers()
