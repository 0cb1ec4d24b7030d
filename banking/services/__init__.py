"""Every write to partner banks, referrals, webhook deliveries and idempotency keys."""

from banking.services.banks import BankCredentials, bank_create, bank_credentials_rotate
from banking.services.idempotency import idempotency_run, request_fingerprint
from banking.services.referrals import (
    referral_cancel,
    referral_mark_delivered,
    referral_report_status,
    referral_request,
    referrals_on_licence_change,
)
from banking.services.webhooks import webhook_attempt, webhook_queue, webhook_replay, webhooks_due

__all__ = [
    "BankCredentials",
    "bank_create",
    "bank_credentials_rotate",
    "idempotency_run",
    "referral_cancel",
    "referral_mark_delivered",
    "referral_report_status",
    "referral_request",
    "referrals_on_licence_change",
    "request_fingerprint",
    "webhook_attempt",
    "webhook_queue",
    "webhook_replay",
    "webhooks_due",
]
