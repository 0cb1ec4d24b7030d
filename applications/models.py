import os
import re
import uuid
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import User
from accounts.querysets import FirmScopedQuerySet
from applications import choices
from applications.checks import messages as finding_messages
from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L
from applications.validators import validate_country_code, validate_lei
from vasp_licensing.fsm import rules_permission

_permission = rules_permission  # each transition asks the rules table by name


class DocumentType(models.Model):
    """A kind of document a firm files; what is allowed for it is configuration, edited in the admin."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    name_zh = models.CharField("name (Chinese)", max_length=200, blank=True)
    description = models.TextField(blank=True)
    per_person = models.BooleanField(default=False, help_text="Filed once for every person of the firm.")
    allowed_extensions = models.CharField(
        max_length=200, default="pdf", help_text="Comma-separated file name extensions, e.g. pdf,png"
    )
    max_size_bytes = models.PositiveBigIntegerField(default=20 * 1024 * 1024)
    max_age_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A dated document older than this is flagged (e.g. audited accounts: 18)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the Chinese name on Chinese pages, where there is one."""
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name

    @property
    def extensions(self) -> list[str]:
        return [ext.strip().lower().lstrip(".") for ext in self.allowed_extensions.split(",") if ext.strip()]


class LicenceType(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    regime = models.CharField(max_length=20, choices=choices.Regime.choices)
    description = models.TextField(blank=True)
    # Unique: the licence number series is named after it, so two types can never issue the same number.
    licence_number_prefix = models.CharField(
        max_length=10, unique=True, help_text="e.g. VATP: licences are VATP-2026-0001"
    )
    is_active = models.BooleanField(default=True, help_text="Inactive types take no new applications.")
    required_document_types = models.ManyToManyField(
        DocumentType, through="RequiredDocument", related_name="required_for", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="required_documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "document_type"], name="document_required_once_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.licence_type}: {self.document_type}"


class FirmQuerySet(FirmScopedQuerySet["Firm"]):
    firm_path = ""


class Firm(models.Model):
    legal_name_en = models.CharField("legal name (English)", max_length=255)
    legal_name_zh = models.CharField("legal name (Chinese)", max_length=255, blank=True)
    registration_number = models.CharField("company registration number", max_length=50)
    jurisdiction = models.CharField(
        max_length=2, validators=[validate_country_code], help_text="Country of incorporation, e.g. HK"
    )
    registered_address = models.TextField()
    lei = models.CharField("LEI", max_length=20, blank=True, validators=[validate_lei])
    website = models.URLField(blank=True, validators=[URLValidator(schemes=["https", "http"])])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FirmQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "registration_number"], name="firm_registration_unique_in_jurisdiction"
            ),
            models.UniqueConstraint(fields=["lei"], condition=~Q(lei=""), name="firm_lei_unique"),
        ]

    def __str__(self) -> str:
        return self.legal_name_en


class PersonQuerySet(FirmScopedQuerySet["Person"]):
    firm_path = "firm"


class Person(models.Model):
    """Someone who must be fit and proper: director, RO, manager-in-charge, shareholder or owner."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="people")
    full_name_en = models.CharField("full name (English)", max_length=255)
    full_name_zh = models.CharField("full name (Chinese)", max_length=255, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=2, blank=True, validators=[validate_country_code])
    identity_document_number = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name_en"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name_en


class PersonRole(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=choices.PersonRoleKind.choices)
    percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="Shareholding or beneficial ownership, for shareholders and beneficial owners.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="person_role_once"),
            models.CheckConstraint(
                condition=(
                    # isnull=False: SQL lets a CHECK pass when it evaluates to NULL.
                    Q(role="substantial_shareholder", percentage__isnull=False, percentage__gte=10, percentage__lte=100)
                    | Q(role="beneficial_owner", percentage__isnull=False, percentage__gt=0, percentage__lte=100)
                    | (~Q(role__in=["substantial_shareholder", "beneficial_owner"]) & Q(percentage__isnull=True))
                ),
                name="person_role_percentage_fits_role",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.percentage}%)" if self.percentage is not None else ""
        return f"{self.get_role_display()}{suffix}"


class ReferenceSequence(models.Model):
    """Gap-free yearly counters for reference and licence numbers, incremented under a row lock."""

    name = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="reference_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last_value}"


class LicenceApplicationQuerySet(FirmScopedQuerySet["LicenceApplication"]):
    firm_path = "firm"

    def open(self) -> "LicenceApplicationQuerySet":
        """Open cases: submitted and not yet at an end (choices.OPEN_STATUSES); drafts are the firm's alone."""
        return self.filter(status__in=choices.OPEN_STATUSES)

    def in_review(self) -> "LicenceApplicationQuerySet":
        """Accepted and not yet decided (choices.IN_REVIEW_STATUSES): the pledge clock's cases."""
        return self.filter(status__in=choices.IN_REVIEW_STATUSES)

    def not_ended(self) -> "LicenceApplicationQuerySet":
        """Drafts and open cases: everything not yet returned, decided or withdrawn."""
        return self.exclude(status__in=choices.TERMINAL_STATUSES)


