import pytest

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import ApplicationSnapshot, Document, DocumentType
from audit.models import AuditEvent
from tests.builders import pdf_upload
from vasp_licensing.errors import ConditionsNotMet, NotPermitted

pytestmark = pytest.mark.django_db


def test_submit_freezes_a_snapshot_with_every_document_hash(draft_case):
    app = services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)

    assert app.status == S.SUBMITTED
    assert app.submitted_at is not None
    snapshot = ApplicationSnapshot.objects.get(application=app)
    current = Document.objects.filter(application=app, is_current=True)
    assert {doc["sha256"] for doc in snapshot.data["documents"]} == {doc.sha256 for doc in current}
    assert len(snapshot.data["people"]) == 3
    assert AuditEvent.objects.filter(action="application.submit", payload__snapshot_sha256=snapshot.sha256).count() == 1


def test_submit_refused_with_the_list_of_what_is_missing(staff):
    from tests.builders import complete_draft

    case = complete_draft(staff)
    app = case.application
    services.application_update(application=app, actor=case.firm_admin, target_markets="")
    Document.objects.filter(application=app, document_type__code="business_plan").update(is_current=False)
    case.people[1].roles.all().delete()

    with pytest.raises(ConditionsNotMet) as refused:
        services.application_submit(application=app, actor=case.firm_admin)

    assert refused.value.details == [
        "People: at least 2 responsible officers needed, 1 named",
        "Business plan: target markets is empty",
        "Document: Business plan not uploaded",
        "Declaration: not signed by a firm admin",
    ]
    app.refresh_from_db()
    assert app.status == S.DRAFT
    assert not ApplicationSnapshot.objects.filter(application=app).exists()


def test_submit_refused_when_a_required_document_failed_its_checks(draft_case):
    Document.objects.filter(application=draft_case.application, document_type__code="insurance").update(
        check_status="failed"
    )
    with pytest.raises(ConditionsNotMet) as refused:
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)
    assert refused.value.details == ["Document: Insurance arrangements failed its checks; upload a new version"]


def test_submit_refused_for_a_preparer(draft_case):
    with pytest.raises(NotPermitted):
        services.application_submit(application=draft_case.application, actor=draft_case.preparer)
    draft_case.refresh()
    assert draft_case.application.status == S.DRAFT


def test_snapshot_cannot_be_changed_after_submission(draft_case):
    services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)
    snapshot = ApplicationSnapshot.objects.get(application=draft_case.application)
    snapshot.data = {}
    with pytest.raises(PermissionError):
        snapshot.save()


def test_new_upload_supersedes_the_current_version_and_keeps_it(draft_case):
    app = draft_case.application
    plan = DocumentType.objects.get(code="business_plan")
    first = Document.objects.get(application=app, document_type=plan, is_current=True)

    second = services.document_upload(
        application=app,
        actor=draft_case.preparer,
        document_type=plan,
        uploaded_file=pdf_upload("plan-v2.pdf", b"%PDF-1.4 v2"),
    )

    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.version, second.supersedes_id) == (False, True, 2, first.pk)
    assert first.file.read() != second.file.read()
    assert second.size == len(b"%PDF-1.4 v2")
