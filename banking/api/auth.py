"""Bank authentication and access for the API: a bearer token of an active bank, with the needed scope."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication, TokenHasScope
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class BankTokenAuthentication(OAuth2Authentication):
    """Client-credentials tokens carry no user; the request acts as the bank's service user."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        _, token = result
        try:
            bank = token.application.partner_bank if token.application is not None else None
        except ObjectDoesNotExist:
            bank = None
        if bank is None or not bank.is_active:
            raise exceptions.AuthenticationFailed(gettext("This token does not belong to an active partner bank."))
        request.partner_bank = bank
        return bank.service_user, token


class IsPartnerBank(BasePermission):
    message = gettext_lazy("This endpoint is for partner banks: send a bearer token from /o/token/.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return getattr(request, "partner_bank", None) is not None


class HasScope(TokenHasScope):
    """The token holds every scope in the view's required_scopes; the refusal names what is missing."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if super().has_permission(request, view):
            return True
        scopes = " ".join(self.get_scopes(request, view))
        self.message = gettext("This token lacks the scope %(scopes)s; ask /o/token/ for it.") % {"scopes": scopes}
        return False


class BankTokenScheme(DjangoOAuthToolkitScheme):
    """OpenAPI: our authentication is DOT's, with the scopes each operation needs."""

    target_class = "banking.api.auth.BankTokenAuthentication"


class SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from the settings when asked, not once at import, so a changed setting applies."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class BankRateThrottle(SettingsRateThrottle):
    """Per bank, whichever token it uses: rate 'bank' in REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']."""

    scope = "bank"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        bank = getattr(request, "partner_bank", None)
        if bank is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": bank.pk}


class PublicRateThrottle(SettingsRateThrottle):
    """Anonymous readers of the public register, per client address."""

    scope = "public"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