class LicenceApplication(ConcurrentTransitionMixin, models.Model):
    """A firm's application for one licence type. Only the transitions below change `status`."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="applications")
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="applications")
    status = FSMField(default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    business_plan_summary = models.TextField(blank=True)
    products_and_services = models.TextField(blank=True)
    target_markets = models.TextField(blank=True)

    declaration_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declaration_signatory_name = models.CharField(max_length=255, blank=True)
    declaration_signatory_role = models.CharField(
        max_length=255, blank=True, help_text="The signatory's role or position in the firm, e.g. Director."
    )
    declaration_signed_at = models.DateTimeField(null=True, blank=True)

    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_applications"
    )
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="The pledge clock starts here.")
    decided_at = models.DateTimeField(null=True, blank=True)
    closing_reasons = models.TextField(blank=True, help_text="Why it was returned, refused or withdrawn.")

    objects = LicenceApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_terminal(self) -> bool:
        return self.status in choices.TERMINAL_STATUSES

    # The state machine (domain.md). Each transition is fired only by its service in
    # applications/services/transitions.py, which also checks conditions with reasons.

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=S.DRAFT, target=S.SUBMITTED, permission=_permission("applications.submit"))
    def submit(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.submitted_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=S.SUBMITTED, target=S.UNDER_REVIEW, permission=_permission("applications.accept"))
    def accept(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.accepted_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=S.SUBMITTED, target=S.RETURNED, permission=_permission("applications.return"))
    def return_to_firm(self, *, by: User | None = None, description: str = "") -> None:
        self.closing_reasons = description

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=S.UNDER_REVIEW,
        target=S.INFORMATION_REQUESTED,
        permission=_permission("applications.request_information"),
    )
    def request_information(self, *, by: User | None = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=S.INFORMATION_REQUESTED,
        target=S.UNDER_REVIEW,
        permission=_permission("applications.respond"),
    )
    def respond(self, *, by: User | None = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=S.UNDER_REVIEW, target=S.PENDING_DECISION, permission=_permission("applications.recommend")
    )
    def recommend(self, *, by: User | None = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=S.APPROVED_IN_PRINCIPLE,
        target=S.PENDING_DECISION,
        permission=_permission("applications.recommend"),
    )
    def recommend_final_grant(self, *, by: User | None = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=S.PENDING_DECISION,
        target=RETURN_VALUE(S.APPROVED, S.APPROVED_IN_PRINCIPLE, S.REFUSED),
        permission=_permission("applications.decide"),
    )
    def decide(self, *, outcome: str, at: Any, by: User | None = None, description: str = "") -> str:
        target = choices.DECISION_TARGET_STATUS[choices.DecisionOutcome(outcome)]
        if target != S.APPROVED_IN_PRINCIPLE:
            self.decided_at = at
        if target == S.REFUSED:
            self.closing_reasons = description
        return target

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=S.PENDING_DECISION, target=S.UNDER_REVIEW, permission=_permission("applications.send_back")
    )
    def send_back(self, *, by: User | None = None, description: str = "") -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=list(choices.WITHDRAWABLE_STATUSES),
        target=S.WITHDRAWN,
        permission=_permission("applications.withdraw"),
    )
    def withdraw(self, *, by: User | None = None, description: str = "") -> None:
        self.closing_reasons = description


class ApplicationSnapshot(models.Model):
    """What the firm submitted, frozen: the data and the hash of every document as filed."""

    application = models.OneToOneField(LicenceApplication, on_delete=models.PROTECT, related_name="snapshot")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    data = models.JSONField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON of data.")

    def __str__(self) -> str:
        return f"Submission snapshot of {self.application}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("A submission snapshot cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("A submission snapshot cannot be deleted.")


_STORED_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


def document_upload_to(instance: "Document", filename: str) -> str:
    """Where a document is stored: a random name, never any part of the name the firm gave.

    Only the extension survives (the service has validated it against the document type), lower-case
    and only if it is 1 to 10 letters or digits; the original name is kept in `original_name` alone.
    """
    extension = os.path.splitext(filename)[1].lstrip(".").lower()
    suffix = f".{extension}" if _STORED_EXTENSION.fullmatch(extension) else ""
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class DocumentQuerySet(FirmScopedQuerySet["Document"]):
    firm_path = "application__firm"


class Document(models.Model):
    """One uploaded version of a document. A new upload supersedes the current one; none is overwritten."""

    application = models.ForeignKey(LicenceApplication, on_delete=models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="documents")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_upload_to, max_length=500)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    check_status = models.CharField(
        max_length=10, choices=choices.DocumentCheckStatus.choices, default=choices.DocumentCheckStatus.PENDING
    )
    document_date = models.DateField(null=True, blank=True, help_text="The date the document bears, where it has one.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, help_text="When the checks last finished.")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["document_type__name", "-version"]
        indexes = [models.Index(fields=["application", "document_type", "is_current"])]

    def __str__(self) -> str:
        return f"{self.document_type} v{self.version} ({self.original_name})"


class DocumentFinding(models.Model):
    """One check's verdict on one document. A new run replaces the whole set; see document_run_checks."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="findings")
    # Not "check": Model.check() is Django's system-check hook.
    check_code = models.CharField("check", max_length=40)
    outcome = models.CharField(max_length=4, choices=choices.FindingOutcome.choices)
    # What the finding says, as a code and its parameters: worded in the reader's language when read.
    code = models.CharField(max_length=60, default=finding_messages.LEGACY)
    params = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False, help_text="For regulator staff only; never shown to the firm.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["document", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "check_code"], name="document_finding_once_per_check")
        ]

    def __str__(self) -> str:
        return f"{self.check_code}: {self.outcome}"

    @property
    def message(self) -> str:
        """Written for the firm, unless internal; in the active language."""
        return finding_messages.render(self.code, self.params)

    @message.setter
    def message(self, text: str) -> None:
        # A finding written by hand (a fixture, say) has no code: its text is shown as it is.
        self.code, self.params = finding_messages.LEGACY, {"text": text}


