from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Document, LicenceApplication, LicenceType, ReferenceSequence
from audit.models import AuditEvent
from reviews.models import InformationRequestItem
from reviews.services import information_item_answer
from tests.factories import UserFactory
from vasp_licensing.errors import ConditionsNotMet, InvalidTransition, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_references_follow_the_yearly_series(draft_case):
    year = timezone.localdate().year
    sequence = ReferenceSequence.objects.get(name="application", year=year)
    assert draft_case.application.reference == f"VASP-{year}-{sequence.last_value:05d}"


def test_a_firm_has_one_open_application_per_licence_type(draft_case):
    with pytest.raises(ValidationFailed, match="already has an open application"):
        services.application_create(
            firm=draft_case.firm, licence_type=draft_case.application.licence_type, actor=draft_case.firm_admin
        )


def test_inactive_licence_types_take_no_applications(draft_case):
    dealer = LicenceType.objects.get(code="va-dealer")
    with pytest.raises(ValidationFailed, match="does not take new applications"):
        services.application_create(firm=draft_case.firm, licence_type=dealer, actor=draft_case.firm_admin)


def test_a_preparer_cannot_start_an_application(draft_case):
    with pytest.raises(NotPermitted):
        services.application_create(
            firm=draft_case.firm, licence_type=LicenceType.objects.get(code="sfo-type-1-7"), actor=draft_case.preparer
        )


def test_editing_a_draft_clears_the_signed_declaration(draft_case):
    app = services.application_update(
        application=draft_case.application, actor=draft_case.preparer, target_markets="Singapore"
    )
    assert app.declaration_signed_at is None
    with pytest.raises(ConditionsNotMet) as refused:
        services.application_submit(application=app, actor=draft_case.firm_admin)
    assert refused.value.details == ["Declaration: not signed by a firm admin"]


def test_a_returned_application_can_be_copied_into_a_new_draft(case_in):
    case = case_in("returned")
    copy = services.application_copy(source=case.application, actor=case.firm_admin)

    assert (copy.status, copy.copied_from_id) == (S.DRAFT, case.application.pk)
    assert copy.reference != case.application.reference
    originals = Document.objects.filter(application=case.application, is_current=True)
    assert sorted(Document.objects.filter(application=copy).values_list("sha256", flat=True)) == sorted(
        originals.values_list("sha256", flat=True)
    )


def test_copied_documents_are_checked_again_audited_and_keep_their_uploader(
    case_in, django_capture_on_commit_callbacks
):
    case = case_in("refused")
    originals = {d.pk: d for d in Document.objects.filter(application=case.application, is_current=True)}
    before_copy = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):  # the checks are queued on commit; tasks run eagerly
        copy = services.application_copy(source=case.application, actor=case.firm_admin)

    copies = list(Document.objects.filter(application=copy).select_related("document_type"))
    assert copies and len(copies) == len(originals)
    for document in copies:
        event = AuditEvent.objects.get(action="document.copy", object_id=str(document.pk))
        original = originals.pop(event.payload["copied_from"])
        assert event.actor == case.firm_admin
        assert event.payload["document_type"] == document.document_type.code == original.document_type.code
        assert (event.payload["version"], event.payload["sha256"]) == (document.version, original.sha256)
        assert document.uploaded_by_id == original.uploaded_by_id != case.firm_admin.pk
        assert document.checked_at is not None and document.checked_at >= before_copy
        assert document.findings.exists()
        assert document.check_status != "pending"
    assert not originals  # each current document was copied once


def test_copied_documents_wait_for_their_checks_until_the_copy_commits(case_in, django_capture_on_commit_callbacks):
    case = case_in("returned")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        copy = services.application_copy(source=case.application, actor=case.firm_admin)
    assert set(Document.objects.filter(application=copy).values_list("check_status", flat=True)) == {"pending"}
    assert len(queued) >= Document.objects.filter(application=copy).count()


def test_only_returned_or_refused_applications_are_copied(case_in):
    case = case_in("withdrawn")
    with pytest.raises(InvalidTransition):
        services.application_copy(source=case.application, actor=case.firm_admin)


