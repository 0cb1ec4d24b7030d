"""Findings stored as a code with parameters, worded when read, instead of English text.

Each stored text is matched against the English of applications.checks.messages; a text that matches none is
kept, shown as it was written, under the "legacy" code.
"""

import re
from typing import Any

from django.db import migrations, models
from django.utils import translation


class _Slot(int):
    """A placeholder's value while reading a template: prints as a marker, counts as 1 or 2 for a plural."""

    def __new__(cls, key: str, count: int) -> "_Slot":
        slot = super().__new__(cls, count)
        slot.key = key
        return slot

    def __str__(self) -> str:
        return f"\x00{self.key}\x00"


class _Slots(dict):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def __missing__(self, key: str) -> _Slot:
        return _Slot(key, self.count)


def _pattern(text: str) -> re.Pattern[str]:
    parts = re.split(r"\x00(\w+)\x00", text)
    seen: set[str] = set()
    regex = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            regex += re.escape(part)
        else:
            regex += f"(?P={part})" if part in seen else f"(?P<{part}>.+?)"
            seen.add(part)
    return re.compile(f"^{regex}$", re.DOTALL)


def _patterns() -> list[tuple[str, re.Pattern[str], int]]:
    from applications.checks.messages import MESSAGES

    found = []
    with translation.override("en"):
        for code, template in MESSAGES.items():
            for count in (1, 2):
                english = str(template % _Slots(count))
                literal = len(re.sub(r"\x00\w+\x00", "", english))
                found.append((code, _pattern(english), literal))
    # The most literal text first: "... %(where)s and %(more)s more." before "... %(where)s."
    return sorted(found, key=lambda item: -item[2])


def _params(groups: dict[str, str]) -> dict[str, Any]:
    from applications.checks.messages import ACTIVE_CONTENT, FILE_KINDS

    with translation.override("en"):
        kinds = {str(label): kind for kind, label in FILE_KINDS.items()}
        contents = {str(label): code for code, label in ACTIVE_CONTENT.items()}
    params: dict[str, Any] = {}
    for key, value in groups.items():
        if key.endswith("_kind"):
            other = re.fullmatch(r"a \.(\w+) file", value)
            params[key] = kinds.get(value) or (other.group(1) if other else value)
        elif key == "contents":
            params[key] = [contents.get(name, name) for name in value.split(" and ")]
        elif value.isdigit():
            params[key] = int(value)
        else:
            params[key] = value
    return params


def codes_from_text(apps: Any, schema_editor: Any) -> None:
    DocumentFinding = apps.get_model("applications", "DocumentFinding")
    patterns = _patterns()
    for finding in DocumentFinding.objects.select_related("document__document_type").iterator():
        finding.code, finding.params = "legacy", {"text": finding.message}
        for code, pattern, _literal in patterns:
            match = pattern.match(finding.message)
            if match:
                finding.code, finding.params = code, _params(match.groupdict())
                document_type = finding.document.document_type
                if finding.params.get("type_name") == document_type.name and document_type.name_zh:
                    finding.params["type_name_zh"] = document_type.name_zh
                break
        finding.save(update_fields=["code", "params"])


def text_from_codes(apps: Any, schema_editor: Any) -> None:
    from applications.checks.messages import render

    DocumentFinding = apps.get_model("applications", "DocumentFinding")
    with translation.override("en"):
        for finding in DocumentFinding.objects.iterator():
            finding.message = render(finding.code, finding.params)
            finding.save(update_fields=["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_declaration_signatory_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentfinding",
            name="code",
            field=models.CharField(default="legacy", max_length=60),
        ),
        migrations.AddField(
            model_name="documentfinding",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="documentfinding",
            name="message",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(codes_from_text, text_from_codes),
        migrations.RemoveField(
            model_name="documentfinding",
            name="message",
        ),
    ]