class LicenceQuerySet(FirmScopedQuerySet["Licence"]):
    firm_path = "firm"

    def live(self) -> "LicenceQuerySet":
        """Active or suspended: not yet revoked or surrendered (choices.LIVE_LICENCE_STATUSES)."""
        return self.filter(status__in=choices.LIVE_LICENCE_STATUSES)

    def active(self) -> "LicenceQuerySet":
        return self.filter(status=L.ACTIVE)


class Licence(ConcurrentTransitionMixin, models.Model):
    """A granted licence, with its own life: active, suspended (and back), revoked or surrendered."""

    number = models.CharField(max_length=30, unique=True, editable=False)
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="licences")
    application = models.OneToOneField(LicenceApplication, on_delete=models.PROTECT, related_name="licence")
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    status = FSMField(default=L.ACTIVE, choices=L.choices, protected=True, db_index=True)
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_live(self) -> bool:
        """Active or suspended, as LicenceQuerySet.live() selects."""
        return self.status in choices.LIVE_LICENCE_STATUSES

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=L.ACTIVE, target=L.SUSPENDED, permission=_permission("licences.suspend"))
    def suspend(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.status_changed_at, self.status_reason = at, description

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=L.SUSPENDED, target=L.ACTIVE, permission=_permission("licences.reinstate"))
    def reinstate(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.status_changed_at, self.status_reason = at, description

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=[L.ACTIVE, L.SUSPENDED], target=L.REVOKED, permission=_permission("licences.revoke")
    )
    def revoke(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.status_changed_at, self.status_reason = at, description

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=[L.ACTIVE, L.SUSPENDED], target=L.SURRENDERED, permission=_permission("licences.surrender")
    )
    def surrender(self, *, at: Any, by: User | None = None, description: str = "") -> None:
        self.status_changed_at, self.status_reason = at, description


class LicenceConditionQuerySet(models.QuerySet["LicenceCondition"]):
    def in_force(self) -> "LicenceConditionQuerySet":
        """Imposed and not lifted."""
        return self.filter(lifted_at__isnull=True)


class LicenceCondition(models.Model):
    """A condition on a licence. Varying conditions lifts old ones and imposes new ones; none is edited."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="conditions")
    text = models.TextField()
    imposed_at = models.DateTimeField()
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LicenceConditionQuerySet.as_manager()

    class Meta:
        ordering = ["imposed_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
