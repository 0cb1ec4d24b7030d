"""Forms of the team page. They only collect input; accounts.services judges it and explains refusals."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import FirmRole


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The colleague signs in, or creates an account, with this address to accept."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=FirmRole.choices,
        initial=FirmRole.PREPARER,
        widget=forms.RadioSelect,
        help_text=_(
            "A firm admin manages the team, submits applications and must use two-factor authentication; "
            "a preparer edits drafts, uploads documents and answers requests for information."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=FirmRole.choices)

    def __init__(self, *args: Any, member: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member:
            self.fields["role"].label = _("New role of %(member)s") % {"member": member}
