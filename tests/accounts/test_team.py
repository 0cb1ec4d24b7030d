"""A firm's team in the portal: invitations by e-mail, accepting them, role changes and removals.

Through the pages where a person would act, with the services' rules checked on the database: only a firm
admin of the firm changes its team, another firm's admin reaches nothing of it (404), a firm always keeps a
firm admin, the invitation works once, for the invited verified address only, and every change is audited.
"""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.choices import FirmRole, RegulatorRole
from accounts.mfa import email_verify, totp_enrol
from accounts.models import FirmInvitation, FirmMembership, User
from audit.models import AuditEvent
from tests.factories import TEST_TOTP_SECRET, FirmFactory, UserFactory, member
from vasp_licensing.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

ACCEPT_LINK = re.compile(r"https?://\S+/portal/invitations/(?P<token>[^/\s]+)/")


@pytest.fixture
def firm():
    return FirmFactory()


@pytest.fixture
def admin(firm):
    return member(firm, FirmRole.FIRM_ADMIN)


@pytest.fixture
def preparer(firm):
    return member(firm, FirmRole.PREPARER)


def team_url(firm) -> str:
    return reverse("portal:team", args=[firm.pk])


def invite(client, firm, email: str, role: str = FirmRole.PREPARER, **headers: str):
    return client.post(
        reverse("portal:team_invite", args=[firm.pk]), {"invite-email": email, "invite-role": role}, **headers
    )


def token_from(message) -> str:
    match = ACCEPT_LINK.search(message.body)
    assert match, message.body
    return match.group("token")


def accept_url(token: str) -> str:
    return reverse("portal:invitation_accept", args=[token])


def invited_user(email: str) -> User:
    """Someone who signed up with the invited address and verified it."""
    user = UserFactory(email=email)
    email_verify(user=user)
    return user


def sent_invitation(firm, admin, email: str, role: str, capture) -> str:
    """Invite through the service, send the e-mail as a commit would, and return the token from the e-mail."""
    with capture(execute=True) as callbacks:
        services.invitation_create(firm=firm, email=email, role=role, actor=admin)
    assert callbacks
    from django.core import mail

    return token_from(mail.outbox[-1])


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# Inviting


def test_firm_admin_invites_a_colleague_and_the_token_is_only_in_the_email(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, firm, " New.Colleague@Example.test ", FirmRole.PREPARER)

    assert (response.status_code, response["Location"]) == (302, team_url(firm) + "#invitations")
    invitation = FirmInvitation.objects.get(firm=firm)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.colleague@example.test",
        FirmRole.PREPARER,
        admin,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    [message] = mailoutbox
    assert message.to == ["new.colleague@example.test"]
    assert firm.legal_name_en in message.subject
    assert "————————" in message.body  # English, then Traditional Chinese
    token = token_from(message)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not FirmInvitation.objects.filter(token_hash=token).exists()
    [event] = audited("firm.invite")
    assert event.after is not None
    assert (event.actor, event.object_id, event.after["email"]) == (admin, str(invitation.pk), invitation.email)
    page = client.get(team_url(firm)).content.decode()
    assert "Invitation sent to new.colleague@example.test." in page
    assert "new.colleague@example.test" in page.split('id="invitations"')[1]


def test_invitation_expiry_follows_the_setting(firm, admin, settings, django_capture_on_commit_callbacks):
    settings.FIRM_INVITATION_DAYS = 3

    invitation = services.invitation_create(firm=firm, email="a@example.test", role=FirmRole.PREPARER, actor=admin)

    assert invitation.expires_at - invitation.created_at == timedelta(days=3)


def test_invite_refused_when_the_address_is_already_a_member(client, firm, admin, preparer, mailoutbox):
    client.force_login(admin)

    response = invite(client, firm, preparer.email.upper())

    assert response.status_code == 400
    assert f"{preparer.email} is already a member of this firm." in response.content.decode()
    assert not FirmInvitation.objects.exists()
    assert mailoutbox == []


