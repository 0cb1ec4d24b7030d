"""The pages anyone reaches, in a real browser: home, language switch, the bank API's documentation."""

import re

import pytest
from playwright.sync_api import expect

# The live server reads committed data; the configuration rows of the data migrations are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_offers_sign_in_and_switches_to_traditional_chinese(live_server, page, screenshot):
    page.goto(live_server.url)

    expect(page.locator("#main").get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_label("Language").select_option("zh-hant")
    page.get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    screenshot("home-zh-hant")


def test_api_docs_render_from_our_own_static_files(live_server, page, screenshot):
    requests_made = []
    page.on("request", lambda request: requests_made.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.get_by_text("Report your onboarding progress on a referral")).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requests_made), "the docs page loaded from elsewhere"
    assert any(re.search(r"swagger-ui-bundle\.js", url) for url in requests_made)
    screenshot("api-docs")
