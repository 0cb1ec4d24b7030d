"""Who must sign in with a second factor, and enrolling someone in TOTP without the browser.

The policy is one function, `mfa_required`, read by the middleware that sends people to TOTP
setup and by the MFA adapter that refuses to switch TOTP off; widen it there and both follow.
The factors themselves are allauth's (allauth.mfa): TOTP with recovery codes.
"""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import encrypt, is_mfa_enabled

from accounts.choices import FirmRole, RegulatorRole
from accounts.models import FirmMembership, User
from accounts.signed_in import AnyUser


def mfa_required(user: AnyUser) -> bool:
    """True when this user may use the site only with TOTP set up.

    - Regulator staff (any regulator role) and superusers, who count as regulators here: they see every
      firm's confidential file.
    - Firm admins (a firm_admin membership of any firm): they manage the firm's team, submit its
      applications and share its data with banks.
    Preparers may set TOTP up, but are not forced to. An inactive user is never asked (they cannot sign in).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if any(user.has_regulator_role(role) for role in RegulatorRole):
        return True
    return is_firm_admin_anywhere(user)


def is_firm_admin_anywhere(user: User) -> bool:
    """True when `user` is a firm admin of at least one firm. Not cached: a new membership counts at once."""
    return FirmMembership.objects.filter(user_id=user.pk, role=FirmRole.FIRM_ADMIN).exists()


def has_totp(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and is_mfa_enabled(user, [Authenticator.Type.TOTP])


def totp_enrol(*, user: User, secret: str, recovery_seed: str | None = None) -> list[str]:
    """Give `user` a TOTP authenticator with `secret` (base32) and recovery codes; returns the codes.

    What allauth's TOTP setup page does, for people enrolled by a script (the demo, tests).
    A fixed `recovery_seed` gives fixed codes. Idempotent: an existing authenticator is kept.
    """
    if not has_totp(user):
        TOTP.activate(user, secret)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if codes is None:
        data: dict[str, Any] = {"seed": encrypt(recovery_seed or RecoveryCodes.generate_seed()), "used_mask": 0}
        codes = Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data=data)
    unused: list[str] = RecoveryCodes(codes).get_unused_codes()
    return unused


def email_verify(*, user: User) -> EmailAddress:
    """Record the user's address as verified and primary: sign-in requires a verified address.

    For accounts the regulator creates itself (staff, the demo, tests), whose address is known good.
    """
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return address
