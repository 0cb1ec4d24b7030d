"""Every write to a firm's team: invitations by e-mail, accepting them, changing roles, removing members.

Each service checks the actor's permission (accounts.rules, "firms.manage_team") inside its transaction,
with the firm's row locked, so two admins acting at once cannot leave a firm without a firm admin; each
change is audited. Refusals raise vasp_licensing.errors, with messages in the language of the request.
"""

import secrets
from datetime import timedelta
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import FirmRole
from accounts.models import FirmInvitation, FirmMembership, User
from accounts.rules import is_regulator
from accounts.selectors import (
    email_is_regulator_staff,
    invitation_addressed_to,
    invitation_find,
    invitation_open_to,
    invitation_token_hash,
    invitations_open_count,
)
from accounts.signed_in import AnyUser
from applications.models import Firm
from applications.services.firms import drafts_declarations_clear
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import NotPermitted, ValidationFailed
from vasp_licensing.links import absolute_reverse
from vasp_licensing.transitions import lock

# Both languages in one e-mail, as the notifications do: the firm's staff may read either.
INVITATION_EMAIL_LANGUAGES = ("en", "zh-hant")
DEFAULT_INVITATION_DAYS = 7
# Each open invitation sent an e-mail: the cap keeps the team page from being a way to send mail in bulk.
DEFAULT_OPEN_INVITATIONS_MAX = 20


def invitation_days() -> int:
    return int(getattr(settings, "FIRM_INVITATION_DAYS", DEFAULT_INVITATION_DAYS))


def open_invitations_max() -> int:
    return int(getattr(settings, "FIRM_OPEN_INVITATIONS_MAX", DEFAULT_OPEN_INVITATIONS_MAX))


def _require_team_manager(actor: User, firm: Firm) -> None:
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not rules.has_perm("firms.manage_team", actor, firm)
    ):
        raise NotPermitted(_("Only a firm admin of %(firm)s may manage its team.") % {"firm": firm.legal_name_en})


def _normalised_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationFailed(_("%(email)s is not a valid e-mail address.") % {"email": email or '""'}) from error
    return email


def _role(role: str) -> FirmRole:
    if role not in FirmRole.values:
        raise ValidationFailed(_("%(role)s is not a role in a firm.") % {"role": role})
    return FirmRole(role)


def invitation_create(*, firm: Firm, email: str, role: str, actor: User) -> FirmInvitation:
    """Invite `email` to `firm` with `role`; the e-mail with the link goes out once the transaction commits.

    Only a firm admin of the firm may invite. Refused for an address that is already a member or belongs to
    regulator staff, and once the firm has FIRM_OPEN_INVITATIONS_MAX open invitations. Inviting an address
    again replaces its open invitation (expired or not): the old link stops working (audited as a revocation)
    and a new e-mail goes out, so "resend" is inviting again. The token exists only in the e-mail: the
    invitation keeps its SHA-256. A failure to send the e-mail is logged, never raised: the invitation stands
    and can be sent again by inviting again.
    """
    email = _normalised_email(email)
    firm_role = _role(role)
    with transaction.atomic():
        firm = lock(firm)
        _require_team_manager(actor, firm)
        if FirmMembership.objects.filter(firm=firm, user__email__iexact=email).exists():
            raise ValidationFailed(_("%(email)s is already a member of this firm.") % {"email": email})
        if email_is_regulator_staff(email=email):
            raise ValidationFailed(
                _("%(email)s belongs to regulator staff, who cannot join a firm's team.") % {"email": email}
            )
        previous = invitation_open_to(firm=firm, email=email)
        open_others = invitations_open_count(firm=firm) - (1 if previous and not previous.is_expired else 0)
        if open_others >= open_invitations_max():
            raise ValidationFailed(
                _(
                    "%(firm)s has %(count)s open invitations, the most allowed. Revoke some, or wait until they "
                    "are accepted or expire, before inviting anyone else."
                )
                % {"firm": firm.legal_name_en, "count": open_others}
            )
        now = timezone.now()
        if previous is not None:  # closed, so that the new one is the only open invitation to this address
            _invitation_close(previous, actor=actor, now=now)
        token = secrets.token_urlsafe(32)
        invitation = FirmInvitation.objects.create(
            firm=firm,
            email=email,
            role=firm_role,
            token_hash=invitation_token_hash(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=invitation_days()),
        )
        audit_record(
            actor=actor,
            action=actions.FIRM_INVITE,
            obj=invitation,
            after={"firm": firm.pk, "email": email, "role": firm_role.value, "expires_at": invitation.expires_at},
            payload={"replaces": previous.pk} if previous is not None else None,
        )

        def send_invitation_email() -> None:
            invitation_email_send(invitation=invitation, token=token)

        # robust: an SMTP failure is logged by Django and does not turn the committed invitation into a 500.
        transaction.on_commit(send_invitation_email, robust=True)
    return invitation


