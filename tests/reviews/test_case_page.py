"""The case page: who may read it, what it shows, what it offers, and how many queries it takes."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.checks.messages import LEGACY
from applications.choices import ApplicationStatus as S
from applications.models import Document, DocumentFinding, DocumentType, Person
from applications.selectors import application_transitions_open
from applications.services.transitions import information_item_upload_document
from audit.models import AuditEvent
from reviews.models import InformationRequestItem
from reviews.selectors.case import case_timeline
from reviews.services.checklist import checklist_item_record
from reviews.services.notes import note_add
from reviews.workflow import APPLICATION
from screening.models import ScreeningHit
from screening.services import sanctions_list_load, screening_run
from tests.builders import MINIMAL_PDF, Case, pdf_upload
from tests.support import sign_in
from tests.transition_table import actor_for

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "screening" / "samples"
REGULATOR_ROLES = ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager", "auditor"]
FIRM_ROLES = ["firm_admin", "preparer", "other_firm_admin"]


def case_url(case: Case) -> str:
    return reverse("reviews:case", args=[case.application.reference])


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def offered_actions(response) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', response.content.decode())


def case_forms(response) -> list[str]:
    """The action URLs of every form on the page that posts to the case (not the header's language form)."""
    return [url for url in re.findall(r'<form[^>]*action="([^"]+)"', response.content.decode()) if "/cases/" in url]


def with_hit(case: Case) -> ScreeningHit:
    sanctions_list_load(path=SAMPLES / "un_sc_sample.xml")
    Person.objects.filter(pk=case.people[0].pk).update(full_name_en="Zoran Velimir Kastellan")
    screening_run(application_id=case.application.pk)
    return ScreeningHit.objects.get(application=case.application)


# Who may read it


@pytest.mark.parametrize("role", REGULATOR_ROLES)
def test_every_regulator_may_read_the_case(client, case_in, role):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, actor_for(case, role)).get(case_url(case))

    assert response.status_code == 200
    assert case.application.reference in text_of(response)


