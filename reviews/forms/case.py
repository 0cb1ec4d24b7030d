"""Forms of the case page. They only collect input; the services judge it and explain refusals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.choices import DecisionOutcome, RecommendationOutcome
from applications.forms import LinesField
from reviews.models import ChecklistOutcome
from screening.choices import HitStatus

TEXTAREA = {"rows": 4, "cols": 60}


class AcceptForm(forms.Form):
    """Nothing to fill in: acceptance starts the pledge clock."""


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for returning the application"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The firm sees these; it may start a new application from this one."),
    )


class RequestInformationForm(forms.Form):
    items = LinesField(
        label=_("Questions"),
        help_text=_("One question per line; each becomes an item the firm answers."),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The pledge clock is paused until the firm responds."),
    )


class RecommendForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Recommendation"), choices=RecommendationOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs=TEXTAREA))
    draft_conditions = LinesField(
        label=_("Draft conditions"),
        required=False,
        help_text=_("One condition per line, as it would appear on the licence."),
    )


class RecommendFinalGrantForm(forms.Form):
    reasons = forms.CharField(
        label=_("How the conditions of the approval in principle were met"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    draft_conditions = LinesField(
        label=_("Draft conditions of the licence"), required=False, help_text=_("One condition per line.")
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons for the decision"), widget=forms.Textarea(attrs=TEXTAREA))
    conditions = LinesField(
        label=_("Conditions of the licence"),
        required=False,
        help_text=_("One per line, prefilled with the recommendation's draft conditions. A refusal has none."),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the case officer"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What needs further review."),
    )


class ChecklistItemForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ChecklistOutcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("Required for concerns or an unsatisfactory outcome."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New internal note"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Regulator staff only; the firm never sees notes."),
    )


class HitAdjudicationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Adjudication"),
        choices=[(HitStatus.TRUE_MATCH, _("True match")), (HitStatus.FALSE_MATCH, _("False match"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("What you compared, and found."),
    )