def _invitation_close(invitation: FirmInvitation, *, actor: User, now: Any) -> None:
    """Revoke an invitation replaced by a new one to the same address (inside the caller's transaction)."""
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=actions.FIRM_INVITATION_REVOKE,
        obj=invitation,
        before={"revoked_at": None},
        after={"revoked_at": now},
        payload={"firm": invitation.firm_id, "email": invitation.email, "replaced": True},
    )


def invitation_email_send(*, invitation: FirmInvitation, token: str) -> None:
    """The e-mail with the accept link, in English and Traditional Chinese. The only place the token is written."""
    accept_url = absolute_reverse("portal:invitation_accept", args=[token])
    context = {"invitation": invitation, "firm": invitation.firm, "accept_url": accept_url}
    subjects, bodies = [], []
    for language in INVITATION_EMAIL_LANGUAGES:
        with translation.override(language):
            text = render_to_string("accounts/email/firm_invitation.txt", context).strip()
        subject, _sep, body = text.partition("\n")
        subjects.append(subject.strip())
        bodies.append(body.strip())
    send_mail(
        " / ".join(subjects)[:255],
        "\n\n————————\n\n".join(bodies) + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )


def invitation_revoke(*, invitation: FirmInvitation, actor: User) -> FirmInvitation:
    """Close an open invitation: its link stops working. Only a firm admin of its firm; not once accepted."""
    with transaction.atomic():
        lock(invitation.firm)
        invitation = lock(invitation)
        _require_team_manager(actor, invitation.firm)
        if invitation.accepted_at is not None:
            raise ValidationFailed(
                _("The invitation to %(email)s was accepted already; remove the member instead.")
                % {"email": invitation.email}
            )
        if invitation.revoked_at is not None:
            raise ValidationFailed(_("The invitation to %(email)s was revoked already.") % {"email": invitation.email})
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=actions.FIRM_INVITATION_REVOKE,
            obj=invitation,
            before={"revoked_at": None},
            after={"revoked_at": invitation.revoked_at},
            payload={"firm": invitation.firm_id, "email": invitation.email},
        )
    return invitation


def invitation_refusal(*, invitation: FirmInvitation, user: AnyUser) -> ValidationFailed | NotPermitted | None:
    """Why `user` may not accept `invitation` now, or None. Reads only; invitation_accept asks it again under lock."""
    if invitation.revoked_at is not None:
        return ValidationFailed(_("This invitation was revoked by the firm. Ask its firm admin for a new one."))
    if invitation.accepted_at is not None:
        return ValidationFailed(_("This invitation has been used already."))
    if invitation.is_expired:
        return ValidationFailed(_("This invitation has expired. Ask the firm's admin for a new one."))
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NotPermitted(_("Sign in to accept the invitation."))
    if is_regulator(user):
        return NotPermitted(_("Regulator staff cannot join a firm's team."))
    if not invitation_addressed_to(invitation=invitation, user=user):
        # The invited address is not named: whoever holds a forwarded link learns nothing about it.
        return NotPermitted(
            _("This invitation was sent to another e-mail address. Sign in with the verified address it was sent to.")
        )
    if FirmMembership.objects.filter(firm_id=invitation.firm_id, user=user).exists():
        return ValidationFailed(_("You are already a member of %(firm)s.") % {"firm": invitation.firm.legal_name_en})
    return None


