from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    UNDER_REVIEW = "under_review", _("Under review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    PENDING_DECISION = "pending_decision", _("Pending decision")
    APPROVED_IN_PRINCIPLE = "approved_in_principle", _("Approved in principle")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATUSES = frozenset(
    {ApplicationStatus.RETURNED, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN}
)
# A case is open, on the regulator's desk and counting towards an officer's load, from submission until
# the final decision: neither a draft nor at an end.
OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
    ApplicationStatus.PENDING_DECISION,
    ApplicationStatus.APPROVED_IN_PRINCIPLE,
)
# Accepted for review and not yet decided: the pledge clock runs (or is paused) in these.
IN_REVIEW_STATUSES = (
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
    ApplicationStatus.PENDING_DECISION,
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
    AMLO = "amlo", _("AMLO Part 5B (SFC)")
    SFO = "sfo", _("Securities and Futures Ordinance (SFC)")
    STABLECOINS = "stablecoins", _("Stablecoins Ordinance (HKMA)")


class PersonRoleKind(models.TextChoices):
    DIRECTOR = "director", _("Director")
    RESPONSIBLE_OFFICER = "responsible_officer", _("Responsible officer")
    MANAGER_IN_CHARGE = "manager_in_charge", _("Manager-in-charge")
    SUBSTANTIAL_SHAREHOLDER = "substantial_shareholder", _("Substantial shareholder")
    BENEFICIAL_OWNER = "beneficial_owner", _("Ultimate beneficial owner")


ROLES_WITH_PERCENTAGE = frozenset({PersonRoleKind.SUBSTANTIAL_SHAREHOLDER, PersonRoleKind.BENEFICIAL_OWNER})
SUBSTANTIAL_SHAREHOLDING_MIN_PERCENT = 10
MIN_RESPONSIBLE_OFFICERS = 2


class FindingOutcome(models.TextChoices):
    """The outcomes of applications.checks.findings.Outcome, labelled for people (the checks stay Django-free)."""

    PASS = "pass", _("Passed")
    WARN = "warn", _("Warning")
    FAIL = "fail", _("Failed")


class DocumentCheckStatus(models.TextChoices):
    PENDING = "pending", _("Checks pending")
    PASSED = "passed", _("Checks passed")
    FAILED = "failed", _("Checks failed")


class RecommendationOutcome(models.TextChoices):
    GRANT = "grant", _("Grant")
    GRANT_IN_PRINCIPLE = "grant_in_principle", _("Grant in principle")
    REFUSE = "refuse", _("Refuse")


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_IN_PRINCIPLE = "approve_in_principle", _("Approve in principle")
    REFUSE = "refuse", _("Refuse")


DECISION_TARGET_STATUS = {
    DecisionOutcome.APPROVE: ApplicationStatus.APPROVED,
    DecisionOutcome.APPROVE_IN_PRINCIPLE: ApplicationStatus.APPROVED_IN_PRINCIPLE,
    DecisionOutcome.REFUSE: ApplicationStatus.REFUSED,
}


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    SURRENDERED = "surrendered", _("Surrendered")


# A live licence may still be varied, suspended or reinstated, and falls due for its annual fee.
LIVE_LICENCE_STATUSES = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
