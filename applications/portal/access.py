"""Who may open a portal page: a signed-in member of the firm the object belongs to.

Every lookup goes through the user's memberships, so an object of another firm is a 404, exactly like
one that does not exist: a firm never learns that another firm's reference or licence number is real.
What a member may *do* (a preparer cannot submit) is decided by the rules in the services, which
raise DomainError; vasp_licensing.pages turns that into errors on the page.
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404

from applications.models import Firm, Licence, LicenceApplication


def firms_of(user: Any) -> QuerySet[Firm]:
    """The firms `user` is an active member of."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Firm.objects.none()
    return Firm.objects.filter(memberships__user=user)


def firm_for_member(user: Any, firm_id: int) -> Firm:
    firm = firms_of(user).filter(pk=firm_id).first()
    if firm is None:
        raise Http404("No such firm.")
    return firm


def application_for_member(user: Any, reference: str) -> LicenceApplication:
    application = (
        LicenceApplication.objects.filter(reference=reference, firm__in=firms_of(user))
        .select_related("firm", "licence_type")
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    return application


def licence_for_member(user: Any, number: str) -> Licence:
    licence = (
        Licence.objects.filter(number=number, firm__in=firms_of(user))
        .select_related("firm", "licence_type", "application")
        .first()
    )
    if licence is None:
        raise Http404("No such licence.")
    return licence


class MemberRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to sign-in; which objects they reach is decided by the lookups above."""
