"""Forms of the firm's banking pages. They collect input; the referral services judge it and explain refusals."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Firm
from banking.models import PartnerBank, Referral
from banking.services.referrals import ANSWER_MAX_LENGTH

TEXTAREA = {"rows": 5, "cols": 60}


def consent_text(firm: Firm) -> str:
    """What the firm agrees to share, in the signer's language; stored word for word with each referral."""
    return gettext(
        "%(firm)s consents to the regulator sharing its data pack with each partner bank chosen, for that "
        "bank's account-opening due diligence. The data pack holds: the firm's legal names in English and "
        "Chinese, company registration number, jurisdiction, Legal Entity Identifier (LEI), registered address "
        "and website; its licence or approval in principle (number, type, status, date granted and the "
        "conditions in force); its responsible officers and directors; its substantial shareholders and "
        "ultimate beneficial owners with the percentages they hold; and the reference of this consent. Each "
        "bank reports its progress on the referral. The firm may cancel a referral while it is open."
    ) % {"firm": firm.legal_name_en}


class BankCheckboxes(forms.CheckboxSelectMultiple):
    """Every active bank; one the firm has an open referral to is shown as such and cannot be ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_referrals: dict[int, Referral] = {}

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        referral = self.open_referrals.get(getattr(value, "value", value))
        if referral is not None:
            option["attrs"]["disabled"] = True
            option["selected"] = False
            option["label"] = gettext("%(bank)s: a referral is open (%(status)s)") % {
                "bank": label,
                "status": referral.get_status_display().lower(),
            }
        return option


class ReferralRequestForm(forms.Form):
    banks = forms.ModelMultipleChoiceField(
        label=_("Partner banks"),
        queryset=PartnerBank.objects.none(),
        widget=BankCheckboxes,
        help_text=_("Each bank you choose receives the firm's data pack and follows up with the firm."),
        error_messages={"required": _("Choose at least one partner bank.")},
    )
    consent = forms.BooleanField(
        label=_("I consent, on behalf of the firm, to share the data pack described above with the banks I chose."),
        error_messages={"required": _("Tick the consent box: without the firm's consent nothing is shared.")},
    )

    def __init__(self, *args: Any, banks: list[tuple[PartnerBank, Referral | None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["banks"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = PartnerBank.objects.filter(pk__in=[bank.pk for bank, _referral in banks])
        widget = field.widget
        assert isinstance(widget, BankCheckboxes)
        widget.open_referrals = {bank.pk: referral for bank, referral in banks if referral is not None}

    def clean_banks(self) -> list[PartnerBank]:
        chosen = list(self.cleaned_data["banks"])
        widget = self.fields["banks"].widget
        assert isinstance(widget, BankCheckboxes)
        taken = sorted(bank.name for bank in chosen if bank.pk in widget.open_referrals)
        if taken:
            raise forms.ValidationError(
                gettext("The firm has an open referral to %(banks)s already.") % {"banks": ", ".join(taken)}
            )
        return chosen


class ReferralCancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel this referral. The bank is told at once; this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to cancel the referral.")},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the referral's history."),
    )


class ReferralAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer to the bank"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Answer the bank's question. You may name documents the bank should look at."),
        error_messages={"required": _("Write the answer to the bank.")},
    )
