"""What every portal form with a file does about a file the size limit dropped (vasp_licensing.uploads)."""

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from vasp_licensing.uploads import UploadRefusal


class RefusedUploadMixin(forms.Form):
    """A form with a `file` field, told by the view whether the request's file was dropped for its size.

    A dropped file is reported as too large, in the user's language, never as "this field is required".
    """

    refusal: UploadRefusal | None = None

    def expect_refusal(self, refusal: UploadRefusal | None) -> None:
        self.refusal = refusal
        if refusal is not None:
            self.fields["file"].required = False  # the file was dropped on purpose: say why, not "required"

    def clean_file(self) -> Any:
        if self.refusal is not None:
            raise forms.ValidationError(
                _("The file is larger than %(size)s, the most this site accepts.")
                % {"size": filesizeformat(self.refusal.limit_bytes)},
                code="too_large",
            )
        return self.cleaned_data["file"]
