"""Findings are stored as a code with parameters and worded in the reader's language when read."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from applications.checks import messages
from applications.checks.pdf import check_pdf_structure
from applications.models import DocumentFinding

migration = importlib.import_module("applications.migrations.0009_document_finding_code_params")

NUMBERS = {"pages", "members", "months", "max_members", "max_ratio", "more"}


def sample_params(code: str) -> dict:
    """A value for every placeholder of the code's template, of the type the check stores."""
    with translation.override("en"):
        english = str(messages.MESSAGES[code] % migration._Slots(2))
    params: dict = {}
    for key in re.findall(r"\x00(\w+)\x00", english):
        if key.endswith("_kind"):
            params[key] = "png"
        elif key == "contents":
            params[key] = ["javascript", "launch"]
        else:
            params[key] = 3 if key in NUMBERS else f"{key} value"
    return params


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_stored_english_text_converts_back_to_its_code_and_parameters(code):
    params = sample_params(code)
    with translation.override("en"):
        text = messages.render(code, params)
    for candidate, pattern, _literal in migration._patterns():
        match = pattern.match(text)
        if match:
            assert (candidate, migration._params(match.groupdict())) == (code, params)
            break
    else:
        pytest.fail(f"{text!r} matches no template")


def test_the_migration_converts_stored_findings_and_keeps_unknown_text_verbatim(draft_case):
    document = draft_case.application.documents.first()
    document.findings.all().delete()
    stored = {"size": "The file is empty. Upload the complete document.", "x": "Looks odd."}
    known, unknown = (
        DocumentFinding.objects.create(
            document=document, check_code=check, outcome="fail", code=messages.LEGACY, params={"text": text}
        )
        for check, text in stored.items()
    )

    migration.codes_from_text(apps, None)

    known.refresh_from_db()
    unknown.refresh_from_db()
    assert (known.code, known.params) == ("size.empty", {})
    assert (unknown.code, unknown.params, unknown.message) == ("legacy", {"text": "Looks odd."}, "Looks odd.")


def test_a_finding_reads_in_the_active_language_with_the_chinese_name_of_the_document_type():
    finding = DocumentFinding(
        code="size.too_large",
        params={"size": "2,000", "limit": "1,000", "type_name": "Business plan", "type_name_zh": "業務計劃"},
    )
    with translation.override("en"):
        english = finding.message
    with translation.override("zh-hant"):
        chinese = finding.message
    assert english.startswith("The file is 2,000 bytes; Business plan may be at most 1,000 bytes.")
    assert "業務計劃" in chinese and "Business plan" not in chinese


def test_a_pdf_finding_counts_its_pages_in_english(tmp_path):
    from pypdf import PdfWriter

    path = tmp_path / "one.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    with path.open("wb") as stream:
        writer.write(stream)
    with path.open("rb") as stream, translation.override("en"):
        finding = check_pdf_structure(stream)
    assert (finding.code, dict(finding.params), finding.message) == (
        "pdf_structure.ok",
        {"pages": 1},
        "A readable PDF of 1 page.",
    )
