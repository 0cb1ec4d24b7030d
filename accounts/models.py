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
