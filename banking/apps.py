from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:  # apps.py loads before the models
    from accounts.models import User
    from applications.models import Licence
    from audit.actions import AuditAction


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = "Banking referrals"

    def ready(self) -> None:
        from applications.signals import licence_changed

        licence_changed.connect(_on_licence_changed, dispatch_uid="banking.referrals_on_licence_change")
        _hide_oauth_admin()


def _hide_oauth_admin() -> None:
    """Bank OAuth clients are made and rotated only by bank_create and bank_credentials (secrets shown
    once, audited); tokens are stored as checksums. django-oauth-toolkit's admin pages would offer a
    second, unaudited door, so they are taken down (the admin autodiscovered them before this runs)."""
    from django.contrib import admin
    from oauth2_provider.models import (
        get_access_token_model,
        get_application_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    for model in (
        get_application_model(),
        get_access_token_model(),
        get_refresh_token_model(),
        get_id_token_model(),
        get_grant_model(),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


def _on_licence_changed(
    sender: Any, *, licence: "Licence", actor: "User", action: "AuditAction", reason: str, **kwargs: Any
) -> None:
    from banking.services import referrals_on_licence_change

    referrals_on_licence_change(licence=licence, actor=actor, action=action, reason=reason)
