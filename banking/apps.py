from typing import Any

from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = "Banking referrals"

    def ready(self) -> None:
        from applications.signals import licence_changed

        licence_changed.connect(_on_licence_changed, dispatch_uid="banking.referrals_on_licence_change")


def _on_licence_changed(sender: Any, *, licence: Any, actor: Any, action: str, reason: str, **kwargs: Any) -> None:
    from banking.services import referrals_on_licence_change

    referrals_on_licence_change(licence=licence, actor=actor, action=action, reason=reason)
