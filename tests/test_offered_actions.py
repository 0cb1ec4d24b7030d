"""One workflow table per state machine (reviews/workflow.py): the workspace and the admin offer exactly
what it says the user may do now, nothing the state or the role rules out, and a refusal taken through
it carries no conditions, whichever door it comes from."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L
from applications.models import Licence, LicenceApplication
from reviews.models import Decision, LicenceChange
from reviews.services.licence_changes import licence_change_approve, licence_change_propose
from reviews.workflow import (
    APPLICATION,
    application_actions_offered,
    licence_actions_offered,
    licence_change_actions_offered,
)
from tests.reviews.test_case_page import sign_in
from tests.transition_table import actor_for

pytestmark = pytest.mark.django_db

REGULATOR_ROLES = ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager", "auditor"]


def _radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([a-z_]+)"', html)


def in_the_admin(user, model) -> Client:
    """A client signed in to the admin, with view permission only: what they may *do* is their roles'."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    codename = f"view_{model._meta.model_name}"
    user.user_permissions.add(Permission.objects.get(content_type__app_label="applications", codename=codename))
    client = Client()
    client.force_login(user)
    return client


def admin_offers(user, obj) -> list[str]:
    opts = type(obj)._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk])
    response = in_the_admin(user, type(obj)).get(url)
    assert response.status_code == 200
    return _radio_values(response.content.decode(), "action")


def workspace_offers_on_the_case(user, application: LicenceApplication) -> list[str]:
    html = sign_in(Client(), user).get(reverse("reviews:case", args=[application.reference])).content.decode()
    section = html[html.index('id="actions"') :]
    return re.findall(r'<form method="post"[^>]*data-action="([a-z_]+)"', section)


def workspace_offers_on_the_licence(user, licence: Licence) -> tuple[list[str], list[str]]:
    """The changes the propose form offers, and the decision forms on the proposed change."""
    html = sign_in(Client(), user).get(reverse("reviews:licence", args=[licence.number])).content.decode()
    decisions = [name for name in re.findall(r'data-action="([a-z_]+)"', html) if name != "propose"]
    return _radio_values(html, "propose-action"), decisions


# The licence application.


@pytest.mark.parametrize(
    "state", [S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.PENDING_DECISION, S.APPROVED_IN_PRINCIPLE]
)
def test_the_workspace_and_the_admin_offer_the_same_case_actions_from_the_table(case_in, state):
    case = case_in(state)
    application = case.refresh()
    for role in REGULATOR_ROLES:
        user = actor_for(case, role)
        expected = [action.name for action in application_actions_offered(application=application, user=user)]

        assert workspace_offers_on_the_case(user, application) == expected, role
        assert admin_offers(user, application) == expected, role


def test_the_table_offers_nothing_a_regulator_role_rules_out(case_in):
    case = case_in(S.PENDING_DECISION)
    offered = {
        role: [
            action.name
            for action in application_actions_offered(application=case.refresh(), user=actor_for(case, role))
        ]
        for role in REGULATOR_ROLES
    }

    assert offered["senior_officer"] == ["decide", "send_back"]
    assert offered["assigned_officer"] == []  # a senior officer too, but four eyes: the recommender
    assert offered["auditor"] == [] and offered["licensing_manager"] == []


# The licence and its proposed changes.


def _suspended(case) -> Licence:
    licence = case.application.licence
    change = licence_change_propose(
        licence=licence, actor=case.staff.licensing_manager, action="suspend", reasons="Custody breach."
    )
    licence_change_approve(change=change, actor=case.staff.senior_officer)
    licence.refresh_from_db()
    assert licence.status == L.SUSPENDED
    return licence


@pytest.mark.parametrize("status", [L.ACTIVE, L.SUSPENDED])
def test_the_workspace_and_the_admin_offer_the_same_licence_changes_from_the_table(case_in, status):
    case = case_in(S.APPROVED)
    licence = case.application.licence if status == L.ACTIVE else _suspended(case)
    for role in REGULATOR_ROLES:
        user = actor_for(case, role)
        expected = [action.name for action in licence_actions_offered(licence=licence, user=user)]

        proposals, decisions = workspace_offers_on_the_licence(user, licence)
        assert proposals == expected, role
        assert decisions == []
        assert admin_offers(user, licence) == expected, role


def test_reinstate_is_not_offered_on_an_active_licence(case_in):
    case = case_in(S.APPROVED)
    licence = case.application.licence
    manager = case.staff.licensing_manager

    proposals, _ = workspace_offers_on_the_licence(manager, licence)
    assert proposals == ["suspend", "revoke", "vary_conditions"]
    assert admin_offers(manager, licence) == ["suspend", "revoke", "vary_conditions"]


def test_suspend_is_not_offered_on_a_suspended_licence_and_nothing_on_a_revoked_one(case_in):
    case = case_in(S.APPROVED)
    licence = _suspended(case)
    manager = case.staff.licensing_manager

    assert admin_offers(manager, licence) == ["reinstate", "revoke", "vary_conditions"]
    change = licence_change_propose(licence=licence, actor=manager, action="revoke", reasons="Fraud.")
    licence_change_approve(change=change, actor=case.staff.senior_officer)
    licence.refresh_from_db()
    assert licence.status == L.REVOKED
    assert workspace_offers_on_the_licence(manager, licence) == ([], [])
    assert admin_offers(manager, licence) == []


def test_while_a_change_is_open_only_its_decision_is_offered(case_in):
    case = case_in(S.APPROVED)
    licence = case.application.licence
    change = licence_change_propose(
        licence=licence, actor=case.staff.licensing_manager, action="suspend", reasons="Custody breach."
    )
    for role, decisions in [
        ("licensing_manager", ["withdraw"]),  # the maker
        ("senior_officer", ["approve", "reject"]),  # a checker
        ("auditor", []),
    ]:
        user = actor_for(case, role)
        assert [action.name for action in licence_change_actions_offered(change=change, user=user)] == decisions
        assert workspace_offers_on_the_licence(user, licence) == ([], decisions)
        assert admin_offers(user, licence) == []  # the admin only proposes; decisions are the workspace's
    assert LicenceChange.objects.get().status == "proposed"


# A refusal carries no conditions.


def test_a_refusal_through_the_table_drops_the_conditions(case_in):
    case = case_in(S.PENDING_DECISION)
    data = {"outcome": "refuse", "reasons": "Unfit.", "conditions": ["Serve professional investors only."]}

    APPLICATION["decide"].perform(case.application, case.staff.senior_officer, data)

    assert case.refresh().status == S.REFUSED
    assert Decision.objects.get(application=case.application).conditions == []


@pytest.mark.parametrize("door", ["workspace", "admin"])
def test_a_refusal_posted_with_conditions_is_recorded_without_them(case_in, door):
    case = case_in(S.PENDING_DECISION)
    senior, application = case.staff.senior_officer, case.application
    if door == "workspace":
        url = reverse("reviews:case_action", args=[application.reference, "decide"])
        data = {"decide-outcome": "refuse", "decide-reasons": "Unfit.", "decide-conditions": "Cold storage only."}
        response = sign_in(Client(), senior).post(url, data)
    else:
        url = reverse("admin:applications_licenceapplication_transition", args=[application.pk])
        data = {"action": "decide", "decision_outcome": "refuse", "reasons": "Unfit.", "conditions": "Cold storage."}
        response = in_the_admin(senior, LicenceApplication).post(url, data)

    assert response.status_code == 302
    assert case.refresh().status == S.REFUSED
    assert Decision.objects.get(application=application).conditions == []
