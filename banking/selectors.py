"""Reads for banks and for the people who follow referrals."""

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django_fsm_log.models import StateLog

from accounts.signed_in import AnyUser
from applications.choices import PersonRoleKind
from applications.models import Firm, Person
from applications.selectors import conditions_in_force
from banking.choices import DeliveryStatus
from banking.models import PartnerBank, Referral, ReferralAnswer

_PACK_ROLES = (
    PersonRoleKind.RESPONSIBLE_OFFICER,
    PersonRoleKind.DIRECTOR,
    PersonRoleKind.SUBSTANTIAL_SHAREHOLDER,
    PersonRoleKind.BENEFICIAL_OWNER,
)


def referral_list_for_bank(
    *, bank: PartnerBank, status: str | None = None, updated_after: datetime | None = None
) -> QuerySet[Referral]:
    """Only the bank's own referrals; the other filters narrow them."""
    referrals = Referral.objects.filter(bank=bank).select_related("firm", "bank")
    if status:
        referrals = referrals.filter(status=status)
    if updated_after is not None:
        referrals = referrals.filter(updated_at__gt=updated_after)
    return referrals


def referral_data_pack_queryset(*, bank: PartnerBank) -> QuerySet[Referral]:
    """The bank's referrals with everything the data pack shows, in a fixed number of queries."""
    people = Person.objects.filter(roles__role__in=_PACK_ROLES).distinct().prefetch_related("roles")
    return (
        Referral.objects.filter(bank=bank)
        .select_related(
            "firm", "bank", "consent_given_by", "application__licence_type", "application__licence__licence_type"
        )
        .prefetch_related(
            Prefetch("firm__people", queryset=people),
            conditions_in_force("application__licence__conditions"),
            Prefetch("answers", queryset=ReferralAnswer.objects.order_by("created_at", "pk")),
        )
    )


def people_in_role(referral: Referral, role: str) -> list[tuple[Person, Any]]:
    """(person, percentage) for each of the firm's people who holds role; from the prefetched rows."""
    found = []
    for person in referral.firm.people.all():
        for person_role in person.roles.all():
            if person_role.role == role:
                found.append((person, person_role.percentage))
    return found


def failing_deliveries(prefix: str = "") -> Q:
    """Deliveries the regulator chases with the bank: given up, or retrying after a failed attempt."""
    return Q(**{f"{prefix}status": DeliveryStatus.FAILED}) | Q(
        **{f"{prefix}status": DeliveryStatus.PENDING, f"{prefix}last_error__gt": ""}
    )


# --- The applicant portal: a firm follows its referrals ---------------------------------------------


def partner_banks_for_firm(*, firm: Firm) -> list[tuple[PartnerBank, Referral | None]]:
    """Every active partner bank, each with the firm's open referral to it (None when the firm may choose it)."""
    open_referrals = {referral.bank_id: referral for referral in Referral.objects.open().filter(firm=firm)}
    return [(bank, open_referrals.get(bank.pk)) for bank in PartnerBank.objects.filter(is_active=True)]


def referral_list_for_firm(*, firm: Firm) -> QuerySet[Referral]:
    """The firm's referrals, newest first, with their bank."""
    return Referral.objects.filter(firm=firm).select_related("bank")


def referral_of_member(*, user: AnyUser, public_id: Any) -> Referral | None:
    """A referral of a firm `user` is a member of, or None: another firm's is not found, like a missing one."""
    return (
        Referral.objects.of_member(user)
        .filter(public_id=public_id)
        .select_related("bank", "firm", "consent_given_by", "licence")
        .first()
    )


def referral_history(*, referral: Referral) -> list[StateLog]:
    """Every transition of the referral, oldest first, with who made it (a bank acts as its service user)."""
    content_type = ContentType.objects.get_for_model(Referral)
    return list(
        StateLog.objects.filter(content_type=content_type, object_id=referral.pk)
        .select_related("by")
        .order_by("timestamp", "pk")
    )


def referral_answers(*, referral: Referral) -> QuerySet[ReferralAnswer]:
    return referral.answers.select_related("author").order_by("created_at", "pk")
