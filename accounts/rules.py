"""Predicates about who someone is; the permission table per action lives in each app's rules.py."""

from typing import Any

import rules

from accounts.choices import FirmRole, RegulatorRole
from accounts.signed_in import AnyUser


def _has_role(role: RegulatorRole) -> Any:
    @rules.predicate(name=f"is_{role.value}")
    def predicate(user: AnyUser | None) -> bool:
        return user is not None and user.is_authenticated and user.has_regulator_role(role)

    return predicate


is_case_officer = _has_role(RegulatorRole.CASE_OFFICER)
is_senior_officer = _has_role(RegulatorRole.SENIOR_OFFICER)
is_licensing_manager = _has_role(RegulatorRole.LICENSING_MANAGER)
is_auditor = _has_role(RegulatorRole.AUDITOR)
is_regulator = is_case_officer | is_senior_officer | is_licensing_manager | is_auditor


def firm_role_of(user: AnyUser | None, firm_id: int | None) -> str | None:
    if firm_id is None or user is None or not user.is_authenticated:
        return None
    role: str | None = user.firm_role(firm_id)
    return role


@rules.predicate
def is_firm_admin_of(user: AnyUser, firm_id: int | None) -> bool:
    return firm_role_of(user, firm_id) == FirmRole.FIRM_ADMIN


@rules.predicate
def is_firm_member_of(user: AnyUser, firm_id: int | None) -> bool:
    return firm_role_of(user, firm_id) in FirmRole.values


def team_firm_id(obj: Any) -> int | None:
    """The firm whose team `obj` concerns: the Firm itself, or a membership or invitation of it (their firm_id)."""
    if obj is None:
        return None
    meta = getattr(obj, "_meta", None)
    if meta is not None and meta.label_lower == "applications.firm":
        return int(obj.pk)
    firm_id: int | None = getattr(obj, "firm_id", None)
    return firm_id


@rules.predicate
def manages_team_of(user: AnyUser, obj: Any) -> bool:
    return bool(is_firm_admin_of(user, team_firm_id(obj)))


@rules.predicate
def is_team_member_of(user: AnyUser, obj: Any) -> bool:
    return bool(is_firm_member_of(user, team_firm_id(obj)))


# A firm's team: every member sees who is in it; its firm admins invite, change roles and remove.
rules.add_perm("firms.view_team", is_team_member_of)
rules.add_perm("firms.manage_team", manages_team_of)
