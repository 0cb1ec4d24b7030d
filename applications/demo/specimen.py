"""The one small PDF every demo document points at, stored once in default storage.

Stored files are immutable (a new upload is a new file), so thousands of Document rows may
share one path, as application_copy already does for copied applications.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

_TEXT = "Demo document - specimen filed by seed_demo. Not a real filing."


def specimen_pdf() -> bytes:
    """A one-page PDF with a line of text, with a correct cross-reference table so any reader opens it."""
    stream = f"BT /F1 12 Tf 72 720 Td ({_TEXT}) Tj ET".encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(stream), stream),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def store_specimen() -> StoredFile:
    """Save the specimen once; its path carries its hash, so a second run finds it again."""
    content = specimen_pdf()
    digest = hashlib.sha256(content).hexdigest()
    name = f"demo/{digest[:16]}/specimen.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return StoredFile(name=name, size=len(content), sha256=digest)
