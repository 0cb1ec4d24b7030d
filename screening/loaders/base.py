from dataclasses import dataclass, field
from datetime import date

from screening.choices import EntryKind


@dataclass
class ListedEntry:
    """One entry as read from a list file, before it is stored."""

    source_id: str
    kind: EntryKind
    name: str
    aliases: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    programme: str = ""
    reference: str = ""
    listed_on: date | None = None


def parse_date(text: str | None) -> date | None:
    """The date part of "2012-12-31" or "2012-12-31T00:00:00"; None when it is not a date."""
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def unique(values: list[str]) -> list[str]:
    """Non-blank values, stripped, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)
