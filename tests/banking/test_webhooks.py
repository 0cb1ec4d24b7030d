"""Signed webhooks to banks, sent to a real HTTP endpoint on 127.0.0.1 the way a bank would receive them.

Tests marked `committed` run with real commits, so the on-commit send happens as in production:
with the embedded setup (tasks in-process) a timer thread makes each attempt, with live_worker a real
Celery worker. The other tests run in a rolled-back transaction, where nothing is scheduled on commit;
they make attempts by calling the task or the service themselves.
"""

import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from applications.services import licence_suspend
from audit.models import AuditEvent
from banking import services
from banking.choices import DeliveryStatus, ReferralStatus, WebhookEvent
from banking.models import Referral, WebhookDelivery
from banking.services import BankCredentials, referral_cancel, referral_report_status, webhook_replay
from banking.tasks import webhook_deliver, webhooks_deliver_due
from tests.banking.conftest import refer
from tests.conftest import wait_for
from vasp_licensing.errors import InvalidTransition, NotPermitted

# Short enough to run a whole retry schedule within a test.
TINY_DELAYS = [0.05, 0.05, 0.05, 0.05]
# A retry that will not come before the test ends: the test looks at one attempt only.
NOT_DURING_THE_TEST = [3600.0]

# Real commits, so on-commit sends happen; the migrated configuration (licence types) is restored after.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class BankEndpoint:
    """A bank's webhook endpoint: records every request, answers from a script, and can hold its answer.

    `answers` are the status codes of the first requests, `then` the one after them. While `gate`
    is not set, a held endpoint keeps every request waiting: a slow or dead bank.
    """

    answers: list[int]
    then: int = 204
    hold: bool = False
    reply: bytes = b"ok"
    requests: list[Received] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks/vasp"

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append(Received(headers, body))
            number = len(self.requests)
        if self.hold:
            self.gate.wait(timeout=30)
        return self.answers[number - 1] if number <= len(self.answers) else self.then

    def start(self) -> "BankEndpoint":
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = endpoint.receive(dict(self.headers.items()), body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(endpoint.reply)))
                    self.end_headers()
                    self.wfile.write(endpoint.reply)
                except OSError:
                    pass  # we gave up waiting (a timeout) and closed the connection

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.gate.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def webhook_ids(self) -> list[str]:
        return [received.headers["webhook-id"] for received in self.requests]


@pytest.fixture
def serve() -> Iterator[Callable[..., BankEndpoint]]:
    """serve(answers=[500, 500], then=204, hold=False, reply=b"ok") starts a bank's endpoint for the test."""
    started: list[BankEndpoint] = []

    def start(answers: Iterable[int] = (), then: int = 204, hold: bool = False, reply: bytes = b"ok") -> BankEndpoint:
        endpoint = BankEndpoint(answers=list(answers), then=then, hold=hold, reply=reply).start()
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


def bank_with_endpoint(endpoint: BankEndpoint | None, name: str = "Harbour Bank") -> BankCredentials:
    return services.bank_create(name=name, webhook_url=endpoint.url if endpoint else "")


def delivery_of(referral: Referral, event: str = WebhookEvent.REFERRAL_CREATED) -> WebhookDelivery:
    return WebhookDelivery.objects.get(referral=referral, event_type=event)


def settled(delivery: WebhookDelivery) -> Callable[[], bool]:
    """The delivery is done, either way (the worker or a timer thread writes it)."""
    return lambda: WebhookDelivery.objects.get(pk=delivery.pk).status != DeliveryStatus.PENDING


def attempts_of(delivery: WebhookDelivery) -> list[tuple[int, int | None, bool]]:
    return list(delivery.attempts.order_by("number").values_list("number", "status_code", "succeeded"))


# Delivery, signatures and retries.


@committed
def test_delivery_retried_with_the_same_webhook_id_until_accepted(licensed_case, serve, settings, live_worker):
    # live_worker last: the case is built (its documents checked) in-process before the worker starts.
    settings.WEBHOOK_RETRY_DELAYS = TINY_DELAYS
    endpoint = serve(answers=[500, 500, 500], then=204)
    bank = bank_with_endpoint(endpoint)

    [referral] = refer(licensed_case, bank)
    delivery = delivery_of(referral)
    wait_for(settled(delivery), timeout=90)  # generous: in CI a browser test may share the machine

    assert endpoint.webhook_ids() == [delivery.webhook_id] * 4
    for received in endpoint.requests:
        event = Webhook(bank.webhook_secret).verify(received.body, received.headers)
        assert event["type"] == "referral.created"
        assert event["data"]["referral_id"] == str(referral.public_id)
        assert event["data"]["consent_reference"] == referral.consent_reference
        assert event["data"]["firm"]["legal_name_en"] == licensed_case.firm.legal_name_en
        assert datetime.fromisoformat(event["timestamp"]) <= timezone.now()
    assert {received.body for received in endpoint.requests} == {delivery.body.encode()}
    assert attempts_of(delivery) == [(1, 500, False), (2, 500, False), (3, 500, False), (4, 204, True)]
    assert all(attempt.duration_ms >= 0 for attempt in delivery.attempts.all())
    assert [attempt.error for attempt in delivery.attempts.order_by("number")] == ["HTTP 500"] * 3 + [""]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("succeeded", 4, 204)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DELIVERED
    delivered = AuditEvent.objects.get(action="referral.deliver", object_id=str(referral.pk))
    assert (delivered.before, delivered.after) == ({"status": "requested"}, {"status": "delivered"})
    assert delivered.actor == bank.bank.service_user


