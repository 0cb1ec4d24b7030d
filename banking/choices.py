from django.db import models


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DELIVERED = "delivered", "Delivered to the bank"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the bank"
    IN_REVIEW = "in_review", "In the bank's review"
    INFORMATION_REQUESTED = "information_requested", "Information requested by the bank"
    ACCOUNT_OPENED = "account_opened", "Account opened"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_REFERRAL_STATUSES = frozenset({ReferralStatus.ACCOUNT_OPENED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED})
OPEN_REFERRAL_STATUSES = tuple(s for s in ReferralStatus if s not in CLOSED_REFERRAL_STATUSES)


class BankReportedStatus(models.TextChoices):
    """The statuses a bank reports through the API, each one transition of the referral."""

    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_REVIEW = "in_review", "In review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    ACCOUNT_OPENED = "account_opened", "Account opened"
    DECLINED = "declined", "Declined"


# The transition a bank's reported status fires.
BANK_STATUS_TRANSITIONS = {
    BankReportedStatus.ACKNOWLEDGED: "acknowledge",
    BankReportedStatus.IN_REVIEW: "start_review",
    BankReportedStatus.INFORMATION_REQUESTED: "request_information",
    BankReportedStatus.ACCOUNT_OPENED: "open_account",
    BankReportedStatus.DECLINED: "decline",
}


class DeclineReason(models.TextChoices):
    RISK_APPETITE = "risk_appetite", "Outside the bank's risk appetite"
    INCOMPLETE_INFORMATION = "incomplete_information", "Information incomplete or not provided"
    OWNERSHIP_STRUCTURE = "ownership_structure", "Ownership or control structure not acceptable"
    SOURCE_OF_FUNDS = "source_of_funds", "Source of funds or wealth not established"
    SCREENING = "screening", "Sanctions or adverse media screening"
    JURISDICTION = "jurisdiction", "Jurisdictions involved"
    PRODUCT_NOT_OFFERED = "product_not_offered", "The bank does not offer the account needed"
    OTHER = "other", "Other (see note)"


class CancelReason(models.TextChoices):
    FIRM_REQUEST = "firm_request", "Cancelled by the firm"
    LICENCE_SUSPENDED = "licence_suspended", "The licence was suspended"
    LICENCE_REVOKED = "licence_revoked", "The licence was revoked"
    LICENCE_SURRENDERED = "licence_surrendered", "The licence was surrendered"


class WebhookEvent(models.TextChoices):
    REFERRAL_CREATED = "referral.created", "referral.created"
    REFERRAL_CANCELLED = "referral.cancelled", "referral.cancelled"
    LICENCE_UPDATED = "licence.updated", "licence.updated"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed (retries exhausted)"


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
