"""The firm's banking pages: choosing banks with consent, following a referral, answering a bank, cancelling."""

import json

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.choices import FirmRole
from accounts.models import FirmMembership
from applications import services as application_services
from audit.models import AuditEvent
from banking import services
from banking.models import Referral, ReferralAnswer, WebhookDelivery
from banking.services.referrals import referral_answer
from tests.banking.conftest import bank_client, refer
from tests.builders import advance, complete_draft
from tests.factories import member
from tests.support import sign_in
from vasp_licensing.errors import NotPermitted

WEBHOOK_URL = "https://bank.example.test/webhooks"


@pytest.fixture
def client_for(client):
    """A browser signed in as `user` (firm admins with TOTP set up, as they may be required to)."""

    return lambda user: sign_in(client, user)


def banking_url(firm):
    return reverse("portal:banking", args=[firm.pk])


def referral_url(referral, name="portal:referral"):
    return reverse(name, args=[referral.public_id])


def report(referral, *moves, note=""):
    for status in moves:
        reason = "risk_appetite" if status == "declined" else ""
        referral = services.referral_report_status(
            referral=referral, actor=referral.bank.service_user, status=status, reason_code=reason, note=note
        )
    return referral


@pytest.fixture
def asking(licensed_case, bank_a):
    """A referral on which the bank asks the firm for information."""
    (referral,) = refer(licensed_case, bank_a)
    return report(referral, "acknowledged", "in_review", "information_requested", note="Send your custody policy.")


# --- Choosing banks ------------------------------------------------------------------------------


def test_banking_page_explains_why_when_the_firm_has_no_licence(draft_case, bank_a, client_for):
    response = client_for(draft_case.firm_admin).get(banking_url(draft_case.firm))
    assert response.status_code == 200
    assert "no licence and no approval in principle" in response.content.decode()
    assert 'name="consent"' not in response.content.decode()


def test_banking_page_names_the_application_when_it_is_still_under_review(case_in, bank_a, client_for):
    case = case_in("under_review")
    body = client_for(case.firm_admin).get(banking_url(case.firm)).content.decode()
    assert case.application.reference in body and "under review" in body


def test_referral_request_refused_when_the_firm_does_not_qualify(draft_case, bank_a, client_for):
    response = client_for(draft_case.firm_admin).post(
        banking_url(draft_case.firm), {"banks": [bank_a.bank.pk], "consent": "on"}
    )
    assert response.status_code == 400
    assert "active licence or an approval in principle" in response.content.decode()
    assert not Referral.objects.exists()


def test_licensed_firm_requests_referrals_to_two_banks_and_sees_them_listed(licensed_case, bank_a, bank_b, client_for):
    client = client_for(licensed_case.firm_admin)
    page = client.get(banking_url(licensed_case.firm)).content.decode()
    assert "What the firm consents to share" in page and "beneficial owners" in page

    response = client.post(
        banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk, bank_b.bank.pk], "consent": "on"}
    )

    assert response.status_code == 302
    referrals = Referral.objects.filter(firm=licensed_case.firm)
    assert {referral.bank.name for referral in referrals} == {"Harbour Bank", "Peak Bank"}
    assert all("data pack" in r.consent_text and r.consent_given_by == licensed_case.firm_admin for r in referrals)
    listing = client.get(banking_url(licensed_case.firm)).content.decode()
    for referral in referrals:
        assert referral.consent_reference in listing and referral_url(referral) in listing
    assert AuditEvent.objects.filter(action="referral.create").count() == 2


def test_referral_request_writes_nothing_when_consent_is_missing(licensed_case, bank_a, client_for):
    response = client_for(licensed_case.firm_admin).post(banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk]})
    body = response.content.decode()
    assert response.status_code == 400
    assert "without the firm&#x27;s consent nothing is shared" in body
    assert 'aria-invalid="true"' in body and 'id="id_consent_error"' in body
    assert not Referral.objects.exists()


def test_referral_request_needs_a_bank(licensed_case, bank_a, client_for):
    response = client_for(licensed_case.firm_admin).post(banking_url(licensed_case.firm), {"consent": "on"})
    assert response.status_code == 400
    assert "Choose at least one partner bank." in response.content.decode()
    assert not Referral.objects.exists()


def test_consent_error_is_marked_up_for_assistive_technology_in_traditional_chinese(licensed_case, bank_a, client_for):
    client = client_for(licensed_case.firm_admin)
    client.cookies["django_language"] = "zh-hant"
    response = client.post(banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk]})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="zh-hant">' in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="id_consent_error"' in body
    assert 'class="errorlist" id="id_consent_error"' in body
    assert not Referral.objects.exists()