@pytest.mark.parametrize("role", FIRM_ROLES)
def test_firm_users_are_refused_the_case_page_even_their_own(client, case_in, role):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, actor_for(case, role)).get(case_url(case))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, case_in):
    case = case_in(S.SUBMITTED)
    response = client.get(case_url(case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_reference_is_not_found(client, staff):
    response = sign_in(client, staff.senior_officer).get(reverse("reviews:case", args=["VASP-1999-99999"]))

    assert response.status_code == 404


# What it shows


def test_the_page_shows_overview_people_documents_checklist_requests_notes_and_timeline(client, case_in):
    case = case_in(S.INFORMATION_REQUESTED)
    officer = case.staff.assigned_officer
    note_add(application=case.application, actor=case.staff.licensing_manager, text="Call the firm's MLRO.")
    checklist_item_record(
        application=case.application, actor=officer, area="custody", outcome="concerns", note="Hot wallet share high."
    )

    page = text_of(sign_in(client, officer).get(case_url(case)))

    app = case.refresh()
    assert app.firm.legal_name_en in page
    assert app.licence_type.name in page
    assert "Information requested" in page
    assert "days paused while waiting for the firm" in page or "day paused while waiting for the firm" in page
    assert "of 105 days under review" in page
    for person in case.people:
        assert person.full_name_en in page
    for document in Document.objects.filter(application=app, is_current=True):
        assert document.original_name in page
    assert "Fit and proper" in page and "Business plan" in page and "Hot wallet share high." in page
    assert "Explain cold wallet key ceremonies." in page and "Answered in the attached note." in page
    assert "Call the firm's MLRO." in page
    assert "Accepted for review" in page and "Question answered" in page and "Checklist recorded" in page


def test_the_officer_sees_and_can_download_the_documents_the_firm_attached_to_an_answer(client, case_in):
    case = case_in(S.INFORMATION_REQUESTED)
    item = InformationRequestItem.objects.filter(request__application=case.application)[:1].get()
    document_type = DocumentType.objects.get(code="insurance")
    document = information_item_upload_document(
        item=item,
        actor=case.firm_admin,
        document_type=document_type,
        uploaded_file=pdf_upload("insurer-letter.pdf"),
    )

    response = sign_in(client, case.staff.assigned_officer).get(case_url(case))

    download = reverse("reviews:document_download", args=[document.pk])
    requests_section = response.content.decode().split('id="requests"', 1)[1].split("</section>", 1)[0]
    assert download in requests_section
    assert "insurer-letter.pdf (version" in text_of(response)


def test_the_timeline_holds_every_event_of_the_case_and_of_its_documents_requests_and_notes(client, case_in):
    case = case_in(S.INFORMATION_REQUESTED)
    other = case_in(S.SUBMITTED)
    response = sign_in(client, case.staff.auditor).get(case_url(case))

    timeline = response.context["page"].timeline
    actions = {entry.event.action for entry in timeline}
    assert {"application.create", "document.upload", "document.checks", "application.submit"} <= actions
    assert {"application.accept", "application.request_information", "information_request.answer"} <= actions
    others = {("applications.licenceapplication", str(other.application.pk))}
    others |= {("applications.document", str(pk)) for pk in other.application.documents.values_list("pk", flat=True)}
    assert not others & {(entry.event.object_type, entry.event.object_id) for entry in timeline}
    sequences = [entry.event.sequence for entry in timeline]
    assert sequences == sorted(sequences, reverse=True)


def test_document_findings_are_all_shown_internal_ones_marked(client, case_in):
    case = case_in(S.SUBMITTED)
    document = Document.objects.filter(application=case.application)[:1].get()
    DocumentFinding.objects.create(
        document=document,
        check_code="seen_elsewhere",
        outcome="warn",
        code=LEGACY,
        params={"text": "Same file as another firm's."},
        internal=True,
    )
    page = text_of(sign_in(client, case.staff.assigned_officer).get(case_url(case)))

    assert "Same file as another firm's. (internal: not shown to the firm)" in page
    assert document.findings.exclude(internal=True)[:1].get().message in page


def test_screening_hits_are_shown_with_the_person_and_the_assigned_officer_may_adjudicate(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    hit = with_hit(case)
    url = reverse("reviews:case_hit", args=[case.application.reference, hit.pk])

    officer_page = sign_in(client, case.staff.assigned_officer).get(case_url(case))
    assert hit.matched_name in text_of(officer_page)
    assert url in case_forms(officer_page)

    other_page = sign_in(Client(), case.staff.other_case_officer).get(case_url(case))
    assert hit.matched_name in text_of(other_page)
    assert url not in case_forms(other_page)


# What it offers


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        (S.SUBMITTED, "assigned_officer", ["accept", "return_to_firm"]),
        (S.SUBMITTED, "other_case_officer", []),
        (S.SUBMITTED, "senior_officer", []),
        (S.UNDER_REVIEW, "assigned_officer", ["request_information", "recommend"]),
        (S.UNDER_REVIEW, "licensing_manager", []),
        (S.INFORMATION_REQUESTED, "assigned_officer", []),
        (S.PENDING_DECISION, "senior_officer", ["decide", "send_back"]),
        (S.PENDING_DECISION, "assigned_officer", []),  # a senior officer too, but the recommender
        (S.PENDING_DECISION, "auditor", []),
        (S.APPROVED_IN_PRINCIPLE, "assigned_officer", ["recommend_final_grant"]),
        (S.APPROVED, "senior_officer", []),
    ],
)
def test_the_actions_offered_are_exactly_the_transitions_the_rules_allow(client, case_in, state, role, expected):
    case = case_in(state)
    user = actor_for(case, role)
    response = sign_in(client, user).get(case_url(case))

    permitted = application_transitions_open(application=case.refresh(), user=user)
    assert offered_actions(response) == [name for name in APPLICATION.actions if name in permitted]
    assert sorted(offered_actions(response)) == sorted(expected)


def test_an_unassigned_case_officer_reads_the_case_and_is_told_only_the_assigned_officer_acts(client, case_in):
    # Policy: all regulators may read every case; only the assigned officer acts on it.
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.other_case_officer).get(case_url(case))

    assert response.status_code == 200
    assert "Only its assigned case officer" in text_of(response)
    assert str(case.staff.assigned_officer) in text_of(response)
    notes_url = reverse("reviews:case_note_add", args=[case.application.reference])
    assert case_forms(response) == [notes_url]  # any regulator but an auditor may write a note


def test_the_auditor_reads_everything_and_gets_no_form(client, case_in):
    case = case_in(S.PENDING_DECISION)
    note_add(application=case.application, actor=case.staff.senior_officer, text="Check the insurer.")
    response = sign_in(client, case.staff.auditor).get(case_url(case))

    page = text_of(response)
    assert "Check the insurer." in page and "Fit and proper" in page
    assert "nothing can be changed" in page
    assert case_forms(response) == []


