"""Readers for sanctions list files. Each yields ListedEntry records, streaming, never the whole file.

The loading itself (upsert, keys, counts) is screening.services.sanctions_list_load.
"""

from collections.abc import Iterator
from pathlib import Path

from screening.choices import ListSource
from screening.loaders.base import ListedEntry
from screening.loaders.opensanctions import read_opensanctions_csv
from screening.loaders.un_sc import read_un_sc_xml

__all__ = ["ListedEntry", "detect_source", "read_entries"]

SOURCE_ALIASES = {"un": ListSource.UN_SC, "un_sc": ListSource.UN_SC, "opensanctions": ListSource.OPENSANCTIONS}


def detect_source(path: Path) -> ListSource:
    """By extension, else by the first non-blank character: "<" is the UN XML, anything else CSV."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return ListSource.UN_SC
    if suffix == ".csv":
        return ListSource.OPENSANCTIONS
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return ListSource.UN_SC if head.startswith(b"<") else ListSource.OPENSANCTIONS


def read_entries(path: Path, source: ListSource) -> Iterator[ListedEntry | None]:
    """Entries in file order; None for a record that is not a named person or organisation."""
    if source == ListSource.UN_SC:
        return read_un_sc_xml(path)
    return read_opensanctions_csv(path)