def test_preparer_sees_why_and_cannot_request_a_referral(licensed_case, bank_a, client_for):
    client = client_for(licensed_case.preparer)
    assert (
        "Only a firm admin can ask for bank referrals" in client.get(banking_url(licensed_case.firm)).content.decode()
    )
    response = client.post(banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk], "consent": "on"})
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_bank_with_an_open_referral_is_shown_as_such_and_cannot_be_chosen_again(
    licensed_case, bank_a, bank_b, client_for
):
    refer(licensed_case, bank_a)
    client = client_for(licensed_case.firm_admin)
    page = client.get(banking_url(licensed_case.firm)).content.decode()
    assert f'value="{bank_a.bank.pk}"' in page and "Harbour Bank: a referral is open (requested)" in page
    assert page.count("disabled") == 1

    response = client.post(banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk], "consent": "on"})

    assert response.status_code == 400
    assert "open referral to Harbour Bank already" in response.content.decode()
    assert Referral.objects.count() == 1


def test_firm_approved_in_principle_may_ask_for_referrals(case_in, bank_a, client_for):
    case = case_in("approved_in_principle")
    response = client_for(case.firm_admin).post(banking_url(case.firm), {"banks": [bank_a.bank.pk], "consent": "on"})
    assert response.status_code == 302
    assert Referral.objects.get().application == case.application


# --- One referral --------------------------------------------------------------------------------


