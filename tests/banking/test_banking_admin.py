"""The banking admin: banks edited without their secrets; referrals and deliveries read-only; replay via the service."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from banking.choices import DeliveryStatus
from banking.models import IdempotencyRecord, PartnerBank, Referral, WebhookDelivery
from banking.services import webhook_attempt
from tests.banking.conftest import BankClient, bank_client, refer
from tests.banking.test_webhooks import BankEndpoint
from tests.builders import Case, advance, complete_draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANKING_MODELS = [PartnerBank, Referral, WebhookDelivery, IdempotencyRecord]


def url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def into_admin(user: User) -> User:
    """Staff who may view the banking records; what they may *do* still comes from their roles."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="banking", codename__startswith="view_")
    )
    return user


def listed(response) -> list[Model]:
    assert response.status_code == 200, response.content[:500]
    return list(response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def superuser() -> User:
    return UserFactory(email="root@regulator.example", is_superuser=True, is_staff=True)


@pytest.fixture
def endpoint() -> Iterator[Callable[..., BankEndpoint]]:
    started: list[BankEndpoint] = []

    def start(then: int = 204) -> BankEndpoint:
        started.append(BankEndpoint(answers=[], then=then).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@dataclass
class Banking:
    """One referral to each of four banks, each delivery in another state."""

    case: Case
    banks: dict[str, BankClient]
    succeeded: WebhookDelivery  # Steady Bank answered 204
    retrying: WebhookDelivery  # Flaky Bank answered 503, a retry is due in an hour
    failed: WebhookDelivery  # Down Bank answered 503, no retries left
    not_yet_sent: WebhookDelivery  # Quiet Bank: queued, no attempt yet


@pytest.fixture
def banking(licensed_case, endpoint, settings) -> Banking:
    ok, broken = endpoint(), endpoint(then=503)
    banks = {
        name: bank_client(name, webhook_url=server.url)
        for name, server in [("Steady Bank", ok), ("Flaky Bank", broken), ("Down Bank", broken), ("Quiet Bank", ok)]
    }
    referrals = refer(licensed_case, *banks.values())
    steady, flaky, down, quiet = (WebhookDelivery.objects.get(referral=referral) for referral in referrals)
    settings.WEBHOOK_RETRY_DELAYS = [3600]  # the retry does not come during the test
    webhook_attempt(delivery_id=steady.pk)
    webhook_attempt(delivery_id=flaky.pk)
    settings.WEBHOOK_RETRY_DELAYS = []  # the first failure is the last
    webhook_attempt(delivery_id=down.pk)
    for delivery in (steady, flaky, down, quiet):
        delivery.refresh_from_db()
    assert [d.status for d in (steady, flaky, down, quiet)] == ["succeeded", "pending", "failed", "pending"]
    acknowledged = banks["Steady Bank"].api.post(
        f"/api/v1/bank/referrals/{referrals[0].public_id}/status/",
        {"status": "acknowledged"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert acknowledged.status_code == 200, acknowledged.content  # leaves an idempotency record
    return Banking(licensed_case, banks, steady, flaky, down, quiet)


def replay(client, user: User, *deliveries: WebhookDelivery):
    client.force_login(user)
    data = {"action": "replay_selected", "_selected_action": [d.pk for d in deliveries], "index": "0"}
    return client.post(url(WebhookDelivery, "changelist"), data, follow=True)


# Pages.


@pytest.mark.parametrize("model", BANKING_MODELS, ids=lambda model: model.__name__)
def test_changelist_and_change_page_render_for_a_superuser(client, superuser, banking, model):
    client.force_login(superuser)
    assert client.get(url(model, "changelist")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", BANKING_MODELS, ids=lambda model: model.__name__)
def test_nothing_banking_can_be_added_in_the_admin(client, superuser, model):
    client.force_login(superuser)
    assert client.get(url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", BANKING_MODELS, ids=lambda model: model.__name__)
def test_list_queries_do_not_grow_with_rows(client, superuser, banking, staff, model):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as fewer:
        client.get(url(model, "changelist"))
    second = advance(complete_draft(staff), "approved")
    for referral in refer(second, *banking.banks.values()):
        webhook_attempt(delivery_id=WebhookDelivery.objects.get(referral=referral).pk)
        bank = banking.banks[referral.bank.name]
        bank.api.post(
            f"/api/v1/bank/referrals/{referral.public_id}/status/",
            {"status": "acknowledged"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as more:
        client.get(url(model, "changelist"))
    assert len(more) == len(fewer)


def test_delivery_page_shows_every_attempt(client, superuser, banking):
    client.force_login(superuser)
    page = client.get(url(WebhookDelivery, "change", banking.failed.pk)).content.decode()
    assert banking.failed.webhook_id in page
    assert "HTTP 503" in page
    assert "&quot;type&quot;: &quot;referral.created&quot;" in page  # the body as sent, pretty-printed


# Finding what fails.


def test_failing_filter_shows_deliveries_given_up_or_retrying_after_a_failure(client, superuser, banking):
    client.force_login(superuser)

    failing = listed(client.get(url(WebhookDelivery, "changelist"), {"failing": "yes"}))
    everything = listed(client.get(url(WebhookDelivery, "changelist")))

    assert {d.pk for d in failing} == {banking.retrying.pk, banking.failed.pk}
    assert len(everything) == 4


def test_delivery_list_filters_by_status_event_type_and_bank(client, superuser, banking):
    client.force_login(superuser)
    changelist = url(WebhookDelivery, "changelist")
    down_bank = banking.banks["Down Bank"].bank

    assert listed(client.get(changelist, {"status__exact": "failed"})) == [banking.failed]
    assert len(listed(client.get(changelist, {"event_type__exact": "referral.created"}))) == 4
    assert listed(client.get(changelist, {"bank__id__exact": down_bank.pk})) == [banking.failed]
    assert listed(client.get(changelist, {"q": banking.retrying.webhook_id})) == [banking.retrying]


def test_delivery_list_shows_attempts_last_status_and_last_error(client, superuser, banking):
    client.force_login(superuser)
    page = client.get(url(WebhookDelivery, "changelist"), {"failing": "yes"}).content.decode()
    assert '<td class="field-attempt_count">1</td>' in page
    assert '<td class="field-last_status_code">503</td>' in page
    assert '<td class="field-last_error_excerpt">HTTP 503</td>' in page


def test_bank_list_shows_failing_endpoints(client, superuser, banking):
    client.force_login(superuser)
    failing = listed(client.get(url(PartnerBank, "changelist"), {"endpoint": "failing"}))
    healthy = listed(client.get(url(PartnerBank, "changelist"), {"endpoint": "healthy"}))
    assert all(isinstance(bank, PartnerBank) for bank in failing + healthy)
    assert {bank.name for bank in failing if isinstance(bank, PartnerBank)} == {"Flaky Bank", "Down Bank"}
    assert {bank.name for bank in healthy if isinstance(bank, PartnerBank)} == {"Steady Bank", "Quiet Bank"}


# Replay.


def test_licensing_manager_replays_selected_deliveries(client, banking, staff, django_capture_on_commit_callbacks):
    manager = into_admin(staff.licensing_manager)

    with django_capture_on_commit_callbacks() as sends:
        response = replay(client, manager, banking.failed, banking.retrying)

    assert len(sends) == 2  # each first attempt waits for the commit, and for a worker
    assert any("Replaying 2" in message for message in messages_of(response))
    for delivery in (banking.failed, banking.retrying):
        before = delivery.webhook_id
        delivery.refresh_from_db()
        assert (delivery.status, delivery.webhook_id, delivery.attempt_count) == ("pending", before, 1)
    events = AuditEvent.objects.filter(action="webhook.replay", actor=manager)
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        [str(banking.failed.pk), str(banking.retrying.pk)]
    )


def test_replayed_delivery_is_sent_again_with_the_same_webhook_id(client, banking, staff, endpoint):
    fixed = endpoint()
    down_bank = banking.banks["Down Bank"].bank
    down_bank.webhook_url = fixed.url
    down_bank.save(update_fields=["webhook_url"])

    replay(client, into_admin(staff.licensing_manager), banking.failed)
    webhook_attempt(delivery_id=banking.failed.pk)  # what the task queued on commit does

    assert fixed.webhook_ids() == [banking.failed.webhook_id]
    banking.failed.refresh_from_db()
    assert (banking.failed.status, banking.failed.attempt_count) == (DeliveryStatus.SUCCEEDED, 2)


@pytest.mark.parametrize("who", ["case officer", "superuser without a regulator role"])
def test_replay_is_refused_with_a_message_and_nothing_changes(client, banking, staff, superuser, who):
    user = into_admin(staff.other_case_officer) if who == "case officer" else superuser
    before = list(WebhookDelivery.objects.order_by("pk").values())

    response = replay(client, user, banking.failed, banking.retrying)

    assert messages_of(response) == ["Only a licensing manager may replay a webhook delivery."]
    assert list(WebhookDelivery.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.filter(action="webhook.replay").exists()


def test_replay_refusal_for_one_delivery_does_not_stop_the_others(client, banking, staff):
    quiet_bank = banking.banks["Quiet Bank"].bank
    quiet_bank.webhook_url = ""
    quiet_bank.save(update_fields=["webhook_url"])

    response = replay(client, into_admin(staff.licensing_manager), banking.not_yet_sent, banking.failed)

    shown = messages_of(response)
    assert any("Quiet Bank has no webhook URL" in message for message in shown)
    assert any("Replaying 1" in message for message in shown)
    banking.failed.refresh_from_db()
    assert banking.failed.status == DeliveryStatus.PENDING


# Partner banks: edited, audited, secrets never shown.


def test_bank_change_form_never_shows_a_secret(client, superuser, banking):
    bank = banking.banks["Steady Bank"]
    client.force_login(superuser)

    page = client.get(url(PartnerBank, "change", bank.bank.pk)).content.decode()

    assert bank.credentials.webhook_secret not in page
    assert bank.credentials.webhook_secret.removeprefix("whsec_") not in page
    assert bank.credentials.client_secret not in page
    assert "whsec_" not in page and 'name="webhook_secret"' not in page
    assert bank.credentials.client_id in page  # an identifier, not a secret
    assert "bank_credentials" in page  # where the secrets come from


def test_bank_list_says_banks_are_registered_with_bank_create(client, superuser, banking):
    client.force_login(superuser)
    page = client.get(url(PartnerBank, "changelist")).content.decode()
    assert "manage.py bank_create" in page
    assert url(PartnerBank, "add") not in page


def test_bank_edit_is_saved_and_audited_and_keeps_the_secret(client, superuser, banking):
    bank = banking.banks["Flaky Bank"].bank
    secret = bank.webhook_secret
    client.force_login(superuser)

    response = client.post(
        url(PartnerBank, "change", bank.pk),
        {
            "webhook_url": "https://hooks.flaky-bank.example/vasp",
            "scopes": ["referrals:read", "licences:read"],
            "contact_email": "onboarding@flaky-bank.example",
            # is_active left out: unticked
        },
    )

    assert response.status_code == 302, response.content[:800]
    bank.refresh_from_db()
    assert (bank.is_active, bank.webhook_url) == (False, "https://hooks.flaky-bank.example/vasp")
    assert (bank.scopes, bank.contact_email) == ("referrals:read licences:read", "onboarding@flaky-bank.example")
    assert bank.webhook_secret == secret
    event = AuditEvent.objects.get(action="admin.change", object_type="banking.partnerbank")
    assert (event.actor, event.object_id) == (superuser, str(bank.pk))


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("scopes", ["referrals:read", "admin:everything"], "Select a valid choice"),
        ("webhook_url", "ftp://files.flaky-bank.example/", "Enter a valid URL"),
    ],
)
def test_bank_edit_refuses_unknown_scopes_and_non_http_urls(client, superuser, banking, field, value, error):
    bank = banking.banks["Flaky Bank"].bank
    before = PartnerBank.objects.values().get(pk=bank.pk)
    data = {"is_active": "on", "webhook_url": bank.webhook_url, "scopes": bank.scope_list, field: value}
    client.force_login(superuser)

    response = client.post(url(PartnerBank, "change", bank.pk), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert PartnerBank.objects.values().get(pk=bank.pk) == before
    assert not AuditEvent.objects.filter(action="admin.change").exists()


# Referrals.


def test_referral_list_filters_by_status_and_bank_and_searches(client, superuser, banking):
    client.force_login(superuser)
    changelist = url(Referral, "changelist")
    steady = banking.succeeded.referral
    assert steady is not None

    assert listed(client.get(changelist, {"status__exact": "acknowledged"})) == [steady]
    assert listed(client.get(changelist, {"bank__id__exact": steady.bank_id})) == [steady]
    assert listed(client.get(changelist, {"q": steady.consent_reference})) == [steady]
    assert len(listed(client.get(changelist, {"q": banking.case.firm.legal_name_en}))) == 4
    assert listed(client.get(changelist, {"q": "no such firm"})) == []


def test_referrals_are_read_only_even_for_a_superuser(client, superuser, banking):
    referral = banking.succeeded.referral
    assert referral is not None
    client.force_login(superuser)

    page = client.get(url(Referral, "change", referral.pk)).content.decode()
    posted = client.post(url(Referral, "change", referral.pk), {"bank_note": "forged"})

    assert 'name="status"' not in page and 'name="bank_note"' not in page
    assert posted.status_code == 403
    referral.refresh_from_db()
    assert referral.bank_note != "forged"
