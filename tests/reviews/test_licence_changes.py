"""Four eyes on a licence's life: one officer proposes, another approves (and the change is carried out by
the licence's own service), rejects, or the proposer withdraws."""

import pytest
from django.core.cache import cache
from django_fsm_log.models import StateLog

from applications.choices import LicenceStatus as L
from applications.models import LicenceCondition
from audit.models import AuditEvent
from banking.choices import CancelReason, ReferralStatus
from banking.models import Referral
from reviews.models import LicenceChange
from reviews.models import LicenceChangeStatus as C
from reviews.services.licence_changes import (
    licence_change_approve,
    licence_change_propose,
    licence_change_reject,
    licence_change_withdraw,
)
from tests.banking.conftest import bank_client, refer
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def propose(case, action="suspend", who=None, **kwargs):
    kwargs.setdefault("reasons", "Custody breach.")
    return licence_change_propose(
        licence=case.application.licence, actor=who or case.staff.licensing_manager, action=action, **kwargs
    )


def test_a_proposal_changes_nothing_until_it_is_approved(licensed_case):
    change = propose(licensed_case)
    licence = licensed_case.application.licence
    licence.refresh_from_db()
    assert change.status == C.PROPOSED and change.proposed_by == licensed_case.staff.licensing_manager
    assert licence.status == L.ACTIVE
    assert AuditEvent.objects.filter(action="licence_change.propose", object_id=str(change.pk)).count() == 1


def test_approval_by_another_officer_suspends_the_licence_as_its_actor(licensed_case):
    change = propose(licensed_case)
    approved = licence_change_approve(change=change, actor=licensed_case.staff.senior_officer, note="Agreed.")

    licence = licensed_case.application.licence
    licence.refresh_from_db()
    assert licence.status == L.SUSPENDED and licence.status_reason == "Custody breach."
    assert approved.status == C.APPROVED and approved.decided_by == licensed_case.staff.senior_officer
    assert approved.decided_at is not None and approved.decision_note == "Agreed."
    suspend = AuditEvent.objects.get(action="licence.suspend")
    assert suspend.actor == licensed_case.staff.senior_officer
    assert AuditEvent.objects.filter(action="licence_change.approve", object_id=str(change.pk)).count() == 1


@pytest.mark.parametrize("proposer", ["licensing_manager", "senior_officer"])
def test_approve_refused_to_the_proposer(licensed_case, proposer):
    who = getattr(licensed_case.staff, proposer)
    change = propose(licensed_case, who=who)
    with pytest.raises(NotPermitted, match="Four eyes"):
        licence_change_approve(change=change, actor=who)
    with pytest.raises(NotPermitted, match="Four eyes"):
        licence_change_reject(change=change, actor=who, note="No.")
    change.refresh_from_db()
    assert change.status == C.PROPOSED
    assert licensed_case.application.licence.status == L.ACTIVE


@pytest.mark.parametrize("role", ["auditor", "other_case_officer"])
def test_propose_and_decide_refused_to_other_roles(licensed_case, role):
    who = getattr(licensed_case.staff, role)
    with pytest.raises(NotPermitted):
        propose(licensed_case, who=who)
    change = propose(licensed_case)
    with pytest.raises(NotPermitted):
        licence_change_approve(change=change, actor=who)


def test_propose_refused_to_the_firm_admin(licensed_case):
    with pytest.raises(NotPermitted):
        propose(licensed_case, who=licensed_case.firm_admin)


def test_reject_needs_a_note_and_leaves_the_licence_alone(licensed_case):
    change = propose(licensed_case, "revoke")
    with pytest.raises(ValidationFailed):
        licence_change_reject(change=change, actor=licensed_case.staff.senior_officer, note="  ")
    rejected = licence_change_reject(change=change, actor=licensed_case.staff.senior_officer, note="Not proportionate.")
    licensed_case.application.licence.refresh_from_db()
    assert rejected.status == C.REJECTED and rejected.decision_note == "Not proportionate."
    assert licensed_case.application.licence.status == L.ACTIVE
    assert AuditEvent.objects.filter(action="licence_change.reject").count() == 1
    assert not AuditEvent.objects.filter(action="licence.revoke").exists()


def test_only_the_proposer_withdraws(licensed_case):
    change = propose(licensed_case)
    with pytest.raises(NotPermitted):
        licence_change_withdraw(change=change, actor=licensed_case.staff.senior_officer)
    withdrawn = licence_change_withdraw(change=change, actor=licensed_case.staff.licensing_manager)
    assert withdrawn.status == C.WITHDRAWN
    assert AuditEvent.objects.filter(action="licence_change.withdraw").count() == 1


def test_a_decided_change_cannot_be_decided_again(licensed_case):
    change = propose(licensed_case)
    licence_change_withdraw(change=change, actor=licensed_case.staff.licensing_manager)
    with pytest.raises(InvalidTransition):
        licence_change_approve(change=change, actor=licensed_case.staff.senior_officer)
    with pytest.raises(InvalidTransition):
        licence_change_withdraw(change=change, actor=licensed_case.staff.licensing_manager)


def test_one_open_proposal_per_licence(licensed_case):
    propose(licensed_case)
    with pytest.raises(InvalidTransition, match="already proposed"):
        propose(licensed_case, "revoke", who=licensed_case.staff.senior_officer)
    assert LicenceChange.objects.count() == 1


