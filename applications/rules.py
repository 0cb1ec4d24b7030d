"""Who may do what to an application or a licence, per object. Transitions ask these by name."""

from typing import Any

import rules

from accounts.rules import (
    is_case_officer,
    is_firm_admin_of,
    is_firm_member_of,
    is_licensing_manager,
    is_regulator,
    is_senior_officer,
)
from accounts.signed_in import AnyUser
from applications.models import Firm


def _firm_id(obj: Any) -> int | None:
    """The firm an object belongs to: the firm itself, or an application, document or licence of it."""
    if isinstance(obj, Firm):
        return obj.pk
    return getattr(obj, "firm_id", None)


@rules.predicate
def is_firm_admin(user: AnyUser, obj: Any) -> bool:
    return bool(is_firm_admin_of(user, _firm_id(obj)))


@rules.predicate
def is_firm_member(user: AnyUser, obj: Any) -> bool:
    return bool(is_firm_member_of(user, _firm_id(obj)))


@rules.predicate
def is_assigned_officer(user: AnyUser, application: Any) -> bool:
    return (
        application is not None
        and application.assigned_officer_id is not None
        and (application.assigned_officer_id == user.pk)
    )


@rules.predicate
def made_a_recommendation(user: AnyUser, application: Any) -> bool:
    """Four eyes: whoever recommended on a case never decides it."""
    return application is not None and application.recommendations.filter(made_by_id=user.pk).exists()


is_working_officer = is_case_officer & is_assigned_officer
is_checker = is_senior_officer & ~made_a_recommendation

rules.add_perm("applications.view", is_firm_member | is_regulator)
rules.add_perm("applications.edit_draft", is_firm_member)
rules.add_perm("applications.create", is_firm_admin)
rules.add_perm("applications.sign_declaration", is_firm_admin)
rules.add_perm("applications.upload_document", is_firm_member)
rules.add_perm("applications.answer_information_request", is_firm_member)

rules.add_perm("applications.submit", is_firm_admin)
rules.add_perm("applications.withdraw", is_firm_admin)
rules.add_perm("applications.respond", is_firm_member)
rules.add_perm("applications.accept", is_working_officer)
rules.add_perm("applications.return", is_working_officer)
rules.add_perm("applications.request_information", is_working_officer)
rules.add_perm("applications.recommend", is_working_officer)
rules.add_perm("applications.decide", is_checker)
rules.add_perm("applications.send_back", is_checker)
rules.add_perm("applications.assign", is_licensing_manager)
rules.add_perm("applications.view_audit_trail", is_regulator)

rules.add_perm("licences.view", is_firm_member | is_regulator)
rules.add_perm("licences.suspend", is_licensing_manager | is_senior_officer)
rules.add_perm("licences.reinstate", is_licensing_manager | is_senior_officer)
rules.add_perm("licences.revoke", is_licensing_manager | is_senior_officer)
rules.add_perm("licences.vary_conditions", is_licensing_manager | is_senior_officer)
rules.add_perm("licences.surrender", is_firm_admin)


@rules.predicate
def proposed_the_change(user: AnyUser, change: Any) -> bool:
    """Four eyes on licences: whoever proposed a change never decides it."""
    return change is not None and getattr(change, "proposed_by_id", None) == user.pk


# Maker and checker of a licence change (reviews.LicenceChange): the proposal is the object to decide.
rules.add_perm("licences.propose_change", is_licensing_manager | is_senior_officer)
rules.add_perm("licences.decide_change", (is_licensing_manager | is_senior_officer) & ~proposed_the_change)
# Only the maker takes a proposal back.
rules.add_perm("licences.withdraw_change", proposed_the_change)
