"""The UN Security Council consolidated list (XML: CONSOLIDATED_LIST, INDIVIDUALS/INDIVIDUAL, ENTITIES/ENTITY).

Read with iterparse and each record cleared once read, so the whole list is never held in memory.
The standard library's expat parser neither fetches external entities nor expands nested ones
without limit, which is enough for a file the operator downloads from the UN.
"""

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, iterparse

from screening.choices import EntryKind
from screening.loaders.base import ListedEntry, parse_date, unique

NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
RECORDS = {"INDIVIDUAL": EntryKind.PERSON, "ENTITY": EntryKind.ORGANISATION}


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]  # tolerate a namespace, should the UN add one


def _child_text(element: Element, name: str) -> str:
    for child in element:
        if _tag(child) == name:
            return (child.text or "").strip()
    return ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _tag(child) == name]


def _birth_dates(record: Element) -> list[str]:
    dates = []
    for birth in _children(record, "INDIVIDUAL_DATE_OF_BIRTH"):
        exact, year = _child_text(birth, "DATE")[:10], _child_text(birth, "YEAR")
        span = "-".join(filter(None, (_child_text(birth, "FROM_YEAR"), _child_text(birth, "TO_YEAR"))))
        dates.append(exact or year or span)
    return unique(dates)


def _countries(record: Element) -> list[str]:
    nationalities = [_child_text(node, "VALUE") for node in _children(record, "NATIONALITY")]
    addresses = [_child_text(node, "COUNTRY") for node in _children(record, "ENTITY_ADDRESS")]
    return unique(nationalities + addresses)


def _entry(record: Element, kind: EntryKind) -> ListedEntry | None:
    source_id = _child_text(record, "DATAID")
    name = " ".join(filter(None, (_child_text(record, part) for part in NAME_PARTS)))
    if not source_id or not name:
        return None
    alias_tag = "INDIVIDUAL_ALIAS" if kind == EntryKind.PERSON else "ENTITY_ALIAS"
    aliases = [_child_text(alias, "ALIAS_NAME") for alias in _children(record, alias_tag)]
    return ListedEntry(
        source_id=source_id,
        kind=kind,
        name=name,
        aliases=[alias for alias in unique(aliases) if alias != name],
        birth_dates=_birth_dates(record),
        countries=_countries(record),
        programme=_child_text(record, "UN_LIST_TYPE"),
        reference=_child_text(record, "REFERENCE_NUMBER"),
        listed_on=parse_date(_child_text(record, "LISTED_ON")),
    )


def read_un_sc_xml(path: Path) -> Iterator[ListedEntry | None]:
    """Yields an entry per record, or None for a record without id or name (counted as skipped)."""
    for _event, element in iterparse(path, events=("end",)):
        kind = RECORDS.get(_tag(element))
        if kind is None:
            continue
        yield _entry(element, kind)
        element.clear()
