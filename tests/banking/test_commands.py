"""bank_create and bank_credentials, as an operator runs them: JSON on stdout, the secrets shown once."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import Application
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from audit.models import AuditEvent
from banking.models import PartnerBank
from tests.banking.conftest import PrintedCredentials, fetch_token

pytestmark = pytest.mark.django_db

KEYS = {"bank", "client_id", "client_secret", "token_url", "api_docs", "scopes", "webhook_url", "webhook_secret"}


def run(command: str, **options) -> dict:
    """The command's stdout, which must be JSON and nothing else."""
    out = StringIO()
    call_command(command, stdout=out, stderr=StringIO(), **options)
    return json.loads(out.getvalue())


def refused(command: str, **options) -> tuple[CommandError, str]:
    out = StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command(command, stdout=out, stderr=StringIO(), **options)
    return refusal.value, out.getvalue()


def token_response(printed: dict):
    return fetch_token(PrintedCredentials(client_id=printed["client_id"], client_secret=printed["client_secret"]))


def referrals_response(access_token: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return api.get("/api/v1/bank/referrals/")


def access_token(printed: dict) -> str:
    response = token_response(printed)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_bank_create_prints_the_credentials_as_json():
    printed = run("bank_create", name="Harbour Bank", webhook_url="https://bank.example/hooks")

    assert set(printed) == KEYS
    assert printed["bank"] == "Harbour Bank"
    assert printed["webhook_url"] == "https://bank.example/hooks"
    application = PartnerBank.objects.get(name="Harbour Bank").oauth_application
    assert application is not None and application.client_id == printed["client_id"]


def test_the_printed_webhook_secret_verifies_signatures():
    printed = run("bank_create", name="Harbour Bank")

    assert printed["webhook_secret"].startswith("whsec_")
    webhook = Webhook(printed["webhook_secret"])
    now, body = datetime.now(UTC), '{"type":"referral.created"}'
    signature = webhook.sign("msg_1", now, body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature}
    assert webhook.verify(body, headers) == {"type": "referral.created"}


def test_the_printed_client_credentials_obtain_a_token_that_reads_the_referrals():
    printed = run("bank_create", name="Harbour Bank")

    response = referrals_response(access_token(printed))

    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


def test_the_client_secret_is_stored_hashed():
    printed = run("bank_create", name="Harbour Bank")

    stored = Application.objects.get(client_id=printed["client_id"]).client_secret
    assert stored != printed["client_secret"]
    assert check_password(printed["client_secret"], stored)


def test_bank_create_refuses_a_name_taken_whatever_the_case():
    run("bank_create", name="Harbour Bank")

    error, stdout = refused("bank_create", name="harbour BANK")

    assert "exists already" in str(error)
    assert error.returncode == 1
    assert stdout == ""
    assert PartnerBank.objects.count() == 1


def test_bank_create_refuses_an_empty_name():
    error, stdout = refused("bank_create", name="  ")

    assert "needs a name" in str(error)
    assert stdout == ""
    assert not PartnerBank.objects.exists()


def test_bank_create_refuses_a_webhook_url_that_is_not_http():
    error, stdout = refused("bank_create", name="Harbour Bank", webhook_url="ftp://bank.example/hooks")

    assert "ftp://bank.example/hooks" in str(error)
    assert error.returncode == 1
    assert stdout == ""
    assert not PartnerBank.objects.exists()


def test_bank_credentials_prints_a_new_set_that_works():
    first = run("bank_create", name="Harbour Bank")

    rotated = run("bank_credentials", name="Harbour Bank")

    assert set(rotated) == KEYS
    assert rotated["client_id"] != first["client_id"]
    assert rotated["client_secret"] != first["client_secret"]
    assert rotated["webhook_secret"].startswith("whsec_")
    assert rotated["webhook_secret"] != first["webhook_secret"]
    assert referrals_response(access_token(rotated)).status_code == 200
    assert PartnerBank.objects.get().webhook_secret == rotated["webhook_secret"]


def test_bank_credentials_stops_the_old_secret_and_the_old_token_at_once():
    first = run("bank_create", name="Harbour Bank")
    old_token = access_token(first)
    assert referrals_response(old_token).status_code == 200

    run("bank_credentials", name="Harbour Bank")

    assert token_response(first).status_code == 401
    assert referrals_response(old_token).status_code == 401


def test_bank_credentials_finds_the_bank_whatever_the_case():
    run("bank_create", name="Harbour Bank")

    rotated = run("bank_credentials", name="  HARBOUR bank ")

    assert rotated["bank"] == "Harbour Bank"


def test_bank_credentials_keeps_the_webhook_url_unless_given_one():
    run("bank_create", name="Harbour Bank", webhook_url="https://bank.example/hooks")

    kept = run("bank_credentials", name="Harbour Bank")
    changed = run("bank_credentials", name="Harbour Bank", webhook_url="https://bank.example/v2/hooks")

    assert kept["webhook_url"] == "https://bank.example/hooks"
    assert changed["webhook_url"] == "https://bank.example/v2/hooks"
    assert PartnerBank.objects.get().webhook_url == "https://bank.example/v2/hooks"


def test_bank_credentials_refuses_an_unknown_bank_and_suggests_bank_create():
    error, stdout = refused("bank_credentials", name="Nowhere Bank")

    assert "Nowhere Bank" in str(error)
    assert "bank_create" in str(error)
    assert error.returncode == 1
    assert stdout == ""


def test_bank_credentials_refuses_an_invalid_webhook_url_and_keeps_the_old_credentials():
    first = run("bank_create", name="Harbour Bank")

    error, stdout = refused("bank_credentials", name="Harbour Bank", webhook_url="not a url")

    assert "not a url" in str(error)
    assert stdout == ""
    assert token_response(first).status_code == 200


def test_each_command_leaves_an_audit_event_without_the_secrets():
    created = run("bank_create", name="Harbour Bank")
    rotated = run("bank_credentials", name="Harbour Bank")

    events = list(AuditEvent.objects.filter(action__startswith="bank.").order_by("sequence"))

    assert [event.action for event in events] == ["bank.create", "bank.rotate_credentials"]
    assert [event.request_id for event in events] == ["manage.py bank_create", "manage.py bank_credentials"]
    written = json.dumps([[event.before, event.after, event.payload] for event in events])
    assert created["client_id"] in written and rotated["client_id"] in written
    for printed in (created, rotated):
        assert printed["client_secret"] not in written
        assert printed["webhook_secret"] not in written


def test_webhooks_deliver_due_attempts_what_is_due(licensed_case, settings):
    from banking.choices import DeliveryStatus
    from banking.models import WebhookDelivery
    from banking.services import bank_create, referral_request

    settings.WEBHOOK_RETRY_DELAYS = []
    bank = bank_create(name="Sweep Bank", webhook_url="http://127.0.0.1:9/refused").bank
    referral_request(firm=licensed_case.firm, banks=[bank], actor=licensed_case.firm_admin, consent_text="Consent.")
    out = StringIO()

    call_command("webhooks_deliver_due", stdout=out)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED  # the endpoint refuses connections; no retries configured
    assert delivery.attempts.count() == 1
    assert "1 due deliveries attempted." in out.getvalue()
