"""Signed webhooks to banks (Standard Webhooks): queued in the transaction, sent after commit by a task.

A delivery keeps its webhook-id across attempts and is signed anew on each (the timestamp is part of
the signature). Attempts never run inside a web request or a database transaction: a slow bank
delays nobody. Failures are retried on WEBHOOK_RETRY_DELAYS (over 24 hours in all), then the
delivery is marked failed for the regulator to see and replay.
"""

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import rules
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from accounts.models import User
from applications.models import Licence
from audit import actions
from audit.services import audit_record
from banking import dispatch
from banking.api.serializers import LicenceEventSerializer, ReferralEventSerializer
from banking.choices import DeliveryStatus, ReferralStatus, WebhookEvent
from banking.models import PartnerBank, Referral, WebhookAttempt, WebhookDelivery
from vasp_licensing.errors import DomainError, InvalidTransition, NotPermitted

logger = logging.getLogger(__name__)

RESPONSE_EXCERPT_BYTES = 500
USER_AGENT = "vasp-licensing-webhooks/1.0"
# The firm answered a bank's request for information (data: referral_id, answered_at). Declared here
# rather than in banking.choices.WebhookEvent, which this change could not touch; it belongs there.


def referral_event_data(referral: Referral) -> dict[str, Any]:
    """Enough to recognise the referral; the data pack itself is fetched over the API with a token."""
    return dict(ReferralEventSerializer(referral).data)


def licence_event_data(licence: Licence, *, change: str) -> dict[str, Any]:
    return dict(LicenceEventSerializer(licence, context={"change": change}).data)


def webhook_queue(
    *,
    bank: PartnerBank,
    event_type: str,
    data: dict[str, Any],
    referral: Referral | None = None,
    licence: Licence | None = None,
) -> WebhookDelivery | None:
    """Record a delivery in the caller's transaction and send it after commit. None when the bank has no endpoint.

    Nothing is sent for a transaction that rolls back: the attempt is scheduled on commit only.
    """
    if endpoint_problem(bank) is not None:
        return None
    now = timezone.now()
    body = json.dumps(
        {"type": event_type, "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"), "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    delivery = WebhookDelivery.objects.create(
        webhook_id=f"msg_{uuid.uuid4().hex}",
        bank=bank,
        event_type=_event_type(event_type),
        body=body,
        url=bank.webhook_url,
        referral=referral,
        licence=licence,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: dispatch.schedule(delivery.pk, countdown=0))
    return delivery


def _event_type(event_type: str) -> str:
    if event_type not in WebhookEvent.values:
        raise ValueError(f"{event_type!r} is not a webhook event type")
    return event_type


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for one attempt, or None when it is done or not due (another worker has it)."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("bank").filter(pk=delivery_id).first()
        now = timezone.now()
        # A second of slack: a countdown task may wake a moment before the time it was scheduled for.
        if (
            delivery is None
            or delivery.status != DeliveryStatus.PENDING
            or delivery.next_attempt_at is None
            or delivery.next_attempt_at > now + timedelta(seconds=1)
        ):
            return None
        # While this attempt runs, the sweeper leaves the delivery alone.
        delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)
        delivery.save(update_fields=["next_attempt_at"])
    return delivery


def signed_headers(delivery: WebhookDelivery, *, at: datetime) -> dict[str, str]:
    signature = Webhook(delivery.bank.webhook_secret).sign(delivery.webhook_id, at.astimezone(UTC), delivery.body)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(delivery: WebhookDelivery) -> _Outcome:
    """One HTTP attempt. Never raises: whatever goes wrong is the attempt's error.

    The timeout bounds the connection and every wait for the bank's bytes; of the answer only an
    excerpt is read, so a bank that streams a huge body costs neither time nor memory.
    """
    started = time.monotonic()
    try:
        with requests.post(
            delivery.url,
            data=delivery.body.encode(),
            headers=signed_headers(delivery, at=timezone.now()),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect is not an acceptance; the bank fixes its URL
            stream=True,
        ) as response:
            status, excerpt = response.status_code, _excerpt(response)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    # SoftTimeLimitExceeded: the worker's time limit ends a bank that trickles its answer byte by byte.
    except (requests.RequestException, SoftTimeLimitExceeded) as exc:
        status, error, excerpt = None, f"{type(exc).__name__}: {exc}"[:1000], ""
    return _Outcome(status, error, excerpt, int((time.monotonic() - started) * 1000))


