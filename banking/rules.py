"""Who may do what to a referral. A bank acts through its service user; firms and regulators as people."""

from typing import TYPE_CHECKING

import rules
from django.core.exceptions import ObjectDoesNotExist

from accounts.rules import is_licensing_manager, is_regulator, is_senior_officer
from accounts.signed_in import AnyUser, is_signed_in
from applications.rules import is_firm_admin, is_firm_member

if TYPE_CHECKING:
    from banking.models import PartnerBank, Referral


def bank_of(user: AnyUser | None) -> "PartnerBank | None":
    """The partner bank this user is the service user of, or None."""
    if not is_signed_in(user):
        return None
    try:
        return user.partner_bank
    except (ObjectDoesNotExist, AttributeError):  # an ordinary user
        return None


@rules.predicate
def is_addressed_bank(user: AnyUser | None, referral: "Referral | None") -> bool:
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
