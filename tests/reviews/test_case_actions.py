"""Acting from the case page: every form goes through the one service, refusals come back explained."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.choices import ApplicationStatus as S
from applications.models import Licence
from audit.models import AuditEvent
from reviews.models import ChecklistItem, Decision, InformationRequest, InternalNote, Recommendation
from screening.models import ScreeningHit
from tests.builders import Case
from tests.reviews.test_case_page import case_forms, case_url, text_of, with_hit
from tests.support import sign_in
from tests.transition_table import ROLES, actor_for

pytestmark = pytest.mark.django_db


def action_url(case: Case, action: str) -> str:
    return reverse("reviews:case_action", args=[case.application.reference, action])


def post_action(client: Client, case: Case, action: str, data: dict | None = None, **extra):
    """Post the page's form for `action` (its fields carry the action as prefix)."""
    fields = {f"{action}-{name}": value for name, value in (data or {}).items()}
    return client.post(action_url(case, action), fields, **extra)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# Transitions


def test_the_assigned_officer_accepts_the_case_from_the_page(client, case_in):
    case = case_in(S.SUBMITTED)
    response = post_action(sign_in(client, case.staff.assigned_officer), case, "accept")

    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert case.refresh().status == S.UNDER_REVIEW
    assert [event.actor for event in events("application.accept")] == [case.staff.assigned_officer]
    assert "Accept for review: done. The case is now under review." in text_of(client.get(response["Location"]))


def test_an_unassigned_case_officer_posting_accept_is_refused_with_the_services_reason(client, case_in):
    case = case_in(S.SUBMITTED)
    response = post_action(sign_in(client, case.staff.other_case_officer), case, "accept")

    assert response.status_code == 403
    assert "is not assigned to you; a licensing manager assigns cases." in text_of(response)
    assert case.refresh().status == S.SUBMITTED
    assert events("application.accept") == []


def test_the_assigned_officer_returns_the_case_with_reasons(client, case_in):
    case = case_in(S.SUBMITTED)
    post_action(sign_in(client, case.staff.assigned_officer), case, "return_to_firm", {"reasons": "No AML manual."})

    app = case.refresh()
    assert (app.status, app.closing_reasons) == (S.RETURNED, "No AML manual.")
    assert events("application.return")[0].payload["reason"] == "No AML manual."


def test_returning_without_reasons_shows_the_form_error_and_changes_nothing(client, case_in):
    case = case_in(S.SUBMITTED)
    response = post_action(sign_in(client, case.staff.assigned_officer), case, "return_to_firm", {"reasons": ""})

    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert case.refresh().status == S.SUBMITTED