def test_a_new_proposal_after_a_decision(licensed_case):
    licence_change_reject(change=propose(licensed_case), actor=licensed_case.staff.senior_officer, note="No.")
    assert propose(licensed_case, "revoke").status == C.PROPOSED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (L.ACTIVE, "reinstate"),
        (L.SUSPENDED, "suspend"),
        (L.REVOKED, "revoke"),
        (L.REVOKED, "reinstate"),
        (L.REVOKED, "vary_conditions"),
    ],
)
def test_propose_refused_when_the_action_cannot_follow_from_the_state(licensed_case, status, action):
    licence = licensed_case.application.licence
    if status != L.ACTIVE:
        change = propose(licensed_case, "suspend" if status == L.SUSPENDED else "revoke")
        licence_change_approve(change=change, actor=licensed_case.staff.senior_officer)
    with pytest.raises(InvalidTransition, match="Cannot"):
        propose(licensed_case, action, impose=["Anything."])
    assert not LicenceChange.objects.filter(licence=licence, status=C.PROPOSED).exists()


def test_reinstatement_of_a_suspended_licence(licensed_case):
    licence_change_approve(change=propose(licensed_case), actor=licensed_case.staff.senior_officer)
    change = propose(licensed_case, "reinstate", who=licensed_case.staff.senior_officer, reasons="Remedied.")
    licence_change_approve(change=change, actor=licensed_case.staff.licensing_manager)
    licence = licensed_case.application.licence
    licence.refresh_from_db()
    assert licence.status == L.ACTIVE and licence.status_reason == "Remedied."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "suspend", "reasons": "  "}, "Reasons"),
        ({"action": "vary_conditions"}, "at least one condition"),
        ({"action": "vary_conditions", "impose": ["  "]}, "at least one condition"),
        ({"action": "dissolve"}, "Unknown"),
    ],
)
def test_propose_refused_on_bad_input(licensed_case, kwargs, message):
    with pytest.raises(ValidationFailed, match=message):
        propose(licensed_case, **kwargs)
    assert not LicenceChange.objects.exists()


def test_propose_refused_when_lifting_conditions_not_in_force(licensed_case):
    other = LicenceCondition.objects.exclude(licence=licensed_case.application.licence).first()
    bogus = [other.pk] if other else [999_999]
    with pytest.raises(ValidationFailed, match="not in force"):
        propose(licensed_case, "vary_conditions", lift=bogus)


def test_an_approved_variation_lifts_and_imposes(licensed_case):
    licence = licensed_case.application.licence
    old = licence.conditions.get()
    change = propose(
        licensed_case, "vary_conditions", impose=["Cold storage 98%."], lift=[old.pk], reasons="New rules."
    )
    assert change.impose == ["Cold storage 98%."] and change.lift == [old.pk]
    licence_change_approve(change=change, actor=licensed_case.staff.senior_officer)

    old.refresh_from_db()
    assert old.lifted_by == licensed_case.staff.senior_officer and old.lifted_at is not None
    in_force = licence.conditions.filter(lifted_at__isnull=True)
    assert [(c.text, c.imposed_by) for c in in_force] == [("Cold storage 98%.", licensed_case.staff.senior_officer)]
    assert AuditEvent.objects.filter(action="licence.vary_conditions").count() == 1


def test_approval_fails_whole_when_the_licence_service_refuses(licensed_case):
    """A condition lifted meanwhile: the variation is refused and the proposal stays open."""
    licence = licensed_case.application.licence
    old = licence.conditions.get()
    change = propose(licensed_case, "vary_conditions", lift=[old.pk])
    LicenceCondition.objects.filter(pk=old.pk).update(lifted_at=licence.granted_at)
    with pytest.raises(ValidationFailed):
        licence_change_approve(change=change, actor=licensed_case.staff.senior_officer)
    change.refresh_from_db()
    assert change.status == C.PROPOSED and change.decided_by is None
    assert not AuditEvent.objects.filter(action="licence_change.approve").exists()


@pytest.mark.parametrize(
    ("action", "cancel_reason"),
    [("suspend", CancelReason.LICENCE_SUSPENDED), ("revoke", CancelReason.LICENCE_REVOKED)],
)
def test_approving_a_suspension_or_revocation_cancels_open_bank_referrals(licensed_case, action, cancel_reason):
    cache.clear()  # banks of different tests share primary keys, hence throttle buckets
    [referral] = refer(licensed_case, bank_client("Harbour Bank"))
    change = propose(licensed_case, action)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED  # a proposal alone touches nothing

    licence_change_approve(change=change, actor=licensed_case.staff.senior_officer)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED and referral.cancel_reason == cancel_reason
    assert AuditEvent.objects.filter(action="referral.cancel", object_id=str(referral.pk)).count() == 1
    assert Referral.objects.filter(status=ReferralStatus.CANCELLED).count() == 1


@pytest.mark.parametrize(
    ("decide", "status"),
    [
        (lambda change, case: licence_change_approve(change=change, actor=case.staff.senior_officer), C.APPROVED),
        (
            lambda change, case: licence_change_reject(change=change, actor=case.staff.senior_officer, note="No."),
            C.REJECTED,
        ),
        (lambda change, case: licence_change_withdraw(change=change, actor=case.staff.licensing_manager), C.WITHDRAWN),
    ],
    ids=["approve", "reject", "withdraw"],
)
def test_each_decision_is_a_transition_of_the_change_with_its_state_log_and_audit_event(licensed_case, decide, status):
    change = propose(licensed_case)
    decided = decide(change, licensed_case)

    [log] = StateLog.objects.for_(decided)
    assert (log.source_state, log.state, log.by) == (C.PROPOSED, status, decided.decided_by)
    event = AuditEvent.objects.get(action__startswith="licence_change.", object_id=str(change.pk), before__isnull=False)
    assert (event.before, event.after) == ({"status": "proposed"}, {"status": status})
    assert "reason" not in event.payload and event.payload["licence"] == licensed_case.application.licence.number
