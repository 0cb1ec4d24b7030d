"""Reads about users and firm teams. Writes are in accounts.services."""

import hashlib
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.choices import FirmRole, RegulatorRole
from accounts.models import FirmInvitation, FirmMembership, User
from accounts.signed_in import AnyUser


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


def invitation_addressed_to(*, invitation: FirmInvitation, user: AnyUser) -> bool:
    """Whether `user` has verified the address the invitation was sent to: only they may learn what it offers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def invitation_open_to(*, firm: Any, email: str) -> FirmInvitation | None:
    """The invitation of `firm` to `email` neither accepted nor revoked (expired or not), if any."""
    return FirmInvitation.objects.filter(
        firm=firm, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()


def invitations_open_count(*, firm: Any) -> int:
    """How many of the firm's invitations can still be accepted: neither accepted, revoked nor expired."""
    return FirmInvitation.objects.filter(
        firm=firm, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def email_is_regulator_staff(*, email: str) -> bool:
    """Whether `email` is the address (account or any of its e-mail addresses) of a user with a regulator role."""
    return (
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .filter(groups__name__in=RegulatorRole.values)
        .exists()
    )


def user_is_regulator_staff(*, user: AnyUser) -> bool:
    """Whether `user` is, or was, regulator staff: a superuser or holder of a regulator role, active or not
    (accounts.rules.is_regulator answers for active users only, for permissions)."""
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name__in=RegulatorRole.values).exists())


def firm_member_ids(*, firm: Any) -> set[int]:
    """The ids of the users who are members of `firm` now."""
    return set(FirmMembership.objects.filter(firm=firm).values_list("user_id", flat=True))


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
