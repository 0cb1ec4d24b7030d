"""The upload size limit, enforced while the request body arrives rather than after it was stored.

`DocumentSizeLimitHandler` runs first in FILE_UPLOAD_HANDLERS, so no later handler (memory or temporary
file) ever holds more than DOCUMENT_MAX_UPLOAD_BYTES of a file:

- A multipart request whose Content-Length is larger than the limit plus a small allowance for the
  other form fields is refused before its file is read: the fields in front of the file (the CSRF
  token first) are parsed, then parsing stops at the file's first byte and the rest of the body is
  never read.
- A request that fits but whose files pass the limit while streaming (several files, a wrong
  declared length) has the offending file skipped: what was buffered is thrown away, the rest of the
  body (at most the allowance, since Content-Length fitted) is read and discarded.

Either way the request is marked, and `upload_refusal(request)` tells the view, which shows "the file
is larger than ..." as a form error on the page instead of a silent missing file or an error page.
The per-type limits (DocumentType.max_size_bytes) are checked by the document service afterwards.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest

# What the rest of a form may add to the file's bytes: multipart boundaries and part headers, the CSRF
# token, a date, a few ids. Far below any sensible file limit, far above what our forms send.
DEFAULT_FIELDS_ALLOWANCE_BYTES = 64 * 1024

_REFUSAL_ATTRIBUTE = "_upload_refusal"


@dataclass(frozen=True)
class UploadRefusal:
    """Why the files of a request were dropped: they were larger than `limit_bytes`."""

    limit_bytes: int
    field_name: str | None = None  # None when the whole request was refused by its Content-Length


def upload_limit_bytes() -> int:
    return int(settings.DOCUMENT_MAX_UPLOAD_BYTES)


def fields_allowance_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_UPLOAD_FIELDS_ALLOWANCE_BYTES", DEFAULT_FIELDS_ALLOWANCE_BYTES))


def upload_refusal(request: HttpRequest) -> UploadRefusal | None:
    """The refusal recorded while parsing `request`'s body, if its files were too large; parses it if needed."""
    if request.method == "POST":
        request.FILES  # noqa: B018  (parsing the body is what records a refusal)
    refusal: UploadRefusal | None = getattr(request, _REFUSAL_ATTRIBUTE, None)
    return refusal


class DocumentSizeLimitHandler(FileUploadHandler):
    """Refuses files larger than DOCUMENT_MAX_UPLOAD_BYTES while they stream in; see the module docstring."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit_bytes()
        self.request_too_large = False
        self.received = 0  # file bytes of this request so far, over every file

    def _refuse(self, *, field_name: str | None) -> None:
        if self.request is not None and getattr(self.request, _REFUSAL_ATTRIBUTE, None) is None:
            setattr(self.request, _REFUSAL_ATTRIBUTE, UploadRefusal(limit_bytes=self.limit, field_name=field_name))

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803  (Django's name for it)
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # Parsing goes on (None) so that the fields before the file, the CSRF token first, still arrive.
        self.request_too_large = content_length > self.limit + fields_allowance_bytes()

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if self.request_too_large:
            self._refuse(field_name=None)
            # Stop at the file's first byte and read nothing more: the response goes out without the body.
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(field_name=self.field_name)
            # The later handlers drop what they buffered; the parser reads past the file and goes on.
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the uploaded file
