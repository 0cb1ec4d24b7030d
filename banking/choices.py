from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DELIVERED = "delivered", _("Delivered to the bank")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the bank")
    IN_REVIEW = "in_review", _("In the bank's review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested by the bank")
    ACCOUNT_OPENED = "account_opened", _("Account opened")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_REFERRAL_STATUSES = frozenset({ReferralStatus.ACCOUNT_OPENED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED})
OPEN_REFERRAL_STATUSES = tuple(s for s in ReferralStatus if s not in CLOSED_REFERRAL_STATUSES)


class BankReportedStatus(models.TextChoices):
    """The statuses a bank reports through the API, each one transition of the referral."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_REVIEW = "in_review", _("In review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    ACCOUNT_OPENED = "account_opened", _("Account opened")
    DECLINED = "declined", _("Declined")


# The transition a bank's reported status fires.
BANK_STATUS_TRANSITIONS = {
    BankReportedStatus.ACKNOWLEDGED: "acknowledge",
    BankReportedStatus.IN_REVIEW: "start_review",
    BankReportedStatus.INFORMATION_REQUESTED: "request_information",
    BankReportedStatus.ACCOUNT_OPENED: "open_account",
    BankReportedStatus.DECLINED: "decline",
}


class DeclineReason(models.TextChoices):
    RISK_APPETITE = "risk_appetite", _("Outside the bank's risk appetite")
    INCOMPLETE_INFORMATION = "incomplete_information", _("Information incomplete or not provided")
    OWNERSHIP_STRUCTURE = "ownership_structure", _("Ownership or control structure not acceptable")
    SOURCE_OF_FUNDS = "source_of_funds", _("Source of funds or wealth not established")
    SCREENING = "screening", _("Sanctions or adverse media screening")
    JURISDICTION = "jurisdiction", _("Jurisdictions involved")
    PRODUCT_NOT_OFFERED = "product_not_offered", _("The bank does not offer the account needed")
    OTHER = "other", _("Other (see note)")


class CancelReason(models.TextChoices):
    FIRM_REQUEST = "firm_request", _("Cancelled by the firm")
    LICENCE_SUSPENDED = "licence_suspended", _("The licence was suspended")
    LICENCE_REVOKED = "licence_revoked", _("The licence was revoked")
    LICENCE_SURRENDERED = "licence_surrendered", _("The licence was surrendered")


class WebhookEvent(models.TextChoices):
    REFERRAL_CREATED = "referral.created", _("referral.created")
    REFERRAL_CANCELLED = "referral.cancelled", _("referral.cancelled")
    LICENCE_UPDATED = "licence.updated", _("licence.updated")
    REFERRAL_INFORMATION_PROVIDED = "referral.information_provided", _("referral.information_provided")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed (retries exhausted)")


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
