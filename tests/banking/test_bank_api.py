"""The bank API through HTTP with real OAuth tokens, as a bank's integrators use it."""

import uuid

import pytest
from django_fsm_log.models import StateLog

from audit.models import AuditEvent
from banking.choices import ReferralStatus
from banking.models import Referral
from banking.services import referral_cancel
from tests.banking.conftest import bank_client, refer, stored_token

PROBLEM = "application/problem+json"
NO_SUCH_REFERRAL = "00000000-0000-4000-8000-000000000000"  # fixed: xdist workers must collect the same ids


def referral_url(referral: Referral) -> str:
    return f"/api/v1/bank/referrals/{referral.public_id}/"


def report(bank, referral, status: str, **fields):
    return bank.api.post(
        referral_url(referral) + "status/",
        {"status": status, **fields},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/api/problems/")
    assert body["title"] and body["detail"]
    return body


def test_bank_journey_from_list_to_account_opened(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)

    listed = bank_a.api.get("/api/v1/bank/referrals/")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["results"]] == [str(referral.public_id)]

    detail = bank_a.api.get(referral_url(referral)).json()
    pack = detail["data_pack"]
    assert pack["firm"]["legal_name_en"] == licensed_case.firm.legal_name_en
    assert pack["firm"]["lei"] == licensed_case.firm.lei
    assert pack["licence"]["number"] == licensed_case.application.licence.number
    assert pack["licence"]["status"] == "active"
    assert len(pack["responsible_officers"]) >= 2
    assert all(owner["percentage"] for owner in pack["beneficial_owners"])
    assert pack["consent"]["reference"] == referral.consent_reference

    for status in ("acknowledged", "in_review", "information_requested", "in_review", "account_opened"):
        response = report(bank_a, referral, status, note=f"now {status}")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCOUNT_OPENED
    assert referral.bank_note == "now account_opened"
    actions = list(
        AuditEvent.objects.filter(object_type="banking.referral", object_id=str(referral.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "referral.create",
        "referral.acknowledged",
        "referral.in_review",
        "referral.information_requested",
        "referral.in_review",
        "referral.account_opened",
    ]
    assert StateLog.objects.for_(referral).count() == 5
    assert set(StateLog.objects.for_(referral).values_list("by", flat=True)) == {bank_a.bank.service_user.pk}


def test_account_opened_on_a_cancelled_referral_is_409_and_changes_nothing(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    referral_cancel(referral=referral, actor=licensed_case.firm_admin, reason="We chose another bank.")
    events_before = AuditEvent.objects.count()
    referral.refresh_from_db()
    updated_at = referral.updated_at

    body = assert_problem(report(bank_a, referral, "account_opened"), 409)

    assert "cancelled" in body["detail"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    assert referral.updated_at == updated_at
    assert AuditEvent.objects.count() == events_before


def test_decline_needs_a_reason_code_from_the_list(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)

    missing = assert_problem(report(bank_a, referral, "declined"), 400)
    unknown = assert_problem(report(bank_a, referral, "declined", reason_code="dislike"), 400)
    declined = report(bank_a, referral, "declined", reason_code="risk_appetite", note="Outside appetite.")

    assert missing["errors"][0]["field"] == "reason_code"
    assert unknown["errors"][0]["field"] == "reason_code"
    assert declined.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.DECLINED, "risk_appetite")


def test_unknown_status_and_bad_json_are_400_with_field_errors(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)

    unknown = assert_problem(report(bank_a, referral, "approved"), 400)
    not_json = bank_a.api.post(
        referral_url(referral) + "status/",
        "{not json",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )

    assert unknown["errors"] == [{"field": "status", "detail": '"approved" is not a valid choice.'}]
    assert_problem(not_json, 400)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_bank_never_sees_another_banks_referral_by_id_or_list(licensed_case, bank_a, bank_b):
    [for_a] = refer(licensed_case, bank_a)

    assert bank_b.api.get("/api/v1/bank/referrals/").json()["results"] == []
    assert_problem(bank_b.api.get(referral_url(for_a)), 404)
    assert_problem(report(bank_b, for_a, "acknowledged"), 404)
    for_a.refresh_from_db()
    assert for_a.status == ReferralStatus.REQUESTED


def test_unknown_referral_id_is_the_same_404_as_another_banks(licensed_case, bank_a, bank_b):
    [for_a] = refer(licensed_case, bank_a)

    others = assert_problem(bank_b.api.get(referral_url(for_a)), 404)
    unknown = assert_problem(bank_b.api.get(f"/api/v1/bank/referrals/{uuid.uuid4()}/"), 404)

    assert others == unknown


def test_list_filters_by_status_and_updated_after(licensed_case, bank_a, staff):
    from tests.builders import advance, complete_draft

    other_case = advance(complete_draft(staff), "approved")
    [first] = refer(licensed_case, bank_a)
    [second] = refer(other_case, bank_a)
    report(bank_a, second, "acknowledged")
    second.refresh_from_db()

    acknowledged = bank_a.api.get("/api/v1/bank/referrals/", {"status": "acknowledged"}).json()["results"]
    changed = bank_a.api.get("/api/v1/bank/referrals/", {"updated_after": first.updated_at.isoformat()}).json()[
        "results"
    ]

    assert [item["id"] for item in acknowledged] == [str(second.public_id)]
    assert [item["id"] for item in changed] == [str(second.public_id)]
    bad = assert_problem(bank_a.api.get("/api/v1/bank/referrals/", {"updated_after": "yesterday"}), 400)
    assert bad["errors"][0]["field"] == "updated_after"
    assert_problem(bank_a.api.get("/api/v1/bank/referrals/", {"status": "lost"}), 400)


def test_list_is_cursor_paginated_without_gaps_or_repeats(licensed_case, staff, bank_a):
    from tests.builders import advance, complete_draft

    cases = [licensed_case, *(advance(complete_draft(staff), "approved") for _ in range(4))]
    expected = {str(referral.public_id) for case in cases for referral in refer(case, bank_a)}

    seen, url, pages = [], "/api/v1/bank/referrals/?page_size=2", 0
    while url:
        page = bank_a.api.get(url).json()
        assert set(page) == {"next", "previous", "results"}
        seen += [item["id"] for item in page["results"]]
        url, pages = page["next"], pages + 1

    assert pages == 3
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)


def test_licence_verification_gives_status_conditions_and_firm(licensed_case, bank_a):
    licence = licensed_case.application.licence

    body = bank_a.api.get(f"/api/v1/licences/{licence.number}/").json()

    assert body["number"] == licence.number
    assert body["status"] == "active"
    assert [c["text"] for c in body["conditions"]] == list(licence.conditions.values_list("text", flat=True))
    assert body["firm"]["registration_number"] == licensed_case.firm.registration_number
    assert_problem(bank_a.api.get("/api/v1/licences/VATP-1999-9999/"), 404)


def test_public_register_needs_no_sign_in_and_ignores_a_stale_token(licensed_case, bank_a):
    from rest_framework.test import APIClient

    anonymous = APIClient().get("/api/v1/register/licences/")
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert anonymous.status_code == 200
    assert [item["number"] for item in anonymous.json()["results"]] == [licensed_case.application.licence.number]
    assert stale.get("/api/v1/register/licences/").status_code == 200
    searched = APIClient().get("/api/v1/register/licences/", {"q": licensed_case.firm.legal_name_en[:8]})
    assert len(searched.json()["results"]) == 1
    assert APIClient().get("/api/v1/register/licences/", {"q": "no such firm"}).json()["results"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/bank/referrals/"),
        ("get", f"/api/v1/bank/referrals/{NO_SUCH_REFERRAL}/"),
        ("post", f"/api/v1/bank/referrals/{NO_SUCH_REFERRAL}/status/"),
        ("get", "/api/v1/licences/VATP-2026-0001/"),
    ],
)
def test_bank_endpoints_without_a_token_are_401_problems(db, method, path):
    from rest_framework.test import APIClient

    response = getattr(APIClient(), method)(path)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_invalid_or_revoked_token_is_401(licensed_case, bank_a):

    stored_token(bank_a.token).delete()

    assert_problem(bank_a.api.get("/api/v1/bank/referrals/"), 401)


def test_an_expired_token_is_401(licensed_case, bank_a):
    from datetime import timedelta

    from django.utils import timezone

    stored_token(bank_a.token).update(expires=timezone.now() - timedelta(seconds=1))

    assert_problem(bank_a.api.get("/api/v1/bank/referrals/"), 401)


def test_a_token_of_a_deactivated_bank_is_401(licensed_case, bank_a):
    bank_a.bank.is_active = False
    bank_a.bank.save(update_fields=["is_active"])

    assert_problem(bank_a.api.get("/api/v1/bank/referrals/"), 401)


@pytest.mark.parametrize(
    ("scope", "allowed", "refused"),
    [
        ("referrals:read", ["list", "detail"], ["status", "licence"]),
        ("referrals:write", ["status"], ["list", "detail", "licence"]),
        ("licences:read", ["licence"], ["list", "detail", "status"]),
    ],
)
def test_each_endpoint_needs_its_scope(licensed_case, db, scope, allowed, refused):
    [referral] = refer(licensed_case, bank := bank_client(f"Scoped {scope}", scope=scope))
    calls = {
        "list": lambda: bank.api.get("/api/v1/bank/referrals/"),
        "detail": lambda: bank.api.get(referral_url(referral)),
        "status": lambda: report(bank, referral, "acknowledged"),
        "licence": lambda: bank.api.get(f"/api/v1/licences/{licensed_case.application.licence.number}/"),
    }

    for name in allowed:
        assert calls[name]().status_code == 200, name
    for name in refused:
        body = assert_problem(calls[name](), 403)
        assert "scope" in body["detail"]


def test_banks_are_throttled_each_on_its_own_budget(licensed_case, bank_a, bank_b, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "bank": "3/minute"}}

    answers = [bank_a.api.get("/api/v1/bank/referrals/").status_code for _ in range(4)]
    throttled = bank_a.api.get("/api/v1/bank/referrals/")
    other_bank = bank_b.api.get("/api/v1/bank/referrals/")

    assert answers == [200, 200, 200, 429]
    assert_problem(throttled, 429)
    assert int(throttled["Retry-After"]) > 0
    assert other_bank.status_code == 200