def test_inviting_an_open_address_again_replaces_the_invitation_and_sends_a_new_link(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    old_token = sent_invitation(firm, admin, "a@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    old = FirmInvitation.objects.get()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, firm, "a@example.test", FirmRole.FIRM_ADMIN)

    assert response.status_code == 302
    old.refresh_from_db()
    new = FirmInvitation.objects.get(revoked_at__isnull=True)
    assert old.revoked_at is not None and new.pk != old.pk and new.role == FirmRole.FIRM_ADMIN
    [revoked] = audited("firm.invitation_revoke")
    assert (revoked.object_id, revoked.actor, revoked.payload["replaced"]) == (str(old.pk), admin, True)
    assert audited("firm.invite")[-1].payload == {"replaces": old.pk}
    assert len(mailoutbox) == 2 and token_from(mailoutbox[-1]) != old_token
    page = client.get(team_url(firm)).content.decode()
    assert "It replaces the earlier one, whose link no longer works." in page
    newcomer = invited_user("a@example.test")
    with pytest.raises(ValidationFailed, match="revoked"):
        services.invitation_accept(token=old_token, user=newcomer)
    membership = services.invitation_accept(token=token_from(mailoutbox[-1]), user=newcomer)
    assert membership.role == FirmRole.FIRM_ADMIN


def test_invitation_stands_and_the_error_is_logged_when_the_email_cannot_be_sent(
    client, firm, admin, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr("accounts.services.send_mail", smtp_down)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, firm, "a@example.test")

    assert (response.status_code, response["Location"]) == (302, team_url(firm) + "#invitations")
    assert FirmInvitation.objects.filter(firm=firm, email="a@example.test", revoked_at__isnull=True).exists()
    assert "SMTP server unreachable" in caplog.text
    assert client.get(team_url(firm)).status_code == 200


def test_invite_refused_once_the_firm_has_the_most_open_invitations(client, firm, admin, settings, mailoutbox):
    settings.FIRM_OPEN_INVITATIONS_MAX = 2
    for n in range(2):
        services.invitation_create(firm=firm, email=f"a{n}@example.test", role=FirmRole.PREPARER, actor=admin)
    client.force_login(admin)

    response = invite(client, firm, "third@example.test")
    again = services.invitation_create(firm=firm, email="a0@example.test", role=FirmRole.PREPARER, actor=admin)

    assert response.status_code == 400
    assert "has 2 open invitations, the most allowed" in response.content.decode()
    assert not FirmInvitation.objects.filter(email="third@example.test").exists()
    assert again.revoked_at is None  # replacing an open invitation does not add one


def test_open_invitations_are_capped_at_twenty_by_default(firm, admin):
    for n in range(20):
        services.invitation_create(firm=firm, email=f"a{n}@example.test", role=FirmRole.PREPARER, actor=admin)

    with pytest.raises(ValidationFailed, match="the most allowed"):
        services.invitation_create(firm=firm, email="a20@example.test", role=FirmRole.PREPARER, actor=admin)

    assert FirmInvitation.objects.count() == 20


def test_invite_refused_for_an_address_of_regulator_staff(client, firm, admin, mailoutbox):
    officer = UserFactory(email="officer@regulator.test", roles=[RegulatorRole.CASE_OFFICER])
    client.force_login(admin)

    response = invite(client, firm, officer.email.upper())

    assert response.status_code == 400
    assert "officer@regulator.test belongs to regulator staff, who cannot join a firm&#x27;s team." in (
        response.content.decode()
    )
    assert not FirmInvitation.objects.exists()
    assert mailoutbox == []


def test_an_expired_invitation_is_replaced_by_a_new_one(firm, admin):
    old = services.invitation_create(firm=firm, email="a@example.test", role=FirmRole.PREPARER, actor=admin)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        new = services.invitation_create(firm=firm, email="a@example.test", role=FirmRole.PREPARER, actor=admin)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.pk != old.pk and new.revoked_at is None
    assert audited("firm.invite")[-1].payload == {"replaces": old.pk}


def test_preparer_sees_the_team_read_only_and_cannot_invite(client, firm, admin, preparer, mailoutbox):
    client.force_login(preparer)

    page = client.get(team_url(firm)).content.decode()
    response = invite(client, firm, "someone@example.test")

    assert admin.email in page and preparer.email in page
    assert "Send invitation" not in page and "Save role" not in page and "Revoke the invitation" not in page
    assert response.status_code == 403
    assert "Only a firm admin" in response.content.decode()
    assert not FirmInvitation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="firm.").exists()
    assert mailoutbox == []


def test_preparer_cannot_invite_through_the_service(firm, preparer):
    with pytest.raises(NotPermitted):
        services.invitation_create(firm=firm, email="a@example.test", role=FirmRole.PREPARER, actor=preparer)

    assert not FirmInvitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "error"),
    [("", "This field is required."), ("not-an-address", "Enter a valid email address.")],
)
def test_invite_form_shows_the_error_on_the_field(client, firm, admin, email, error):
    client.force_login(admin)

    response = invite(client, firm, email)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_invite-email_error"' in page and error in page
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="invite-email"|name="invite-email"[^>]*aria-invalid="true"', page
    )
    assert not FirmInvitation.objects.exists()


