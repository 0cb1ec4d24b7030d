"""Each document check on real files made here, through the pure functions and through the service."""

import io
import struct
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import IO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from applications import selectors, services
from applications.checks.age import check_document_age
from applications.checks.archive import check_archive
from applications.checks.file_type import check_file_type
from applications.checks.findings import Outcome
from applications.checks.pdf import check_pdf_structure
from applications.checks.size import check_size
from applications.checks.virus import ScanResult, check_virus
from applications.models import Document, DocumentType
from applications.services.checks import document_run_checks
from tests.builders import MINIMAL_PDF

# Split so that no virus scanner on a developer's machine quarantines this test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf_bytes(*, pages: int = 1, password: str = "", js: bool = False, attachment: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    if js:
        writer.add_open_action(JavaScript("app.alert('hello');"))
    if attachment:
        writer.add_attachment("payload.exe", b"MZ not really a program")
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_launch_action() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript_in_a_link() -> bytes:
    """JavaScript hidden in a page annotation's action, not in the catalog."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1;")})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): action,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    """A real 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


def zip_bytes(*, zeros: int = 0, files: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {}).items():
            archive.writestr(name, content)
        if zeros:
            with archive.open("zeros.bin", "w") as member:
                for _ in range(zeros // (1024 * 1024)):
                    member.write(bytes(1024 * 1024))
    return out.getvalue()


def real_file(tmp_path: Path, name: str, content: bytes) -> IO[bytes]:
    path = tmp_path / name
    path.write_bytes(content)
    return path.open("rb")


class EicarScanner:
    """A stand-in for clamd: it really reads the stream and looks for the EICAR test signature."""

    name = "Test scanner"

    def __init__(self) -> None:
        self.bytes_read = 0

    def scan(self, stream: IO[bytes]) -> ScanResult:
        data = stream.read()
        self.bytes_read += len(data)
        if EICAR in data:
            return ScanResult(infected=True, signature="Eicar-Test-Signature")
        return ScanResult(infected=False)


def upload_checked(case, document_type, name, content, django_capture_on_commit_callbacks, **kwargs) -> Document:
    """Upload through the service and let it commit: the checks task runs (eagerly) after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            application=case.application,
            actor=case.preparer,
            document_type=document_type,
            uploaded_file=SimpleUploadedFile(name, content),
            **kwargs,
        )
    document.refresh_from_db()
    return document


def outcomes(document: Document) -> dict[str, str]:
    return dict(document.findings.values_list("check_code", "outcome"))


def message(document: Document, check: str) -> str:
    return document.findings.get(check_code=check).message


@pytest.fixture
def plan(db):
    return DocumentType.objects.get(code="business_plan")


# The pure checks, on files written to disk.


def test_minimal_pdf_of_the_builders_passes_the_structure_check():
    assert check_pdf_structure(io.BytesIO(MINIMAL_PDF)).outcome == Outcome.PASS


def test_good_pdf_passes_the_structure_check(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "good.pdf", pdf_bytes(pages=2)))
    assert (finding.outcome, finding.message) == (Outcome.PASS, "A readable PDF of 2 pages.")


def test_encrypted_pdf_fails_asking_for_it_without_a_password(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "locked.pdf", pdf_bytes(password="secret")))
    assert finding.outcome == Outcome.FAIL
    assert "password-protected" in finding.message


def test_pdf_with_javascript_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "js.pdf", pdf_bytes(js=True)))
    assert finding.outcome == Outcome.FAIL
    assert "contains JavaScript" in finding.message


def test_pdf_with_javascript_in_a_page_annotation_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "link.pdf", pdf_with_javascript_in_a_link()))
    assert finding.outcome == Outcome.FAIL
    assert "contains JavaScript" in finding.message


def test_pdf_with_a_launch_action_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "launch.pdf", pdf_with_launch_action()))
    assert finding.outcome == Outcome.FAIL
    assert "a launch action" in finding.message


def test_pdf_with_an_embedded_file_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "attached.pdf", pdf_bytes(attachment=True)))
    assert finding.outcome == Outcome.FAIL
    assert "an embedded file" in finding.message


def test_pdf_without_pages_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "empty.pdf", pdf_bytes(pages=0)))
    assert (finding.outcome, finding.message) == (Outcome.FAIL, "The PDF has no pages. Upload the complete document.")


def test_damaged_pdf_fails(tmp_path):
    finding = check_pdf_structure(real_file(tmp_path, "cut.pdf", pdf_bytes()[:200]))
    assert finding.outcome == Outcome.FAIL
    assert "damaged" in finding.message


def test_png_renamed_pdf_fails_naming_what_it_really_is(tmp_path):
    finding = check_file_type(
        real_file(tmp_path, "plan.pdf", png_bytes()), name="plan.pdf", allowed_extensions=["pdf"], type_name="Plan"
    )
    assert finding.outcome == Outcome.FAIL
    assert finding.message.startswith("plan.pdf is a PNG image, not a PDF document; Plan must be a .pdf file.")


def test_png_named_pdf_fails_asking_to_rename_it_where_png_is_allowed(tmp_path):
    finding = check_file_type(
        real_file(tmp_path, "id.pdf", png_bytes()), name="id.pdf", allowed_extensions=["pdf", "png"], type_name="ID"
    )
    assert (finding.outcome, finding.message) == (
        Outcome.FAIL,
        "id.pdf is named .pdf but is a PNG image. Rename it to .png and upload it again.",
    )


def test_jpeg_extension_is_the_same_type_as_jpg(tmp_path):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)
    finding = check_file_type(io.BytesIO(jpeg), name="id.jpeg", allowed_extensions=["jpg"], type_name="ID")
    assert finding.outcome == Outcome.PASS


def test_empty_file_fails(tmp_path):
    empty = real_file(tmp_path, "empty.pdf", b"")
    assert check_size(size=len(empty.read()), max_size_bytes=1000, type_name="Plan").outcome == Outcome.FAIL
    assert check_file_type(empty, name="empty.pdf", allowed_extensions=["pdf"], type_name="Plan").outcome == "fail"


def test_oversized_file_fails_with_both_sizes():
    finding = check_size(size=2_000_000, max_size_bytes=1_000_000, type_name="Plan")
    assert finding.outcome == Outcome.FAIL
    assert "2,000,000 bytes; Plan may be at most 1,000,000 bytes" in finding.message


def test_zip_bomb_fails_from_its_directory(tmp_path):
    bomb = real_file(tmp_path, "bomb.zip", zip_bytes(zeros=20 * 1024 * 1024))
    finding = check_archive(bomb)
    assert finding.outcome == Outcome.FAIL
    assert "expands to 20,971,520 bytes" in finding.message


def test_ordinary_zip_passes(tmp_path):
    archive = real_file(tmp_path, "docs.zip", zip_bytes(files={"a.pdf": pdf_bytes(), "b.pdf": pdf_bytes(pages=2)}))
    assert check_archive(archive).outcome == Outcome.PASS


def test_eicar_fails_through_a_scanner_that_reads_the_bytes(tmp_path):
    scanner = EicarScanner()
    finding = check_virus(real_file(tmp_path, "eicar.com", EICAR), scanner=scanner)
    assert (finding.outcome, scanner.bytes_read) == (Outcome.FAIL, len(EICAR))
    assert "Test scanner found Eicar-Test-Signature" in finding.message


def test_no_scanner_configured_is_an_explicit_internal_warning_not_a_pass(tmp_path):
    finding = check_virus(real_file(tmp_path, "plan.pdf", MINIMAL_PDF), scanner=None)
    assert (finding.outcome, finding.message, finding.internal) == (
        Outcome.WARN,
        "Not scanned: no virus scanner is configured.",
        True,
    )


@pytest.mark.parametrize(
    ("document_date", "outcome"),
    [(date(2024, 12, 31), "fail"), (date(2025, 1, 1), "pass"), (None, "pass"), (date(2026, 7, 2), "fail")],
)
def test_dated_document_is_checked_against_its_age_limit(document_date, outcome):
    finding = check_document_age(document_date=document_date, max_age_months=18, today=date(2026, 7, 1), type_name="X")
    assert finding.outcome == outcome


def test_undated_document_passes_as_not_dated():
    finding = check_document_age(document_date=None, max_age_months=18, today=date(2026, 7, 1), type_name="X")
    assert finding.message.startswith("Not dated")


# Through the service: upload, commit, the task, the stored findings and the document's status.


def test_good_pdf_passes_with_an_internal_not_scanned_warning(draft_case, plan, django_capture_on_commit_callbacks):
    document = upload_checked(draft_case, plan, "plan.pdf", pdf_bytes(pages=2), django_capture_on_commit_callbacks)

    assert document.check_status == "passed"
    assert outcomes(document) == {
        "integrity": "pass",
        "size": "pass",
        "file_type": "pass",
        "pdf_structure": "pass",
        "virus_scan": "warn",
        "duplicate": "pass",
    }
    assert document.findings.get(check_code="virus_scan").internal


def test_png_renamed_pdf_fails_and_the_firm_reads_why(draft_case, plan, django_capture_on_commit_callbacks):
    document = upload_checked(draft_case, plan, "plan.pdf", png_bytes(), django_capture_on_commit_callbacks)

    assert document.check_status == "failed"
    seen_by_firm = selectors.document_findings_for(document=document, user=draft_case.preparer)
    assert "plan.pdf is a PNG image, not a PDF document" in seen_by_firm.get(check_code="file_type").message
    assert "pdf_structure" not in outcomes(document)  # the real type decides which structure check runs


def test_encrypted_pdf_upload_fails(draft_case, plan, django_capture_on_commit_callbacks):
    document = upload_checked(draft_case, plan, "plan.pdf", pdf_bytes(password="x"), django_capture_on_commit_callbacks)
    assert (document.check_status, outcomes(document)["pdf_structure"]) == ("failed", "fail")


def test_file_over_a_lowered_size_limit_fails_when_checked_again(draft_case, plan, django_capture_on_commit_callbacks):
    document = upload_checked(draft_case, plan, "plan.pdf", pdf_bytes(), django_capture_on_commit_callbacks)
    plan.max_size_bytes = 100
    plan.save()

    document = document_run_checks(document_id=document.pk)

    assert (document.check_status, outcomes(document)["size"]) == ("failed", "fail")
    assert "Business plan may be at most 100 bytes" in message(document, "size")


def test_duplicate_across_firms_is_a_flag_the_officer_sees_and_the_firm_does_not(
    staff, draft_case, plan, django_capture_on_commit_callbacks
):
    from tests.builders import complete_draft

    other = complete_draft(staff)
    content = pdf_bytes(pages=3)
    upload_checked(other, plan, "their-plan.pdf", content, django_capture_on_commit_callbacks)
    document = upload_checked(draft_case, plan, "plan.pdf", content, django_capture_on_commit_callbacks)

    assert document.check_status == "passed"  # a red flag for the officer, not a failure for the firm
    flag = selectors.document_findings_for(document=document, user=staff.assigned_officer).get(check_code="duplicate")
    assert (flag.outcome, flag.internal) == ("warn", True)
    assert other.application.reference in flag.message
    seen_by_firm = selectors.document_findings_for(document=document, user=draft_case.preparer)
    assert not seen_by_firm.filter(check_code__in=["duplicate", "virus_scan"]).exists()
    assert seen_by_firm.count() == 4


def test_findings_are_hidden_from_another_firm(draft_case, plan, django_capture_on_commit_callbacks):
    document = upload_checked(draft_case, plan, "plan.pdf", pdf_bytes(), django_capture_on_commit_callbacks)
    assert not selectors.document_findings_for(document=document, user=draft_case.other_firm_admin).exists()


def test_eicar_fails_through_the_service_with_a_scanner_that_reads_the_stored_bytes(draft_case):
    notes = DocumentType.objects.create(code="notes", name="Notes", allowed_extensions="txt")
    document = services.document_upload(
        application=draft_case.application,
        actor=draft_case.preparer,
        document_type=notes,
        uploaded_file=SimpleUploadedFile("notes.txt", EICAR),
    )

    document = document_run_checks(document_id=document.pk, scanner=EicarScanner())

    assert document.check_status == "failed"
    assert outcomes(document) == {
        "integrity": "pass",
        "size": "pass",
        "file_type": "pass",
        "virus_scan": "fail",
        "duplicate": "pass",
    }
    assert "found Eicar-Test-Signature" in message(document, "virus_scan")


def test_zip_bomb_fails_where_archives_are_allowed(draft_case, django_capture_on_commit_callbacks):
    bundle = DocumentType.objects.create(code="bundle", name="Evidence bundle", allowed_extensions="pdf,zip")
    bomb = zip_bytes(zeros=20 * 1024 * 1024)
    document = upload_checked(draft_case, bundle, "bundle.zip", bomb, django_capture_on_commit_callbacks)

    assert (document.check_status, outcomes(document)["archive"], outcomes(document)["file_type"]) == (
        "failed",
        "fail",
        "pass",
    )


def test_dated_document_too_old_fails(draft_case, django_capture_on_commit_callbacks):
    accounts = DocumentType.objects.get(code="audited_financial_statements")  # at most 18 months old
    document = upload_checked(
        draft_case,
        accounts,
        "accounts.pdf",
        pdf_bytes(),
        django_capture_on_commit_callbacks,
        document_date=date(2020, 3, 31),
    )

    assert (document.check_status, outcomes(document)["document_age"]) == ("failed", "fail")
    assert "dated 2020-03-31; Audited financial statements may be at most 18 months old" in message(
        document, "document_age"
    )


def test_finding_outcomes_shown_to_people_are_the_outcomes_the_checks_return():
    from applications.checks.findings import Outcome
    from applications.choices import FindingOutcome

    assert FindingOutcome.values == [outcome.value for outcome in Outcome]
