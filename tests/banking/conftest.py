import base64
import hashlib
from dataclasses import dataclass
from typing import Protocol

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from banking import services
from banking.services import BankCredentials
from tests.builders import Case

ALL_SCOPES = "referrals:read referrals:write licences:read"


def stored_token(token: str):
    """The AccessToken row of a bearer token; tokens are stored as SHA-256 checksums only (RFC 9700)."""
    from oauth2_provider.models import AccessToken

    return AccessToken.objects.filter(token_checksum=hashlib.sha256(token.encode()).hexdigest())


@dataclass
class BankClient:
    """A partner bank as its integrators see it: the credentials from bank_create and an HTTP client."""

    credentials: BankCredentials
    api: APIClient
    token: str

    @property
    def bank(self):
        return self.credentials.bank


class ClientCredentials(Protocol):
    """What the token endpoint needs: BankCredentials, or the pair a command printed."""

    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...


@dataclass(frozen=True)
class PrintedCredentials:
    client_id: str
    client_secret: str


def fetch_token(credentials: ClientCredentials, *, scope: str | None = ALL_SCOPES, client: APIClient | None = None):
    """A real token from /o/token/, the client authenticated with HTTP Basic as the contract says.
    scope=None asks for no scope in particular."""
    client = client or APIClient()
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode()).decode()
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope is not None else {})}
    return client.post("/o/token/", form, HTTP_AUTHORIZATION=f"Basic {basic}")


def bank_client(name: str, *, scope: str = ALL_SCOPES, webhook_url: str = "") -> BankClient:
    credentials = services.bank_create(name=name, webhook_url=webhook_url)
    response = fetch_token(credentials, scope=scope)
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return BankClient(credentials=credentials, api=api, token=token)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Banks of different tests share primary keys, hence throttle buckets; each test starts with a full one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bank_a(db) -> BankClient:
    return bank_client("Harbour Bank")


@pytest.fixture
def bank_b(db) -> BankClient:
    return bank_client("Peak Bank")


def refer(case: Case, *banks: BankClient | BankCredentials):
    return services.referral_request(
        firm=case.firm,
        banks=[bank.bank for bank in banks],
        actor=case.firm_admin,
        consent_text="We consent to share our data pack with the banks chosen.",
    )
