from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts.roles import role_groups_sync

        # After every app's permissions exist (they are created in post_migrate too, by auth).
        post_migrate.connect(role_groups_sync, dispatch_uid="accounts.role_groups_sync")
