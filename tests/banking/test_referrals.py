"""Referrals through their services: who may ask, what qualifies, every bank move, and licence changes."""

import itertools

import pytest
from django.db.models import signals
from django_fsm_log.models import StateLog

from applications import services as application_services
from audit.models import AuditEvent
from banking import services
from banking.choices import BankReportedStatus, CancelReason, ReferralStatus
from banking.models import Referral
from tests.banking.conftest import bank_client, refer
from tests.builders import advance, complete_draft
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed

CONSENT = "We consent to share our data pack with the banks chosen."

# How to bring a referral to each state through the services, as the bank and the firm would.
PATHS = {
    ReferralStatus.REQUESTED: [],
    ReferralStatus.DELIVERED: ["deliver"],
    ReferralStatus.ACKNOWLEDGED: ["acknowledged"],
    ReferralStatus.IN_REVIEW: ["acknowledged", "in_review"],
    ReferralStatus.INFORMATION_REQUESTED: ["acknowledged", "in_review", "information_requested"],
    ReferralStatus.ACCOUNT_OPENED: ["acknowledged", "in_review", "account_opened"],
    ReferralStatus.DECLINED: ["declined"],
    ReferralStatus.CANCELLED: ["cancel"],
}
# (from, reported) -> to, for every move a bank may make; every other pair is refused.
BANK_MOVES = {
    (ReferralStatus.REQUESTED, "acknowledged"): ReferralStatus.ACKNOWLEDGED,
    (ReferralStatus.DELIVERED, "acknowledged"): ReferralStatus.ACKNOWLEDGED,
    (ReferralStatus.ACKNOWLEDGED, "in_review"): ReferralStatus.IN_REVIEW,
    (ReferralStatus.INFORMATION_REQUESTED, "in_review"): ReferralStatus.IN_REVIEW,
    (ReferralStatus.IN_REVIEW, "information_requested"): ReferralStatus.INFORMATION_REQUESTED,
    (ReferralStatus.IN_REVIEW, "account_opened"): ReferralStatus.ACCOUNT_OPENED,
    **{
        (source, "declined"): ReferralStatus.DECLINED
        for source in (
            ReferralStatus.REQUESTED,
            ReferralStatus.DELIVERED,
            ReferralStatus.ACKNOWLEDGED,
            ReferralStatus.IN_REVIEW,
            ReferralStatus.INFORMATION_REQUESTED,
        )
    },
}


def drive(referral: Referral, case, status: str) -> Referral:
    for step in PATHS[ReferralStatus(status)]:
        if step == "deliver":
            referral = services.referral_mark_delivered(referral=referral)
        elif step == "cancel":
            referral = services.referral_cancel(referral=referral, actor=case.firm_admin, reason="Changed our mind.")
        else:
            reason = "risk_appetite" if step == "declined" else ""
            referral = services.referral_report_status(
                referral=referral, actor=referral.bank.service_user, status=step, reason_code=reason
            )
    return referral


@pytest.mark.parametrize(
    ("source", "reported"), list(itertools.product(ReferralStatus.values, BankReportedStatus.values))
)
def test_every_bank_move_from_every_state(licensed_case, bank_a, source, reported):
    referral = drive(refer(licensed_case, bank_a)[0], licensed_case, source)
    events, logs = AuditEvent.objects.count(), StateLog.objects.count()
    expected = BANK_MOVES.get((source, reported))
    reason = "screening" if reported == "declined" else ""

    if expected is None:
        with pytest.raises(InvalidTransition):
            services.referral_report_status(
                referral=referral, actor=bank_a.bank.service_user, status=reported, reason_code=reason
            )
        referral.refresh_from_db()
        assert referral.status == source
        assert (AuditEvent.objects.count(), StateLog.objects.count()) == (events, logs)
    else:
        moved = services.referral_report_status(
            referral=referral, actor=bank_a.bank.service_user, status=reported, reason_code=reason
        )
        assert moved.status == expected
        assert AuditEvent.objects.count() == events + 1
        assert StateLog.objects.count() == logs + 1