@committed
def test_nothing_is_sent_for_a_transaction_that_rolls_back(licensed_case, serve):
    endpoint = serve()
    bank = bank_with_endpoint(endpoint)

    with pytest.raises(RuntimeError), transaction.atomic():
        refer(licensed_case, bank)
        raise RuntimeError("something later in the same request failed")

    assert not Referral.objects.exists()
    assert not WebhookDelivery.objects.exists()
    # The endpoint was listening all along: a send made inside the transaction, before the rollback,
    # would be here ahead of the one a committed referral makes.
    [referral] = refer(licensed_case, bank)
    wait_for(settled(delivery_of(referral)))
    assert endpoint.webhook_ids() == [delivery_of(referral).webhook_id]


@committed
def test_delivery_fails_when_retries_are_exhausted_and_keeps_the_last_error(licensed_case, serve, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.05, 0.05]
    endpoint = serve(then=503)
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)

    wait_for(settled(delivery))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.last_status_code, delivery.last_error) == (503, "HTTP 503")
    assert delivery.next_attempt_at is None
    assert attempts_of(delivery) == [(1, 503, False), (2, 503, False), (3, 503, False)]
    assert len(endpoint.requests) == 3
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_default_retry_schedule_backs_off_for_at_least_24_hours():
    delays = django_settings.WEBHOOK_RETRY_DELAYS
    assert sum(delays) >= 24 * 3600
    assert delays == sorted(delays) and delays[-1] > 10 * delays[0]
    # Redis would hand a countdown task longer than its visibility timeout to a second worker.
    assert max(delays) < django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


# A slow or dead bank blocks nobody.


@committed
def test_referral_request_returns_while_the_bank_is_still_answering(licensed_case, serve):
    endpoint = serve(hold=True)

    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))

    delivery = delivery_of(referral)
    wait_for(lambda: endpoint.requests)  # the bank has the request and sits on it
    assert delivery.attempts.count() == 0
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING
    endpoint.gate.set()
    wait_for(settled(delivery))
    assert attempts_of(delivery) == [(1, 204, True)]


@committed
def test_a_bank_that_never_answers_is_logged_as_a_timeout_not_a_hang(licensed_case, serve, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    settings.WEBHOOK_RETRY_DELAYS = NOT_DURING_THE_TEST
    endpoint = serve(hold=True)  # never set: the bank never answers
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)

    attempt = wait_for(lambda: delivery.attempts.first())

    assert attempt.status_code is None and not attempt.succeeded
    assert attempt.error.startswith("ReadTimeout")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == attempt.error
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()  # the next try is scheduled, the first one is over


def test_an_unreachable_endpoint_is_logged_as_a_connection_error(db, licensed_case, settings):
    settings.WEBHOOK_RETRY_DELAYS = NOT_DURING_THE_TEST
    with socket.socket() as probe:  # a port nothing listens on: taken from the system, then given back
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bank = services.bank_create(name="Closed Bank", webhook_url=f"http://127.0.0.1:{port}/webhooks")
    [referral] = refer(licensed_case, bank)

    delivery = services.webhook_attempt(delivery_id=delivery_of(referral).pk)

    assert delivery is not None and delivery.status == DeliveryStatus.PENDING
    attempt = delivery.attempts.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectionError")


def test_only_the_start_of_a_banks_answer_is_kept(db, licensed_case, serve):
    endpoint = serve(then=400, reply=b"Unknown signature. " * 50_000)  # about a megabyte
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))

    services.webhook_attempt(delivery_id=delivery_of(referral).pk)

    attempt = delivery_of(referral).attempts.get()
    assert (attempt.status_code, attempt.error) == (400, "HTTP 400")
    assert attempt.response_excerpt == ("Unknown signature. " * 50)[:500]