def test_referral_page_shows_progress_note_consent_and_history(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    referral = report(referral, "acknowledged", "in_review", note="Reviewing your ownership chart.")

    body = client_for(licensed_case.preparer).get(referral_url(referral)).content.decode()

    assert '<li class="step step-current" aria-current="step">' in body
    current = body.split('aria-current="step"')[1].split("</li>")[0]
    assert "In the bank&#x27;s review" in current and "(current step)" in current
    assert body.count("step-done") == 3  # requested, delivered (the bank has it), acknowledged
    assert "Reviewing your ownership chart." in body
    assert referral.consent_reference in body and referral.consent_text[:40] in body
    assert "Harbour Bank" in body  # who moved it, in the history
    assert "Acknowledged by the bank" in body


def test_referral_page_names_the_firms_members_and_the_bank_but_not_regulator_officers(
    licensed_case, bank_a, client_for
):
    (referral,) = refer(licensed_case, bank_a)
    report(referral, "acknowledged")
    officer = licensed_case.staff.licensing_manager
    application_services.licence_suspend(
        licence=licensed_case.application.licence, actor=officer, reasons="Inspection."
    )

    body = client_for(licensed_case.preparer).get(referral_url(referral)).content.decode()

    assert officer.email not in body
    assert officer.get_full_name() not in body
    assert "The regulator" in body
    assert "Harbour Bank" in body
    admin = licensed_case.firm_admin
    assert (admin.get_full_name() or admin.email) in body  # who consented, a member of the firm


def test_referral_history_calls_a_member_who_has_left_a_former_member_not_the_regulator(
    licensed_case, bank_a, client_for
):
    (referral,) = refer(licensed_case, bank_a)
    consenting = licensed_case.firm_admin
    successor = member(licensed_case.firm, FirmRole.FIRM_ADMIN)
    account_services.membership_remove(
        membership=FirmMembership.objects.get(user=consenting, firm=licensed_case.firm), actor=successor
    )

    body = client_for(licensed_case.preparer).get(referral_url(referral)).content.decode()

    history = body.split('id="history"')[1]
    assert "A former member of the firm&#x27;s team" in history
    assert "The regulator" not in body


def test_referral_page_shows_the_reason_of_a_decline(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    report(referral, "declined", note="Not for us.")
    body = client_for(licensed_case.firm_admin).get(referral_url(referral)).content.decode()
    assert "Outside the bank&#x27;s risk appetite" in body and "(ended here)" in body
    assert "Cancel the referral" not in body


def test_firm_admin_cancels_an_open_referral(licensed_case, client_for):
    bank = bank_client("Cancel Bank", webhook_url=WEBHOOK_URL)
    (referral,) = refer(licensed_case, bank)
    client = client_for(licensed_case.firm_admin)
    assert "Cancel the referral" in client.get(referral_url(referral)).content.decode()

    response = client.post(referral_url(referral, "portal:referral_cancel"), {"confirm": "on", "reason": "Other bank"})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.cancel_reason) == ("cancelled", "firm_request")
    assert AuditEvent.objects.filter(action="referral.cancel", actor=licensed_case.firm_admin).exists()
    assert WebhookDelivery.objects.filter(referral=referral, event_type="referral.cancelled").exists()


def test_cancel_needs_confirmation(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    response = client_for(licensed_case.firm_admin).post(referral_url(referral, "portal:referral_cancel"), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "requested"


def test_preparer_cannot_cancel_a_referral(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    client = client_for(licensed_case.preparer)
    assert "Only a firm admin can cancel a referral." in client.get(referral_url(referral)).content.decode()
    response = client.post(referral_url(referral, "portal:referral_cancel"), {"confirm": "on"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "requested"


def test_cancel_refused_once_the_referral_is_closed(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    report(referral, "declined")
    response = client_for(licensed_case.firm_admin).post(
        referral_url(referral, "portal:referral_cancel"), {"confirm": "on"}
    )
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == "declined"


# --- Answering a bank ----------------------------------------------------------------------------


def test_firm_member_answers_the_bank_while_it_asks_for_information(licensed_case, client_for):
    bank = bank_client("Asking Bank", webhook_url=WEBHOOK_URL)
    (referral,) = refer(licensed_case, bank)
    referral = report(referral, "acknowledged", "in_review", "information_requested", note="Send your custody policy.")
    client = client_for(licensed_case.preparer)
    page = client.get(referral_url(referral)).content.decode()
    assert "The bank asks" in page and "Send your custody policy." in page

    response = client.post(
        referral_url(referral, "portal:referral_answer"), {"text": "See custody-policy-v3.pdf, sent today."}
    )

    assert response.status_code == 302
    answer = ReferralAnswer.objects.get(referral=referral)
    assert (answer.text, answer.question, answer.author) == (
        "See custody-policy-v3.pdf, sent today.",
        "Send your custody policy.",
        licensed_case.preparer,
    )
    referral.refresh_from_db()
    assert referral.status == "information_requested"  # until the bank resumes its review
    assert AuditEvent.objects.filter(action="referral.answer", actor=licensed_case.preparer).exists()
    delivery = WebhookDelivery.objects.get(referral=referral, event_type="referral.information_provided")
    body = json.loads(delivery.body)
    assert body["type"] == "referral.information_provided"
    assert set(body["data"]) == {"referral_id", "answered_at"}
    assert body["data"]["referral_id"] == str(referral.public_id)
    assert "See custody-policy-v3.pdf" in client.get(referral_url(referral)).content.decode()


def test_answer_refused_when_the_bank_has_not_asked(licensed_case, bank_a, client_for):
    (referral,) = refer(licensed_case, bank_a)
    referral = report(referral, "acknowledged", "in_review")
    client = client_for(licensed_case.firm_admin)
    assert "Answer the bank" not in client.get(referral_url(referral)).content.decode()

    response = client.post(referral_url(referral, "portal:referral_answer"), {"text": "Here it is."})

    assert response.status_code == 409
    assert "has not asked for information" in response.content.decode()
    assert not ReferralAnswer.objects.exists()


def test_answer_needs_text(asking, licensed_case, client_for):
    response = client_for(licensed_case.firm_admin).post(referral_url(asking, "portal:referral_answer"), {"text": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Write the answer to the bank." in body and 'aria-invalid="true"' in body
    assert not ReferralAnswer.objects.exists()


def test_answer_service_refuses_a_user_of_another_firm(asking, licensed_case):
    with pytest.raises(NotPermitted):
        referral_answer(referral=asking, actor=licensed_case.other_firm_admin, text="Not ours.")
    assert not ReferralAnswer.objects.exists()


def test_bank_reads_the_firm_answers_in_the_referral_detail(licensed_case, bank_a):
    (referral,) = refer(licensed_case, bank_a)
    referral = report(referral, "acknowledged", "in_review", "information_requested", note="Who audits you?")
    referral_answer(referral=referral, actor=licensed_case.preparer, text="Audited by Example & Co.")

    detail = bank_a.api.get(f"/api/v1/bank/referrals/{referral.public_id}/").json()

    assert [answer["text"] for answer in detail["firm_answers"]] == ["Audited by Example & Co."]
    assert detail["firm_answers"][0]["answered_at"]


# --- Another firm's objects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "portal:referral", None),
        ("post", "portal:referral_cancel", {"confirm": "on"}),
        ("post", "portal:referral_answer", {"text": "Not ours."}),
    ],
)
def test_user_of_another_firm_gets_404_on_a_referral(asking, licensed_case, client_for, method, name, data):
    client = client_for(licensed_case.other_firm_admin)
    response = getattr(client, method)(referral_url(asking, name), data or {})
    assert response.status_code == 404
    asking.refresh_from_db()
    assert asking.status == "information_requested"
    assert not ReferralAnswer.objects.exists()


def test_user_of_another_firm_gets_404_on_the_banking_page(licensed_case, bank_a, client_for):
    client = client_for(licensed_case.other_firm_admin)
    assert client.get(banking_url(licensed_case.firm)).status_code == 404
    response = client.post(banking_url(licensed_case.firm), {"banks": [bank_a.bank.pk], "consent": "on"})
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(licensed_case, bank_a, client):
    (referral,) = refer(licensed_case, bank_a)
    for url in (banking_url(licensed_case.firm), referral_url(referral)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_referral_page_is_404_for_an_unknown_id(licensed_case, client_for):
    response = client_for(licensed_case.firm_admin).get(
        reverse("portal:referral", args=["00000000-0000-0000-0000-000000000000"])
    )
    assert response.status_code == 404


def test_other_firm_banking_page_stays_404_even_when_that_firm_qualifies(staff, bank_a, client_for):
    licensed = advance(complete_draft(staff), "approved")
    other = advance(complete_draft(staff), "approved")
    (referral,) = refer(other, bank_a)
    client = client_for(licensed.firm_admin)
    assert client.get(banking_url(other.firm)).status_code == 404
    assert client.get(referral_url(referral)).status_code == 404
    assert referral.consent_reference not in client.get(banking_url(licensed.firm)).content.decode()
