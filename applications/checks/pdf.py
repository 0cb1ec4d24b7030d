"""PDF structure with pypdf: opens, not encrypted, has pages, and carries no active content.

Active content is JavaScript, launch actions (which start programs) and embedded files. They can sit
in the catalog's /Names tree, /OpenAction, /AA (additional actions), page annotations, bookmarks and
form fields, so the check walks every object reachable from the catalog rather than a list of places.
"""

import struct
import zlib
from typing import IO, Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from applications.checks.findings import Finding, Outcome, rewind

CHECK = "pdf_structure"
# A bound on the walk: a crafted file with millions of objects fails instead of running the worker out.
MAX_OBJECTS = 200_000
# What a damaged or hostile file makes pypdf raise, besides its own errors.
PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    struct.error,
    zlib.error,
)

JAVASCRIPT, LAUNCH, EMBEDDED_FILE = "JavaScript", "a launch action", "an embedded file"
REMEDY = "Remove it, or print the document to a new PDF, and upload it again."


class TooComplex(Exception):
    pass


def _flags(obj: DictionaryObject) -> set[str]:
    found: set[str] = set()
    action = obj.get("/S")
    if "/JS" in obj or "/JavaScript" in obj or action == "/JavaScript":
        found.add(JAVASCRIPT)
    if action == "/Launch":
        found.add(LAUNCH)
    if "/EmbeddedFiles" in obj or obj.get("/Type") == "/EmbeddedFile" or obj.get("/Subtype") == "/FileAttachment":
        found.add(EMBEDDED_FILE)
    return found


def active_content(root: Any) -> set[str]:
    """Every kind of active content reachable from `root`; each indirect object is visited once."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if len(seen) > MAX_OBJECTS:
                raise TooComplex
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            found |= _flags(obj)
            stack.extend(obj.values())  # dict.values(): raw, so references stay unresolved until visited
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)  # list iteration: raw too
    return found


def _fail(message: str) -> Finding:
    return Finding(CHECK, Outcome.FAIL, message)


def check_pdf_structure(stream: IO[bytes]) -> Finding:
    try:
        reader = PdfReader(rewind(stream), strict=False)
        if reader.is_encrypted:
            return _fail("The PDF is password-protected or encrypted. Save it without a password and upload it again.")
        pages = len(reader.pages)
        if pages == 0:
            return _fail("The PDF has no pages. Upload the complete document.")
        found = active_content(reader.trailer["/Root"])
    except TooComplex:
        return _fail("The PDF is too complex to check. Print it to a new PDF and upload that.")
    except PARSE_ERRORS:
        return _fail("The PDF is damaged and cannot be opened. Export it again and upload the new file.")
    if found:
        kinds = " and ".join(sorted(found))
        return _fail(f"The PDF contains {kinds}, which we do not accept. {REMEDY}")
    return Finding(CHECK, Outcome.PASS, f"A readable PDF of {pages} page{'s' if pages != 1 else ''}.")
