import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import timezone

from applications import services
from applications.choices import ApplicationStatus
from applications.models import Document, DocumentType
from audit.models import AuditEvent
from reviews.models import InformationRequestItem
from tests.builders import pdf_upload
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return DocumentType.objects.get(code="business_plan")


def upload(case, document_type, file, actor=None, person=None):
    return services.document_upload(
        application=case.application,
        actor=actor or case.preparer,
        document_type=document_type,
        uploaded_file=file,
        person=person,
    )


def test_upload_stores_the_bytes_with_their_hash_and_size(draft_case, plan):
    content = b"%PDF-1.7\n" + b"x" * 200_000
    document = upload(draft_case, plan, pdf_upload("plan.pdf", content))

    assert (document.size, document.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert AuditEvent.objects.filter(action="document.upload", object_id=str(document.pk)).exists()


def test_upload_refuses_a_file_type_the_document_type_does_not_allow(draft_case, plan):
    with pytest.raises(ValidationFailed, match=r"Business plan must be a \.pdf file; plan.docx is not"):
        upload(draft_case, plan, SimpleUploadedFile("plan.docx", b"PK\x03\x04"))


def test_upload_refuses_an_empty_file(draft_case, plan):
    with pytest.raises(ValidationFailed, match="empty"):
        upload(draft_case, plan, SimpleUploadedFile("plan.pdf", b""))


def test_upload_refuses_an_oversized_file_and_keeps_the_current_version(draft_case, plan):
    plan.max_size_bytes = 1000
    plan.save()
    current = Document.objects.get(application=draft_case.application, document_type=plan, is_current=True)

    with pytest.raises(ValidationFailed, match="at most 1,000 bytes"):
        upload(draft_case, plan, pdf_upload("big.pdf", b"%PDF" + b"0" * 2000))

    current.refresh_from_db()
    assert current.is_current


def test_identity_documents_are_filed_per_person_of_the_same_firm(draft_case, staff):
    identity = DocumentType.objects.get(code="identity_document")
    with pytest.raises(ValidationFailed, match="choose one"):
        upload(draft_case, identity, pdf_upload("id.pdf"))
    from tests.factories import PersonFactory

    stranger = PersonFactory()
    with pytest.raises(ValidationFailed, match="choose one"):
        upload(draft_case, identity, pdf_upload("id.pdf"), person=stranger)


def test_another_firm_cannot_upload(draft_case, plan):
    with pytest.raises(NotPermitted):
        upload(draft_case, plan, pdf_upload(), actor=draft_case.other_firm_admin)


def test_no_uploads_after_submission(case_in, plan):
    case = case_in("submitted")
    with pytest.raises(InvalidTransition, match="cannot be uploaded while"):
        upload(case, plan, pdf_upload())


def stored_files():
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def test_upload_deletes_the_stored_file_when_the_audit_write_fails(draft_case, plan, monkeypatch):
    def audit_down(**kwargs):
        raise DatabaseError("audit chain unavailable")

    monkeypatch.setattr("applications.services.documents.audit_record", audit_down)
    files, documents = stored_files(), Document.objects.count()

    with pytest.raises(DatabaseError):
        upload(draft_case, plan, pdf_upload("plan.pdf"))

    assert stored_files() == files
    assert Document.objects.count() == documents


def test_an_answer_upload_deletes_the_stored_file_when_attaching_it_fails(case_in, monkeypatch):
    case = case_in(ApplicationStatus.UNDER_REVIEW)
    services.application_request_information(
        application=case.application,
        actor=case.staff.assigned_officer,
        items=["Provide the insurer's letter."],
        due_date=timezone.localdate() + timedelta(days=14),
    )
    item = InformationRequestItem.objects.get(request__application=case.application)
    insurance = DocumentType.objects.get(code="insurance")

    def attach_fails(**kwargs):
        raise DatabaseError("lost the connection")

    monkeypatch.setattr("applications.services.transitions.information_item_attach_document", attach_fails)
    files, documents = stored_files(), Document.objects.count()

    with pytest.raises(DatabaseError):
        services.information_item_upload_document(
            item=item, actor=case.preparer, document_type=insurance, uploaded_file=pdf_upload("letter.pdf")
        )

    assert stored_files() == files
    assert Document.objects.count() == documents
    assert not item.documents.exists()
