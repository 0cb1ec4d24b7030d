"""Upload, commit, a real Celery worker, findings, status: on the in-memory broker, and on Redis in CI."""

import pytest

from applications import services
from applications.choices import DocumentCheckStatus
from applications.models import Document, DocumentType
from tests.applications.test_document_checks import pdf_bytes, png_bytes
from tests.builders import pdf_upload
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_real_worker_checks_uploaded_documents_after_commit(live_worker, staff):
    from tests.builders import complete_draft

    case = complete_draft(staff)
    plan = DocumentType.objects.get(code="business_plan")
    good = services.document_upload(
        application=case.application,
        actor=case.preparer,
        document_type=plan,
        uploaded_file=pdf_upload("plan-v2.pdf", pdf_bytes()),
    )
    chart = DocumentType.objects.get(code="organisation_chart")
    renamed = services.document_upload(
        application=case.application,
        actor=case.preparer,
        document_type=DocumentType.objects.get(code="insurance"),
        uploaded_file=pdf_upload("insurance.pdf", png_bytes()),
    )

    def checked() -> bool:
        statuses = dict(Document.objects.filter(pk__in=[good.pk, renamed.pk]).values_list("pk", "check_status"))
        return DocumentCheckStatus.PENDING not in statuses.values()

    wait_for(checked, timeout=60)
    good.refresh_from_db()
    renamed.refresh_from_db()
    assert good.check_status == DocumentCheckStatus.PASSED
    assert renamed.check_status == DocumentCheckStatus.FAILED
    failed = renamed.findings.get(outcome="fail", check_code="file_type")
    assert "PNG image, not a PDF" in failed.message
    assert chart.pk  # the organisation chart stays as filed: the worker touched only what was uploaded