def test_the_assigned_officer_requests_information_with_items_and_a_due_date(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    due = timezone.localdate() + timedelta(days=21)
    post_action(
        sign_in(client, case.staff.assigned_officer),
        case,
        "request_information",
        {"items": "Who holds the cold wallet keys?\n\nSend the insurance policy.", "due_date": due.isoformat()},
    )

    assert case.refresh().status == S.INFORMATION_REQUESTED
    request = InformationRequest.objects.get(application=case.application)
    assert request.due_date == due
    assert [item.question for item in request.items.all()] == [
        "Who holds the cold wallet keys?",
        "Send the insurance policy.",
    ]
    assert events("application.request_information")[0].payload["items"] == 2
    page = text_of(client.get(case_url(case)))
    assert "Who holds the cold wallet keys?" in page and "Not answered yet." in page


def test_a_request_for_information_due_today_is_refused_by_the_service(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = post_action(
        sign_in(client, case.staff.assigned_officer),
        case,
        "request_information",
        {"items": "Why?", "due_date": timezone.localdate().isoformat()},
    )

    assert response.status_code == 400
    assert "The due date of a request for information must be in the future." in text_of(response)
    assert not InformationRequest.objects.filter(application=case.application).exists()


def test_the_assigned_officer_recommends_with_reasons_and_draft_conditions(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    post_action(
        sign_in(client, case.staff.assigned_officer),
        case,
        "recommend",
        {
            "outcome": "grant_in_principle",
            "reasons": "Sound, once custody is insured.",
            "draft_conditions": "Insure custody.\nProfessional investors only.\n",
        },
    )

    assert case.refresh().status == S.PENDING_DECISION
    recommendation = Recommendation.objects.get(application=case.application)
    assert (recommendation.outcome, recommendation.made_by, recommendation.draft_conditions) == (
        "grant_in_principle",
        case.staff.assigned_officer,
        ["Insure custody.", "Professional investors only."],
    )
    assert events("application.recommend")[0].payload["draft_conditions"] == recommendation.draft_conditions


def test_a_senior_officer_who_did_not_recommend_decides_and_the_licence_carries_the_conditions(client, case_in):
    case = case_in(S.PENDING_DECISION)
    response = post_action(
        sign_in(client, case.staff.senior_officer),
        case,
        "decide",
        {"outcome": "approve", "reasons": "Meets every criterion.", "conditions": "Serve professional investors only."},
    )

    assert response.status_code == 302
    assert case.refresh().status == S.APPROVED
    decision = Decision.objects.get(application=case.application)
    assert (decision.decided_by, decision.reasons) == (case.staff.senior_officer, "Meets every criterion.")
    licence = Licence.objects.get(application=case.application)
    assert [condition.text for condition in licence.conditions.all()] == ["Serve professional investors only."]
    assert events("application.decide")[0].actor == case.staff.senior_officer


def test_a_refusal_from_the_page_carries_no_conditions(client, case_in):
    case = case_in(S.PENDING_DECISION)
    post_action(
        sign_in(client, case.staff.senior_officer),
        case,
        "decide",
        {"outcome": "refuse", "reasons": "Controls inadequate.", "conditions": "Ignored."},
    )

    assert case.refresh().status == S.REFUSED
    assert Decision.objects.get(application=case.application).conditions == []


def test_the_recommender_forging_a_decision_is_refused_with_the_four_eyes_message(client, case_in):
    case = case_in(S.PENDING_DECISION)
    response = post_action(
        sign_in(client, case.staff.assigned_officer),  # a senior officer too, but the recommender
        case,
        "decide",
        {"outcome": "approve", "reasons": "My own case."},
    )

    assert response.status_code == 403
    page = text_of(response)
    assert "Four eyes: you made a recommendation on" in page
    assert "another senior officer must decide it." in page
    assert case.refresh().status == S.PENDING_DECISION
    assert not Decision.objects.filter(application=case.application).exists()
    assert events("application.decide") == []


def test_a_senior_officer_sends_the_case_back_with_a_comment(client, case_in):
    case = case_in(S.PENDING_DECISION)
    post_action(sign_in(client, case.staff.senior_officer), case, "send_back", {"comment": "Check the UBO chain."})

    assert case.refresh().status == S.UNDER_REVIEW
    assert Decision.objects.get(application=case.application).outcome == "send_back"
    assert events("application.send_back")[0].payload["reason"] == "Check the UBO chain."
    assert "Check the UBO chain." in text_of(client.get(case_url(case)))


def test_the_assigned_officer_recommends_the_final_grant_after_approval_in_principle(client, case_in):
    case = case_in(S.APPROVED_IN_PRINCIPLE)
    post_action(
        sign_in(client, case.staff.assigned_officer),
        case,
        "recommend_final_grant",
        {"reasons": "Insurance in place.", "draft_conditions": "Professional investors only."},
    )

    assert case.refresh().status == S.PENDING_DECISION
    assert events("application.recommend_final_grant")[0].actor == case.staff.assigned_officer


def test_an_unknown_action_is_not_found(client, case_in):
    case = case_in(S.SUBMITTED)
    response = sign_in(client, case.staff.assigned_officer).post(action_url(case, "approve_everything"))

    assert response.status_code == 404


def test_actions_are_posted_only(client, case_in):
    case = case_in(S.SUBMITTED)
    response = sign_in(client, case.staff.assigned_officer).get(action_url(case, "accept"))

    assert response.status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_who_may_accept_from_the_page(client, case_in, role):
    """The table of domain.md, through the page: only the assigned officer accepts; firm users never get in."""
    case = case_in(S.SUBMITTED)
    response = post_action(sign_in(client, actor_for(case, role)), case, "accept")

    accepted = case.refresh().status == S.UNDER_REVIEW
    assert accepted == (role == "assigned_officer")
    if role in ("firm_admin", "preparer", "other_firm_admin"):
        assert response.status_code == 403
        assert not accepted


def test_anonymous_posts_are_sent_to_sign_in(client, case_in):
    case = case_in(S.SUBMITTED)
    response = post_action(client, case, "accept")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert case.refresh().status == S.SUBMITTED


def test_a_boosted_htmx_post_gets_the_redirect_like_a_browser(client, case_in):
    case = case_in(S.SUBMITTED)
    response = post_action(
        sign_in(client, case.staff.assigned_officer), case, "accept", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"
    )

    assert response.status_code == 302
    assert case.refresh().status == S.UNDER_REVIEW


# Checklist


def checklist_url(case: Case, area: str) -> str:
    return reverse("reviews:case_checklist", args=[case.application.reference, area])


def test_the_assigned_officer_records_a_checklist_item_and_it_is_audited(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    officer = case.staff.assigned_officer
    response = sign_in(client, officer).post(
        checklist_url(case, "custody"), {"custody-outcome": "concerns", "custody-note": "Hot wallet at 20%."}
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(case) + "#checklist"
    item = ChecklistItem.objects.get(application=case.application, area="custody")
    assert (item.outcome, item.note, item.updated_by) == ("concerns", "Hot wallet at 20%.", officer)
    [event] = events("checklist.record")
    assert (event.actor, event.before, event.after) == (
        officer,
        {"outcome": "not_started", "note": ""},
        {"outcome": "concerns", "note": "Hot wallet at 20%."},
    )
    assert "Hot wallet at 20%." in text_of(client.get(case_url(case)))


def test_recording_an_area_again_updates_the_one_item(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    sign_in(client, case.staff.assigned_officer)
    client.post(checklist_url(case, "aml_cft"), {"aml_cft-outcome": "concerns", "aml_cft-note": "Thin."})
    client.post(checklist_url(case, "aml_cft"), {"aml_cft-outcome": "satisfactory", "aml_cft-note": ""})

    item = ChecklistItem.objects.get(application=case.application, area="aml_cft")
    assert item.outcome == "satisfactory"
    assert len(events("checklist.record")) == 2


@pytest.mark.parametrize("role", ["other_case_officer", "senior_officer", "licensing_manager", "auditor"])
def test_only_the_assigned_officer_records_the_checklist(client, case_in, role):
    case = case_in(S.UNDER_REVIEW)
    user = actor_for(case, role)
    sign_in(client, user)
    page = client.get(case_url(case))
    response = client.post(checklist_url(case, "custody"), {"custody-outcome": "satisfactory", "custody-note": ""})

    assert checklist_url(case, "custody") not in case_forms(page)
    assert response.status_code == 403
    assert "records its checklist" in text_of(response)
    assert not ChecklistItem.objects.exists()


def test_a_concern_without_a_note_is_refused(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.assigned_officer).post(
        checklist_url(case, "custody"), {"custody-outcome": "unsatisfactory", "custody-note": ""}
    )

    assert response.status_code == 400
    assert "A note is required" in text_of(response)
    assert not ChecklistItem.objects.exists()


def test_the_checklist_is_closed_once_the_recommendation_is_made(client, case_in):
    case = case_in(S.PENDING_DECISION)
    sign_in(client, case.staff.assigned_officer)
    page = client.get(case_url(case))
    response = client.post(checklist_url(case, "custody"), {"custody-outcome": "satisfactory", "custody-note": ""})

    assert checklist_url(case, "custody") not in case_forms(page)
    assert response.status_code == 409
    assert not ChecklistItem.objects.exists()


def test_with_htmx_the_checklist_comes_back_in_place_with_the_timeline(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.assigned_officer).post(
        checklist_url(case, "cybersecurity"),
        {"cybersecurity-outcome": "satisfactory", "cybersecurity-note": "Pen test clean."},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="checklist"')
    assert 'id="timeline" aria-labelledby="timeline-title" hx-swap-oob="true"' in html
    assert "Checklist recorded" in text_of(response) and "Pen test clean." in text_of(response)
    assert "<html" not in html


def test_with_htmx_a_refusal_comes_back_in_the_section(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.assigned_officer).post(
        checklist_url(case, "custody"), {"custody-outcome": "concerns", "custody-note": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200  # htmx swaps 2xx only
    assert "A note is required" in text_of(response)
    assert not ChecklistItem.objects.exists()


# Notes


def notes_url(case: Case) -> str:
    return reverse("reviews:case_note_add", args=[case.application.reference])


@pytest.mark.parametrize("role", ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager"])
def test_regulators_add_internal_notes_and_they_are_audited(client, case_in, role):
    case = case_in(S.UNDER_REVIEW)
    user = actor_for(case, role)
    response = sign_in(client, user).post(notes_url(case), {"note-text": "Spoke to the MLRO."})

    assert response.status_code == 302
    note = InternalNote.objects.get(application=case.application)
    assert (note.author, note.text) == (user, "Spoke to the MLRO.")
    assert events("note.add")[0].payload["text"] == "Spoke to the MLRO."
    assert "Spoke to the MLRO." in text_of(client.get(case_url(case)))


def test_the_auditor_cannot_add_a_note(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.auditor).post(notes_url(case), {"note-text": "Forged."})

    assert response.status_code == 403
    assert "auditors read them" in text_of(response)
    assert not InternalNote.objects.exists()


def test_firm_users_cannot_add_notes(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.firm_admin).post(notes_url(case), {"note-text": "Let us in."})

    assert response.status_code == 403
    assert not InternalNote.objects.exists()


def test_an_empty_note_is_refused(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.senior_officer).post(notes_url(case), {"note-text": "   "})

    assert response.status_code == 400
    assert not InternalNote.objects.exists()


def test_with_htmx_the_notes_come_back_in_place(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    response = sign_in(client, case.staff.senior_officer).post(
        notes_url(case), {"note-text": "Board minutes missing."}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="notes"')
    assert "Board minutes missing." in html and 'hx-swap-oob="true"' in html


# Screening hits


def test_the_assigned_officer_adjudicates_a_hit_from_the_page(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    hit = with_hit(case)
    url = reverse("reviews:case_hit", args=[case.application.reference, hit.pk])
    key = f"hit-{hit.pk}"
    response = sign_in(client, case.staff.assigned_officer).post(
        url, {f"{key}-status": "false_match", f"{key}-note": "Different date of birth."}
    )

    assert response.status_code == 302
    hit.refresh_from_db()
    assert (hit.status, hit.note) == ("false_match", "Different date of birth.")
    assert events("screening.adjudicate")[0].actor == case.staff.assigned_officer


def test_another_officer_cannot_adjudicate_a_hit(client, case_in):
    case = case_in(S.UNDER_REVIEW)
    hit = with_hit(case)
    url = reverse("reviews:case_hit", args=[case.application.reference, hit.pk])
    key = f"hit-{hit.pk}"
    response = sign_in(client, case.staff.other_case_officer).post(
        url, {f"{key}-status": "true_match", f"{key}-note": "Looks like him."}
    )

    assert response.status_code == 403
    assert ScreeningHit.objects.get(pk=hit.pk).status == "open"


def test_a_hit_of_another_case_is_not_found_through_this_case(client, case_in):
    case, other = case_in(S.UNDER_REVIEW), case_in(S.UNDER_REVIEW)
    hit = with_hit(other)
    url = reverse("reviews:case_hit", args=[case.application.reference, hit.pk])
    response = sign_in(client, case.staff.assigned_officer).post(url, {})

    assert response.status_code == 404