def test_a_bank_deactivated_while_its_delivery_is_on_the_way_keeps_the_attempt_logged(db, licensed_case, serve):
    bank = bank_with_endpoint(serve())
    [referral] = refer(licensed_case, bank)
    bank.bank.is_active = False
    bank.bank.save(update_fields=["is_active"])

    delivery = services.webhook_attempt(delivery_id=delivery_of(referral).pk)

    # Accepted and logged; the referral stays requested (an inactive bank's user acts on nothing),
    # and nothing is left due for the sweeper to send again.
    assert delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED
    assert attempts_of(delivery) == [(1, 204, True)]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    assert webhooks_deliver_due() == 0


# Which events go to which bank.


def test_referral_cancel_sends_referral_cancelled(db, licensed_case, serve):
    bank = bank_with_endpoint(serve())
    [referral] = refer(licensed_case, bank)

    referral_cancel(referral=referral, actor=licensed_case.firm_admin, reason="We chose another bank.")

    cancelled = delivery_of(referral, WebhookEvent.REFERRAL_CANCELLED)
    assert cancelled.bank == bank.bank and cancelled.status == DeliveryStatus.PENDING
    assert cancelled.webhook_id != delivery_of(referral).webhook_id
    event = json.loads(cancelled.body)
    assert set(event) == {"type", "timestamp", "data"}
    assert event["type"] == "referral.cancelled"
    assert event["data"]["referral_id"] == str(referral.public_id)
    assert (event["data"]["status"], event["data"]["cancel_reason"]) == ("cancelled", "firm_request")


def test_licence_suspension_tells_every_bank_with_a_live_or_cancelled_referral(db, licensed_case, serve, staff):
    endpoint = serve()
    open_bank = bank_with_endpoint(endpoint, "Open Referral Bank")
    account_bank = bank_with_endpoint(endpoint, "Account Opened Bank")
    declined_bank = bank_with_endpoint(endpoint, "Declined Bank")
    bank_without_url = bank_with_endpoint(None, "Bank Without Webhooks")
    bank_with_endpoint(endpoint, "Unrelated Bank")
    open_ref, account_ref, declined_ref, silent_ref = refer(
        licensed_case, open_bank, account_bank, declined_bank, bank_without_url
    )
    for status in ("acknowledged", "in_review", "account_opened"):
        referral_report_status(referral=account_ref, actor=account_bank.bank.service_user, status=status)
    referral_report_status(
        referral=declined_ref, actor=declined_bank.bank.service_user, status="declined", reason_code="risk_appetite"
    )
    licence = licensed_case.application.licence

    licence_suspend(licence=licence, actor=staff.licensing_manager, reasons="Custody breach under investigation.")

    updated = WebhookDelivery.objects.filter(event_type=WebhookEvent.LICENCE_UPDATED)
    assert {delivery.bank.name for delivery in updated} == {"Open Referral Bank", "Account Opened Bank"}
    event = json.loads(updated.get(bank=open_bank.bank).body)
    assert event["type"] == "licence.updated"
    assert (event["data"]["licence_number"], event["data"]["status"]) == (licence.number, "suspended")
    assert event["data"]["change"] == "suspend"
    assert all(delivery.licence == licence for delivery in updated)
    cancelled = WebhookDelivery.objects.filter(event_type=WebhookEvent.REFERRAL_CANCELLED)
    assert [delivery.referral for delivery in cancelled] == [open_ref]
    assert json.loads(cancelled.get().body)["data"]["cancel_reason"] == "licence_suspended"
    silent_ref.refresh_from_db()
    assert silent_ref.status == ReferralStatus.CANCELLED  # cancelled all the same, just not told by webhook
    assert not WebhookDelivery.objects.filter(bank=bank_without_url.bank).exists()


def test_an_inactive_bank_gets_no_delivery(db, licensed_case, serve, staff):
    bank = bank_with_endpoint(serve())
    [referral] = refer(licensed_case, bank)
    bank.bank.is_active = False
    bank.bank.save(update_fields=["is_active"])

    licence_suspend(licence=licensed_case.application.licence, actor=staff.licensing_manager, reasons="Custody breach.")

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == ["referral.created"]


# The sweeper and duplicate tasks.


def test_sweeper_sends_a_pending_delivery_whose_task_was_lost(db, licensed_case, serve):
    # Under `db` the request's transaction never commits, so the on-commit send never happens: a lost task.
    endpoint = serve()
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)
    assert endpoint.requests == [] and delivery.attempts.count() == 0

    assert webhooks_deliver_due.delay().get() == 1

    assert endpoint.webhook_ids() == [delivery.webhook_id]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DELIVERED
    assert webhooks_deliver_due.delay().get() == 0


def test_a_duplicate_task_makes_no_second_attempt(db, licensed_case, serve, settings):
    settings.WEBHOOK_RETRY_DELAYS = NOT_DURING_THE_TEST
    endpoint = serve(then=500)
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)

    first = webhook_deliver.delay(delivery.pk).get()
    duplicate = webhook_deliver.delay(delivery.pk).get()

    assert (first, duplicate) == ("pending", "not due")
    assert len(endpoint.requests) == 1
    assert attempts_of(delivery) == [(1, 500, False)]
    assert webhooks_deliver_due.delay().get() == 0  # the retry is an hour away


