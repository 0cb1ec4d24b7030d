"""Firm admins must use TOTP, like regulators: they manage the team, submit applications and share the firm's
data with banks. Preparers may set it up, but are not forced to.

The policy is accounts.mfa.mfa_required; the middleware sends whoever it names to TOTP setup before any
portal page, and the MFA adapter keeps them from switching it off.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts import services
from accounts.adapters import MFAAdapter
from accounts.choices import FirmRole
from accounts.mfa import email_verify, has_totp, mfa_required, totp_enrol
from accounts.models import FirmMembership
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, FirmFactory, FirmMembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

TOTP_SETUP = reverse("mfa_activate_totp")


def team_url(firm) -> str:
    return reverse("portal:team", args=[firm.pk])


def test_firm_admin_without_totp_is_sent_to_totp_setup_before_any_portal_page(client):
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN, totp=False)
    client.force_login(admin)

    for path in (reverse("portal:dashboard"), team_url(firm), reverse("portal:firm", args=[firm.pk]), "/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, TOTP_SETUP), path


def test_htmx_request_of_a_firm_admin_without_totp_is_redirected_by_htmx(client):
    firm = FirmFactory()
    client.force_login(member(firm, FirmRole.FIRM_ADMIN, totp=False))

    response = client.get(team_url(firm), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == TOTP_SETUP


def test_totp_setup_page_tells_a_firm_admin_it_is_required(client):
    client.force_login(member(FirmFactory(), FirmRole.FIRM_ADMIN, totp=False))
    reauthenticate = client.get(TOTP_SETUP)["Location"]  # allauth asks for the password before adding a factor
    client.post(reauthenticate, {"password": TEST_PASSWORD})

    page = client.get(TOTP_SETUP).content.decode()

    assert "Your role requires two-factor authentication" in page


def test_preparer_without_totp_uses_the_portal_and_is_offered_totp(client):
    firm = FirmFactory()
    member(firm, FirmRole.FIRM_ADMIN)
    preparer = member(firm, FirmRole.PREPARER)
    client.force_login(preparer)

    response = client.get(team_url(firm))

    assert response.status_code == 200
    assert reverse("mfa_index") in response.content.decode()
    assert TOTP_SETUP in client.get(reverse("mfa_index")).content.decode()
    assert not has_totp(preparer)


def test_firm_admin_with_totp_reaches_the_portal(client):
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN)
    client.force_login(admin)

    assert has_totp(admin)  # the test factories enrol firm admins, as they do regulators
    assert client.get(team_url(firm)).status_code == 200


@pytest.mark.parametrize(
    ("roles", "required"),
    [
        ([], False),
        ([FirmRole.PREPARER], False),
        ([FirmRole.FIRM_ADMIN], True),
        ([FirmRole.PREPARER, FirmRole.FIRM_ADMIN], True),  # a firm admin anywhere
    ],
)
def test_mfa_is_required_of_firm_admins_only(roles, required):
    user = UserFactory()
    for role in roles:
        FirmMembershipFactory(user=user, role=role, totp=False)

    assert mfa_required(user) is required


def test_an_inactive_firm_admin_is_not_asked():
    admin = member(FirmFactory(), FirmRole.FIRM_ADMIN, totp=False, is_active=False)

    assert mfa_required(admin) is False


def test_firm_admin_cannot_switch_totp_off_but_a_preparer_can():
    admin = member(FirmFactory(), FirmRole.FIRM_ADMIN)
    preparer = member(FirmFactory(), FirmRole.PREPARER)
    totp_enrol(user=preparer, secret=TEST_TOTP_SECRET)
    adapter = MFAAdapter()

    admin_totp = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    preparer_totp = Authenticator.objects.get(user=preparer, type=Authenticator.Type.TOTP)

    assert adapter.can_delete_authenticator(admin_totp) is False
    assert adapter.can_delete_authenticator(preparer_totp) is True


def test_a_preparer_made_firm_admin_must_set_up_totp_at_the_next_page(client):
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN)
    preparer = member(firm, FirmRole.PREPARER)
    client.force_login(preparer)
    assert client.get(team_url(firm)).status_code == 200

    services.membership_change_role(
        membership=FirmMembership.objects.get(user=preparer), role=FirmRole.FIRM_ADMIN, actor=admin
    )

    assert client.get(team_url(firm))["Location"] == TOTP_SETUP


def test_accepting_an_invitation_as_firm_admin_leads_to_totp_setup(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    firm = FirmFactory()
    admin = member(firm, FirmRole.FIRM_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(firm=firm, email="new.admin@example.test", role=FirmRole.FIRM_ADMIN, actor=admin)
    link = re.search(r"/portal/invitations/([^/\s]+)/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    token = link.group(1)
    newcomer = UserFactory(email="new.admin@example.test")
    email_verify(user=newcomer)
    client.force_login(newcomer)

    accepted = client.post(reverse("portal:invitation_accept", args=[token]))

    assert accepted.status_code == 302
    assert client.get(accepted["Location"])["Location"] == TOTP_SETUP
