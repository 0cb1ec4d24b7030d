"""Every absolute link the system writes (webhooks, the bank API, credentials, e-mails, the certificate) names
SITE_URL, whichever host or port the request came in on; and a bank sees one firm identity in both doors."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from accounts import services as account_services
from accounts.choices import FirmRole
from applications import services as application_services
from applications.choices import ApplicationStatus as S
from applications.models import Licence
from banking.choices import WebhookEvent
from banking.models import WebhookDelivery
from banking.services import bank_create, referral_cancel
from banking.services.webhooks import licence_event_data
from tests.applications.test_portal_case import sign_in
from tests.banking.conftest import bank_client, refer
from tests.factories import UserFactory
from vasp_licensing.links import absolute_reverse, absolute_url, on_site

pytestmark = pytest.mark.django_db

SITE = "http://example.test:8101"
REFUSING_ENDPOINT = "http://127.0.0.1:9/refused"  # never reached: deliveries are sent after commit


@pytest.fixture(autouse=True)
def _site_on_another_port(settings):
    settings.SITE_URL = SITE
    cache.clear()  # the bank API's throttle buckets are keyed by bank, and banks of different tests share ids
    yield
    cache.clear()


def links_in(text: object) -> list[str]:
    return re.findall(r"https?://[^\s\"']+", str(text))


@pytest.mark.parametrize("site_url", ["http://example.test:8101", "http://example.test:8101/"])
def test_absolute_links_join_the_site_url_with_one_slash(settings, site_url):
    settings.SITE_URL = site_url

    assert absolute_url("/o/token/") == f"{SITE}/o/token/"
    assert absolute_reverse("register:index", query={"q": "VATP 1"}) == f"{SITE}/register/?q=VATP+1"
    assert (
        on_site("http://testserver/accounts/signup/?next=/portal/#top") == f"{SITE}/accounts/signup/?next=/portal/#top"
    )


def test_bank_credentials_name_the_site_url():
    printed = bank_create(name="Harbour Bank").as_dict()

    assert (printed["token_url"], printed["api_docs"]) == (f"{SITE}/o/token/", f"{SITE}/api/docs/")


def test_webhook_and_api_links_name_the_site_url_and_show_the_same_firm(case_in):
    case = case_in(S.APPROVED)
    bank = bank_client("Harbour Bank", webhook_url=REFUSING_ENDPOINT)
    [referral] = refer(case, bank)
    referral_cancel(referral=referral, actor=case.firm_admin)
    licence = Licence.objects.get(application=case.application)

    created = json.loads(WebhookDelivery.objects.get(referral=referral, event_type=WebhookEvent.REFERRAL_CREATED).body)
    cancelled = json.loads(
        WebhookDelivery.objects.get(referral=referral, event_type=WebhookEvent.REFERRAL_CANCELLED).body
    )
    listed = bank.api.get("/api/v1/bank/referrals/").json()["results"]
    detail = bank.api.get(f"/api/v1/bank/referrals/{referral.public_id}/").json()
    licence_data = licence_event_data(licence, change="suspended")

    referral_link = f"{SITE}/api/v1/bank/referrals/{referral.public_id}/"
    assert created["data"]["url"] == cancelled["data"]["url"] == referral_link
    assert [item["url"] for item in listed] == [referral_link] and detail["url"] == referral_link
    assert licence_data["url"] == f"{SITE}/api/v1/licences/{licence.number}/"
    assert created["data"]["firm"] == cancelled["data"]["firm"] == detail["firm"] == listed[0]["firm"]
    assert licence_data["firm"] == detail["firm"]
    # The payload shapes banks have always received.
    assert list(created["data"]) == ["referral_id", "status", "consent_reference", "firm", "url"]
    assert list(cancelled["data"]) == [*created["data"], "cancel_reason"]
    assert list(licence_data) == ["licence_number", "status", "change", "licence_type", "conditions", "firm", "url"]
    assert list(detail["firm"]) == ["legal_name_en", "legal_name_zh", "registration_number", "jurisdiction", "lei"]


def test_a_firm_without_an_lei_reads_null_in_webhooks_as_it_always_did(case_in):
    case = case_in(S.APPROVED)
    case.firm.lei = ""
    case.firm.save(update_fields=["lei"])
    bank = bank_client("Harbour Bank", webhook_url=REFUSING_ENDPOINT)
    [referral] = refer(case, bank)

    webhook_firm = json.loads(WebhookDelivery.objects.get(referral=referral).body)["data"]["firm"]
    api_firm = bank.api.get(f"/api/v1/bank/referrals/{referral.public_id}/").json()["firm"]

    assert (webhook_firm["lei"], api_firm["lei"]) == (None, "")
    assert {**webhook_firm, "lei": ""} == api_firm


def test_the_invitation_email_links_to_the_site_url(draft_case, django_capture_on_commit_callbacks):
    case = draft_case
    with django_capture_on_commit_callbacks(execute=True):
        account_services.invitation_create(
            firm=case.firm, email="new.colleague@example.test", role=FirmRole.PREPARER, actor=case.firm_admin
        )

    [message] = mail.outbox
    assert [link for link in links_in(message.body) if "/portal/invitations/" in link]
    assert all(link.startswith(f"{SITE}/") for link in links_in(message.body))


def test_the_firms_notification_links_to_the_site_url(draft_case, django_capture_on_commit_callbacks):
    case = draft_case
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_submit(application=case.application, actor=case.firm_admin)

    assert mail.outbox and all(links_in(message.body) for message in mail.outbox)
    assert all(link.startswith(f"{SITE}/") for message in mail.outbox for link in links_in(message.body))


def test_the_certificate_verify_link_names_the_site_url(client, case_in):
    case = case_in(S.APPROVED)
    licence = Licence.objects.get(application=case.application)

    response = sign_in(client, case.preparer).get(reverse("portal:licence_certificate", args=[licence.number]))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"{SITE}/register/?q={licence.number}" in re.sub(r"\s+", "", text)


def test_allauth_emails_link_to_the_site_url_not_the_requests_host(client, settings, mailoutbox):
    settings.ALLOWED_HOSTS = ["elsewhere.test"]
    user = UserFactory(email="forgetful@firm.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_HOST="elsewhere.test")
    client.post(reverse("account_reset_password"), {"email": "nobody@firm.example"}, HTTP_HOST="elsewhere.test")

    reset, unknown = mailoutbox
    assert [link for link in links_in(reset.body) if "/accounts/password/reset/key/" in link]
    assert [link for link in links_in(unknown.body) if "/accounts/signup/" in link]
    assert all(link.startswith(f"{SITE}/") for message in mailoutbox for link in links_in(message.body))
    assert all("elsewhere.test" not in message.body for message in mailoutbox)


def _site_url_read_by_settings(tmp_path: Path, dot_env: str | None = None, **environment: str) -> str:
    """SITE_URL as a freshly started process reads it (settings are read once, at start)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "SERVED_AT", "DJANGO_READ_DOT_ENV_FILE"}
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="vasp_licensing.settings.local")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    if dot_env is not None:
        # The same precedence as the opt-in .env: environ.Env.read_env(..., overwrite=False).
        (tmp_path / ".env").write_text(dot_env)
        code = f"import environ; environ.Env.read_env({str(tmp_path / '.env')!r}, overwrite=False); " + code
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1]
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "dot_env", "expected"),
    [
        ({"SERVED_AT": "http://127.0.0.1:8101"}, None, "http://127.0.0.1:8101"),  # make run PORT=8101
        ({"SERVED_AT": "http://127.0.0.1:8101", "SITE_URL": "https://a.example"}, None, "https://a.example"),
        ({"SERVED_AT": "http://127.0.0.1:8101"}, "SITE_URL=https://b.example\n", "https://b.example"),
        (
            {"SERVED_AT": "http://127.0.0.1:8101", "SITE_URL": "https://a.example"},
            "SITE_URL=https://b.example\n",
            "https://a.example",
        ),
        ({}, None, "http://127.0.0.1:8000"),
    ],
)
@pytest.mark.django_db(databases=[])
def test_site_url_comes_from_the_environment_then_dot_env_then_the_served_address(
    tmp_path, environment, dot_env, expected
):
    assert _site_url_read_by_settings(tmp_path, dot_env, **environment) == expected
