"""Who may open a portal page: a signed-in member of the firm the object belongs to.

Every lookup goes through the models' `of_member(user)` (accounts/querysets.py), so an object of another
firm is a 404, exactly like one that does not exist: a firm never learns that another firm's reference
or licence number is real. What a member may *do* (a preparer cannot submit) is decided by the rules in
the services, which raise DomainError; vasp_licensing.pages turns that into errors on the page.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from accounts.signed_in import AnyUser
from applications.models import Firm, Licence, LicenceApplication


def firm_for_member(user: AnyUser, firm_id: int) -> Firm:
    firm = Firm.objects.of_member(user).filter(pk=firm_id).first()
    if firm is None:
        raise Http404("No such firm.")
    return firm


def application_for_member(user: AnyUser, reference: str) -> LicenceApplication:
    application = (
        LicenceApplication.objects.of_member(user)
        .filter(reference=reference)
        .select_related("firm", "licence_type")
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    return application


def licence_for_member(user: AnyUser, number: str) -> Licence:
    licence = (
        Licence.objects.of_member(user)
        .filter(number=number)
        .select_related("firm", "licence_type", "application")
        .first()
    )
    if licence is None:
        raise Http404("No such licence.")
    return licence


class MemberRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to sign-in; which objects they reach is decided by the lookups above."""
