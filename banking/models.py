"""Partner banks, banking-onboarding referrals (a state machine), webhook deliveries and idempotency keys."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import User
from accounts.querysets import FirmScopedQuerySet
from banking import choices
from banking.choices import ReferralStatus as R
from vasp_licensing.fsm import rules_permission

DEFAULT_BANK_SCOPES = "referrals:read referrals:write licences:read"


_permission = rules_permission  # each transition asks the rules table by name


class PartnerBank(models.Model):
    """A bank that takes referrals. It signs in as a machine client and acts through its service user."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(default=True, help_text="An inactive bank gets no new referrals or tokens.")
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_bank", editable=False
    )
    oauth_application = models.OneToOneField(
        "oauth2_provider.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_bank",
        editable=False,
    )
    scopes = models.CharField(
        max_length=200, default=DEFAULT_BANK_SCOPES, help_text="Space-separated OAuth scopes this bank may ask for."
    )
    webhook_url = models.URLField(blank=True, max_length=500)
    # Kept readable: every delivery is signed with it (as Standard Webhooks senders do).
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    credentials_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class ReferralQuerySet(FirmScopedQuerySet["Referral"]):
    firm_path = "firm"

    def open(self) -> "ReferralQuerySet":
        """Still in the bank's hands: neither an account opened, declined nor cancelled."""
        return self.filter(status__in=choices.OPEN_REFERRAL_STATUSES)


class Referral(ConcurrentTransitionMixin, models.Model):
    """A licensed firm's consented introduction to one partner bank, and the bank's onboarding progress."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bank = models.ForeignKey(PartnerBank, on_delete=models.PROTECT, related_name="referrals")
    firm = models.ForeignKey("applications.Firm", on_delete=models.PROTECT, related_name="referrals")
    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="referrals"
    )
    licence = models.ForeignKey(
        "applications.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    status = FSMField(default=R.REQUESTED, choices=R.choices, protected=True, db_index=True)
    consent_reference = models.CharField(max_length=30, unique=True, editable=False)
    consent_text = models.TextField(editable=False)
    consent_given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_given_at = models.DateTimeField()
    decline_reason = models.CharField(max_length=40, choices=choices.DeclineReason.choices, blank=True)
    cancel_reason = models.CharField(max_length=40, choices=choices.CancelReason.choices, blank=True)
    bank_note = models.TextField(blank=True, help_text="The bank's latest note to the firm.")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "firm"],
                condition=Q(status__in=choices.OPEN_REFERRAL_STATUSES),
                name="referral_one_open_per_firm_and_bank",
            ),
            models.CheckConstraint(
                condition=Q(status=R.DECLINED, decline_reason__gt="") | (~Q(status=R.DECLINED) & Q(decline_reason="")),
                name="referral_decline_reason_when_declined",
            ),
        ]
        indexes = [models.Index(fields=["bank", "updated_at", "id"])]

    def __str__(self) -> str:
        return f"{self.consent_reference} to {self.bank_id and self.bank}"

    @property
    def is_open(self) -> bool:
        return self.status not in choices.CLOSED_REFERRAL_STATUSES

    def _moved(self, *, note: str) -> None:
        self.status_changed_at = timezone.now()
        if note:
            self.bank_note = note

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=R.REQUESTED, target=R.DELIVERED, permission=_permission("banking.receive"))
    def deliver(self, *, by: User | None = None, description: str = "") -> None:
        self.status_changed_at = timezone.now()

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[R.REQUESTED, R.DELIVERED],
        target=R.ACKNOWLEDGED,
        permission=_permission("banking.report_progress"),
    )
    def acknowledge(self, *, note: str = "", by: User | None = None, description: str = "") -> None:
        self._moved(note=note)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[R.ACKNOWLEDGED, R.INFORMATION_REQUESTED],
        target=R.IN_REVIEW,
        permission=_permission("banking.report_progress"),
    )
    def start_review(self, *, note: str = "", by: User | None = None, description: str = "") -> None:
        self._moved(note=note)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=R.IN_REVIEW,
        target=R.INFORMATION_REQUESTED,
        permission=_permission("banking.report_progress"),
    )
    def request_information(self, *, note: str = "", by: User | None = None, description: str = "") -> None:
        self._moved(note=note)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=R.IN_REVIEW, target=R.ACCOUNT_OPENED, permission=_permission("banking.report_progress")
    )
    def open_account(self, *, note: str = "", by: User | None = None, description: str = "") -> None:
        self._moved(note=note)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[R.REQUESTED, R.DELIVERED, R.ACKNOWLEDGED, R.IN_REVIEW, R.INFORMATION_REQUESTED],
        target=R.DECLINED,
        permission=_permission("banking.report_progress"),
    )
    def decline(self, *, reason_code: str, note: str = "", by: User | None = None, description: str = "") -> None:
        self.decline_reason = reason_code
        self._moved(note=note)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=list(choices.OPEN_REFERRAL_STATUSES),
        target=R.CANCELLED,
        permission=_permission("banking.cancel"),
    )
    def cancel(self, *, by: User | None = None, description: str = "") -> None:
        self.cancel_reason = choices.CancelReason.FIRM_REQUEST
        self.status_changed_at = timezone.now()

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=list(choices.OPEN_REFERRAL_STATUSES),
        target=R.CANCELLED,
        permission=_permission("banking.cancel_for_licence"),
    )
    def cancel_for_licence(self, *, reason_code: str, by: User | None = None, description: str = "") -> None:
        self.cancel_reason = reason_code
        self.status_changed_at = timezone.now()


class ReferralAnswer(models.Model):
    """The firm's answer to a bank's request for information on a referral (the bank's note was the question)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="answers")
    question = models.TextField(blank=True, editable=False, help_text="The bank's note when the firm answered.")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"answer on {self.referral_id and self.referral}: {self.text[:40]}"


class WebhookDelivery(models.Model):
    """One event for one bank. The body is signed anew on every attempt; its webhook-id never changes."""

    webhook_id = models.CharField(max_length=40, unique=True, editable=False)
    bank = models.ForeignKey(PartnerBank, on_delete=models.PROTECT, related_name="deliveries")
    event_type = models.CharField(max_length=40, choices=choices.WebhookEvent.choices)
    body = models.TextField(editable=False, help_text="The exact JSON sent; signatures cover these bytes.")
    url = models.URLField(max_length=500, help_text="Where it goes; the bank's webhook URL when it was queued.")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    licence = models.ForeignKey(
        "applications.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=choices.DeliveryStatus.choices, default=choices.DeliveryStatus.PENDING, db_index=True
    )
    attempt_count = models.PositiveIntegerField(default=0)
    # Queueing starts a round of retries on WEBHOOK_RETRY_DELAYS, and so does each replay.
    round_started_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id} to {self.bank_id and self.bank}"


class WebhookAttempt(models.Model):
    """What happened on one attempt: the bank's status code or the error, and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number_once")]

    def __str__(self) -> str:
        outcome = self.status_code or self.error[:40]
        return f"attempt {self.number}: {outcome}"


class IdempotencyRecord(models.Model):
    """The first response to a bank's request with a given Idempotency-Key, replayed for the same request."""

    bank = models.ForeignKey(PartnerBank, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and canonical body.")
    state = models.CharField(max_length=20, choices=choices.IdempotencyState.choices)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="idempotency_key_once_per_bank")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
