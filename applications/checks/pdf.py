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
from applications.checks.messages import ACTIVE_CONTENT

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

# Codes of applications.checks.messages.ACTIVE_CONTENT.
JAVASCRIPT, LAUNCH, EMBEDDED_FILE = "javascript", "launch", "embedded_file"


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


def _fail(what: str, params: dict[str, Any] | None = None) -> Finding:
    return Finding(CHECK, Outcome.FAIL, f"{CHECK}.{what}", params or {})


def check_pdf_structure(stream: IO[bytes]) -> Finding:
    try:
        reader = PdfReader(rewind(stream), strict=False)
        if reader.is_encrypted:
            return _fail("encrypted")
        pages = len(reader.pages)
        if pages == 0:
            return _fail("no_pages")
        found = active_content(reader.trailer["/Root"])
    except TooComplex:
        return _fail("too_complex")
    except PARSE_ERRORS:
        return _fail("damaged")
    if found:
        return _fail("active_content", {"contents": sorted(found, key=list(ACTIVE_CONTENT).index)})
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"pages": pages})
