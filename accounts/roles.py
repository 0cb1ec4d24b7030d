"""The regulator roles as Django groups, with the admin permissions each needs.

Synchronised after every `migrate`, so every deployment has them, not only the demo. What a role may
do to a case is decided per object by the rules in applications/rules.py; these model permissions
only open the admin's read-only records and the configuration pages.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.choices import RegulatorRole

# Every regulator reads the records of these apps in the admin.
READABLE_APPS = (
    "accounts",
    "applications",
    "reviews",
    "screening",
    "notifications",
    "audit",
    "django_fsm_log",
    "banking",
)
# Licensing managers also maintain the configuration: licence types and document requirements, and
# the partner banks' endpoints and scopes (credentials only ever come from bank_create).
CONFIGURATION_MODELS = {
    "applications": ("licencetype", "documenttype", "requireddocument"),
    "banking": ("partnerbank",),
}


def role_permissions(role: RegulatorRole) -> Q:
    wanted = Q(content_type__app_label__in=READABLE_APPS, codename__startswith="view_")
    if role == RegulatorRole.LICENSING_MANAGER:
        for app_label, models in CONFIGURATION_MODELS.items():
            wanted |= Q(content_type__app_label=app_label, content_type__model__in=models)
    return wanted


def role_groups_sync(**kwargs: Any) -> None:
    """Create the role groups and give each exactly its permissions. Idempotent."""
    for role in RegulatorRole:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(role_permissions(role)))
