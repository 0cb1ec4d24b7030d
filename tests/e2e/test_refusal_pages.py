"""A page the user may not open is the site's page, with the reason, in the browser."""

import pytest
from playwright.sync_api import Page, expect

from accounts.choices import FirmRole
from accounts.mfa import email_verify
from tests.factories import TEST_PASSWORD, FirmFactory, member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_firm_member_opening_the_workspace_sees_why_in_the_site_layout(live_server, page: Page, screenshot):
    preparer = member(FirmFactory(), FirmRole.PREPARER)
    email_verify(user=preparer)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="login"]', preparer.email)
    page.fill('input[name="password"]', TEST_PASSWORD)
    page.locator("#main").get_by_role("button", name="Sign in").click()

    response = page.goto(f"{live_server.url}/workspace/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You may not open this page")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("The workspace is for the regulator's staff.")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # the site's header, not a bare page
    screenshot("refusal-403-workspace")
