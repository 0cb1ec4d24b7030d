"""`visible_to(user)` and `of_member(user)`: which of a firm's records each kind of user may look up."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from applications.choices import ApplicationStatus as S
from applications.models import Document, Firm, Licence, LicenceApplication, Person
from reviews.models import InformationRequest
from reviews.services import information_request_open
from tests.builders import Case

MODELS = [Firm, Person, LicenceApplication, Document, Licence, InformationRequest]
REGULATORS = ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager", "auditor"]


@pytest.fixture
def case(case_in) -> Case:
    """An approved case (so a licence), with a request for information on its application."""
    case = case_in(S.APPROVED)
    information_request_open(
        application=case.application,
        actor=case.staff.assigned_officer,
        questions=["Explain the custody set-up."],
        due_date=timezone.localdate() + timedelta(days=7),
    )
    return case


def firm_ids(model, queryset) -> set[int]:
    path = {Firm: "pk", Document: "application__firm", InformationRequest: "application__firm"}.get(model, "firm")
    return set(queryset.values_list(path, flat=True))


# Each test covers every model: a case costs hundreds of queries to build, a lookup one.


@pytest.mark.parametrize("role", ["firm_admin", "preparer"])
def test_members_see_their_own_firms_records_and_nothing_of_another_firm(case, role):
    user = getattr(case, role)

    for model in MODELS:
        assert firm_ids(model, model.objects.visible_to(user)) == {case.firm.pk}, model
        assert firm_ids(model, model.objects.of_member(user)) == {case.firm.pk}, model


def test_another_firms_admin_sees_none_of_the_firms_records(case):
    other = case.other_firm_admin

    for model in MODELS:
        assert case.firm.pk not in firm_ids(model, model.objects.visible_to(other)), model
        assert case.firm.pk not in firm_ids(model, model.objects.of_member(other)), model


def test_every_regulator_role_sees_every_firms_records_but_is_member_of_none(case):
    for role in REGULATORS:
        user = getattr(case.staff, role)
        for model in MODELS:
            assert model.objects.visible_to(user).count() == model.objects.count() > 0, (role, model)
            assert not model.objects.of_member(user).exists(), (role, model)


def test_anonymous_visitors_see_nothing(case):
    for model in MODELS:
        assert not model.objects.visible_to(AnonymousUser()).exists(), model
        assert not model.objects.of_member(AnonymousUser()).exists(), model


@pytest.mark.parametrize("who", ["firm_admin", "licensing_manager"])
def test_deactivated_users_see_nothing(case, who):
    user = getattr(case, who, None) or getattr(case.staff, who)
    user.is_active = False
    user.save(update_fields=["is_active"])

    for model in MODELS:
        assert not model.objects.visible_to(user).exists(), model


def test_a_member_of_two_firms_sees_each_record_once(case):
    from accounts.choices import FirmRole
    from accounts.models import FirmMembership

    other_firm = case.other_firm_admin.firm_memberships.get().firm
    FirmMembership.objects.create(user=case.firm_admin, firm=other_firm, role=FirmRole.PREPARER)

    firms = list(Firm.objects.visible_to(case.firm_admin))
    applications = list(LicenceApplication.objects.visible_to(case.firm_admin))

    assert sorted(firm.pk for firm in firms) == sorted([case.firm.pk, other_firm.pk])
    assert [application.pk for application in applications] == [case.application.pk]
