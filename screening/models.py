from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import User
from screening.choices import EntryKind, HitStatus, ListSource
from vasp_licensing.fsm import rules_permission


class SanctionsEntry(models.Model):
    """One listed person or organisation, as loaded from a list file; reloads update it in place."""

    source = models.CharField(max_length=20, choices=ListSource.choices)
    source_id = models.CharField(max_length=100, help_text="The list's own id: DATAID (UN) or id (OpenSanctions).")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    name = models.CharField(max_length=500)
    aliases = models.JSONField(default=list, blank=True)
    birth_dates = models.JSONField(default=list, blank=True, help_text="As listed: a date, a year or a range.")
    countries = models.JSONField(default=list, blank=True, help_text="Nationalities or countries, as listed.")
    programme = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. the UN reference number")
    listed_on = models.DateField(null=True, blank=True)
    # Every name and alias, normalised once at load time (screening.matching.normalise_tokens).
    match_names = models.JSONField(default=list, blank=True, editable=False)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "name"]
        verbose_name_plural = "sanctions entries"
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="sanctions_entry_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_source_display()} {self.source_id})"


class SanctionsNameKey(models.Model):
    """Blocking keys: screening compares a name only with entries sharing a key, so large lists stay fast."""

    entry = models.ForeignKey(SanctionsEntry, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=20, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "key"], name="sanctions_name_key_unique")]

    def __str__(self) -> str:
        return self.key


class ScreeningHitQuerySet(models.QuerySet["ScreeningHit"]):
    def open(self) -> "ScreeningHitQuerySet":
        """Waiting for an officer: nobody has said yet whether it is a true or a false match."""
        return self.filter(status=HitStatus.OPEN)


class ScreeningHit(ConcurrentTransitionMixin, models.Model):
    """A name of the firm or of one of its people that resembles a listed name, waiting for an officer.
    Only the transition below changes `status`."""

    application = models.ForeignKey(
        "applications.LicenceApplication", on_delete=models.PROTECT, related_name="screening_hits"
    )
    # Exactly one subject: the firm or a person (check constraint below). Two plain foreign keys
    # keep the admin, the joins and the constraints simple, where a generic relation would not.
    firm = models.ForeignKey(
        "applications.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="screening_hits"
    )
    person = models.ForeignKey(
        "applications.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="screening_hits"
    )
    screened_name = models.CharField(max_length=255, help_text="The name of the subject that matched best.")
    matched_name = models.CharField(max_length=500, help_text="The listed name or alias it matched.")
    entry = models.ForeignKey(SanctionsEntry, on_delete=models.PROTECT, related_name="hits")
    score = models.PositiveSmallIntegerField(help_text="Similarity, 0 to 100.")
    status = FSMField(max_length=20, choices=HitStatus.choices, default=HitStatus.OPEN, protected=True, db_index=True)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_screened_at = models.DateTimeField(default=timezone.now)

    objects = ScreeningHitQuerySet.as_manager()

    class Meta:
        ordering = ["application", "-score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(firm__isnull=False, person__isnull=True) | Q(firm__isnull=True, person__isnull=False),
                name="screening_hit_one_subject",
            ),
            # Two partial constraints: NULLs never collide in a plain unique constraint.
            models.UniqueConstraint(
                fields=["application", "firm", "entry"],
                condition=Q(firm__isnull=False),
                name="screening_hit_once_per_firm_entry",
            ),
            models.UniqueConstraint(
                fields=["application", "person", "entry"],
                condition=Q(person__isnull=False),
                name="screening_hit_once_per_person_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.screened_name} ~ {self.entry.name} ({self.score})"

    @property
    def subject(self) -> models.Model:
        subject = self.firm if self.firm_id else self.person
        assert subject is not None  # the check constraint guarantees one
        return subject

    def describe(self) -> str:
        """One line an officer can act on, for refusals and lists."""
        template = (
            _("Firm %(screened)s resembles %(matched)s (%(source)s %(source_id)s, score %(score)s): %(status)s")
            if self.firm_id
            else _("Person %(screened)s resembles %(matched)s (%(source)s %(source_id)s, score %(score)s): %(status)s")
        )
        return template % {
            "screened": repr(self.screened_name),
            "matched": repr(self.matched_name),
            "source": self.entry.get_source_display(),
            "source_id": self.entry.source_id,
            "score": self.score,
            "status": self.get_status_display().lower(),
        }

    # Fired only by screening.services.screening_adjudicate. A hit may be adjudicated again (new evidence),
    # so every status is a source; the service refuses once the application is at an end.
    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=list(HitStatus),
        target=RETURN_VALUE(HitStatus.TRUE_MATCH, HitStatus.FALSE_MATCH),
        permission=rules_permission("screening.adjudicate_hit"),
    )
    def adjudicate(self, *, status: str, note: str, at: Any, by: User | None = None, description: str = "") -> str:
        self.note, self.adjudicated_by, self.adjudicated_at = note, by, at
        return status
