"""A firm's first user: sign-up, the verification e-mail, then the portal; and the password reset pages.

Every step is a real request through allauth's views with our templates; the e-mails are read from the
outbox the way a person would follow them.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")
NEW_PASSWORD = "a-long-and-new-passphrase-9"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email: str, password: str = TEST_PASSWORD, password2: str | None = None, next: str = "", **extra):
    data = {"email": email, "password1": password, "password2": password2 or password}
    if next:
        data["next"] = next
    return client.post(SIGNUP, data, **extra)


def link_in(message, pattern: str) -> str:
    """The path of the first link in an e-mail's body that matches `pattern`."""
    match = re.search(r"https?://[^/\s]+(?P<path>" + pattern + r")", message.body)
    assert match, message.body
    return match.group("path")


def confirm_link(message) -> str:
    return link_in(message, r"/accounts/confirm-email/[^/\s]+/")


def test_sign_up_page_is_in_the_site_layout_with_labelled_fields(client):
    page = client.get(SIGNUP).content.decode()

    assert "<h1>Create an account</h1>" in page
    assert 'class="site-header"' in page  # our base.html, not allauth's bare layout
    for field in ("email", "password1", "password2"):
        assert f'<label for="id_{field}">' in page
    assert f'href="{LOGIN}"' in page


def test_sign_up_sends_a_verification_email_and_the_verified_user_lands_on_the_dashboard(client, mailoutbox):
    response = sign_up(client, "founder@newfirm.example")

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    user = User.objects.get(email="founder@newfirm.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session  # not before the address is verified
    [message] = mailoutbox
    assert message.to == ["founder@newfirm.example"]
    assert "Confirm your e-mail address" in message.subject
    assert "An account on the licensing portal was created with this e-mail address" in message.body

    confirm = confirm_link(message)
    page = client.get(confirm)
    assert page.status_code == 200 and "founder@newfirm.example" in page.content.decode()
    confirmed = client.post(confirm)

    assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("home"))
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)  # confirmed in the browser that signed up
    assert client.get(reverse("home"))["Location"] == reverse("portal:dashboard")


def test_a_link_opened_in_another_browser_confirms_and_asks_to_sign_in(client, mailoutbox):
    sign_up(client, "founder@newfirm.example")
    other_browser = Client()

    confirmed = other_browser.post(confirm_link(mailoutbox[0]))

    assert EmailAddress.objects.get(email="founder@newfirm.example").verified
    assert "_auth_user_id" not in other_browser.session
    signed_in = other_browser.post(
        confirmed["Location"], {"login": "founder@newfirm.example", "password": TEST_PASSWORD}
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("home"))


def test_confirming_keeps_where_the_user_was_going(client, mailoutbox):
    """allauth signs in whoever confirms in the browser that signed up, and keeps where they were going
    (an invitation link, say)."""
    invitation = reverse("portal:invitation_accept", args=["some-token"])
    sign_up(client, "a@newfirm.example", next=invitation)

    response = client.post(confirm_link(mailoutbox[0]))

    assert (response.status_code, response["Location"]) == (302, invitation)
    assert client.session["_auth_user_id"] == str(User.objects.get(email="a@newfirm.example").pk)


def test_unverified_user_cannot_sign_in_until_the_address_is_verified(client, mailoutbox):
    sign_up(client, "founder@newfirm.example")

    response = client.post(LOGIN, {"login": "founder@newfirm.example", "password": TEST_PASSWORD})

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert "_auth_user_id" not in client.session
    assert "Verify your e-mail address" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("taken_as", ["taken@firm.example", "Taken@Firm.example"])
def test_sign_up_refused_for_an_address_already_taken(client, mailoutbox, taken_as):
    owner = UserFactory(email="taken@firm.example")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)

    response = sign_up(client, taken_as, password="another-long-passphrase-1")

    # allauth does not tell a stranger the address is taken: it answers as usual and tells the owner by e-mail.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@firm.example").count() == 1
    assert "_auth_user_id" not in client.session
    [message] = mailoutbox
    assert [address.lower() for address in message.to] == ["taken@firm.example"]
    assert "already" in (message.subject + message.body).lower()
    assert not client.login(email="taken@firm.example", password="another-long-passphrase-1")


def test_sign_up_form_errors_are_on_the_fields(client):
    response = sign_up(client, "not-an-address", password="short", password2="different")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert 'class="errorlist' in page
    assert not User.objects.exists()


def test_sign_up_form_errors_come_in_the_language_of_the_browser(client):
    response = sign_up(client, "not-an-address", HTTP_ACCEPT_LANGUAGE="zh-hant")

    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert 'aria-invalid="true"' in page and 'class="errorlist' in page
    assert "Enter a valid email address." not in page  # Django's and allauth's own messages come translated
    assert not User.objects.exists()


def test_password_reset_pages_send_a_link_and_set_the_new_password(client, mailoutbox):
    user = UserFactory(email="forgetful@firm.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page = client.get(reverse("account_reset_password")).content.decode()
    sent = client.post(reverse("account_reset_password"), {"email": "forgetful@firm.example"})
    done = client.get(sent["Location"]).content.decode()

    assert "<h1>Reset your password</h1>" in page and 'class="site-header"' in page
    assert "we have sent it an e-mail" in done
    [message] = mailoutbox
    reset = client.get(link_in(message, r"/accounts/password/reset/key/[^\s]+/"))
    form_url = reset["Location"] if reset.status_code == 302 else reset.request["PATH_INFO"]
    form_page = client.get(form_url).content.decode()
    assert "<h1>Choose a new password</h1>" in form_page
    changed = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Password changed" in client.get(changed["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_used_password_reset_link_explains_itself(client):
    page = client.get(reverse("account_reset_password_from_key", args=["bad", "token"])).content.decode()

    assert "<h1>This link does not work</h1>" in page
    assert reverse("account_reset_password") in page
