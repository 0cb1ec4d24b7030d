"""Signed webhooks to banks (Standard Webhooks): queued in the transaction, sent after commit by a task.

A delivery keeps its webhook-id across attempts and is signed anew on each (the timestamp is part of
the signature). Attempts never run inside a web request or a database transaction: a slow bank
delays nobody. Failures are retried on WEBHOOK_RETRY_DELAYS (over 24 hours in all), then the
delivery is marked failed for the regulator to see and replay.
"""

import contextlib
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from applications.models import Licence
from audit.services import audit_record
from banking import dispatch
from banking.choices import DeliveryStatus, ReferralStatus, WebhookEvent
from banking.models import PartnerBank, Referral, WebhookAttempt, WebhookDelivery
from vasp_licensing.errors import InvalidTransition, NotPermitted

RESPONSE_EXCERPT_CHARS = 500
USER_AGENT = "vasp-licensing-webhooks/1.0"


def _firm_summary(firm: Any) -> dict[str, Any]:
    return {
        "legal_name_en": firm.legal_name_en,
        "legal_name_zh": firm.legal_name_zh,
        "registration_number": firm.registration_number,
        "jurisdiction": firm.jurisdiction,
        "lei": firm.lei or None,
    }


def referral_event_data(referral: Referral) -> dict[str, Any]:
    """Enough to recognise the referral; the data pack itself is fetched over the API with a token."""
    data: dict[str, Any] = {
        "referral_id": str(referral.public_id),
        "status": referral.status,
        "consent_reference": referral.consent_reference,
        "firm": _firm_summary(referral.firm),
        "url": f"{settings.SITE_URL}/api/v1/bank/referrals/{referral.public_id}/",
    }
    if referral.status == ReferralStatus.CANCELLED:
        data["cancel_reason"] = referral.cancel_reason
    return data


def licence_event_data(licence: Licence, *, change: str) -> dict[str, Any]:
    return {
        "licence_number": licence.number,
        "status": licence.status,
        "change": change,
        "licence_type": licence.licence_type.code,
        "conditions": list(licence.conditions.filter(lifted_at__isnull=True).values_list("text", flat=True)),
        "firm": _firm_summary(licence.firm),
        "url": f"{settings.SITE_URL}/api/v1/licences/{licence.number}/",
    }


def webhook_queue(
    *,
    bank: PartnerBank,
    event_type: str,
    data: dict[str, Any],
    referral: Referral | None = None,
    licence: Licence | None = None,
) -> WebhookDelivery | None:
    """Record a delivery in the caller's transaction and send it after commit. None when the bank has no endpoint."""
    if not bank.webhook_url or not bank.is_active:
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
        event_type=WebhookEvent(event_type),
        body=body,
        url=bank.webhook_url,
        referral=referral,
        licence=licence,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: dispatch.schedule(delivery.pk, countdown=0))
    return delivery


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


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str, int]:
    """One HTTP attempt: (status code, error, response excerpt, duration in ms). Never raises."""
    started = time.monotonic()
    try:
        response = requests.post(
            delivery.url,
            data=delivery.body.encode(),
            headers=signed_headers(delivery, at=timezone.now()),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect is not an acceptance; the bank fixes its URL
        )
        status, error, excerpt = response.status_code, "", response.text[:RESPONSE_EXCERPT_CHARS]
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except requests.RequestException as exc:
        status, error, excerpt = None, f"{type(exc).__name__}: {exc}"[:1000], ""
    return status, error, excerpt, int((time.monotonic() - started) * 1000)


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt if the delivery is due, log it, and schedule the next one on failure."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    status, error, excerpt, duration_ms = _post(delivery)
    succeeded = status is not None and 200 <= status < 300
    delays = settings.WEBHOOK_RETRY_DELAYS
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.attempt_count += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            status_code=status,
            duration_ms=duration_ms,
            succeeded=succeeded,
            error=error,
            response_excerpt=excerpt,
        )
        delivery.last_status_code, delivery.last_error = status, error
        retry_in: int | None = None
        if succeeded:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.SUCCEEDED,
                timezone.now(),
                None,
            )
        elif delivery.attempt_count > len(delays):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            retry_in = delays[delivery.attempt_count - 1]
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
        delivery.save()
        if succeeded and delivery.event_type == WebhookEvent.REFERRAL_CREATED and delivery.referral_id:
            _mark_referral_delivered(delivery.referral_id)
    if retry_in is not None:
        dispatch.schedule(delivery.pk, countdown=retry_in)
    return delivery


def _mark_referral_delivered(referral_id: int) -> None:
    from banking.services.referrals import referral_mark_delivered

    referral = Referral.objects.select_related("bank__service_user").get(pk=referral_id)
    if referral.status == ReferralStatus.REQUESTED:
        # InvalidTransition: the bank acted on it in the meantime; it plainly has it.
        with contextlib.suppress(InvalidTransition):
            referral_mark_delivered(referral=referral)


def webhook_replay(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send a delivery again, same webhook-id and body, with a fresh retry schedule; the attempts log goes on."""
    if actor is None or not rules.has_perm("banking.replay_delivery", actor, delivery):
        raise NotPermitted("Only a licensing manager may replay a webhook delivery.")
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("bank").get(pk=delivery.pk)
        if not delivery.bank.webhook_url:
            raise InvalidTransition(f"{delivery.bank} has no webhook URL; set one before replaying.")
        before = {"status": delivery.status, "attempt_count": delivery.attempt_count}
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
        delivery.url = delivery.bank.webhook_url  # the bank may have fixed its endpoint since
        delivery.save(update_fields=["status", "next_attempt_at", "url"])
        audit_record(actor=actor, action="webhook.replay", obj=delivery, before=before, after={"status": "pending"})
        transaction.on_commit(lambda: dispatch.schedule(delivery.pk, countdown=0))
    return delivery


def webhooks_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come and that no task holds: lost tasks, restarts, the embedded setup."""
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
