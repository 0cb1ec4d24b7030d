"""The firm's team in the portal: who is in it, invitations by e-mail, role changes and removals.

Every member sees the team; only its firm admins get the forms, and the services check again (a preparer's
crafted POST is refused, 403, with nothing written). Every lookup goes through the user's firms, so another
firm's team, member or invitation is a 404. Forms work without JavaScript (post, redirect, get); the
sections are boosted by htmx. The accept page is reached from the link in the invitation e-mail.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts import services
from accounts.models import FirmInvitation, FirmMembership
from accounts.selectors import (
    invitation_addressed_to,
    invitation_find,
    invitation_open_to,
    invitations_pending,
    team_members,
)
from accounts.signed_in import SignedInRequest
from applications.models import Firm
from portal.access import MemberRequiredMixin, firm_for_member
from portal.team.forms import InviteForm, RoleForm
from vasp_licensing.errors import DomainError
from vasp_licensing.pages import attempt, error_summary, refusal_messages, submit


@dataclass(frozen=True)
class MemberRow:
    membership: FirmMembership
    is_me: bool
    role_form: forms.Form | None
    remove_form: forms.Form | None = None  # bound only after a refused removal, for its error


def _member_label(membership: FirmMembership) -> str:
    return membership.user.get_full_name() or membership.user.email


def _role_form(membership: FirmMembership, data: Any = None) -> RoleForm:
    return RoleForm(
        data,
        prefix=f"member-{membership.pk}",
        initial={"role": membership.role},
        member=_member_label(membership),
    )


def render_team(
    request: HttpRequest, firm: Firm, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> TemplateResponse:
    """The team page. `bound` holds a posted form by key ("invite", "member-<pk>" for the role,
    "remove-<pk>" for the removal, "invitation-<pk>")."""
    bound = bound or {}
    can_manage = rules.has_perm("firms.manage_team", request.user, firm)
    members = [
        MemberRow(
            membership=membership,
            is_me=membership.user_id == request.user.pk,
            role_form=(bound.get(f"member-{membership.pk}") or _role_form(membership)) if can_manage else None,
            remove_form=bound.get(f"remove-{membership.pk}"),
        )
        for membership in team_members(firm=firm)
    ]
    context = {
        "firm": firm,
        "nav": "team",
        "can_manage": can_manage,
        "members": members,
        "invitations": list(invitations_pending(firm=firm)),
        "invite_form": (bound.get("invite") or InviteForm(prefix="invite")) if can_manage else None,
        "invitation_days": services.invitation_days(),
        "error_summary": error_summary(bound.values()),
    }
    return TemplateResponse(request, "portal/team/page.html", context, status=status)


def team_url(firm: Firm, anchor: str = "") -> str:
    url = reverse("portal:team", args=[firm.pk])
    return f"{url}#{anchor}" if anchor else url


class TeamView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        return render_team(request, firm_for_member(request.user, firm_id))


class TeamActionView(MemberRequiredMixin, View):
    """A POST that changes the team: the service decides; a refusal re-renders the page with the form's error."""

    http_method_names = ["post"]

    def respond(
        self, request: HttpRequest, firm: Firm, *, key: str, form: forms.Form, perform: Any, done: str, anchor: str
    ) -> HttpResponse:
        submission = submit(request, form, perform)
        if submission.done:
            messages.success(request, done)
            return HttpResponseRedirect(team_url(firm, anchor))
        return render_team(request, firm, bound={key: form}, status=submission.status)