def test_firm_admin_asks_for_referrals_with_consent(licensed_case, bank_a, bank_b):
    referrals = refer(licensed_case, bank_a, bank_b)

    assert [referral.status for referral in referrals] == [ReferralStatus.REQUESTED] * 2
    assert len({referral.consent_reference for referral in referrals}) == 2
    assert all(referral.consent_given_by == licensed_case.firm_admin for referral in referrals)
    assert all(referral.licence == licensed_case.application.licence for referral in referrals)
    assert AuditEvent.objects.filter(action="referral.create").count() == 2


def test_referral_refused_to_a_preparer_and_to_another_firms_admin(licensed_case, staff, bank_a):
    other = complete_draft(staff)
    for actor in (licensed_case.preparer, other.firm_admin, staff.licensing_manager, bank_a.bank.service_user):
        with pytest.raises(NotPermitted):
            services.referral_request(firm=licensed_case.firm, banks=[bank_a.bank], actor=actor, consent_text=CONSENT)
    assert not Referral.objects.exists()


def test_referral_needs_consent_and_a_bank(licensed_case, bank_a):
    with pytest.raises(ValidationFailed, match="consent"):
        services.referral_request(
            firm=licensed_case.firm, banks=[bank_a.bank], actor=licensed_case.firm_admin, consent_text="  "
        )
    with pytest.raises(ValidationFailed, match="at least one"):
        services.referral_request(
            firm=licensed_case.firm, banks=[], actor=licensed_case.firm_admin, consent_text=CONSENT
        )
    assert not Referral.objects.exists()


@pytest.mark.parametrize("status", ["draft", "submitted", "under_review", "pending_decision", "refused", "withdrawn"])
def test_referral_refused_before_a_licence_or_approval_in_principle(staff, bank_a, status):
    case = advance(complete_draft(staff), status)

    with pytest.raises(ValidationFailed, match="active licence or an approval in principle"):
        services.referral_request(firm=case.firm, banks=[bank_a.bank], actor=case.firm_admin, consent_text=CONSENT)


def test_approval_in_principle_qualifies_without_a_licence(staff, bank_a):
    case = advance(complete_draft(staff), "approved_in_principle")

    [referral] = refer(case, bank_a)
    pack = bank_a.api.get(f"/api/v1/bank/referrals/{referral.public_id}/").json()["data_pack"]

    assert referral.licence is None
    assert pack["licence"] is None
    assert pack["approval"]["status"] == "approved_in_principle"


def test_suspended_licence_does_not_qualify(licensed_case, bank_a):
    application_services.licence_suspend(
        licence=licensed_case.application.licence, actor=licensed_case.staff.licensing_manager, reasons="Inspection."
    )

    with pytest.raises(ValidationFailed):
        refer(licensed_case, bank_a)


def test_one_open_referral_per_bank_and_a_new_one_after_a_decline(licensed_case, bank_a):
    [first] = refer(licensed_case, bank_a)

    with pytest.raises(ValidationFailed, match="open referral"):
        refer(licensed_case, bank_a)
    services.referral_report_status(
        referral=first, actor=bank_a.bank.service_user, status="declined", reason_code="risk_appetite"
    )
    [second] = refer(licensed_case, bank_a)

    assert second.pk != first.pk


def test_a_referral_asked_for_at_the_same_moment_is_refused_as_a_duplicate_not_an_integrity_error(
    licensed_case, bank_a
):
    """Another request commits its referral between this one's checks and its insert, as on PostgreSQL without
    the firm's lock: the unique constraint answers, and the firm hears the usual refusal."""

    def competitor_commits_first(sender, instance, **kwargs):
        if instance._state.adding:
            signals.pre_save.disconnect(competitor_commits_first, sender=Referral)
            competitor = Referral(
                bank=instance.bank,
                firm=instance.firm,
                application=instance.application,
                consent_reference="CONSENT-RACE",
                consent_text=instance.consent_text,
                consent_given_by=instance.consent_given_by,
                consent_given_at=instance.consent_given_at,
            )
            Referral.objects.bulk_create([competitor])  # bulk_create sends no signal: no recursion

    signals.pre_save.connect(competitor_commits_first, sender=Referral)
    try:
        with pytest.raises(ValidationFailed, match="open referral to these banks already") as refused:
            refer(licensed_case, bank_a)
    finally:
        signals.pre_save.disconnect(competitor_commits_first, sender=Referral)

    assert refused.value.details == [bank_a.bank.name]
    assert not AuditEvent.objects.filter(action="referral.create").exists()


