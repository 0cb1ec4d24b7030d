"""Our adjustments to django-allauth, wired in settings (ACCOUNT_ADAPTER, MFA_ADAPTER)."""

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.mfa import mfa_required
from vasp_licensing.links import on_site


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth builds its links (activate_url, password_reset_url, signup_url) and the footer's site on the
        request's host; they name SITE_URL like every other link we send, whichever host the request came in on."""
        links = {
            key: on_site(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://"))
        }
        domain = urlsplit(settings.SITE_URL).netloc
        site = SimpleNamespace(domain=domain, name=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context, **links})


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