def invitation_accept(*, token: str, user: User) -> FirmMembership:
    """Join the firm with the invited role. The token must be valid, open (not expired, used or revoked), and
    the signed-in user's verified e-mail address must be the invited one. Used once."""
    invitation = invitation_find(token=token)
    if invitation is None:
        raise ValidationFailed(_("This invitation link is not valid."))
    with transaction.atomic():
        lock(invitation.firm)
        invitation = lock(invitation)
        refusal = invitation_refusal(invitation=invitation, user=user)
        if refusal is not None:
            raise refusal
        membership = FirmMembership.objects.create(user=user, firm_id=invitation.firm_id, role=invitation.role)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user,
            action=actions.FIRM_INVITATION_ACCEPT,
            obj=invitation,
            after={"accepted_at": invitation.accepted_at, "membership": membership.pk},
            payload={"firm": invitation.firm_id, "email": invitation.email, "role": invitation.role},
        )
    return membership


def _other_admins(membership: FirmMembership) -> bool:
    return (
        FirmMembership.objects.filter(firm_id=membership.firm_id, role=FirmRole.FIRM_ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def membership_change_role(*, membership: FirmMembership, role: str, actor: User) -> FirmMembership:
    """Give a member another role. Only a firm admin of the firm; never demotes the last firm admin.

    The same role again changes nothing and records nothing. A new firm admin must set up TOTP at their
    next page (accounts.mfa.mfa_required). Regulator staff get no role in a firm (they may only be removed).
    A demoted firm admin's signatures on the firm's drafts are cleared (payload `declarations_cleared`)."""
    firm_role = _role(role)
    with transaction.atomic():
        lock(membership.firm)
        membership = FirmMembership.objects.select_for_update().select_related("user", "firm").get(pk=membership.pk)
        _require_team_manager(actor, membership.firm)
        before = membership.role
        if before == firm_role:
            return membership
        if is_regulator(membership.user):
            raise NotPermitted(
                _("%(user)s is regulator staff, who cannot hold a role in a firm's team. Remove them instead.")
                % {"user": membership.user.email}
            )
        if before == FirmRole.FIRM_ADMIN and not _other_admins(membership):
            raise ValidationFailed(
                _(
                    "%(user)s is the only firm admin of %(firm)s. Make another member a firm admin first: a firm "
                    "always needs one."
                )
                % {"user": membership.user.email, "firm": membership.firm.legal_name_en}
            )
        membership.role = firm_role
        membership.save(update_fields=["role"])
        cleared = (
            drafts_declarations_clear(firm=membership.firm_id, signed_by=membership.user)
            if before == FirmRole.FIRM_ADMIN
            else []
        )
        payload: dict[str, Any] = {"firm": membership.firm_id, "user": membership.user.email}
        if cleared:
            payload["declarations_cleared"] = cleared
        audit_record(
            actor=actor,
            action=actions.FIRM_MEMBER_ROLE_CHANGE,
            obj=membership,
            before={"role": before},
            after={"role": firm_role.value},
            payload=payload,
        )
    return membership


def membership_remove(*, membership: FirmMembership, actor: User) -> None:
    """Remove a member from the firm: they lose access at once. Only a firm admin of the firm; never the last
    firm admin (a firm admin may remove themselves while another remains). Their signatures on the firm's
    drafts are cleared (payload `declarations_cleared`)."""
    with transaction.atomic():
        lock(membership.firm)
        membership = FirmMembership.objects.select_for_update().select_related("user", "firm").get(pk=membership.pk)
        _require_team_manager(actor, membership.firm)
        if membership.role == FirmRole.FIRM_ADMIN and not _other_admins(membership):
            raise ValidationFailed(
                _(
                    "%(user)s is the only firm admin of %(firm)s and cannot be removed. Make another member a "
                    "firm admin first: a firm always needs one."
                )
                % {"user": membership.user.email, "firm": membership.firm.legal_name_en}
            )
        cleared = drafts_declarations_clear(firm=membership.firm_id, signed_by=membership.user)
        payload: dict[str, Any] = {"firm": membership.firm_id}
        if cleared:
            payload["declarations_cleared"] = cleared
        audit_record(
            actor=actor,
            action=actions.FIRM_MEMBER_REMOVE,
            obj=membership,
            before={"user": membership.user.email, "role": membership.role},
            payload=payload,
        )
        membership.delete()
