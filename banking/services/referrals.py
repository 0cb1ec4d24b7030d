"""Referrals: a firm's consented request to a partner bank, and the bank's onboarding progress on it."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.choices import ApplicationStatus, LicenceStatus
from applications.models import Firm, Licence, LicenceApplication
from applications.services.references import next_reference
from audit import actions
from audit.services import audit_record
from banking import choices
from banking.choices import BANK_STATUS_TRANSITIONS, BankReportedStatus, ReferralStatus
from banking.models import PartnerBank, Referral, ReferralAnswer
from banking.rules import is_addressed_bank
from banking.services.webhooks import (
    licence_event_data,
    referral_event_data,
    webhook_queue,
)
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import fire, lock

NOTE_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 4000
# The audit action of each status a bank reports.
BANK_STATUS_ACTIONS = {
    BankReportedStatus.ACKNOWLEDGED: actions.REFERRAL_ACKNOWLEDGED,
    BankReportedStatus.IN_REVIEW: actions.REFERRAL_IN_REVIEW,
    BankReportedStatus.INFORMATION_REQUESTED: actions.REFERRAL_INFORMATION_REQUESTED,
    BankReportedStatus.ACCOUNT_OPENED: actions.REFERRAL_ACCOUNT_OPENED,
    BankReportedStatus.DECLINED: actions.REFERRAL_DECLINED,
}


def qualifying_application(*, firm: Firm) -> LicenceApplication | None:
    """The firm's approved application with an active licence, else one approved in principle."""
    approved = (
        LicenceApplication.objects.filter(
            firm=firm, status=ApplicationStatus.APPROVED, licence__status=LicenceStatus.ACTIVE
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    if approved is not None:
        return approved
    return (
        LicenceApplication.objects.filter(firm=firm, status=ApplicationStatus.APPROVED_IN_PRINCIPLE)
        .order_by("-decided_at", "-pk")
        .first()
    )


def referral_request(*, firm: Firm, banks: Sequence[PartnerBank], actor: User, consent_text: str) -> list[Referral]:
    """One referral per chosen bank, each recording the firm's consent, and a referral.created webhook each.

    Serialised per firm: the firm's row is locked before the permission and state checks, so a double submit
    waits and is then refused with ValidationFailed ("open referral already"), never an IntegrityError."""
    consent_text = (consent_text or "").strip()
    try:
        with transaction.atomic():
            firm = lock(firm)
            if not rules.has_perm("banking.request_referral", actor, firm):
                raise NotPermitted(_("Only a firm admin of this firm may ask for bank referrals."))
            if not banks:
                raise ValidationFailed(_("Choose at least one partner bank."))
            if not consent_text:
                raise ValidationFailed(_("The firm's consent to share its data pack with the bank is required."))
            application = _referral_checks(firm=firm, banks=banks)
            now = timezone.now()
            return [_referral_create(firm, bank, application, actor, consent_text, now) for bank in banks]
    except IntegrityError as error:
        # Only the one-open-referral-per-bank constraint can fail here: someone asked at the same moment.
        raise ValidationFailed(
            _("The firm has an open referral to these banks already"), details=sorted(bank.name for bank in banks)
        ) from error


def _referral_checks(*, firm: Firm, banks: Sequence[PartnerBank]) -> LicenceApplication:
    """The state checks of referral_request, under the firm's lock: what qualifies the firm, and each bank."""
    application = qualifying_application(firm=firm)
    if application is None:
        raise ValidationFailed(_("Bank referrals are for firms with an active licence or an approval in principle."))
    inactive = [bank.name for bank in banks if not bank.is_active]
    if inactive:
        raise ValidationFailed(_("These banks take no referrals at present"), details=inactive)
    already = list(Referral.objects.open().filter(firm=firm, bank__in=banks).values_list("bank__name", flat=True))
    if already:
        raise ValidationFailed(_("The firm has an open referral to these banks already"), details=sorted(already))
    return application


def _referral_create(
    firm: Firm, bank: PartnerBank, application: LicenceApplication, actor: User, consent_text: str, now: datetime
) -> Referral:
    referral = Referral.objects.create(
        bank=bank,
        firm=firm,
        application=application,
        licence=Licence.objects.filter(application=application).first(),
        consent_reference=next_reference(name="consent", prefix="CONSENT", width=5),
        consent_text=consent_text,
        consent_given_by=actor,
        consent_given_at=now,
    )
    audit_record(
        actor=actor,
        action=actions.REFERRAL_CREATE,
        obj=referral,
        after={"status": referral.status, "bank": bank.name, "consent_reference": referral.consent_reference},
        payload={"consent": consent_text},
    )
    webhook_queue(
        bank=bank,
        event_type=choices.WebhookEvent.REFERRAL_CREATED,
        data=referral_event_data(referral),
        referral=referral,
    )
    return referral


def _explain_bank_refusal(referral: Referral, actor: User) -> str | None:
    if not is_addressed_bank(actor, referral):
        return _("This referral is not addressed to your bank.")
    return None


def referral_report_status(
    *, referral: Referral, actor: User, status: str, reason_code: str = "", note: str = ""
) -> Referral:
    """The bank reports its progress; each status is one transition, refused when it does not follow."""
    note = (note or "").strip()
    reason_code = (reason_code or "").strip()
    if status not in BankReportedStatus.values:
        raise ValidationFailed(
            _("%(status)s is not a status a bank reports") % {"status": repr(status)},
            details=[_("one of: %(choices)s") % {"choices": ", ".join(BankReportedStatus.values)}],
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(_("The note is longer than %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH})
    extra: dict[str, Any] = {"note": note}
    if status == BankReportedStatus.DECLINED:
        if reason_code not in choices.DeclineReason.values:
            raise ValidationFailed(
                _("A decline needs a reason code"),
                details=[_("one of: %(choices)s") % {"choices": ", ".join(choices.DeclineReason.values)}],
            )
        extra["reason_code"] = reason_code
    elif reason_code:
        raise ValidationFailed(_("A reason code goes with a decline only."))
    return fire(
        obj=referral,
        transition=BANK_STATUS_TRANSITIONS[BankReportedStatus(status)],
        actor=actor,
        action=BANK_STATUS_ACTIONS[BankReportedStatus(status)],
        reason=note,
        explain_refusal=_explain_bank_refusal,
        effects=lambda locked: {"reason_code": reason_code} if reason_code else None,
        **extra,
    )


def referral_mark_delivered(*, referral: Referral) -> Referral:
    """The bank accepted the referral.created webhook: it has the referral. Acts as the bank's service user."""
    return fire(
        obj=referral,
        transition="deliver",
        actor=referral.bank.service_user,
        action=actions.REFERRAL_DELIVER,
    )


def _queue_cancelled(referral: Referral) -> None:
    webhook_queue(
        bank=referral.bank,
        event_type=choices.WebhookEvent.REFERRAL_CANCELLED,
        data=referral_event_data(referral),
        referral=referral,
    )


def referral_cancel(*, referral: Referral, actor: User, reason: str = "") -> Referral:
    """The firm withdraws its referral; the bank is told by a referral.cancelled webhook."""
    with transaction.atomic():
        cancelled = fire(
            obj=referral,
            transition="cancel",
            actor=actor,
            action=actions.REFERRAL_CANCEL,
            reason=reason,
            explain_refusal=lambda locked, actor: _("Only a firm admin of the firm may cancel a bank referral."),
        )
        _queue_cancelled(cancelled)
    return cancelled


def referral_answer(*, referral: Referral, actor: User, text: str) -> ReferralAnswer:
    """A member of the firm answers the bank's request for information (the bank's latest note).

    Only while the referral is information_requested; it stays there until the bank resumes its review.
    The bank hears a referral.information_provided webhook, and the referral counts as updated for polling.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the answer to the bank."))
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationFailed(_("The answer is longer than %(limit)s characters.") % {"limit": ANSWER_MAX_LENGTH})
    with transaction.atomic():
        locked = lock(referral)
        if not rules.has_perm("banking.answer_referral", actor, locked):
            raise NotPermitted(_("Only a member of the firm may answer the bank."))
        if locked.status != ReferralStatus.INFORMATION_REQUESTED:
            raise InvalidTransition(
                _("The bank has not asked for information on this referral: it is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        answer = ReferralAnswer.objects.create(referral=locked, question=locked.bank_note, text=text, author=actor)
        locked.save(update_fields=["updated_at"])  # banks polling with updated_after see it
        audit_record(
            actor=actor,
            action=actions.REFERRAL_ANSWER,
            obj=locked,
            after={"status": locked.status, "answers": locked.answers.count()},
            payload={"question": answer.question, "answer": text},
        )
        webhook_queue(
            bank=locked.bank,
            event_type=choices.WebhookEvent.REFERRAL_INFORMATION_PROVIDED,
            data={"referral_id": str(locked.public_id), "answered_at": _utc_iso(answer.created_at)},
            referral=locked,
        )
    return answer


def _utc_iso(moment: Any) -> str:
    return str(moment.astimezone(UTC).isoformat().replace("+00:00", "Z"))


def referrals_on_licence_change(
    *, licence: Licence, actor: User, action: actions.AuditAction, reason: str
) -> list[Referral]:
    """Called inside the transaction of a licence change. Suspension, revocation or surrender cancel
    the open referrals (the action's licence effect says so); every bank that holds a live referral or
    an opened account hears licence.updated."""
    effect = action.licence_effect
    if effect is None:
        raise ValueError(f"{action} is not a licence change: it has no licence effect (audit/actions.py).")
    cancel_reason = effect.cancels_referrals
    cancelled = []
    if cancel_reason is not None:
        open_referrals = Referral.objects.open().filter(application_id=licence.application_id).select_related("bank")
        for referral in open_referrals:
            referral = fire(
                obj=referral,
                transition="cancel_for_licence",
                actor=actor,
                action=actions.REFERRAL_CANCEL,
                reason=reason,
                reason_code=cancel_reason,
            )
            _queue_cancelled(referral)
            cancelled.append(referral)
    holding = Referral.objects.filter(
        application_id=licence.application_id,
        status__in=[*choices.OPEN_REFERRAL_STATUSES, ReferralStatus.ACCOUNT_OPENED],
    ).values_list("bank_id", flat=True)
    bank_ids = set(holding) | {referral.bank_id for referral in cancelled}
    data = licence_event_data(licence, change=effect.change)
    for bank in PartnerBank.objects.filter(pk__in=bank_ids).order_by("pk"):
        webhook_queue(bank=bank, event_type=choices.WebhookEvent.LICENCE_UPDATED, data=data, licence=licence)
    return cancelled
