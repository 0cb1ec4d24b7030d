"""OpenSanctions' targets.simple.csv: one row per target, multi-valued cells separated by ";".

Columns are read by header name, so the ones this loader does not use (addresses, phones,
program_ids ...) may come and go upstream without breaking it.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from screening.choices import EntryKind
from screening.loaders.base import ListedEntry, unique

# Schemata of FollowTheMoney that name a person or an organisation; vessels, aircraft and
# crypto wallets are listed too but are not names a firm or its people can carry.
PERSON_SCHEMATA = frozenset({"Person"})
ORGANISATION_SCHEMATA = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
REQUIRED_COLUMNS = frozenset({"id", "schema", "name"})


def _split(cell: str | None) -> list[str]:
    return unique((cell or "").split(";"))


def _entry(row: dict[str, str]) -> ListedEntry | None:
    schema, name = row.get("schema", ""), (row.get("name") or "").strip()
    if schema in PERSON_SCHEMATA:
        kind = EntryKind.PERSON
    elif schema in ORGANISATION_SCHEMATA:
        kind = EntryKind.ORGANISATION
    else:
        return None
    if not row.get("id") or not name:
        return None
    return ListedEntry(
        source_id=row["id"].strip(),
        kind=kind,
        name=name,
        aliases=[alias for alias in _split(row.get("aliases")) if alias != name],
        birth_dates=_split(row.get("birth_date")),
        countries=[country.upper() for country in _split(row.get("countries"))],
        programme="; ".join(_split(row.get("sanctions")))[:255],
        reference=(row.get("dataset") or "")[:100],
    )


def read_opensanctions_csv(path: Path) -> Iterator[ListedEntry | None]:
    """Yields an entry per row, or None for a row that names no person or organisation (skipped)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path.name} is not a targets.simple.csv file: no column {', '.join(sorted(missing))}")
        for row in reader:
            yield _entry(row)