def _excerpt(response: requests.Response) -> str:
    """The start of the bank's answer, for the attempts log. A broken body does not undo the status code."""
    try:
        head = next(response.iter_content(chunk_size=RESPONSE_EXCERPT_BYTES), b"")
    except requests.RequestException:
        return ""
    return bytes(head).decode(response.encoding or "utf-8", errors="replace")


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt if the delivery is due, log it, and schedule the next one on failure.

    None when it was not due: done, or held by another worker. Running it twice at once, or once
    more from a duplicate task, makes one attempt only.
    """
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    outcome = _post(claimed)
    delivery, retry_in = _record(claimed.pk, outcome)
    if retry_in is not None:
        dispatch.schedule(delivery.pk, countdown=retry_in)
    return delivery


def _record(delivery_id: int, outcome: _Outcome) -> tuple[WebhookDelivery, float | None]:
    """Log the attempt and move the delivery on. Returns it and the wait before the next attempt, if any."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempt_count += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            succeeded=outcome.succeeded,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
        )
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        retry_in = None if outcome.succeeded else _retry_delay(delivery)
        if outcome.succeeded:
            delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, timezone.now()
        elif retry_in is None:
            delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None if retry_in is None else timezone.now() + timedelta(seconds=retry_in)
        delivery.save()
        if outcome.succeeded and delivery.event_type == WebhookEvent.REFERRAL_CREATED and delivery.referral_id:
            _mark_referral_delivered(delivery.referral_id)
    return delivery, retry_in


def _retry_delay(delivery: WebhookDelivery) -> float | None:
    """The wait after the latest failure, or None when this round's retries are used up.

    A round begins when the delivery is queued and again at each replay, so a replay gets the
    whole schedule afresh rather than the single attempt left over from the first round.
    """
    delays = settings.WEBHOOK_RETRY_DELAYS
    failures = max(_attempts_this_round(delivery), 1)  # the attempt just logged, whatever the clocks say
    return delays[failures - 1] if failures <= len(delays) else None


def _attempts_this_round(delivery: WebhookDelivery) -> int:
    return delivery.attempts.filter(attempted_at__gte=delivery.round_started_at).count()


def _mark_referral_delivered(referral_id: int) -> None:
    from banking.services.referrals import referral_mark_delivered

    referral = Referral.objects.select_related("bank__service_user").get(pk=referral_id)
    if referral.status != ReferralStatus.REQUESTED:
        return
    try:
        referral_mark_delivered(referral=referral)
    except DomainError as error:
        # The bank acted on it meanwhile (it plainly has it), or was deactivated since. Either way the
        # attempt stays logged: raising would undo the log and the sweeper would send it again and again.
        logger.warning("Referral %s not marked delivered: %s", referral.consent_reference, error)


def endpoint_problem(bank: PartnerBank) -> str | None:
    """Why nothing can be sent to this bank, or None when it has a working endpoint."""
    if not bank.is_active:
        return _("%(bank)s is inactive.") % {"bank": bank}
    if not bank.webhook_url:
        return _("%(bank)s has no webhook URL; set one first.") % {"bank": bank}
    if not bank.webhook_secret:
        return _("%(bank)s has no webhook signing secret; rotate its credentials with bank_credentials.") % {
            "bank": bank
        }
    return None


def webhook_replay(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """Send a delivery again, same webhook-id and body, with a fresh retry schedule; the attempts log goes on.

    Refused (NotPermitted) for anyone but a licensing manager, and (InvalidTransition) while the
    bank has no working endpoint. The first attempt is made after commit, never in the caller's thread.
    """
    if actor is None or not rules.has_perm("banking.replay_delivery", actor, delivery):
        raise NotPermitted(_("Only a licensing manager may replay a webhook delivery."))
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("bank").get(pk=delivery.pk)
        problem = endpoint_problem(delivery.bank)
        if problem is not None:
            raise InvalidTransition(
                _("Cannot replay %(webhook)s: %(problem)s") % {"webhook": delivery.webhook_id, "problem": problem}
            )
        before = {"status": delivery.status, "attempt_count": delivery.attempt_count, "url": delivery.url}
        now = timezone.now()
        delivery.status, delivery.next_attempt_at, delivery.round_started_at = DeliveryStatus.PENDING, now, now
        delivery.url = delivery.bank.webhook_url  # the bank may have fixed its endpoint since
        delivery.save(update_fields=["status", "next_attempt_at", "round_started_at", "url"])
        audit_record(
            actor=actor,
            action=actions.WEBHOOK_REPLAY,
            obj=delivery,
            before=before,
            after={"status": delivery.status, "url": delivery.url},
        )
        transaction.on_commit(lambda: dispatch.schedule(delivery.pk, countdown=0))
    return delivery


def webhooks_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come and that no task holds: lost tasks, restarts, the embedded setup."""
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
