"""Who may do what to a referral. A bank acts through its service user; firms and regulators as people."""

from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist

from accounts.rules import is_licensing_manager, is_regulator, is_senior_officer
from applications.rules import is_firm_admin, is_firm_member


def bank_of(user: Any) -> Any:
    """The partner bank this user is the service user of, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.partner_bank
    except (ObjectDoesNotExist, AttributeError):  # an ordinary user, or an anonymous one
        return None


@rules.predicate
def is_addressed_bank(user: Any, referral: Any) -> bool:
    bank = bank_of(user)
    return bank is not None and bank.is_active and referral is not None and referral.bank_id == bank.pk


rules.add_perm("banking.view_referral", is_firm_member | is_regulator | is_addressed_bank)
rules.add_perm("banking.request_referral", is_firm_admin)
rules.add_perm("banking.receive", is_addressed_bank)
rules.add_perm("banking.report_progress", is_addressed_bank)
rules.add_perm("banking.cancel", is_firm_admin)
# A bank asked the firm for more: any member of the firm may answer it (as with the regulator's requests).
rules.add_perm("banking.answer_referral", is_firm_member)
# A licence suspended, revoked (regulator) or surrendered (firm admin) cancels the open referrals.
rules.add_perm("banking.cancel_for_licence", is_licensing_manager | is_senior_officer | is_firm_admin)
rules.add_perm("banking.replay_delivery", is_licensing_manager)
