"""Handing out a filed document: authorised by the rules and written to the audit trail, every time."""

import mimetypes
from dataclasses import dataclass

import rules
from django.core.files import File
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Document
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import NotPermitted


@dataclass(frozen=True)
class DocumentDownload:
    """An open file and what to send it as; the caller streams it and closes it."""

    file: File
    filename: str
    content_type: str
    size: int


def document_content_type(name: str) -> str:
    """The type the file name claims, which the upload checks compared with the bytes; else opaque bytes."""
    guessed, encoding = mimetypes.guess_type(name)
    return guessed if guessed and not encoding else "application/octet-stream"


def document_download(*, document: Document, actor: User) -> DocumentDownload:
    """Open `document` for `actor` and record "document.download".

    Regulators and the members of the firm that filed it may download it (applications.view); anyone
    else gets NotPermitted and nothing is recorded. The event is committed before a byte is sent, so
    every download that happened is in the trail; a file that cannot be opened is not recorded.
    """
    application = document.application
    if actor is None or not rules.has_perm("applications.view", actor, application):
        raise NotPermitted(
            _("You may not download the documents of application %(application)s.") % {"application": application}
        )
    # Opened first: a file missing from storage fails here, before a download is recorded.
    handle = document.file.open("rb")
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=actions.DOCUMENT_DOWNLOAD,
                obj=document,
                payload={
                    "application": application.reference,
                    "document_type": document.document_type.code,
                    "version": document.version,
                    "sha256": document.sha256,
                },
            )
    except BaseException:
        handle.close()
        raise
    return DocumentDownload(
        file=handle,
        filename=document.original_name,
        content_type=document_content_type(document.original_name),
        size=document.size,
    )


# A filed document is never rendered or run by the browser: sniffing off, no scripts, no plugins, no
# same-origin access even if opened inline, and never kept in a shared cache.
ATTACHMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def document_response(download: DocumentDownload) -> FileResponse:
    """The HTTP response for a download: an attachment under the name the firm gave, with safe headers.

    Shared by every door that hands out documents, so they all send the same headers.
    """
    response = FileResponse(
        download.file, as_attachment=True, filename=download.filename, content_type=download.content_type
    )
    for header, value in ATTACHMENT_HEADERS.items():
        response[header] = value
    if "Content-Length" not in response:
        response["Content-Length"] = str(download.size)
    return response