def test_respond_lists_the_unanswered_questions(case_in):
    case = case_in("under_review")
    services.application_request_information(
        application=case.application,
        actor=case.staff.assigned_officer,
        items=["Describe the hot wallet limits.", "Name the custodian."],
        due_date=timezone.localdate() + timedelta(days=7),
    )
    first = InformationRequestItem.objects.get(request__application=case.application, position=1)
    information_item_answer(item=first, actor=case.preparer, answer="5% of client assets.")

    with pytest.raises(ConditionsNotMet) as refused:
        services.application_respond(application=case.application, actor=case.preparer)

    assert refused.value.details == ["Question 2: Name the custodian."]
    assert case.refresh().status == S.INFORMATION_REQUESTED


def test_a_request_for_information_needs_questions_and_a_future_due_date(case_in):
    case = case_in("under_review")
    officer = case.staff.assigned_officer
    with pytest.raises(ValidationFailed, match="at least one question"):
        services.application_request_information(
            application=case.application, actor=officer, items=["  "], due_date=timezone.localdate() + timedelta(days=3)
        )
    with pytest.raises(ValidationFailed, match="in the future"):
        services.application_request_information(
            application=case.application, actor=officer, items=["Why?"], due_date=timezone.localdate()
        )


def test_reasons_are_required_to_return_recommend_decide_and_send_back(case_in):
    submitted = case_in("submitted")
    with pytest.raises(ValidationFailed, match="Reasons"):
        services.application_return(
            application=submitted.application, actor=submitted.staff.assigned_officer, reasons=" "
        )
    pending = case_in("pending_decision")
    with pytest.raises(ValidationFailed, match="Reasons"):
        services.application_decide(
            application=pending.application, actor=pending.staff.senior_officer, outcome="refuse", reasons=""
        )
    with pytest.raises(ValidationFailed, match="Comments"):
        services.application_send_back(application=pending.application, actor=pending.staff.senior_officer, comment="")


def test_four_eyes_refusal_says_why(case_in):
    case = case_in("pending_decision")
    with pytest.raises(NotPermitted, match="Four eyes: you made a recommendation"):
        services.application_decide(
            application=case.application, actor=case.staff.assigned_officer, outcome="approve", reasons="Mine"
        )


def test_a_case_officer_not_assigned_is_told_so(case_in):
    case = case_in("submitted")
    with pytest.raises(NotPermitted, match="not assigned to you"):
        services.application_accept(application=case.application, actor=case.staff.other_case_officer)


def test_approval_in_principle_then_final_grant_issues_the_licence(case_in):
    case = case_in("approved_in_principle")
    app = services.application_recommend_final_grant(
        application=case.application, actor=case.staff.assigned_officer, reasons="Segregated accounts opened."
    )
    with pytest.raises(ConditionsNotMet, match="already approved in principle"):
        services.application_decide(
            application=app, actor=case.staff.senior_officer, outcome="approve_in_principle", reasons="Again"
        )
    app = services.application_decide(application=app, actor=case.staff.senior_officer, outcome="approve", reasons="Ok")
    assert app.status == S.APPROVED
    assert app.licence.number.startswith(f"VATP-{timezone.localdate().year}-")


def test_only_a_licensing_manager_assigns_and_only_to_case_officers(case_in):
    case = case_in("submitted")
    with pytest.raises(NotPermitted):
        services.application_assign(
            application=case.application, actor=case.staff.senior_officer, officer=case.staff.other_case_officer
        )
    with pytest.raises(ValidationFailed, match="not an active case officer"):
        services.application_assign(
            application=case.application, actor=case.staff.licensing_manager, officer=UserFactory()
        )
    app = services.application_assign(
        application=case.application, actor=case.staff.licensing_manager, officer=case.staff.other_case_officer
    )
    assert LicenceApplication.objects.get(pk=app.pk).assigned_officer == case.staff.other_case_officer


def test_the_status_field_cannot_be_assigned_directly(draft_case):
    with pytest.raises(AttributeError):
        draft_case.application.status = S.APPROVED