@committed
def test_a_duplicate_task_while_an_attempt_is_in_flight_makes_no_second_attempt(licensed_case, serve):
    endpoint = serve(hold=True)
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)
    wait_for(lambda: endpoint.requests)  # the first attempt has claimed the delivery and waits on the bank

    assert webhook_deliver(delivery.pk) == "not due"
    assert webhooks_deliver_due() == 0

    endpoint.gate.set()
    wait_for(settled(delivery))
    assert len(endpoint.requests) == 1
    assert attempts_of(delivery) == [(1, 204, True)]


# Replay from the regulator's side.


@committed
def test_licensing_manager_replays_a_failed_delivery_with_the_same_webhook_id(licensed_case, serve, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.05]
    endpoint = serve(answers=[503, 503], then=204)
    bank = bank_with_endpoint(endpoint)
    [referral] = refer(licensed_case, bank)
    delivery = delivery_of(referral)
    wait_for(settled(delivery))
    manager = licensed_case.staff.licensing_manager

    webhook_replay(delivery=delivery, actor=manager)

    wait_for(settled(delivery))
    assert endpoint.webhook_ids() == [delivery.webhook_id] * 3
    Webhook(bank.webhook_secret).verify(endpoint.requests[-1].body, endpoint.requests[-1].headers)
    assert attempts_of(delivery) == [(1, 503, False), (2, 503, False), (3, 204, True)]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    replay = AuditEvent.objects.get(action="webhook.replay")
    assert (replay.actor, replay.object_id) == (manager, str(delivery.pk))
    assert replay.before is not None and replay.after is not None
    assert (replay.before["status"], replay.after["status"]) == ("failed", "pending")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DELIVERED


@committed
def test_replay_starts_a_fresh_retry_schedule(licensed_case, serve, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.05]
    endpoint = serve(then=503)
    [referral] = refer(licensed_case, bank_with_endpoint(endpoint))
    delivery = delivery_of(referral)
    wait_for(settled(delivery))

    webhook_replay(delivery=delivery, actor=licensed_case.staff.licensing_manager)

    wait_for(settled(delivery))
    assert [number for number, _, _ in attempts_of(delivery)] == [1, 2, 3, 4]  # two in each round
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "HTTP 503")


@pytest.mark.parametrize("who", ["assigned_officer", "senior_officer", "auditor", "firm_admin", "bank", "nobody"])
def test_only_a_licensing_manager_may_replay_and_a_refusal_changes_nothing(db, licensed_case, serve, who):
    bank = bank_with_endpoint(serve())
    [referral] = refer(licensed_case, bank)
    delivery = delivery_of(referral)
    actors = {"firm_admin": licensed_case.firm_admin, "bank": bank.bank.service_user, "nobody": None}
    actor = actors[who] if who in actors else getattr(licensed_case.staff, who)
    before = WebhookDelivery.objects.values().get(pk=delivery.pk)

    with pytest.raises(NotPermitted):
        webhook_replay(delivery=delivery, actor=actor)

    assert WebhookDelivery.objects.values().get(pk=delivery.pk) == before
    assert not AuditEvent.objects.filter(action="webhook.replay").exists()


def test_replay_is_refused_while_the_bank_has_no_webhook_url(db, licensed_case, serve):
    bank = bank_with_endpoint(serve())
    [referral] = refer(licensed_case, bank)
    bank.bank.webhook_url = ""
    bank.bank.save(update_fields=["webhook_url"])

    with pytest.raises(InvalidTransition, match="has no webhook URL"):
        webhook_replay(delivery=delivery_of(referral), actor=licensed_case.staff.licensing_manager)

    assert not AuditEvent.objects.filter(action="webhook.replay").exists()


def test_replay_goes_to_the_url_the_bank_has_now(db, licensed_case, serve, django_capture_on_commit_callbacks):
    old, new = serve(), serve()
    bank = bank_with_endpoint(old)
    [referral] = refer(licensed_case, bank)
    delivery = delivery_of(referral)
    services.webhook_attempt(delivery_id=delivery.pk)
    bank.bank.webhook_url = new.url
    bank.bank.save(update_fields=["webhook_url"])

    with django_capture_on_commit_callbacks() as scheduled:
        webhook_replay(delivery=delivery, actor=licensed_case.staff.licensing_manager)
    services.webhook_attempt(delivery_id=delivery.pk)  # what the scheduled task does

    assert len(scheduled) == 1
    assert old.webhook_ids() == new.webhook_ids() == [delivery.webhook_id]
    assert attempts_of(delivery) == [(1, 204, True), (2, 204, True)]
