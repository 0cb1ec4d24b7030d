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
LABELS = {"pdf": "a PDF document", "png": "a PNG image", "jpg": "a JPEG image", "zip": "a ZIP archive"}


def _canonical(extension: str) -> str:
    extension = extension.lower().lstrip(".")
    return ALIASES.get(extension, extension)


def _label(kind: str) -> str:
    return LABELS.get(kind, f"a .{kind} file")


def _looks_like_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def check_file_type(stream: IO[bytes], *, name: str, allowed_extensions: list[str], type_name: str) -> Finding:
    allowed = {_canonical(ext) for ext in allowed_extensions}
    claimed = _canonical(os.path.splitext(name)[1])
    allowed_text = ", ".join(f".{ext}" for ext in sorted(allowed))
    data = head(stream)
    guessed = filetype.guess(data)
    if guessed is None:
        if claimed in TEXT_EXTENSIONS & allowed and _looks_like_text(data):
            return Finding(CHECK, Outcome.PASS, f"{name} is a plain text file.")
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{name} is not a file type we can recognise; {type_name} must be a {allowed_text} file. "
            "Export it again from the program that made it and upload the new file.",
        )
    real = _canonical(guessed.extension)
    if real not in allowed:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{name} is {_label(real)}, not {_label(claimed)}; {type_name} must be a {allowed_text} file. "
            "Renaming a file does not change its type: save or export it in an allowed format.",
        )
    if real != claimed:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{name} is named .{claimed} but is {_label(real)}. Rename it to .{real} and upload it again.",
        )
    return Finding(CHECK, Outcome.PASS, f"{name} is {_label(real)}, as its name says.")
