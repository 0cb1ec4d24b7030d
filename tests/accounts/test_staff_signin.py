"""Staff sign-in through allauth: password, then TOTP or a recovery code; MFA enrolment first for
regulators; rate limits on failures; the admin behind the same door; sessions that end when idle.

Every step is a real HTTP request through the test client; codes are computed from the secret with
allauth's own TOTP implementation, as an authenticator app would.
"""

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.choices import FirmRole, RegulatorRole
from accounts.mfa import email_verify, mfa_required, totp_enrol
from accounts.models import User
from applications.demo.staff import demo_emails_verify, ensure_staff
from applications.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from tests.factories import TEST_PASSWORD, FirmFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = reverse("account_login")
MFA_AUTHENTICATE = reverse("mfa_authenticate")
TOTP_SETUP = reverse("mfa_activate_totp")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def code_for(secret: str) -> str:
    """The code an authenticator app shows now; waits for a fresh period rather than race its end."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def regulator(*, totp: bool = True, role: RegulatorRole = RegulatorRole.CASE_OFFICER) -> User:
    """Regulator staff as the regulator creates them: in the admin, with a verified address."""
    user = UserFactory(roles=[role], is_staff=True)
    email_verify(user=user)
    Authenticator.objects.filter(user=user).delete()  # whatever the factory gave: these tests choose
    if totp:
        totp_enrol(user=user, secret=SECRET)
    return user


def post_sign_in(client, user: User, password: str = TEST_PASSWORD, **extra: str):
    """The sign-in form, posted (tests.support.sign_in skips it)."""
    return client.post(LOGIN, {"login": user.email, "password": password, **extra})


def open_totp_setup(client):
    """allauth asks for the password again before a factor is added: a stolen session cannot add its own."""
    response = client.get(TOTP_SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, TOTP_SETUP)
    return client.get(TOTP_SETUP)


def enter_code(client, code: str):
    return client.post(MFA_AUTHENTICATE, {"code": code})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# Regulators set up TOTP before anything else.


def test_case_officer_without_totp_is_sent_to_totp_setup_from_the_workspace_and_the_admin(client):
    officer = regulator(totp=False)

    response = post_sign_in(client, officer)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(officer.pk)
    for path in ("/", "/workspace/", "/admin/", "/admin/applications/licenceapplication/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, TOTP_SETUP), path


def test_htmx_request_of_an_officer_without_totp_is_redirected_by_htmx(client):
    client.force_login(regulator(totp=False))

    response = client.get("/workspace/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == TOTP_SETUP


def test_superuser_without_totp_is_sent_to_totp_setup(client):
    superuser = User.objects.create_superuser(email="root@regulator.example", password=TEST_PASSWORD)
    email_verify(user=superuser)
    post_sign_in(client, superuser)

    response = client.get("/admin/")

    assert (response.status_code, response["Location"]) == (302, TOTP_SETUP)


def test_officer_sets_up_totp_sees_recovery_codes_and_then_reaches_the_admin(client):
    officer = regulator(totp=False)
    post_sign_in(client, officer)

    page = open_totp_setup(client)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()

    response = client.post(TOTP_SETUP, {"code": code_for(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.content.decode().count("<code>") == mfa_settings.RECOVERY_CODE_COUNT
    assert set(Authenticator.objects.filter(user=officer).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get("/admin/").status_code == 200


def test_wrong_code_at_setup_activates_nothing(client):
    officer = regulator(totp=False)
    post_sign_in(client, officer)
    open_totp_setup(client)

    response = client.post(TOTP_SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=officer).exists()


def test_regulator_cannot_switch_totp_off(client):
    officer = regulator()
    post_sign_in(client, officer)
    enter_code(client, code_for(SECRET))

    deactivate = reverse("mfa_deactivate_totp")
    page = client.get(reverse("mfa_index")).content.decode()
    assert "cannot be switched off" in page and deactivate not in page
    reauthenticate = client.post(deactivate)["Location"]
    client.post(reauthenticate, {"password": TEST_PASSWORD})

    response = client.post(deactivate)

    assert response.status_code == 200
    assert "cannot be switched off" in response.content.decode()
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


# Password, then the second factor.


def test_password_then_code_signs_a_case_officer_in(client):
    officer = regulator()

    response = post_sign_in(client, officer)

    assert (response.status_code, response["Location"]) == (302, MFA_AUTHENTICATE)
    assert signed_in_user_id(client) is None  # the password alone is not enough
    response = enter_code(client, code_for(SECRET))
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(officer.pk)
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused(client):
    officer = regulator()
    post_sign_in(client, officer)

    response = enter_code(client, "123456" if code_for(SECRET) != "123456" else "654321")

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_code_is_accepted_only_once(client):
    officer = regulator()
    code = code_for(SECRET)
    post_sign_in(client, officer)
    enter_code(client, code)
    client.post(reverse("account_logout"))

    post_sign_in(client, officer)
    response = enter_code(client, code)

    assert "Incorrect code." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_recovery_code_signs_in_once(client):
    officer = regulator(totp=False)
    codes = totp_enrol(user=officer, secret=SECRET)
    post_sign_in(client, officer)
    enter_code(client, codes[0])
    assert signed_in_user_id(client) == str(officer.pk)
    client.post(reverse("account_logout"))

    post_sign_in(client, officer)
    refused = enter_code(client, codes[0])

    assert "Incorrect code." in refused.content.decode()
    assert signed_in_user_id(client) is None
    enter_code(client, codes[1])
    assert signed_in_user_id(client) == str(officer.pk)


def test_admin_pages_are_reached_only_after_the_second_factor(client):
    officer = regulator()
    post_sign_in(client, officer)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# Rate limits.


def test_too_many_failed_sign_ins_are_refused_even_with_the_right_password(client):
    officer = regulator()
    for _ in range(5):
        response = post_sign_in(client, officer, password="not-the-password")
        assert "Too many failed login attempts" not in response.content.decode()

    response = post_sign_in(client, officer)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert MFA_AUTHENTICATE not in response.get("Location", "")


def test_too_many_wrong_codes_stop_the_code_step(client):
    officer = regulator()
    post_sign_in(client, officer)
    for _ in range(5):
        enter_code(client, "000000")

    response = enter_code(client, code_for(SECRET))

    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None


# Idle sessions end.


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60  # the default of SESSION_IDLE_TIMEOUT_SECONDS
    officer = regulator()
    post_sign_in(client, officer)
    enter_code(client, code_for(SECRET))
    assert client.get("/admin/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get("/admin/")

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert client.get(response["Location"])["Location"].startswith(LOGIN)


def test_activity_keeps_the_session_alive(client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    officer = regulator()
    post_sign_in(client, officer)
    enter_code(client, code_for(SECRET))
    start = timezone.now()

    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/admin/").status_code == 200, f"signed out after {minutes} minutes"


# The demo's staff sign in with what seed_demo prints.


def test_demo_staff_sign_in_with_the_printed_totp_secret_or_a_recovery_code(client):
    staff = ensure_staff(password=DEFAULT_DEMO_PASSWORD)
    officer = staff.case_officers[0]

    post_sign_in(client, officer, password=DEFAULT_DEMO_PASSWORD)
    enter_code(client, code_for(staff.totp_secret))
    assert signed_in_user_id(client) == str(officer.pk)
    assert client.get("/admin/").status_code == 200
    client.post(reverse("account_logout"))

    post_sign_in(client, staff.admin, password=DEFAULT_DEMO_PASSWORD)
    enter_code(client, staff.recovery_codes[0])
    assert signed_in_user_id(client) == str(staff.admin.pk)


def test_demo_firm_users_get_verified_addresses_and_preparers_sign_in_without_a_code(client):
    preparer = member(FirmFactory(), FirmRole.PREPARER, email="preparer@firm99999.demo.example")
    outsider = UserFactory(email="someone@elsewhere.example")

    assert demo_emails_verify() == 1

    assert not EmailAddress.objects.filter(user=outsider).exists()
    response = post_sign_in(client, preparer)
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert signed_in_user_id(client) == str(preparer.pk)


# Firm users, and the rules that hold for everyone.


def test_firm_user_signs_in_without_mfa(client):
    """A preparer signs in with the password alone; TOTP is offered, not forced."""
    preparer = member(FirmFactory(), FirmRole.PREPARER)
    email_verify(user=preparer)

    response = post_sign_in(client, preparer)

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert signed_in_user_id(client) == str(preparer.pk)
    assert client.get("/")["Location"] == reverse("portal:dashboard")  # firm staff start in the portal
    assert reverse("mfa_activate_totp") in client.get(reverse("mfa_index")).content.decode()  # offered, not forced


def test_firm_admin_without_totp_signs_in_and_is_sent_to_totp_setup(client):
    firm_admin = member(FirmFactory(), FirmRole.FIRM_ADMIN, totp=False)
    email_verify(user=firm_admin)

    response = post_sign_in(client, firm_admin)

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert signed_in_user_id(client) == str(firm_admin.pk)
    assert client.get("/")["Location"] == TOTP_SETUP  # before the portal
    assert client.get(reverse("portal:dashboard"))["Location"] == TOTP_SETUP


def test_firm_admin_with_totp_signs_in_with_password_then_code(client):
    firm_admin = member(FirmFactory(), FirmRole.FIRM_ADMIN)  # the factory enrols TEST_TOTP_SECRET, here SECRET
    email_verify(user=firm_admin)

    response = post_sign_in(client, firm_admin)

    assert (response.status_code, response["Location"]) == (302, MFA_AUTHENTICATE)
    assert signed_in_user_id(client) is None
    enter_code(client, code_for(SECRET))
    assert signed_in_user_id(client) == str(firm_admin.pk)
    assert client.get("/")["Location"] == reverse("portal:dashboard")


def test_unverified_address_cannot_sign_in(client):
    firm_admin = member(FirmFactory(), FirmRole.FIRM_ADMIN)
    EmailAddress.objects.create(user=firm_admin, email=firm_admin.email, verified=False, primary=True)

    response = post_sign_in(client, firm_admin)

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert signed_in_user_id(client) is None


def test_admin_login_page_sends_to_allauth_sign_in(client):
    response = client.get("/admin/login/", {"next": "/admin/"})

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=%2Fadmin%2F")


def test_admin_login_form_does_not_sign_anyone_in(client):
    officer = regulator()

    response = client.post("/admin/login/", {"username": officer.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("who", "required"),
    [
        ("case_officer", True),
        ("senior_officer", True),
        ("licensing_manager", True),
        ("auditor", True),
        ("superuser", True),
        ("firm_admin", True),
        ("preparer", False),
        ("inactive_case_officer", False),
    ],
)
def test_mfa_is_required_of_every_regulator_role_superusers_and_firm_admins(who, required):
    if who in RegulatorRole.values:
        user = UserFactory(roles=[RegulatorRole(who)])
    elif who == "superuser":
        user = User.objects.create_superuser(email="root@regulator.example", password=TEST_PASSWORD)
    elif who == "inactive_case_officer":
        user = UserFactory(roles=[RegulatorRole.CASE_OFFICER], is_active=False)
    else:
        user = member(FirmFactory(), FirmRole(who))

    assert mfa_required(user) is required
