"""`Referral.objects.visible_to(user)` and `of_member(user)`: a firm's referrals, for whom."""

import pytest

from banking.models import Referral
from tests.banking.conftest import refer

REGULATORS = ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager", "auditor"]


@pytest.fixture
def referral(licensed_case, bank_a) -> Referral:
    [referral] = refer(licensed_case, bank_a)
    return referral


@pytest.mark.parametrize("role", ["firm_admin", "preparer"])
def test_members_see_their_firms_referrals(licensed_case, referral, role):
    user = getattr(licensed_case, role)

    assert list(Referral.objects.visible_to(user)) == [referral]
    assert list(Referral.objects.of_member(user)) == [referral]


def test_another_firms_admin_sees_no_referral_of_the_firm(licensed_case, referral):
    assert not Referral.objects.visible_to(licensed_case.other_firm_admin).exists()


@pytest.mark.parametrize("role", REGULATORS)
def test_every_regulator_role_sees_the_referral_but_is_member_of_no_firm(licensed_case, referral, role):
    user = getattr(licensed_case.staff, role)

    assert list(Referral.objects.visible_to(user)) == [referral]
    assert not Referral.objects.of_member(user).exists()
