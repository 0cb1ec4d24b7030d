"""The real type of a file, from its bytes, against what the document type allows and what the name claims."""

import os
from typing import IO

import filetype

from applications.checks.findings import Finding, Outcome, head

CHECK = "file_type"
# Several names for one format: a .jpeg is a JPEG like a .jpg.
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "tiff": "tif"}
# Formats without a signature filetype can recognise; they pass when the bytes are plain UTF-8 text.
TEXT_EXTENSIONS = frozenset({"txt", "csv"})


def _canonical(extension: str) -> str:
    extension = extension.lower().lstrip(".")
    return ALIASES.get(extension, extension)


def _looks_like_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def check_file_type(
    stream: IO[bytes], *, name: str, allowed_extensions: list[str], type_name: str, type_name_zh: str = ""
) -> Finding:
    allowed = {_canonical(ext) for ext in allowed_extensions}
    claimed = _canonical(os.path.splitext(name)[1])
    allowed_text = ", ".join(f".{ext}" for ext in sorted(allowed))
    named = {"name": name, "type_name": type_name, "type_name_zh": type_name_zh, "allowed": allowed_text}
    data = head(stream)
    guessed = filetype.guess(data)
    if guessed is None:
        if claimed in TEXT_EXTENSIONS & allowed and _looks_like_text(data):
            return Finding(CHECK, Outcome.PASS, f"{CHECK}.text", {"name": name})
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.unknown", named)
    real = _canonical(guessed.extension)
    kinds = {"real": real, "real_kind": real, "claimed": claimed, "claimed_kind": claimed}
    if real not in allowed:
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.not_allowed", {**named, **kinds})
    if real != claimed:
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.misnamed", {"name": name, **kinds})
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"name": name, "real_kind": real})
