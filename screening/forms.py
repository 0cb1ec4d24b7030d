from django import forms

from screening.choices import HitStatus


class AdjudicationForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(HitStatus.TRUE_MATCH, "True match"), (HitStatus.FALSE_MATCH, "False match")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="Why: what you compared, and found.")
