"""Reads about users and firm teams. Writes are in accounts.services."""

import hashlib
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.choices import FirmRole, RegulatorRole
from accounts.models import FirmInvitation, FirmMembership, User


def active_case_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=RegulatorRole.CASE_OFFICER).order_by("email")


def invitation_token_hash(token: str) -> str:
    """What an invitation keeps of its token: the SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_find(*, token: str) -> FirmInvitation | None:
    """The invitation this token opens, whatever its state (the caller explains an expired or used one)."""
    return (
        FirmInvitation.objects.select_related("firm", "invited_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def team_members(*, firm: Any) -> QuerySet[FirmMembership]:
    """The firm's members, firm admins first, then by e-mail address."""
    admins_first = Case(When(role=FirmRole.FIRM_ADMIN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        FirmMembership.objects.filter(firm=firm)
        .select_related("user")
        .annotate(admin_rank=admins_first)
        .order_by("admin_rank", "user__email")
    )


def invitations_pending(*, firm: Any) -> QuerySet[FirmInvitation]:
    """Invitations neither accepted nor revoked, newest first; expired ones too (`is_expired` tells them apart)."""
    return (
        FirmInvitation.objects.filter(firm=firm, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )
