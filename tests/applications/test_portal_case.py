"""The firm follows its case: the state explained, the firm's own timeline, requests for information
answered item by item, and copying a closed application into a new draft."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Document, LicenceApplication
from audit.models import AuditEvent
from reviews.models import InformationRequest, InformationRequestItem
from reviews.services import information_item_answer
from reviews.services.checklist import checklist_item_record
from reviews.services.notes import note_add
from tests.builders import Case, pdf_upload
from tests.support import sign_in

pytestmark = pytest.mark.django_db

QUESTIONS = ["Explain cold wallet key ceremonies.", "Provide the insurer's letter."]


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def case_url(case: Case) -> str:
    return reverse("portal:case", args=[case.application.reference])


def with_open_request(case: Case) -> InformationRequest:
    """An under-review case given a request for information whose questions are not answered yet."""
    services.application_request_information(
        application=case.application,
        actor=case.staff.assigned_officer,
        items=QUESTIONS,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    return InformationRequest.objects.get(application=case.application)


def item(request: InformationRequest, position: int) -> InformationRequestItem:
    return request.items.get(position=position)


def answer_url(case: Case, question: InformationRequestItem) -> str:
    return reverse("portal:case_item_answer", args=[case.application.reference, question.pk])


def document_url(case: Case, question: InformationRequestItem) -> str:
    return reverse("portal:case_item_document", args=[case.application.reference, question.pk])


# -- The state, explained -----------------------------------------------------------------------

EXPLANATIONS = {
    S.SUBMITTED: "checks that your application is complete before accepting it for review",
    S.UNDER_REVIEW: "A case officer is reviewing your application",
    S.INFORMATION_REQUESTED: "The regulator needs more information",
    S.PENDING_DECISION: "A senior officer, who did not make the recommendation, now decides",
    S.APPROVED_IN_PRINCIPLE: "This is not yet a licence",
    S.APPROVED: "Your application is approved and your licence is granted",
    S.RETURNED: "The regulator returned your application",
    S.REFUSED: "The regulator refused your application",
    S.WITHDRAWN: "Your firm withdrew this application",
}


@pytest.mark.parametrize("status", list(EXPLANATIONS))
def test_case_page_explains_what_happens_next_in_every_state(client, case_in, status):
    case = case_in(status)
    assert case.refresh().status == status
    response = sign_in(client, case.preparer).get(case_url(case))
    assert response.status_code == 200
    page = text_of(response)
    assert EXPLANATIONS[status] in page
    assert case.application.get_status_display() in page


def test_case_page_of_a_draft_redirects_to_the_application(client, draft_case):
    response = sign_in(client, draft_case.preparer).get(case_url(draft_case))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:application", args=[draft_case.application.reference])


def test_case_page_shows_the_due_date_when_information_is_requested(client, case_in):
    case = case_in(S.INFORMATION_REQUESTED)
    due = InformationRequest.objects.get(application=case.application).due_date
    page = text_of(sign_in(client, case.preparer).get(case_url(case)))
    assert f"Answer every question below by {due:%Y-%m-%d}" in page


def test_case_page_shows_the_return_reasons_and_the_copy_button(client, case_in):
    case = case_in(S.RETURNED)
    response = sign_in(client, case.firm_admin).get(case_url(case))
    page = text_of(response)
    assert "Incomplete AML policies" in page
    assert reverse("portal:case_copy", args=[case.application.reference]) in response.content.decode()


def test_case_page_of_an_approval_in_principle_lists_its_conditions_and_links_to_banking(client, case_in):
    case = case_in(S.APPROVED_IN_PRINCIPLE)
    response = sign_in(client, case.preparer).get(case_url(case))
    assert "Serve professional investors only." in text_of(response)
    assert reverse("portal:banking", args=[case.firm.pk]) in response.content.decode()


def test_case_page_of_an_approved_application_links_to_its_licence(client, case_in):
    case = case_in(S.APPROVED)
    licence = case.refresh().licence
    response = sign_in(client, case.preparer).get(case_url(case))
    assert reverse("portal:licence", args=[licence.number]) in response.content.decode()


def test_case_page_lists_the_submitted_documents_with_their_versions(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.preparer).get(case_url(case))
    page = text_of(response)
    assert "What you submitted" in page
    document = Document.objects.filter(application=case.application).first()
    assert document is not None
    assert document.original_name in page
    assert reverse("portal:document_download", args=[document.pk]) in response.content.decode()


def test_an_overdue_request_is_marked_overdue_in_words(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    InformationRequest.objects.filter(pk=request.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    page = text_of(sign_in(client, case.preparer).get(case_url(case)))
    assert "Overdue" in page


# -- The firm's timeline ------------------------------------------------------------------------


def test_firm_timeline_never_shows_internal_notes_checklist_notes_or_recommendation_reasons(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    officer = case.staff.assigned_officer
    note_add(application=case.application, actor=officer, text="SECRET-NOTE: the director looks evasive.")
    checklist_item_record(
        application=case.application,
        actor=officer,
        area="aml_cft",
        outcome="concerns",
        note="SECRET-CHECKLIST: transaction monitoring thin.",
    )
    services.application_recommend(
        application=case.application,
        actor=officer,
        outcome="grant",
        reasons="SECRET-RECOMMENDATION: borderline but acceptable.",
        draft_conditions=["Serve professional investors only."],
    )
    assert AuditEvent.objects.filter(action__in=["note.add", "checklist.record", "application.recommend"]).count() == 3

    response = sign_in(client, case.firm_admin).get(case_url(case))

    page = text_of(response)
    assert "SECRET" not in page
    assert "Internal note" not in page
    assert "Recommendation made" not in page
    assert officer.email not in page  # regulator staff show as "The regulator"
    for shown in ("Application started", "Application submitted", "Accepted for review", "The regulator"):
        assert shown in page


def test_firm_timeline_shows_the_request_and_the_answers(client, case_in):
    case = case_in(S.INFORMATION_REQUESTED)
    page = text_of(sign_in(client, case.preparer).get(case_url(case)))
    assert "Information requested" in page
    assert "Question answered" in page
    assert "2 question(s), due" in page


def test_firm_timeline_shows_a_refusal_with_its_reasons(client, case_in):
    case = case_in(S.REFUSED)
    page = text_of(sign_in(client, case.preparer).get(case_url(case)))
    assert "Refused: Agreed." in page
    assert "Fit and proper; controls adequate." not in page  # the recommendation's reasons


def test_firm_timeline_shows_an_officer_whose_groups_were_removed_as_the_regulator(client, case_in):
    case = case_in(S.UNDER_REVIEW)  # accepted by the assigned officer
    officer = case.staff.assigned_officer
    officer.first_name, officer.last_name = "Olivia", "Officer-Gone"
    officer.save()
    officer.groups.clear()  # left the regulator, or moved to a role outside the groups
    assert AuditEvent.objects.filter(action="application.accept", actor=officer).exists()

    response = sign_in(client, case.firm_admin).get(case_url(case))

    page = text_of(response)
    assert "Accepted for review" in page
    assert officer.email not in page
    assert "Officer-Gone" not in page
    assert "The regulator" in page


def test_firm_timeline_names_the_firms_own_members(client, case_in):
    case = case_in(S.SUBMITTED)
    page = text_of(sign_in(client, case.preparer).get(case_url(case)))
    submitted_by = AuditEvent.objects.get(action="application.submit").actor_label
    assert submitted_by and submitted_by in page


# -- Requests for information, item by item -------------------------------------------------------


def test_an_item_is_answered_on_its_own_and_the_page_comes_back(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    first = item(request, 1)

    sign_in(client, case.preparer)
    response = client.post(answer_url(case, first), {f"item-{first.pk}-answer": "Two officers."})

    assert response.status_code == 302
    assert response["Location"] == f"{case_url(case)}#item-{first.pk}"
    first.refresh_from_db()
    assert (first.answer, first.answered_by) == ("Two officers.", case.preparer)
    assert item(request, 2).answer == ""
    assert AuditEvent.objects.filter(action="information_request.answer", object_id=str(first.pk)).exists()


def test_an_item_answered_with_htmx_swaps_just_that_item(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    second = item(request, 2)

    response = sign_in(client, case.preparer).post(
        answer_url(case, second), {f"item-{second.pk}-answer": "Attached."}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="item-{second.pk}"' in html
    assert "Answer to question 2 saved." in html
    assert 'hx-swap-oob="innerHTML"' in html and "1 question still needs an answer." in html


def test_a_document_is_uploaded_and_attached_to_an_item(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    second = item(request, 2)
    insurance = case.application.licence_type.required_document_types.get(code="insurance")
    before = Document.objects.filter(application=case.application, document_type=insurance).count()

    response = sign_in(client, case.preparer).post(
        document_url(case, second),
        {f"item-{second.pk}-doc-document_type": insurance.pk, f"item-{second.pk}-doc-file": pdf_upload("letter.pdf")},
    )

    assert response.status_code == 302
    attached = list(second.documents.all())
    assert [document.original_name for document in attached] == ["letter.pdf"]
    assert attached[0].is_current and attached[0].version == 2  # a new version of the insurance document
    assert Document.objects.filter(application=case.application, document_type=insurance).count() == before + 1
    assert AuditEvent.objects.filter(action="information_request.attach_document", object_id=str(second.pk)).exists()
    page = text_of(client.get(case_url(case)))
    assert "letter.pdf" in page


def test_the_document_type_defaults_to_the_one_the_question_mentions(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    second = item(request, 2)  # "Provide the insurer's letter."
    insurance = case.application.licence_type.required_document_types.get(code="insurance")
    html = sign_in(client, case.preparer).get(case_url(case)).content.decode()
    select = re.search(rf'<select name="item-{second.pk}-doc-document_type".*?</select>', html, flags=re.S)
    assert select is not None
    assert re.search(rf'<option value="{insurance.pk}" selected>', select.group(0))


def test_a_file_of_the_wrong_type_is_refused_with_the_field_marked_invalid(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    second = item(with_open_request(case), 2)
    insurance = case.application.licence_type.required_document_types.get(code="insurance")
    upload = SimpleUploadedFile("letter.exe", b"MZ\x90\x00", content_type="application/octet-stream")

    response = sign_in(client, case.preparer).post(
        document_url(case, second),
        {f"item-{second.pk}-doc-document_type": insurance.pk, f"item-{second.pk}-doc-file": upload},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'<input[^>]*name="item-{second.pk}-doc-file"[^>]*aria-invalid="true"', html)
    assert "letter.exe is not" in text_of(response)
    assert second.documents.count() == 0


def test_a_file_over_its_types_limit_is_refused(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    second = item(with_open_request(case), 2)
    insurance = case.application.licence_type.required_document_types.get(code="insurance")
    insurance.max_size_bytes = 100
    insurance.save()

    response = sign_in(client, case.preparer).post(
        document_url(case, second),
        {f"item-{second.pk}-doc-document_type": insurance.pk, f"item-{second.pk}-doc-file": pdf_upload("big.pdf")},
    )

    assert response.status_code == 400
    assert "big.pdf is 303 bytes; Insurance arrangements may be at most 100 bytes." in text_of(response)
    assert second.documents.count() == 0


def test_a_file_over_the_sites_limit_is_dropped_while_it_streams_and_refused(client, case_in, settings):
    case = case_in(S.UNDER_REVIEW)
    second = item(with_open_request(case), 2)
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    insurance = case.application.licence_type.required_document_types.get(code="insurance")

    response = sign_in(client, case.preparer).post(
        document_url(case, second),
        {f"item-{second.pk}-doc-document_type": insurance.pk, f"item-{second.pk}-doc-file": pdf_upload("big.pdf")},
    )

    assert response.status_code == 400
    assert "The file is larger than 100 bytes" in text_of(response)
    assert second.documents.count() == 0


def test_an_empty_answer_shows_the_error_on_the_field_under_a_chinese_language_cookie(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    first = item(with_open_request(case), 1)
    client.cookies["django_language"] = "zh-hant"

    response = sign_in(client, case.preparer).post(answer_url(case, first), {f"item-{first.pk}-answer": "  "})

    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="zh-hant">' in html
    field_name = f"item-{first.pk}-answer"
    textarea = re.search(rf'<textarea[^>]*name="{field_name}"[^>]*>', html)
    assert textarea is not None and 'aria-invalid="true"' in textarea.group(0)
    error_id = f"id_{field_name}_error"
    assert f'<ul class="errorlist" id="{error_id}">' in html
    assert re.search(rf'aria-describedby="[^"]*{error_id}"', textarea.group(0))
    first.refresh_from_db()
    assert first.answer == ""


def test_sending_the_answers_is_refused_while_a_question_is_unanswered(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    information_item_answer(item=item(request, 1), actor=case.preparer, answer="Two officers.")

    response = sign_in(client, case.preparer).post(reverse("portal:case_respond", args=[case.application.reference]))

    assert response.status_code == 422
    page = text_of(response)
    assert "Every question must be answered" in page
    assert "Question 2: Provide the insurer's letter." in page
    assert "Question 1:" not in page
    assert case.refresh().status == S.INFORMATION_REQUESTED


def test_sending_the_answers_resumes_the_review(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    sign_in(client, case.preparer)
    for question in request.items.all():
        client.post(answer_url(case, question), {f"item-{question.pk}-answer": "Done."})

    response = client.post(reverse("portal:case_respond", args=[case.application.reference]))

    assert response.status_code == 302
    assert case.refresh().status == S.UNDER_REVIEW
    request.refresh_from_db()
    assert request.responded_by == case.preparer
    page = text_of(client.get(case_url(case)))
    assert "Answers sent to the regulator" in page
    assert "Save answer" not in page  # answered requests are read-only


def test_an_answered_request_cannot_be_changed(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    request = with_open_request(case)
    for question in request.items.all():
        information_item_answer(item=question, actor=case.preparer, answer="Done.")
    services.application_respond(application=case.application, actor=case.preparer)
    first = item(request, 1)

    response = sign_in(client, case.preparer).post(answer_url(case, first), {f"item-{first.pk}-answer": "Changed."})

    assert response.status_code == 409
    assert "This request for information is closed." in text_of(response)
    htmx = client.post(answer_url(case, first), {f"item-{first.pk}-answer": "Changed."}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "This request for information is closed." in text_of(htmx)
    first.refresh_from_db()
    assert first.answer == "Done."


# -- Copy into a new draft -------------------------------------------------------------------------


def test_a_firm_admin_copies_a_returned_application_into_a_new_draft(client, case_in):
    case = case_in(S.RETURNED)
    response = sign_in(client, case.firm_admin).post(reverse("portal:case_copy", args=[case.application.reference]))
    copy = LicenceApplication.objects.get(copied_from=case.application)
    assert copy.status == S.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:application", args=[copy.reference])


def test_a_firm_admin_copies_a_refused_application_into_a_new_draft(client, case_in):
    case = case_in(S.REFUSED)
    response = sign_in(client, case.firm_admin).post(reverse("portal:case_copy", args=[case.application.reference]))
    copy = LicenceApplication.objects.get(copied_from=case.application)
    assert response["Location"] == reverse("portal:application", args=[copy.reference])


def test_a_preparer_is_told_why_they_cannot_copy(client, case_in):
    case = case_in(S.RETURNED)
    sign_in(client, case.preparer)
    assert "Only a firm admin of your firm can start a new application" in text_of(client.get(case_url(case)))

    response = client.post(reverse("portal:case_copy", args=[case.application.reference]))

    assert response.status_code == 403
    assert "may start an application" in text_of(response)
    assert not LicenceApplication.objects.filter(copied_from=case.application).exists()


# -- Withdrawing -------------------------------------------------------------------------------------


def withdraw_url(case: Case) -> str:
    return reverse("portal:application_withdraw", args=[case.application.reference])


def test_a_firm_admin_withdraws_a_submitted_application_from_its_case_page(client, case_in):
    case = case_in(S.SUBMITTED)
    sign_in(client, case.firm_admin)

    page = client.get(case_url(case)).content.decode()
    assert f'href="{withdraw_url(case)}"' in page
    assert 'name="confirm"' in client.get(withdraw_url(case)).content.decode()
    response = client.post(withdraw_url(case), {"reason": "Changed plans", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert case.refresh().status == S.WITHDRAWN
    assert "Your firm withdrew this application" in text_of(client.get(case_url(case)))


def test_a_preparer_sees_no_withdraw_link_on_the_case_page(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    page = sign_in(client, case.preparer).get(case_url(case)).content.decode()
    assert withdraw_url(case) not in page


@pytest.mark.parametrize("status", [S.APPROVED, S.REFUSED, S.WITHDRAWN])
def test_a_decided_or_closed_case_offers_no_withdraw_link(client, case_in, status):
    case = case_in(status)
    page = sign_in(client, case.firm_admin).get(case_url(case)).content.decode()
    assert withdraw_url(case) not in page


# -- Who may see what --------------------------------------------------------------------------------


def test_another_firms_user_gets_404_on_every_case_url(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    first = item(with_open_request(case), 1)
    reference = case.application.reference
    sign_in(client, case.other_firm_admin)

    assert client.get(case_url(case)).status_code == 404
    assert client.post(answer_url(case, first), {f"item-{first.pk}-answer": "Mine now."}).status_code == 404
    assert client.post(document_url(case, first), {}).status_code == 404
    assert client.post(reverse("portal:case_respond", args=[reference])).status_code == 404
    assert client.post(reverse("portal:case_copy", args=[reference])).status_code == 404
    first.refresh_from_db()
    assert first.answer == ""


def test_an_item_of_another_firm_is_404_even_under_ones_own_reference(client, case_in):
    ours = case_in(S.UNDER_REVIEW)
    with_open_request(ours)
    theirs = case_in(S.UNDER_REVIEW)
    their_item = item(with_open_request(theirs), 1)

    response = sign_in(client, ours.preparer).post(
        answer_url(ours, their_item), {f"item-{their_item.pk}-answer": "Hijacked."}
    )

    assert response.status_code == 404
    their_item.refresh_from_db()
    assert their_item.answer == ""


def test_anonymous_visitors_are_sent_to_sign_in(client, case_in):
    case = case_in(S.SUBMITTED)
    response = client.get(case_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
