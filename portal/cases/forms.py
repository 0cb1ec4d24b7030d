"""Forms of the firm's case page. They collect input and check its shape in the user's language; the
services decide (a closed request, a preparer copying an application) and explain refusals."""

import os
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import DocumentType
from portal.cases.selectors import attachable_document_types
from portal.uploads import RefusedUploadMixin
from vasp_licensing.uploads import UploadRefusal


class ItemAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("You may change it until you send the answers."),
    )

    def clean_answer(self) -> str:
        answer: str = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Write an answer before saving it."), code="required")
        return answer


class ItemDocumentForm(RefusedUploadMixin):
    """The type comes before the file: a body refused for its size stops at the file (vasp_licensing.uploads)."""

    document_type = forms.ModelChoiceField(
        label=gettext_lazy("Type of document"),
        queryset=DocumentType.objects.none(),
        empty_label=gettext_lazy("Choose a type"),
        help_text=gettext_lazy("It becomes the new version of that document in your application."),
    )
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args: Any, refusal: UploadRefusal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = attachable_document_types()
        extensions = sorted({f".{ext}" for document_type in field.queryset for ext in document_type.extensions})
        file_field = self.fields["file"]
        file_field.widget.attrs["accept"] = ",".join(extensions)
        # Rendered unescaped by Django's field template: escape what comes from configuration.
        file_field.help_text = escape(
            _("At most %(size)s. Most types take PDF only; each type's own limits apply.")
            % {"size": filesizeformat(settings.DOCUMENT_MAX_UPLOAD_BYTES)}
        )
        self.expect_refusal(refusal)

    def clean(self) -> dict[str, Any]:
        """The type's allowed extensions and size, told in the user's language; the upload service checks again."""
        cleaned = super().clean() or {}
        document_type: DocumentType | None = cleaned.get("document_type")
        upload = cleaned.get("file")
        if document_type is None or upload is None:
            return cleaned
        name = os.path.basename(upload.name or "")
        extension = os.path.splitext(name)[1].lower().lstrip(".")
        if extension not in document_type.extensions:
            allowed = ", ".join(f".{ext}" for ext in document_type.extensions)
            self.add_error(
                "file",
                forms.ValidationError(
                    _("%(type)s must be a %(allowed)s file; %(name)s is not.")
                    % {"type": document_type.label, "allowed": allowed, "name": name},
                    code="file_type",
                ),
            )
        limit = min(document_type.max_size_bytes, settings.DOCUMENT_MAX_UPLOAD_BYTES)
        if upload.size is not None and upload.size > limit:
            self.add_error(
                "file",
                forms.ValidationError(
                    _("%(name)s is %(size)s; %(type)s may be at most %(limit)s.")
                    % {
                        "name": name,
                        "size": filesizeformat(upload.size),
                        "type": document_type.label,
                        "limit": filesizeformat(limit),
                    },
                    code="file_size",
                ),
            )
        return cleaned


class ActionForm(forms.Form):
    """A button with nothing to fill in (send the answers, copy into a new draft); refusals show on it."""