class InviteView(TeamActionView):
    def post(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        form = InviteForm(request.POST, prefix="invite")

        def perform(data: dict[str, Any]) -> FirmInvitation:
            return services.invitation_create(firm=firm, email=data["email"], role=data["role"], actor=request.user)

        email = request.POST.get("invite-email", "").strip().lower()
        if email and invitation_open_to(firm=firm, email=email) is not None:
            done = _(
                "A new invitation was sent to %(email)s. It replaces the earlier one, whose link no longer works."
            ) % {"email": email}
        else:
            done = _("Invitation sent to %(email)s.") % {"email": email}
        return self.respond(request, firm, key="invite", form=form, perform=perform, done=done, anchor="invitations")


class InvitationRevokeView(TeamActionView):
    def post(self, request: SignedInRequest, firm_id: int, pk: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        invitation = get_object_or_404(FirmInvitation, firm=firm, pk=pk)
        done = _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
        return self.respond(
            request,
            firm,
            key=f"invitation-{invitation.pk}",
            form=forms.Form(request.POST),
            perform=lambda data: services.invitation_revoke(invitation=invitation, actor=request.user),
            done=done,
            anchor="invitations",
        )


class MemberRoleView(TeamActionView):
    def post(self, request: SignedInRequest, firm_id: int, pk: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        membership = get_object_or_404(FirmMembership.objects.select_related("user"), firm=firm, pk=pk)
        form = _role_form(membership, request.POST)

        def perform(data: dict[str, Any]) -> FirmMembership:
            return services.membership_change_role(membership=membership, role=data["role"], actor=request.user)

        done = _("The role of %(member)s was saved.") % {"member": _member_label(membership)}
        return self.respond(
            request, firm, key=f"member-{membership.pk}", form=form, perform=perform, done=done, anchor="members"
        )


class MemberRemoveView(TeamActionView):
    def post(self, request: SignedInRequest, firm_id: int, pk: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        membership = get_object_or_404(FirmMembership.objects.select_related("user"), firm=firm, pk=pk)
        removing_myself = membership.user_id == request.user.pk
        done = _("%(member)s was removed from the team.") % {"member": _member_label(membership)}
        response = self.respond(
            request,
            firm,
            key=f"remove-{membership.pk}",
            form=forms.Form(request.POST),
            perform=lambda data: services.membership_remove(membership=membership, actor=request.user),
            done=done,
            anchor="members",
        )
        if removing_myself and response.status_code == 302:
            return HttpResponseRedirect(reverse("portal:dashboard"))  # this team is no longer theirs to see
        return response


class InvitationAcceptView(View):
    """Anonymous visitors are asked to sign in or sign up first (the link comes back with `next`); a signed-in
    user sees the invitation, or why it cannot be accepted, and confirms with a POST."""

    template_name = "portal/team/invitation_accept.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return self._anonymous(request)
        invitation = self._invitation(token)
        refusal = services.invitation_refusal(invitation=invitation, user=request.user)
        return self._render(request, invitation, refusal=refusal)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        invitation, user = self._invitation(token), request.user
        accepted = attempt(request, lambda: services.invitation_accept(token=token, user=user))
        membership = accepted.result
        if membership is None:
            return self._render(request, invitation, refusal=accepted.refusal, status=accepted.status)
        messages.success(
            request,
            _("You joined %(firm)s as %(role)s.")
            % {"firm": invitation.firm.legal_name_en, "role": membership.get_role_display()},
        )
        return HttpResponseRedirect(reverse("portal:firm", args=[membership.firm_id]))

    @staticmethod
    def _invitation(token: str) -> FirmInvitation:
        invitation = invitation_find(token=token)
        if invitation is None:
            raise Http404(_("This invitation link is not valid."))
        return invitation

    def _anonymous(self, request: HttpRequest) -> HttpResponse:
        # Nothing about the invitation is shown before sign-in: the token alone tells nobody which firm it is.
        here = request.get_full_path()
        context = {
            "anonymous": True,
            "login_url": f"{reverse('account_login')}?{_next(here)}",
            "signup_url": f"{reverse('account_signup')}?{_next(here)}",
        }
        return TemplateResponse(request, self.template_name, context)

    def _render(
        self, request: HttpRequest, invitation: FirmInvitation, *, refusal: DomainError | None, status: int = 200
    ) -> HttpResponse:
        # The firm, role and inviter are for the invited address only: a forwarded link shows just the refusal.
        addressed = invitation_addressed_to(invitation=invitation, user=request.user)
        context = {
            "invitation": invitation,
            "refusal": refusal,
            "refusal_messages": refusal_messages(refusal) if refusal is not None else [],
            "anonymous": False,
            "show_details": addressed,
        }
        return TemplateResponse(request, self.template_name, context, status=status)


def _next(path: str) -> str:
    return urlencode({"next": path})


urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/team/", TeamView.as_view(), name="team"),
    path("firms/<int:firm_id>/team/invite/", InviteView.as_view(), name="team_invite"),
    path(
        "firms/<int:firm_id>/team/invitations/<int:pk>/revoke/",
        InvitationRevokeView.as_view(),
        name="team_invitation_revoke",
    ),
    path("firms/<int:firm_id>/team/members/<int:pk>/role/", MemberRoleView.as_view(), name="team_member_role"),
    path(
        "firms/<int:firm_id>/team/members/<int:pk>/remove/",
        MemberRemoveView.as_view(),
        name="team_member_remove",
    ),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation_accept"),
]
