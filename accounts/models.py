from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from accounts.choices import FirmRole, RegulatorRole


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: firm staff or regulator staff. Signs in with the e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def has_regulator_role(self, role: RegulatorRole) -> bool:
        if not self.is_active:
            return False
        cached = getattr(self, "_regulator_roles", None)
        if cached is None:
            cached = set(self.groups.filter(name__in=RegulatorRole.values).values_list("name", flat=True))
            self._regulator_roles = cached
        return role.value in cached

    def firm_role(self, firm_id: int) -> str | None:
        if not self.is_active:
            return None
        membership = self.firm_memberships.filter(firm_id=firm_id).only("role").first()
        return membership.role if membership else None


class FirmMembership(models.Model):
    """A user's role in one firm: the firm admin manages and submits; a preparer edits drafts."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="firm_memberships")
    firm = models.ForeignKey("applications.Firm", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=FirmRole.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "firm"], name="one_membership_per_user_and_firm")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.firm}"


class FirmInvitation(models.Model):
    """An invitation to join a firm's team with a role, sent by e-mail; accepted once, by that address only.

    Only the SHA-256 of the token is kept: the link in the e-mail is the one place the token exists, so a
    copy of the database cannot be used to join a firm. An invitation is open until accepted, revoked or
    past `expires_at`; a firm has at most one not accepted and not revoked invitation per address.
    """

    firm = models.ForeignKey("applications.Firm", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=20, choices=FirmRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_firm_and_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()}) to {self.firm}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired
