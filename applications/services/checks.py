"""Running the document checks and storing their findings. Called by the task, never in a web request."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications import choices
from applications.checks.age import check_document_age
from applications.checks.archive import check_archive
from applications.checks.duplicate import check_duplicate
from applications.checks.file_type import check_file_type
from applications.checks.findings import CHUNK_BYTES, Finding, Outcome, head
from applications.checks.integrity import check_integrity
from applications.checks.pdf import check_pdf_structure
from applications.checks.size import check_size
from applications.checks.virus import Scanner, check_virus, scanner_from_url
from applications.models import Document, DocumentFinding
from audit import actions
from audit.services import audit_record

# Spool small files in memory, larger ones on local disk: the checks need a seekable copy, and
# storage (S3 in production) is read once.
SPOOL_BYTES = 8 * 1024 * 1024


def configured_scanner() -> Scanner | None:
    """The clamd backend when CLAMD_URL is set (tcp://host:port or a Unix socket path), otherwise none."""
    return scanner_from_url(getattr(settings, "CLAMD_URL", ""))


@contextmanager
def _local_copy(document: Document) -> Iterator[tuple[IO[bytes], str, int]]:
    """A seekable local copy of the stored file, with the SHA-256 and size of what storage gave back."""
    hasher, size = hashlib.sha256(), 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy, document.file.open("rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
            hasher.update(chunk)
            size += len(chunk)
            copy.write(chunk)
        copy.seek(0)
        yield copy, hasher.hexdigest(), size


def _file_findings(document: Document, *, scanner: Scanner | None) -> list[Finding]:
    """Every check that looks at the bytes. Runs outside any transaction: parsing can take seconds."""
    doc_type = document.document_type
    with _local_copy(document) as (copy, sha256, size):
        findings = [
            check_integrity(actual_sha256=sha256, expected_sha256=document.sha256),
            check_size(
                size=size,
                max_size_bytes=doc_type.max_size_bytes,
                type_name=doc_type.name,
                type_name_zh=doc_type.name_zh,
            ),
            check_file_type(
                copy,
                name=document.original_name,
                allowed_extensions=doc_type.extensions,
                type_name=doc_type.name,
                type_name_zh=doc_type.name_zh,
            ),
        ]
        # Structure checks follow the real type from the bytes, whatever the name claims.
        magic = head(copy, 8)
        if magic.startswith(b"%PDF"):
            findings.append(check_pdf_structure(copy))
        elif magic.startswith(b"PK\x03\x04") and "zip" in doc_type.extensions:
            findings.append(check_archive(copy))
        if size:
            findings.append(check_virus(copy, scanner=scanner))
    if doc_type.max_age_months:
        findings.append(
            check_document_age(
                document_date=document.document_date,
                max_age_months=doc_type.max_age_months,
                today=timezone.localdate(),
                type_name=doc_type.name,
                type_name_zh=doc_type.name_zh,
            )
        )
    return findings


def _filed_by_other_firms(document: Document) -> list[str]:
    others = (
        Document.objects.filter(sha256=document.sha256)
        .exclude(application__firm_id=document.application.firm_id)
        .values_list("application__reference", "application__firm__legal_name_en")
        .order_by("application__reference")
        .distinct()
    )
    return [f"{reference} ({firm})" for reference, firm in others]


def _overall(findings: list[Finding]) -> str:
    # A warning is for the officer to weigh; only a failure stops the firm.
    failed = any(finding.outcome == Outcome.FAIL for finding in findings)
    return choices.DocumentCheckStatus.FAILED if failed else choices.DocumentCheckStatus.PASSED


def document_run_checks(*, document_id: int, scanner: Scanner | None = None) -> Document:
    """Check one document and store its findings; returns the document with its new check_status.

    Idempotent: each run replaces the whole set of findings under a row lock, so a task delivered
    twice (acks_late) leaves exactly one set and one status. `scanner` defaults to the configured one.
    Raises OSError (storage, or an unreachable scanner) for the task to retry.
    """
    document = Document.objects.select_related("document_type", "application").get(pk=document_id)
    findings = _file_findings(document, scanner=scanner or configured_scanner())
    findings.append(check_duplicate(filed_elsewhere=_filed_by_other_firms(document)))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        DocumentFinding.objects.filter(document=document).delete()
        DocumentFinding.objects.bulk_create(
            DocumentFinding(
                document=document,
                check_code=finding.check,
                outcome=finding.outcome,
                code=finding.code,
                params=dict(finding.params),
                internal=finding.internal,
            )
            for finding in findings
        )
        document.check_status = _overall(findings)
        document.checked_at = timezone.now()
        document.save(update_fields=["check_status", "checked_at"])
        audit_record(
            actor=None,
            action=actions.DOCUMENT_CHECKS,
            obj=document,
            payload={
                "status": document.check_status,
                "sha256": document.sha256,
                "findings": {finding.check: finding.outcome.value for finding in findings},
            },
        )
    return document


def document_checks_timed_out(*, document_id: int) -> Document:
    """The checks ran past their time limit: the document fails, rather than waiting for ever as pending."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        DocumentFinding.objects.filter(document=document).delete()
        DocumentFinding.objects.create(
            document=document,
            check_code="time_limit",
            outcome=Outcome.FAIL,
            code="time_limit.exceeded",
        )
        document.check_status = choices.DocumentCheckStatus.FAILED
        document.checked_at = timezone.now()
        document.save(update_fields=["check_status", "checked_at"])
        audit_record(
            actor=None, action=actions.DOCUMENT_CHECKS, obj=document, payload={"status": "failed", "timed_out": True}
        )
    return document