def test_the_recommender_sees_that_they_cannot_decide(client, case_in):
    case = case_in(S.PENDING_DECISION)
    response = sign_in(client, case.staff.assigned_officer).get(case_url(case))

    assert "you made a recommendation on this case, so you cannot decide it" in text_of(response)
    assert "decide" not in offered_actions(response)


def test_the_checker_sees_the_recommendation_with_its_reasons_and_draft_conditions(client, case_in):
    case = case_in(S.PENDING_DECISION)
    response = sign_in(client, case.staff.senior_officer).get(case_url(case))

    page = text_of(response)
    assert "Fit and proper; controls adequate." in page
    assert "Serve professional investors only." in page
    assert "Waiting for a senior officer's decision." in page
    decide_form = next(action.form for action in response.context["actions"] if action.name == "decide")
    assert decide_form.initial["conditions"] == ["Serve professional investors only."]


# Documents


def download_url(document: Document) -> str:
    return reverse("reviews:document_download", args=[document.pk])


def test_a_regulator_downloads_a_document_as_an_attachment_and_it_is_logged(client, case_in):
    case = case_in(S.SUBMITTED)
    document = Document.objects.filter(application=case.application)[:1].get()
    user = case.staff.auditor
    response = sign_in(client, user).get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.original_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="document.download")
    assert (event.actor, event.object_id, event.payload["application"]) == (
        user,
        str(document.pk),
        case.application.reference,
    )


def test_the_case_page_links_every_document_to_its_download(client, case_in):
    case = case_in(S.SUBMITTED)
    response = sign_in(client, case.staff.senior_officer).get(case_url(case))

    for document in Document.objects.filter(application=case.application, is_current=True):
        assert download_url(document) in response.content.decode()


def test_a_member_of_the_firm_may_download_its_own_document(client, case_in):
    case = case_in(S.SUBMITTED)
    document = Document.objects.filter(application=case.application)[:1].get()
    response = sign_in(client, case.preparer).get(download_url(document))

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="document.download", actor=case.preparer).count() == 1


def test_another_firms_user_is_refused_the_download_and_nothing_is_logged(client, case_in):
    case = case_in(S.SUBMITTED)
    document = Document.objects.filter(application=case.application)[:1].get()
    response = sign_in(client, case.other_firm_admin).get(download_url(document))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_anonymous_visitors_cannot_download(client, case_in):
    case = case_in(S.SUBMITTED)
    response = client.get(download_url(Document.objects.filter(application=case.application)[:1].get()))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="document.download").exists()


# Queries


def _grow(case: Case, times: int) -> None:
    """More of everything the page lists: audit events, notes, documents with findings, checklist items."""
    staff, app = case.staff, case.application
    template = Document.objects.filter(application=app)[:1].get()
    for number in range(times):
        note_add(application=app, actor=staff.senior_officer, text=f"Note {number}")
        document = Document.objects.create(
            application=app,
            document_type=template.document_type,
            file=template.file.name,
            original_name=f"extra-{number}.pdf",
            size=template.size,
            sha256=template.sha256,
            check_status="passed",
        )
        DocumentFinding.objects.create(
            document=document, check_code="type", outcome="pass", code=LEGACY, params={"text": "A PDF."}
        )
        DocumentFinding.objects.create(
            document=document, check_code="size", outcome="pass", code=LEGACY, params={"text": "Small."}
        )
    for area in ("custody", "aml_cft", "cybersecurity")[: min(times, 3)]:
        checklist_item_record(application=app, actor=staff.assigned_officer, area=area, outcome="satisfactory")


def _queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case_url(case))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["assigned_officer", "senior_officer"])
def test_the_number_of_queries_does_not_grow_with_the_events_documents_and_notes(client, case_in, role):
    small, large = case_in(S.UNDER_REVIEW), case_in(S.UNDER_REVIEW)
    _grow(small, 1)
    _grow(large, 25)
    user = actor_for(small, role)  # both cases share the staff
    sign_in(client, user)
    _queries(client, small)  # warm the session and the user's role cache alike for both

    few, many = _queries(client, small), _queries(client, large)
    assert few == many
    assert len(case_timeline(application=large.application)) > len(case_timeline(application=small.application)) + 20
