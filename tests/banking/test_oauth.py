"""/o/token/: OAuth 2.0 client credentials for partner banks, nothing else."""

import base64

from django.conf import settings
from rest_framework.test import APIClient

from banking import services
from tests.banking.conftest import fetch_token, stored_token


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_token_with_http_basic_is_short_lived_and_carries_the_scopes(db):
    credentials = services.bank_create(name="Token Bank")

    response = fetch_token(credentials)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"] <= 3600
    assert set(body["scope"].split()) == {"referrals:read", "referrals:write", "licences:read"}
    assert "refresh_token" not in body


def test_without_a_scope_the_bank_gets_the_scopes_it_was_granted(db):
    credentials = services.bank_create(name="Narrow Bank")
    credentials.bank.scopes = "licences:read"
    credentials.bank.save(update_fields=["scopes"])

    default = fetch_token(credentials, scope=None)
    wider = fetch_token(credentials, scope="referrals:read")

    assert default.status_code == 200
    assert stored_token(default.json()["access_token"]).get().scope == "licences:read"
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"


def test_wrong_secret_is_invalid_client(db):
    credentials = services.bank_create(name="Wrong Secret Bank")

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(credentials.client_id, "not-the-secret"),
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_inactive_bank_gets_no_token(db):
    credentials = services.bank_create(name="Dormant Bank")
    credentials.bank.is_active = False
    credentials.bank.save(update_fields=["is_active"])

    response = fetch_token(credentials)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_only_client_credentials_is_offered(db):
    credentials = services.bank_create(name="Grant Bank")

    response = APIClient().post(
        "/o/token/",
        {"grant_type": "password", "username": "x", "password": "y"},
        HTTP_AUTHORIZATION=basic(credentials.client_id, credentials.client_secret),
    )

    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("unauthorized_client", "unsupported_grant_type", "invalid_grant")


def test_a_revoked_token_stops_working(db):
    credentials = services.bank_create(name="Revoking Bank")
    token = fetch_token(credentials).json()["access_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/bank/referrals/").status_code == 200

    revoked = APIClient().post(
        "/o/revoke_token/",
        {"token": token},
        HTTP_AUTHORIZATION=basic(credentials.client_id, credentials.client_secret),
    )

    assert revoked.status_code == 200
    assert api.get("/api/v1/bank/referrals/").status_code == 401


def test_client_secret_is_stored_hashed_but_cheap_to_check(db):
    from oauth2_provider.models import Application

    credentials = services.bank_create(name="Hash Bank")
    stored = Application.objects.get(client_id=credentials.client_id).client_secret

    assert stored != credentials.client_secret
    assert stored.startswith("client_secret_pbkdf2_sha256$1$")
