from django.conf import settings
from django.db import models
from django.utils import timezone

from applications.choices import DecisionOutcome, RecommendationOutcome


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
        max_length=30, choices=[*DecisionOutcome.choices, ("send_back", "Send back for further review")]
    )
    reasons = models.TextField()
    conditions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.application}"
