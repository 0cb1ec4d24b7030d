from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import User
from accounts.querysets import FirmScopedQuerySet
from applications.choices import DecisionOutcome, RecommendationOutcome
from vasp_licensing.fsm import rules_permission


class InformationRequestQuerySet(FirmScopedQuerySet["InformationRequest"]):
    firm_path = "application__firm"


class InformationRequest(models.Model):
    """A request for information to the firm; the pledge clock is paused while it is open."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="information_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    due_date = models.DateField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="When it was escalated as overdue (once).")

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Request for information on {self.application} due {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


class InformationRequestItem(models.Model):
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Documents the firm filed with its answer (uploaded to the application while information is requested).
    documents = models.ManyToManyField("applications.Document", blank=True, related_name="information_items")

    class Meta:
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="rfi_item_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.question[:60]}"


class Recommendation(models.Model):
    """The case officer's recommendation (the maker of four eyes)."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="recommendations"
    )
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recommendations")
    outcome = models.CharField(max_length=30, choices=RecommendationOutcome.choices)
    reasons = models.TextField()
    draft_conditions = models.JSONField(default=list, blank=True, help_text="A list of condition texts.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} recommended for {self.application}"


class Decision(models.Model):
    """The senior officer's decision on a recommendation (the checker), or their sending it back."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="decisions"
    )
    recommendation = models.OneToOneField(Recommendation, on_delete=models.PROTECT, related_name="decision")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(
        max_length=30, choices=[*DecisionOutcome.choices, ("send_back", _("Send back for further review"))]
    )
    reasons = models.TextField()
    conditions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.application}"


class ChecklistArea(models.TextChoices):
    """The areas every review covers (domain.md, "Review work"), in the order the page shows them."""

    FIT_AND_PROPER = "fit_and_proper", _("Fit and proper")
    AML_CFT = "aml_cft", _("AML/CFT")
    CUSTODY = "custody", _("Custody")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    FINANCIAL_RESOURCES = "financial_resources", _("Financial resources")
    BUSINESS_PLAN = "business_plan", _("Business plan")


class ChecklistOutcome(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    CONCERNS = "concerns", _("Concerns")
    UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")


class ChecklistItem(models.Model):
    """The case officer's finding on one area of the review. Written only by checklist_item_record."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="checklist_items"
    )
    area = models.CharField(max_length=30, choices=ChecklistArea.choices)
    outcome = models.CharField(max_length=20, choices=ChecklistOutcome.choices, default=ChecklistOutcome.NOT_STARTED)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "area"]
        constraints = [models.UniqueConstraint(fields=["application", "area"], name="checklist_item_once_per_area")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_outcome_display()}"


class InternalNote(models.Model):
    """A regulator's note on a case. Internal: never shown to the firm, never in anything sent to it."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="internal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.application}"


class LicenceChangeAction(models.TextChoices):
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REVOKE = "revoke", _("Revoke")
    VARY_CONDITIONS = "vary_conditions", _("Vary conditions")


class LicenceChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LicenceChangeQuerySet(models.QuerySet["LicenceChange"]):
    def open(self) -> "LicenceChangeQuerySet":
        """Proposed and not yet decided or withdrawn: at most one per licence."""
        return self.filter(status=LicenceChangeStatus.PROPOSED)


class LicenceChange(ConcurrentTransitionMixin, models.Model):
    """A proposed change to a licence (the maker), carried out only when another officer approves it
    (the checker). Written only by reviews.services.licence_changes; only the transitions below change `status`."""

    licence = models.ForeignKey("applications.Licence", on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=LicenceChangeAction.choices)
    reasons = models.TextField()
    impose = models.JSONField(default=list, blank=True, help_text="Condition texts to impose.")
    lift = models.JSONField(default=list, blank=True, help_text="Ids of the conditions to lift.")
    status = FSMField(
        max_length=10,
        choices=LicenceChangeStatus.choices,
        default=LicenceChangeStatus.PROPOSED,
        protected=True,
        db_index=True,
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = LicenceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=models.Q(status="proposed"),
                name="licence_change_one_proposed_per_licence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.licence}"

    @property
    def is_open(self) -> bool:
        return self.status == LicenceChangeStatus.PROPOSED

    # Fired only by reviews.services.licence_changes, which carries an approved change out.

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=LicenceChangeStatus.PROPOSED,
        target=RETURN_VALUE(LicenceChangeStatus.APPROVED, LicenceChangeStatus.REJECTED),
        permission=rules_permission("licences.decide_change"),
    )
    def decide(self, *, outcome: str, note: str, at: Any, by: User | None = None, description: str = "") -> str:
        """Approve or reject (the checker); carrying an approval out is the service's."""
        self.decided_by, self.decided_at, self.decision_note = by, at, note
        return outcome

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=LicenceChangeStatus.PROPOSED,
        target=LicenceChangeStatus.WITHDRAWN,
        permission=rules_permission("licences.withdraw_change"),
    )
    def withdraw(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.decided_by, self.decided_at = by, at
