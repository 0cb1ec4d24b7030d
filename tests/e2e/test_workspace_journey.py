"""A case from intake to licence in the regulator's workspace, in a real browser, signed in with TOTP."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import hotp_value
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.mfa import email_verify
from applications import services
from applications.choices import ApplicationStatus
from reviews.models import InformationRequestItem
from reviews.services import information_item_answer
from tests.builders import advance, complete_draft
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

# The live server reads committed data; the configuration rows of the data migrations are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page: Page, base_url: str, user) -> None:
    """Password, then the code from the authenticator app (computed from the enrolled secret)."""
    email_verify(user=user)
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', TEST_PASSWORD)
    page.locator("#main").get_by_role("button", name="Sign in").click()
    if 30 - time.time() % 30 < 3:  # never race the end of a 30-second period
        time.sleep(30 - time.time() % 30 + 0.1)
    counter = int(time.time()) // 30
    page.fill('input[name="code"]', f"{hotp_value(TEST_TOTP_SECRET, counter):06d}")
    page.locator("#main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Queues")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def act(page: Page, action: str) -> None:
    page.locator(f'form[data-action="{action}"] button[type="submit"]').click()


def test_officer_and_senior_officer_take_a_case_to_a_licence(live_server, page, staff, screenshot, django_user_model):
    case = advance(complete_draft(staff), ApplicationStatus.SUBMITTED)
    application = case.application
    officer, senior = staff.assigned_officer, staff.senior_officer
    case_url = f"{live_server.url}/workspace/cases/{application.reference}/"

    # The case officer signs in with TOTP, finds the case in their queue, and accepts it.
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/workspace/queues/mine/")
    expect(page.get_by_role("link", name=application.reference)).to_be_visible()
    screenshot("workspace-queue-mine")
    page.get_by_role("link", name=application.reference).click()
    act(page, "accept")
    expect(page.get_by_text("The case is now under review")).to_be_visible()

    # A request for information with two questions and a due date.
    form = page.locator('form[data-action="request_information"]')
    form.get_by_label("Questions").fill("Explain the cold wallet key ceremony.\nSend the insurer's letter.")
    form.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    act(page, "request_information")
    expect(page.get_by_text("The case is now information requested")).to_be_visible()

    # The firm answers (through the services, as its portal will).
    for item in InformationRequestItem.objects.filter(request__application=application):
        information_item_answer(item=item, actor=case.firm_admin, answer="See the attached note.")
    services.application_respond(application=application, actor=case.firm_admin)

    # The officer recommends a grant with a condition.
    page.goto(case_url)
    form = page.locator('form[data-action="recommend"]')
    form.get_by_label("Grant", exact=True).check()
    form.get_by_label("Reasons").fill("Fit and proper; controls adequate.")
    form.get_by_label("Draft conditions").fill("Serve professional investors only.")
    act(page, "recommend")
    expect(page.get_by_text("The case is now pending decision")).to_be_visible()
    expect(page.locator('form[data-action="decide"]')).to_have_count(0)  # four eyes: never the recommender
    screenshot("workspace-case-page")
    sign_out(page)

    # A senior officer who did not recommend approves.
    sign_in(page, live_server.url, senior)
    page.goto(case_url)
    form = page.locator('form[data-action="decide"]')
    form.get_by_label("Approve", exact=True).check()
    form.get_by_label("Reasons for the decision").fill("Agreed with the recommendation.")
    act(page, "decide")
    expect(page.get_by_text("The case is now approved")).to_be_visible()

    application.refresh_from_db()
    licence = application.licence
    page.goto(f"{live_server.url}/workspace/dashboards/")
    expect(page.get_by_role("heading", name="Dashboards", level=1)).to_be_visible()
    screenshot("workspace-dashboards")

    # The licence is on the public register, with its condition.
    page.goto(f"{live_server.url}/api/v1/register/licences/?q={licence.number}")
    expect(page.locator("body")).to_contain_text(licence.number)
    expect(page.locator("body")).to_contain_text("Serve professional investors only.")