def test_unknown_api_path_is_a_404_problem(db):
    from rest_framework.test import APIClient

    assert_problem(APIClient().get("/api/v1/nothing-here/"), 404)


def test_schema_and_docs_are_public_and_served_without_a_cdn(db):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = APIClient().get("/api/docs/")

    assert schema.status_code == 200
    document = schema.json()
    assert set(document["paths"]) == {
        "/api/v1/bank/referrals/",
        "/api/v1/bank/referrals/{id}/",
        "/api/v1/bank/referrals/{id}/status/",
        "/api/v1/licences/{number}/",
        "/api/v1/register/licences/",
    }
    assert document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/o/token/"
    assert "Idempotency-Key" in document["info"]["description"]
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page


def test_problem_types_are_explained(db):
    from rest_framework.test import APIClient

    explained = APIClient().get("/api/problems/idempotency_key_reused/")

    assert explained.status_code == 200
    assert explained.json()["what_to_do"]
    assert APIClient().get("/api/problems/no_such_problem/").status_code == 404


@pytest.mark.parametrize(
    "when", ["0194-02-17T13:36:06+23:56", "2026-11-24T09:00:00-23:59", "0001-01-01T00:00:00+01:00"]
)
def test_updated_after_with_any_valid_iso_offset_is_answered_not_a_server_error(licensed_case, bank_a, when):
    # schemathesis found this on PostgreSQL: offsets beyond ±15:59 are valid ISO 8601 but not PostgreSQL.
    response = bank_a.api.get("/api/v1/bank/referrals/", {"updated_after": when})

    assert response.status_code in (200, 400)
    assert response["Content-Type"] in ("application/json", PROBLEM)
