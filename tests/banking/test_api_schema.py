"""schemathesis against /api/schema/, every operation with a valid token: no server error, answers as documented."""

import os
import uuid
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from banking.models import Referral
from tests.banking.conftest import bank_client, refer
from vasp_licensing.wsgi import application

# 60 per operation under CI's hypothesis profile, 20 under dev's (tests/conftest.py);
# SCHEMATHESIS_EXAMPLES=1000 for a deeper search before a release.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", min(60, settings().max_examples)))


# Loaded once at collection from the real WSGI application, as a bank's client generator would load it.
# (schemathesis.pytest.from_fixture, the lazy loader, does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@contextmanager
def keeping_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bank_with_referrals(licensed_case, settings):
    # Hundreds of calls from one bank in seconds: lift its rate limit (throttling has its own test).
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "bank": "100000/minute", "public": "100000/minute"},
    }
    bank = bank_client("Schema Bank")
    refer(licensed_case, bank)
    return bank


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case, bank_with_referrals, licensed_case):
    # Half the generated ids would never exist; point some at real records so the happy paths run too.
    referral = Referral.objects.filter(bank=bank_with_referrals.bank).first()
    if "id" in (case.path_parameters or {}) and len(case.path_parameters["id"]) % 2 == 0:
        case.path_parameters["id"] = str(referral.public_id)
    if "number" in (case.path_parameters or {}) and len(case.path_parameters["number"]) % 2 == 0:
        case.path_parameters["number"] = licensed_case.application.licence.number
    # Key reuse has its own tests; here a repeated generated key would only be the documented 422.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    with keeping_the_test_connection():
        case.call_and_validate(headers={"Authorization": f"Bearer {bank_with_referrals.token}"})
