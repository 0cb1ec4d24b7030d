"""What state machines share at model level (kept free of app imports, so models can use it)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django_fsm import UserWithPermissions


def rules_permission(name: str) -> Callable[[models.Model, "UserWithPermissions"], bool]:
    """A django-fsm transition permission answered by the rules table (each app's rules.py), by name."""

    def check(instance: models.Model, user: "UserWithPermissions") -> bool:
        import rules

        return bool(rules.has_perm(name, user, instance))

    check.__name__ = name
    return check