def test_invite_form_error_is_shown_in_the_language_of_the_browser(client, firm, admin):
    client.force_login(admin)

    response = invite(client, firm, "not-an-address", HTTP_ACCEPT_LANGUAGE="zh-hant")

    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert 'id="id_invite-email_error"' in page
    assert 'aria-invalid="true"' in page
    assert "Enter a valid email address." not in page  # Django's own message comes in Chinese


def test_invite_form_error_follows_the_language_cookie(client, firm, admin):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = invite(client, firm, "").content.decode()

    assert '<html lang="zh-hans">' in page
    assert 'id="id_invite-email_error"' in page and 'aria-invalid="true"' in page
    assert "This field is required." not in page


# Revoking


def test_firm_admin_revokes_an_invitation_and_its_link_stops_working(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "a@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    invitation = FirmInvitation.objects.get()
    client.force_login(admin)

    response = client.post(reverse("portal:team_invitation_revoke", args=[firm.pk, invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert [event.object_id for event in audited("firm.invitation_revoke")] == [str(invitation.pk)]
    client.force_login(invited_user("a@example.test"))
    refused = client.post(accept_url(token))
    assert refused.status_code == 400
    assert "This invitation was revoked by the firm." in refused.content.decode()
    assert not FirmMembership.objects.filter(user__email="a@example.test").exists()


# Accepting


def test_invited_user_accepts_and_joins_with_the_role(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    newcomer = invited_user("new@example.test")
    client.force_login(newcomer)

    page = client.get(accept_url(token))
    response = client.post(accept_url(token))

    assert page.status_code == 200
    assert firm.legal_name_en in page.content.decode() and "Accept the invitation" in page.content.decode()
    assert (response.status_code, response["Location"]) == (302, reverse("portal:firm", args=[firm.pk]))
    membership = FirmMembership.objects.get(user=newcomer)
    assert (membership.firm, membership.role) == (firm, FirmRole.PREPARER)
    invitation = FirmInvitation.objects.get()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (newcomer, True)
    [event] = audited("firm.invitation_accept")
    assert event.after is not None
    assert (event.actor, event.payload["role"], event.after["membership"]) == (newcomer, "preparer", membership.pk)
    assert client.get(team_url(firm)).status_code == 200


def test_accept_refused_for_a_user_with_another_email(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.FIRM_ADMIN, django_capture_on_commit_callbacks)
    someone_else = invited_user("someone.else@example.test")
    client.force_login(someone_else)

    page = client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))

    assert "sent to another e-mail address" in page and "Accept the invitation" not in page
    assert response.status_code == 403
    assert not FirmMembership.objects.filter(user=someone_else).exists()
    assert FirmInvitation.objects.get().accepted_at is None
    assert not audited("firm.invitation_accept")


def test_a_forwarded_link_shows_nothing_of_the_firm_to_another_address(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.FIRM_ADMIN, django_capture_on_commit_callbacks)
    client.force_login(invited_user("someone.else@example.test"))

    page = client.get(accept_url(token)).content.decode()
    FirmInvitation.objects.update(revoked_at=timezone.now())
    revoked_page = client.get(accept_url(token)).content.decode()

    assert "sent to another e-mail address" in page
    assert "This invitation was revoked by the firm." in revoked_page
    for shown in (page, revoked_page):
        assert firm.legal_name_en not in shown
        assert admin.email not in shown
        assert "Firm admin" not in shown


def test_regulator_staff_cannot_accept_an_invitation(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.FIRM_ADMIN, django_capture_on_commit_callbacks)
    officer = invited_user("new@example.test")
    officer.groups.add(Group.objects.get(name=RegulatorRole.CASE_OFFICER))
    totp_enrol(user=officer, secret=TEST_TOTP_SECRET)  # regulators use the site with TOTP only
    client.force_login(officer)

    page = client.get(accept_url(token)).content.decode()
    with pytest.raises(NotPermitted, match="Regulator staff cannot join a firm"):
        services.invitation_accept(token=token, user=User.objects.get(pk=officer.pk))
    response = client.post(accept_url(token))

    assert "Regulator staff cannot join a firm" in page and "Accept the invitation" not in page
    assert response.status_code == 403
    assert not FirmMembership.objects.filter(user=officer).exists()
    assert FirmInvitation.objects.get().accepted_at is None


def test_accept_refused_while_the_invited_address_is_not_verified(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    user = UserFactory(email="new@example.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with pytest.raises(NotPermitted):
        services.invitation_accept(token=token, user=user)

    assert not FirmMembership.objects.filter(user=user).exists()


def test_accept_refused_once_the_invitation_has_expired(
    client, firm, admin, mailoutbox, django_capture_on_commit_callbacks
):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    newcomer = invited_user("new@example.test")
    client.force_login(newcomer)
    FirmInvitation.objects.update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )  # 7 days on (the session would not last)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This invitation has expired." in response.content.decode()
    assert not FirmMembership.objects.filter(user=newcomer).exists()


def test_a_token_works_only_once(client, firm, admin, mailoutbox, django_capture_on_commit_callbacks):
    token = sent_invitation(firm, admin, "new@example.test", FirmRole.PREPARER, django_capture_on_commit_callbacks)
    newcomer = invited_user("new@example.test")
    services.invitation_accept(token=token, user=newcomer)
    FirmMembership.objects.filter(user=newcomer).delete()  # even after leaving, the old link does not bring them back
    client.force_login(newcomer)

    response = client.post(accept_url(token))

    assert response.status_code == 400
    assert "This invitation has been used already." in response.content.decode()
    assert not FirmMembership.objects.filter(user=newcomer).exists()
    assert len(audited("firm.invitation_accept")) == 1


def test_an_unknown_token_is_not_found(client, admin):
    client.force_login(admin)

    assert client.get(accept_url("no-such-token")).status_code == 404
    with pytest.raises(ValidationFailed):
        services.invitation_accept(token="no-such-token", user=admin)


def test_anonymous_visitor_is_asked_to_sign_in_or_sign_up_and_comes_back(client, firm, admin):
    path = accept_url("some-token")

    page = client.get(path).content.decode()
    response = client.post(path)

    assert f'href="{reverse("account_login")}?next=%2Fportal%2Finvitations%2Fsome-token%2F"' in page
    assert f'href="{reverse("account_signup")}?next=%2Fportal%2Finvitations%2Fsome-token%2F"' in page
    assert firm.legal_name_en not in page
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    login_page = client.get(reverse("account_login"), {"next": path}).content.decode()
    assert "next=%2Fportal%2Finvitations%2Fsome-token%2F" in login_page.split("Create an account")[0]


# Roles and removal


def test_firm_admin_changes_a_members_role(client, firm, admin, preparer):
    membership = FirmMembership.objects.get(user=preparer)
    client.force_login(admin)

    response = client.post(
        reverse("portal:team_member_role", args=[firm.pk, membership.pk]),
        {f"member-{membership.pk}-role": "firm_admin"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == FirmRole.FIRM_ADMIN
    [event] = audited("firm.member_role_change")
    assert (event.before, event.after, event.actor) == ({"role": "preparer"}, {"role": "firm_admin"}, admin)


def test_firm_admin_removes_a_member(client, firm, admin, preparer):
    membership = FirmMembership.objects.get(user=preparer)
    client.force_login(admin)

    response = client.post(reverse("portal:team_member_remove", args=[firm.pk, membership.pk]))

    assert response.status_code == 302
    assert not FirmMembership.objects.filter(pk=membership.pk).exists()
    [event] = audited("firm.member_remove")
    assert (event.actor, event.before) == (admin, {"user": preparer.email, "role": "preparer"})
    client.force_login(preparer)
    assert client.get(team_url(firm)).status_code == 404


def test_the_last_firm_admin_cannot_be_removed(client, firm, admin, preparer):
    membership = FirmMembership.objects.get(user=admin)
    client.force_login(admin)

    response = client.post(reverse("portal:team_member_remove", args=[firm.pk, membership.pk]))

    assert response.status_code == 400
    assert "is the only firm admin" in response.content.decode()
    assert FirmMembership.objects.filter(pk=membership.pk).exists()
    assert not audited("firm.member_remove")


def test_the_last_firm_admin_cannot_be_demoted(client, firm, admin):
    membership = FirmMembership.objects.get(user=admin)
    client.force_login(admin)

    response = client.post(
        reverse("portal:team_member_role", args=[firm.pk, membership.pk]), {f"member-{membership.pk}-role": "preparer"}
    )

    assert response.status_code == 400
    assert "is the only firm admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == FirmRole.FIRM_ADMIN
    assert not audited("firm.member_role_change")


def test_a_refused_removal_shows_its_error_by_the_remove_control_and_keeps_the_role_choice(client, firm, admin):
    membership = FirmMembership.objects.get(user=admin)
    client.force_login(admin)

    response = client.post(reverse("portal:team_member_remove", args=[firm.pk, membership.pk]))

    page = response.content.decode()
    assert response.status_code == 400
    assert f'name="member-{membership.pk}-role"' in page
    removal = page.split(f'id="remove-{membership.pk}-errors"')[1].split("</details>")[0]
    assert "is the only firm admin" in removal and 'data-action="remove"' in removal


def test_regulator_staff_in_a_team_get_no_new_role(firm, admin, preparer):
    preparer.groups.add(Group.objects.get(name=RegulatorRole.AUDITOR))  # joined the regulator since
    membership = FirmMembership.objects.get(user=preparer)

    with pytest.raises(NotPermitted, match="regulator staff"):
        services.membership_change_role(membership=membership, role=FirmRole.FIRM_ADMIN, actor=admin)
    services.membership_remove(membership=membership, actor=admin)

    assert not FirmMembership.objects.filter(user=preparer).exists()


def test_demoting_a_firm_admin_clears_the_declarations_they_signed(draft_case):
    other_admin = member(draft_case.firm, FirmRole.FIRM_ADMIN)
    membership = FirmMembership.objects.get(user=draft_case.firm_admin)

    services.membership_change_role(membership=membership, role=FirmRole.PREPARER, actor=other_admin)

    application = draft_case.refresh()
    assert (application.declaration_signed_at, application.declaration_signed_by) == (None, None)
    assert (application.declaration_signatory_name, application.declaration_signatory_role) == ("", "")
    [event] = audited("firm.member_role_change")
    assert event.payload["declarations_cleared"] == [application.reference]


def test_removing_a_firm_admin_clears_the_declarations_they_signed_only(draft_case):
    other_admin = member(draft_case.firm, FirmRole.FIRM_ADMIN)

    services.membership_remove(membership=FirmMembership.objects.get(user=other_admin), actor=draft_case.firm_admin)
    assert draft_case.refresh().declaration_signed_by == draft_case.firm_admin  # not theirs: kept
    services.membership_remove(
        membership=FirmMembership.objects.get(user=draft_case.firm_admin),
        actor=member(draft_case.firm, FirmRole.FIRM_ADMIN),
    )

    application = draft_case.refresh()
    assert (application.declaration_signed_at, application.declaration_signatory_name) == (None, "")
    assert [event.payload.get("declarations_cleared") for event in audited("firm.member_remove")] == [
        None,
        [application.reference],
    ]


def test_a_firm_admin_may_step_down_while_another_remains(firm, admin):
    other = member(firm, FirmRole.FIRM_ADMIN)
    membership = FirmMembership.objects.get(user=admin)

    services.membership_change_role(membership=membership, role=FirmRole.PREPARER, actor=admin)
    services.membership_remove(membership=membership, actor=other)

    assert list(FirmMembership.objects.filter(firm=firm).values_list("user", flat=True)) == [other.pk]


def test_preparer_cannot_remove_or_change_anyone(client, firm, admin, preparer):
    admin_membership = FirmMembership.objects.get(user=admin)
    member(firm, FirmRole.FIRM_ADMIN)  # so that only the role, not the last-admin rule, refuses
    client.force_login(preparer)

    removed = client.post(reverse("portal:team_member_remove", args=[firm.pk, admin_membership.pk]))
    demoted = client.post(
        reverse("portal:team_member_role", args=[firm.pk, admin_membership.pk]),
        {f"member-{admin_membership.pk}-role": "preparer"},
    )

    assert (removed.status_code, demoted.status_code) == (403, 403)
    admin_membership.refresh_from_db()
    assert admin_membership.role == FirmRole.FIRM_ADMIN
    assert not AuditEvent.objects.filter(action__startswith="firm.").exists()


# Another firm: 404 for everything, by link or by id


def test_another_firms_admin_gets_404_for_this_firms_team_and_cannot_touch_it(client, firm, admin, preparer):
    invitation = services.invitation_create(firm=firm, email="a@example.test", role=FirmRole.PREPARER, actor=admin)
    other_firm = FirmFactory()
    outsider = member(other_firm, FirmRole.FIRM_ADMIN)
    member(other_firm, FirmRole.FIRM_ADMIN)
    target = FirmMembership.objects.get(user=preparer)
    client.force_login(outsider)

    responses = [
        client.get(team_url(firm)),
        invite(client, firm, "spy@example.test"),
        # This firm's ids, under this firm's URLs and under the outsider's own firm's URLs.
        client.post(reverse("portal:team_member_remove", args=[firm.pk, target.pk])),
        client.post(reverse("portal:team_member_remove", args=[other_firm.pk, target.pk])),
        client.post(
            reverse("portal:team_member_role", args=[other_firm.pk, target.pk]),
            {f"member-{target.pk}-role": "firm_admin"},
        ),
        client.post(reverse("portal:team_invitation_revoke", args=[firm.pk, invitation.pk])),
        client.post(reverse("portal:team_invitation_revoke", args=[other_firm.pk, invitation.pk])),
    ]

    assert [response.status_code for response in responses] == [404] * len(responses)
    target.refresh_from_db()
    assert target.role == FirmRole.PREPARER
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert FirmInvitation.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="firm.").count() == 1  # the invitation only


def test_anonymous_visitor_is_sent_to_sign_in_from_the_team_page(client, firm):
    response = client.get(team_url(firm))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
