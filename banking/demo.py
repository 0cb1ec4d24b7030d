"""Demo partner banks, and referrals in every state, for `manage.py seed_demo`.

Unlike the application history, which is written in bulk, the referrals are few, so they go through
the services: the audit trail and django-fsm-log explain every state exactly as real use would.
The demo banks have no webhook URL, so nothing is sent anywhere.

Idempotent: a bank is recognised by its name; a bank gets a referral only for a state none of its
referrals is in, from a licensed demo firm that has never been referred to it. A second run therefore
creates nothing, and a run with more firms fills in what few firms did not allow before. (Move Demo
Bank's requested referral on through the API, and the next run refers another firm to it, while there
are firms left: the demo keeps a referral in every state.)
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.choices import FirmRole
from accounts.models import FirmMembership, User
from applications.choices import ApplicationStatus, LicenceStatus
from applications.models import Firm
from audit.context import request_id_var
from banking.choices import DeclineReason
from banking.choices import ReferralStatus as R
from banking.models import PartnerBank, Referral
from banking.services import (
    bank_create,
    referral_cancel,
    referral_mark_delivered,
    referral_report_status,
    referral_request,
)

DEMO_BANK = "Demo Bank"
# Each bank and the states its referrals are brought to, one licensed firm each, in this order: with
# few licensed firms the first states are the ones seeded. Demo Bank, the one to try the API with,
# has every state, starting with those it can act on.
BANKS: list[tuple[str, list[R]]] = [
    (
        DEMO_BANK,
        [
            R.REQUESTED,
            R.IN_REVIEW,
            R.ACCOUNT_OPENED,
            R.INFORMATION_REQUESTED,
            R.DECLINED,
            R.ACKNOWLEDGED,
            R.DELIVERED,
            R.CANCELLED,
        ],
    ),
    ("Kestrel Commercial Bank", [R.ACCOUNT_OPENED, R.IN_REVIEW, R.DECLINED, R.DELIVERED, R.CANCELLED]),
    ("Sampan Trust Bank", [R.ACKNOWLEDGED, R.ACCOUNT_OPENED, R.INFORMATION_REQUESTED, R.REQUESTED]),
]
# Marks the audit events as seeded, as applications.demo.trail does for the application history.
REQUEST_ID = "seed_demo"

DELIVER, CANCEL = "deliver", "cancel"
# What happens to a new referral on its way to each state: "deliver" (the bank has it), "cancel" (by
# the firm), or a status the bank reports, with the bank's note.
PATHS: dict[R, list[tuple[str, str]]] = {
    R.REQUESTED: [],
    R.DELIVERED: [(DELIVER, "")],
    R.ACKNOWLEDGED: [
        (DELIVER, ""),
        (R.ACKNOWLEDGED, "Received. Our onboarding team will contact your compliance officer."),
    ],
    R.IN_REVIEW: [
        (DELIVER, ""),
        (R.ACKNOWLEDGED, "Received; we will start our review this week."),
        (R.IN_REVIEW, "Know-your-business review started."),
    ],
    R.INFORMATION_REQUESTED: [
        (DELIVER, ""),
        (R.ACKNOWLEDGED, "Received."),
        (R.IN_REVIEW, "Know-your-business review started."),
        (
            R.INFORMATION_REQUESTED,
            "Please send evidence of the source of funds of the majority shareholder and the latest audited accounts.",
        ),
    ],
    R.ACCOUNT_OPENED: [
        (DELIVER, ""),
        (R.ACKNOWLEDGED, "Received."),
        (R.IN_REVIEW, "Know-your-business review started."),
        (R.INFORMATION_REQUESTED, "Please send the board resolution authorising the account signatories."),
        (R.IN_REVIEW, "Resolution received; review resumed."),
        (R.ACCOUNT_OPENED, "Operating and client-money accounts opened; details sent to the firm admin."),
    ],
    R.DECLINED: [
        (DELIVER, ""),
        (R.ACKNOWLEDGED, "Received."),
        (R.IN_REVIEW, "Know-your-business review started."),
        (R.DECLINED, "The firm's custody arrangements are outside our current risk appetite."),
    ],
    R.CANCELLED: [(DELIVER, ""), (CANCEL, "We have opened an account with another bank.")],
}
DECLINE_REASON = DeclineReason.RISK_APPETITE
CONSENT = (
    "{firm} consents to the regulator sharing its data pack (company details, licence, responsible officers "
    "and beneficial owners) with {banks}, for the purpose of opening a bank account."
)


@dataclass(frozen=True)
class LicensedFirm:
    firm: Firm
    admin: User


def seed_banks(*, firms: QuerySet[Firm]) -> dict[str, int]:
    """Create the demo banks and referrals that are missing; `firms` are the demo firms to refer."""
    with _marked_as_seeded():
        banks, created_banks = _ensure_banks()
        licensed = _licensed(firms)
        plan: dict[LicensedFirm, list[tuple[PartnerBank, R]]] = defaultdict(list)
        for bank, states in banks:
            for target, firm in _missing(bank, states, licensed):
                plan[firm].append((bank, target))
        referrals = 0
        for firm, targets in plan.items():  # in the order of the firms
            referrals += _refer(firm, targets)
    return {"partner banks": created_banks, "referrals": referrals}


@contextmanager
def _marked_as_seeded() -> Iterator[None]:
    token = request_id_var.set(REQUEST_ID)
    try:
        yield
    finally:
        request_id_var.reset(token)


def _ensure_banks() -> tuple[list[tuple[PartnerBank, list[R]]], int]:
    """The demo banks, by name whatever the case; an inactive one takes no referrals and is left out."""
    banks, created = [], 0
    for name, states in BANKS:
        bank = PartnerBank.objects.filter(name__iexact=name).first()
        if bank is None:
            # The credentials are dropped: the secrets are stored hashed, so whoever wants to try the
            # API issues new ones with bank_credentials (seed_demo prints how).
            bank = bank_create(name=name).bank
            created += 1
        if bank.is_active:
            banks.append((bank, states))
    return banks, created


def _licensed(firms: QuerySet[Firm]) -> list[LicensedFirm]:
    """The firms that may ask for referrals (as qualifying_application decides), with their firm admin."""
    eligible = list(
        firms.filter(
            Q(applications__status=ApplicationStatus.APPROVED, applications__licence__status=LicenceStatus.ACTIVE)
            | Q(applications__status=ApplicationStatus.APPROVED_IN_PRINCIPLE)
        )
        .distinct()
        .order_by("registration_number")
    )
    admins: dict[int, User] = {}
    memberships = FirmMembership.objects.filter(firm__in=eligible, role=FirmRole.FIRM_ADMIN).select_related("user")
    for membership in memberships.order_by("pk"):
        admins.setdefault(membership.firm_id, membership.user)  # the firm's first admin
    return [LicensedFirm(firm=firm, admin=admins[firm.pk]) for firm in eligible if firm.pk in admins]


def _missing(bank: PartnerBank, states: list[R], licensed: list[LicensedFirm]) -> Iterator[tuple[R, LicensedFirm]]:
    """The states the bank has no referral in yet, each paired with a firm never referred to it."""
    existing = Referral.objects.filter(bank=bank)
    present = set(existing.values_list("status", flat=True))
    referred = set(existing.values_list("firm_id", flat=True))
    missing = [state for state in states if state not in present]
    fresh = [licensed_firm for licensed_firm in licensed if licensed_firm.firm.pk not in referred]
    return zip(missing, fresh, strict=False)  # fewer firms than states: the last states wait for more firms


def _refer(licensed: LicensedFirm, targets: list[tuple[PartnerBank, R]]) -> int:
    """One request to all the firm's banks, as the portal makes it; then each referral goes its own way."""
    firm, banks = licensed.firm, [bank for bank, _ in targets]
    referrals = referral_request(
        firm=firm,
        banks=banks,
        actor=licensed.admin,
        consent_text=CONSENT.format(firm=firm.legal_name_en, banks=", ".join(bank.name for bank in banks)),
    )
    for referral, (bank, target) in zip(referrals, targets, strict=True):
        _play(referral, PATHS[target], bank_user=bank.service_user, firm_admin=licensed.admin)
    return len(referrals)


def _play(referral: Referral, path: list[tuple[str, str]], *, bank_user: User, firm_admin: User) -> None:
    for step, note in path:
        if step == DELIVER:
            referral = referral_mark_delivered(referral=referral)
        elif step == CANCEL:
            referral = referral_cancel(referral=referral, actor=firm_admin, reason=note)
        else:
            referral = referral_report_status(
                referral=referral,
                actor=bank_user,
                status=str(step),
                reason_code=DECLINE_REASON.value if step == R.DECLINED else "",
                note=note,
            )
