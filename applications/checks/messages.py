"""What a finding says, in the reader's language: one template per finding code, rendered when it is read.

A check returns a code and its parameters (plain values: names, dates, formatted numbers, file kinds), and
that is what is stored; the words come from here. A parameter `X_zh` is the Chinese form of `X` (a document
type's Chinese name), used on Chinese pages. Text stored before findings had codes is kept under LEGACY and
shown as it was written.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

LEGACY = "legacy"

MESSAGES: dict[str, StrOrPromise] = {
    "document_age.undated": _("Not dated: no document date was entered, so its age was not checked."),
    "document_age.future": _("The document date %(date)s is in the future. Correct the date."),
    "document_age.too_old": _(
        "The document is dated %(date)s; %(type_name)s may be at most %(months)s months old "
        "(dated %(oldest)s or later). Upload a more recent one."
    ),
    "document_age.ok": _("Dated %(date)s, within %(months)s months."),
    "archive.damaged": _("The ZIP archive is damaged. Create it again and upload the new file."),
    "archive.encrypted": _("The ZIP archive is password-protected. Upload it without a password."),
    "archive.too_large": _(
        "The ZIP archive expands to %(total)s bytes in %(members)s files, more than we accept "
        "(at most %(max_total)s bytes, %(max_members)s files, %(max_ratio)s:1 compression). "
        "Upload the documents separately."
    ),
    "archive.ok": _("A ZIP archive of %(members)s files, %(total)s bytes uncompressed."),
    "duplicate.found": _("The same file was filed by another firm: %(where)s."),
    "duplicate.found_more": _("The same file was filed by another firm: %(where)s and %(more)s more."),
    "duplicate.none": _("Not filed by any other firm."),
    "file_type.text": _("%(name)s is a plain text file."),
    "file_type.unknown": _(
        "%(name)s is not a file type we can recognise; %(type_name)s must be a %(allowed)s file. "
        "Export it again from the program that made it and upload the new file."
    ),
    "file_type.not_allowed": _(
        "%(name)s is %(real_kind)s, not %(claimed_kind)s; %(type_name)s must be a %(allowed)s file. "
        "Renaming a file does not change its type: save or export it in an allowed format."
    ),
    "file_type.misnamed": _(
        "%(name)s is named .%(claimed)s but is %(real_kind)s. Rename it to .%(real)s and upload it again."
    ),
    "file_type.ok": _("%(name)s is %(real_kind)s, as its name says."),
    "integrity.mismatch": _("The stored file no longer matches the file you uploaded. Upload the document again."),
    "integrity.ok": _("SHA-256 %(sha256)s matches the upload."),
    "pdf_structure.encrypted": _(
        "The PDF is password-protected or encrypted. Save it without a password and upload it again."
    ),
    "pdf_structure.no_pages": _("The PDF has no pages. Upload the complete document."),
    "pdf_structure.too_complex": _("The PDF is too complex to check. Print it to a new PDF and upload that."),
    "pdf_structure.damaged": _("The PDF is damaged and cannot be opened. Export it again and upload the new file."),
    "pdf_structure.active_content": _(
        "The PDF contains %(contents)s, which we do not accept. "
        "Remove it, or print the document to a new PDF, and upload it again."
    ),
    "pdf_structure.ok": ngettext_lazy(
        "A readable PDF of %(pages)s page.", "A readable PDF of %(pages)s pages.", "pages"
    ),
    "size.empty": _("The file is empty. Upload the complete document."),
    "size.too_large": _(
        "The file is %(size)s bytes; %(type_name)s may be at most %(limit)s bytes. "
        "Reduce it (for example lower the scan resolution) and upload it again."
    ),
    "size.ok": _("%(size)s bytes, within the %(limit)s byte limit."),
    "virus_scan.not_configured": _("Not scanned: no virus scanner is configured."),
    "virus_scan.found": _(
        "%(scanner)s found %(signature)s in this file. Check your computer for malware and upload a clean copy."
    ),
    "virus_scan.error": _("Not scanned: %(scanner)s could not scan it (%(error)s)."),
    "virus_scan.ok": _("Scanned by %(scanner)s: no virus found."),
    "time_limit.exceeded": _("The file took too long to check. Print it to a new, simpler PDF and upload that."),
}

# What a file is, by its canonical extension (the `*_kind` parameters).
FILE_KINDS: dict[str, StrOrPromise] = {
    "pdf": _("a PDF document"),
    "png": _("a PNG image"),
    "jpg": _("a JPEG image"),
    "zip": _("a ZIP archive"),
}
# Active content found in a PDF (the `contents` parameter), in the order the English names sort.
ACTIVE_CONTENT: dict[str, StrOrPromise] = {
    "javascript": _("JavaScript"),
    "launch": _("a launch action"),
    "embedded_file": _("an embedded file"),
}


def file_kind(extension: str) -> str:
    kind = FILE_KINDS.get(extension)
    return str(kind) if kind is not None else gettext("a .%(extension)s file") % {"extension": extension}


def _joined(names: list[str]) -> str:
    text = names[0] if names else ""
    for name in names[1:]:
        text = gettext("%(first)s and %(second)s") % {"first": text, "second": name}
    return text


def _value(key: str, value: Any, params: Mapping[str, Any]) -> Any:
    if key.endswith("_kind"):
        return file_kind(str(value))
    if key == "contents":
        return _joined([str(ACTIVE_CONTENT.get(code, code)) for code in value])
    chinese = params.get(f"{key}_zh")
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return value


def render(code: str, params: Mapping[str, Any]) -> str:
    """The finding's text in the active language; an unknown code shows its stored text, or the code."""
    template = MESSAGES.get(code)
    if template is None:
        return str(params.get("text", code))
    values = {key: _value(key, value, params) for key, value in params.items()}
    return str(template % values)  # a plural template picks its form from the values
