"""Idempotency-Key on the status endpoint: a retry gets the first answer and never moves a referral twice."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from banking.choices import IdempotencyState, ReferralStatus
from banking.models import IdempotencyRecord, Referral
from banking.tasks import idempotency_keys_prune
from tests.banking.conftest import refer
from tests.conftest import wait_for


def post_status(bank, referral, body, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return bank.api.post(f"/api/v1/bank/referrals/{referral.public_id}/status/", body, format="json", **headers)


def referral_events(referral) -> int:
    return AuditEvent.objects.filter(object_type="banking.referral", object_id=str(referral.pk)).count()


def test_same_key_and_body_replays_the_first_response(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    key = str(uuid.uuid4())

    first = post_status(bank_a, referral, {"status": "acknowledged", "note": "Received"}, key)
    # Key order and spacing do not make it another request.
    again = post_status(bank_a, referral, {"note": "Received", "status": "acknowledged"}, key)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert referral_events(referral) == 2  # created, acknowledged once


def test_a_refusal_is_replayed_too_not_retried(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    key = str(uuid.uuid4())

    refused = post_status(bank_a, referral, {"status": "account_opened"}, key)
    # The move would now be possible, but this key already has its answer.
    post_status(bank_a, referral, {"status": "acknowledged"}, str(uuid.uuid4()))
    post_status(bank_a, referral, {"status": "in_review"}, str(uuid.uuid4()))
    replayed = post_status(bank_a, referral, {"status": "account_opened"}, key)

    assert refused.status_code == replayed.status_code == 409
    assert replayed["Content-Type"] == "application/problem+json"
    assert replayed.json() == refused.json()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_REVIEW


def test_same_key_with_another_body_is_422_and_changes_nothing(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    key = str(uuid.uuid4())
    post_status(bank_a, referral, {"status": "acknowledged"}, key)

    other = post_status(bank_a, referral, {"status": "declined", "reason_code": "risk_appetite"}, key)

    assert other.status_code == 422
    assert other.json()["type"] == "/api/problems/idempotency_key_reused/"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_key_is_400_and_changes_nothing(licensed_case, bank_a, key):
    [referral] = refer(licensed_case, bank_a)

    response = post_status(bank_a, referral, {"status": "acknowledged"}, key)

    assert response.status_code == 400
    assert response.json()["type"] == "/api/problems/idempotency_key_missing/"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    assert not IdempotencyRecord.objects.exists()


def test_overlong_key_is_400(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)

    response = post_status(bank_a, referral, {"status": "acknowledged"}, "k" * 256)

    assert response.status_code == 400
    assert not IdempotencyRecord.objects.exists()


def test_invalid_body_does_not_use_up_the_key(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    key = str(uuid.uuid4())

    invalid = post_status(bank_a, referral, {"status": "declined"}, key)
    fixed = post_status(bank_a, referral, {"status": "declined", "reason_code": "screening"}, key)

    assert invalid.status_code == 400
    assert fixed.status_code == 200


def test_keys_are_per_bank(licensed_case, bank_a, bank_b):
    [for_a, for_b] = refer(licensed_case, bank_a, bank_b)
    key = "shared-key-1"

    assert post_status(bank_a, for_a, {"status": "acknowledged"}, key).status_code == 200
    assert post_status(bank_b, for_b, {"status": "acknowledged"}, key).status_code == 200


def test_old_keys_are_pruned(licensed_case, bank_a, settings):
    [referral] = refer(licensed_case, bank_a)
    post_status(bank_a, referral, {"status": "acknowledged"}, "old")
    post_status(bank_a, referral, {"status": "in_review"}, "recent")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1)
    )

    assert idempotency_keys_prune.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_is_409_while_the_first_is_in_progress(licensed_case, bank_a, postgres_only):
    [referral] = refer(licensed_case, bank_a)
    key, body = str(uuid.uuid4()), {"status": "acknowledged"}
    first: dict = {}

    def send_first():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bank_a.token}")
        try:
            first["response"] = client.post(
                f"/api/v1/bank/referrals/{referral.public_id}/status/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
            )
        finally:
            connection.close()

    thread = threading.Thread(target=send_first)
    # Hold the referral's row: the first request claims its key, then waits on the lock.
    with transaction.atomic():
        Referral.objects.select_for_update().get(pk=referral.pk)
        thread.start()
        wait_for(lambda: IdempotencyRecord.objects.filter(key=key, state=IdempotencyState.IN_PROGRESS).exists())
        duplicate = post_status(bank_a, referral, body, key)
    thread.join(timeout=30)

    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "/api/problems/idempotency_conflict/"
    assert first["response"].status_code == 200
    replay = post_status(bank_a, referral, body, key)
    assert replay.status_code == 200 and replay.json() == first["response"].json()
    assert referral_events(referral) == 2
