"""Our adjustments to django-allauth, wired in settings (MFA_ADAPTER)."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from accounts.mfa import mfa_required


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role requires two-factor authentication, so the authenticator app cannot be switched off."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Someone who must use MFA may not remove their TOTP (allauth would drop the recovery codes with it)."""
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