def test_inactive_bank_takes_no_referrals(licensed_case, bank_a):
    bank_a.bank.is_active = False
    bank_a.bank.save(update_fields=["is_active"])

    with pytest.raises(ValidationFailed, match="no referrals"):
        refer(licensed_case, bank_a)


def test_only_the_firm_admin_cancels_and_the_bank_cannot(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)
    for actor in (licensed_case.preparer, bank_a.bank.service_user, licensed_case.staff.licensing_manager):
        with pytest.raises(NotPermitted):
            services.referral_cancel(referral=referral, actor=actor, reason="No.")
    cancelled = services.referral_cancel(referral=referral, actor=licensed_case.firm_admin, reason="Chose another.")

    assert (cancelled.status, cancelled.cancel_reason) == (ReferralStatus.CANCELLED, CancelReason.FIRM_REQUEST)


def test_a_bank_cannot_move_another_banks_referral(licensed_case, bank_a, bank_b):
    [for_a] = refer(licensed_case, bank_a)

    with pytest.raises(NotPermitted, match="not addressed to your bank"):
        services.referral_report_status(referral=for_a, actor=bank_b.bank.service_user, status="acknowledged")


@pytest.mark.parametrize(
    ("change", "cancel_reason"),
    [
        ("licence_suspend", CancelReason.LICENCE_SUSPENDED),
        ("licence_revoke", CancelReason.LICENCE_REVOKED),
    ],
)
def test_suspension_or_revocation_cancels_open_referrals_only(licensed_case, db, change, cancel_reason):
    banks = [bank_client(f"Bank {n}") for n in range(3)]
    open_one, opened, declined = refer(licensed_case, *banks)
    drive(opened, licensed_case, "account_opened")
    drive(declined, licensed_case, "declined")

    getattr(application_services, change)(
        licence=licensed_case.application.licence, actor=licensed_case.staff.senior_officer, reasons="Breach."
    )

    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses == {
        open_one.pk: ReferralStatus.CANCELLED,
        opened.pk: ReferralStatus.ACCOUNT_OPENED,
        declined.pk: ReferralStatus.DECLINED,
    }
    open_one.refresh_from_db()
    assert open_one.cancel_reason == cancel_reason
    assert AuditEvent.objects.filter(action="referral.cancel", object_id=str(open_one.pk)).count() == 1


def test_varying_conditions_keeps_referrals_open(licensed_case, bank_a):
    [referral] = refer(licensed_case, bank_a)

    application_services.licence_conditions_vary(
        licence=licensed_case.application.licence,
        actor=licensed_case.staff.senior_officer,
        reasons="New custody rule.",
        impose=["Keep 98% of client assets in cold storage."],
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_a_failed_cancellation_rolls_back_the_licence_change(licensed_case, bank_a, monkeypatch):
    """The licence change and its effect on referrals are one transaction: both happen or neither."""
    [referral] = refer(licensed_case, bank_a)
    licence = licensed_case.application.licence

    def broken(**kwargs):
        raise RuntimeError("webhook store unavailable")

    monkeypatch.setattr("banking.services.referrals.webhook_queue", broken)
    with pytest.raises(RuntimeError):
        application_services.licence_suspend(licence=licence, actor=licensed_case.staff.licensing_manager, reasons="x")

    licence.refresh_from_db()
    referral.refresh_from_db()
    assert licence.status == "active"
    assert referral.status == ReferralStatus.REQUESTED
