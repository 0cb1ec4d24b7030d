"""The checks task: queued on commit only, safe to deliver twice, and what it means for submission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from applications import services, tasks
from applications.models import Document, DocumentFinding, DocumentType
from applications.selectors import application_missing_items
from audit.models import AuditEvent
from tests.applications.test_document_checks import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return DocumentType.objects.get(code="business_plan")


def upload(case, document_type, content: bytes, name: str = "plan.pdf") -> Document:
    return services.document_upload(
        application=case.application,
        actor=case.preparer,
        document_type=document_type,
        uploaded_file=SimpleUploadedFile(name, content),
    )


def test_status_moves_from_pending_to_passed_when_the_upload_commits(
    draft_case, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        document = upload(draft_case, plan, pdf_bytes())
        document.refresh_from_db()
        assert document.check_status == "pending"  # nothing runs before the commit

    assert len(queued) == 1
    document.refresh_from_db()
    assert (document.check_status, document.checked_at is not None) == ("passed", True)
    event = AuditEvent.objects.get(action="document.checks", object_id=str(document.pk))
    assert event.payload["status"] == "passed"


def test_status_moves_from_pending_to_failed_for_a_bad_file(draft_case, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(draft_case, plan, png_bytes())
    document.refresh_from_db()
    assert document.check_status == "failed"


def test_task_delivered_twice_leaves_one_set_of_findings(draft_case, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(draft_case, plan, pdf_bytes())
    first = sorted(document.findings.values_list("check_code", "outcome"))

    assert tasks.document_run_checks.delay(document.pk).get() == "passed"  # acks_late: a redelivery

    assert sorted(document.findings.values_list("check_code", "outcome")) == first
    assert document.findings.count() == len(first) == len({code for code, _ in first})
    assert AuditEvent.objects.filter(action="document.checks", object_id=str(document.pk)).count() == 2


def test_upload_rolled_back_never_runs_its_checks(draft_case, plan, django_capture_on_commit_callbacks):
    documents, findings = Document.objects.count(), DocumentFinding.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        upload(draft_case, plan, pdf_bytes())
        raise RuntimeError("the request failed after the upload")

    assert queued == []
    assert (Document.objects.count(), DocumentFinding.objects.count()) == (documents, findings)


def test_checks_that_run_out_of_time_fail_the_document(draft_case, plan):
    from applications.services.checks import document_checks_timed_out

    document = document_checks_timed_out(document_id=upload(draft_case, plan, pdf_bytes()).pk)

    assert document.check_status == "failed"
    assert list(document.findings.values_list("check_code", "outcome")) == [("time_limit", "fail")]


# Submission waits for the checks and is refused while a required document failed.


def test_submit_refused_while_checks_are_still_running(draft_case, plan):
    upload(draft_case, plan, pdf_bytes())  # no commit in this test: the checks have not run

    assert "Document: Business plan checks still running; try again in a minute" in application_missing_items(
        application=draft_case.application
    )


def test_submit_refused_when_a_required_document_failed_its_checks(
    draft_case, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(draft_case, plan, png_bytes())

    assert "Document: Business plan failed its checks; upload a new version" in application_missing_items(
        application=draft_case.application
    )


def test_a_warning_does_not_block_submission(draft_case, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(draft_case, plan, pdf_bytes())

    assert document.findings.filter(outcome="warn").exists()  # not scanned: no scanner configured
    assert not [
        item for item in application_missing_items(application=draft_case.application) if "Business plan" in item
    ]
