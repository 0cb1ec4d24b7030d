from django.db import models


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    UNDER_REVIEW = "under_review", "Under review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    PENDING_DECISION = "pending_decision", "Pending decision"
    APPROVED_IN_PRINCIPLE = "approved_in_principle", "Approved in principle"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


TERMINAL_STATUSES = frozenset(
    {ApplicationStatus.RETURNED, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN}
)
# A firm may withdraw until the final decision; approval in principle is not yet a licence.
WITHDRAWABLE_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
    ApplicationStatus.PENDING_DECISION,
    ApplicationStatus.APPROVED_IN_PRINCIPLE,
)


class Regime(models.TextChoices):
    AMLO = "amlo", "AMLO Part 5B (SFC)"
    SFO = "sfo", "Securities and Futures Ordinance (SFC)"
    STABLECOINS = "stablecoins", "Stablecoins Ordinance (HKMA)"


class PersonRoleKind(models.TextChoices):
    DIRECTOR = "director", "Director"
    RESPONSIBLE_OFFICER = "responsible_officer", "Responsible officer"
    MANAGER_IN_CHARGE = "manager_in_charge", "Manager-in-charge"
    SUBSTANTIAL_SHAREHOLDER = "substantial_shareholder", "Substantial shareholder"
    BENEFICIAL_OWNER = "beneficial_owner", "Ultimate beneficial owner"


ROLES_WITH_PERCENTAGE = frozenset({PersonRoleKind.SUBSTANTIAL_SHAREHOLDER, PersonRoleKind.BENEFICIAL_OWNER})
SUBSTANTIAL_SHAREHOLDING_MIN_PERCENT = 10
MIN_RESPONSIBLE_OFFICERS = 2


class DocumentCheckStatus(models.TextChoices):
    PENDING = "pending", "Checks pending"
    PASSED = "passed", "Checks passed"
    FAILED = "failed", "Checks failed"


class RecommendationOutcome(models.TextChoices):
    GRANT = "grant", "Grant"
    GRANT_IN_PRINCIPLE = "grant_in_principle", "Grant in principle"
    REFUSE = "refuse", "Refuse"


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_IN_PRINCIPLE = "approve_in_principle", "Approve in principle"
    REFUSE = "refuse", "Refuse"


DECISION_TARGET_STATUS = {
    DecisionOutcome.APPROVE: ApplicationStatus.APPROVED,
    DecisionOutcome.APPROVE_IN_PRINCIPLE: ApplicationStatus.APPROVED_IN_PRINCIPLE,
    DecisionOutcome.REFUSE: ApplicationStatus.REFUSED,
}


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
    SURRENDERED = "surrendered", "Surrendered"
