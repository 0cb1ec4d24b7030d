"""A firm that has never seen the system, from sign-up to licence to bank referral, in a real browser.

Only the regulator's side (acceptance, the request for information, the decision) goes through the
services: the workspace has its own browser test. Every step is screenshotted (artifacts/screenshots/
applicant-*.png) and the main pages are checked with axe-core: no serious or critical violation.
"""

import re
import threading
import time
from datetime import timedelta
from io import BytesIO

import pytest
from allauth.mfa.totp.internal.auth import hotp_value
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from accounts.models import User
from applications import services, tasks
from applications.choices import ApplicationStatus
from applications.models import LicenceApplication
from banking.services.banks import bank_create
from tests.e2e.accessibility import serious_violations

# The live server reads committed data; the configuration rows of the data migrations are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "compliance@harbourlight.example"
PASSWORD = "Tide-lantern-quay-4815"
CHECKS_DELAY_SECONDS = 1.5


def pdf_named(title: str) -> bytes:
    """A distinct, valid one-page PDF per document, so no two uploads share a hash."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(page: Page, section, title: str) -> None:
    section.locator('input[type="file"]').set_input_files(
        {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": pdf_named(title)}
    )
    section.get_by_role("button", name="Upload").click()


def accessible(page: Page) -> None:
    assert serious_violations(page) == [], page.url


def totp_code(secret: str) -> str:
    if 30 - time.time() % 30 < 3:  # never race the end of a 30-second period
        time.sleep(30 - time.time() % 30 + 0.1)
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


@pytest.fixture
def checks_finish_later(monkeypatch):
    """Document checks run a moment after the upload commits, as a worker would take them, so the page
    shows them pending and then, by polling, finished."""
    run_now = tasks.document_run_checks

    def later(document_id: int) -> None:
        threading.Timer(CHECKS_DELAY_SECONDS, run_now, args=[document_id]).start()

    monkeypatch.setattr(tasks.document_run_checks, "delay_on_commit", later)


def sign_up_and_verify(page: Page, base_url: str, mailoutbox, screenshot) -> None:
    page.goto(base_url)
    page.locator("#main").get_by_role("link", name="Create an account for your firm").click()
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    screenshot("applicant-01-sign-up")
    accessible(page)
    page.locator("#main").locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))  # "we have sent you an e-mail"
    message = next(mail for mail in mailoutbox if EMAIL in mail.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body)
    assert link, message.body
    page.goto(link.group(0))
    screenshot("applicant-02-confirm-e-mail")
    page.locator("#main").locator('button[type="submit"]').click()
    if "/accounts/login/" in page.url:  # confirmed in another session: sign in
        page.fill('input[name="login"]', EMAIL)
        page.fill('input[name="password"]', PASSWORD)
        page.locator("#main").locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/portal/$"))


def register_firm_and_set_up_totp(page: Page, screenshot) -> None:
    page.get_by_role("link", name="Register a firm").click()
    page.get_by_label("Legal name (English)").fill("Harbour Light Digital Assets Limited")
    page.get_by_label("Legal name (Chinese)").fill("港光數字資產有限公司")
    page.get_by_label("Company registration number").fill("3344556")
    page.get_by_label("Jurisdiction of incorporation").fill("HK")
    page.get_by_label("Registered address").fill("18/F, 1 Harbour Road, Wan Chai, Hong Kong")
    page.get_by_label("Website").fill("https://harbourlight.example")
    screenshot("applicant-03-register-firm")
    accessible(page)
    page.get_by_role("button", name="Register the firm").click()

    # The creator is the firm's admin, and firm admins must use an authenticator app. Signed in by the
    # e-mail link rather than the password, the user confirms the password before adding a factor.
    expect(page).to_have_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in page.url:
        page.fill('input[name="password"]', PASSWORD)
        page.locator("#main").locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    page.fill('input[name="code"]', totp_code(secret))
    screenshot("applicant-04-set-up-totp")
    page.locator("#main").locator('button[type="submit"]').click()
    expect(page.locator("#main")).to_contain_text(re.compile("recovery codes", re.I))


def add_person(page: Page, base_url: str, firm_id: int, name: str, roles: list[str], ownership: str = "") -> None:
    page.goto(f"{base_url}/portal/firms/{firm_id}/people/")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Full name (English)").fill(name)
    page.get_by_label("Nationality").fill("HK")
    for role in roles:
        page.get_by_label(role, exact=True).check()
    if ownership:
        page.get_by_label("Beneficial ownership (%)").fill(ownership)
    page.get_by_role("button", name="Add the person").click()
    expect(page.locator("#main")).to_contain_text(name)


def test_a_new_firm_signs_up_applies_answers_gets_its_licence_and_asks_a_bank(
    live_server, page, staff, mailoutbox, screenshot, checks_finish_later
):
    base = live_server.url
    bank_create(name="Victoria Harbour Bank")

    sign_up_and_verify(page, base, mailoutbox, screenshot)
    register_firm_and_set_up_totp(page, screenshot)
    user = User.objects.get(email=EMAIL)
    firm = user.firm_memberships.get().firm

    # The application for a virtual-asset trading platform licence.
    page.goto(f"{base}/portal/firms/{firm.pk}/")
    page.get_by_label("Virtual asset trading platform (AMLO Part 5B)").check()
    page.get_by_role("button", name="Start the application").click()
    expect(page.locator("h1")).to_contain_text("Application VASP-")
    application = LicenceApplication.objects.get(firm=firm)
    application_url = f"{base}/portal/applications/{application.reference}/"
    screenshot("applicant-05-application-sections")
    accessible(page)

    # People: a director who is also a responsible officer, a second responsible officer, the owner.
    add_person(page, base, firm.pk, "Chan Siu Ming", ["Director", "Responsible officer"])
    add_person(page, base, firm.pk, "Wong Ka Yan", ["Responsible officer"])
    add_person(page, base, firm.pk, "Lee Wai Kit", ["Ultimate beneficial owner"], ownership="100")
    screenshot("applicant-06-people")
    accessible(page)

    # The business plan.
    page.goto(application_url)
    page.locator("#sections").get_by_role("link", name="Business plan").click()
    page.get_by_label("Business plan summary").fill("An OTC desk for professional investors in Hong Kong.")
    page.get_by_label("Products and services").fill("Spot OTC trading of BTC and ETH against HKD and USD.")
    page.get_by_label("Target markets").fill("Professional investors in Hong Kong.")
    page.locator("#main").locator('button[type="submit"]').click()

    # Documents: each uploaded, its checks pending, then passed without a reload (htmx polling).
    page.goto(application_url)
    page.locator("#sections").get_by_role("link", name="Documents").click()
    requirements = page.locator("section.requirement")
    count = requirements.count()
    assert count == 12  # nine for the firm, and an identity document for each of the three people
    for index in range(count):
        upload(page, requirements.nth(index), f"document-{index + 1}")
        if index == 0:
            expect(requirements.nth(0).locator(".checks")).to_contain_text("Checks pending")
            screenshot("applicant-07-document-checks-pending")
            expect(requirements.nth(0).locator(".checks")).to_contain_text("Checks passed", timeout=15_000)
    for index in range(count):
        expect(requirements.nth(index).locator(".checks")).to_contain_text("Checks passed", timeout=15_000)
    screenshot("applicant-08-documents-checked")
    accessible(page)

    # The declaration, then submission.
    page.goto(application_url)
    page.locator("#sections").get_by_role("link", name="Declaration").click()
    page.get_by_label("Your full name").fill("Chan Siu Ming")
    page.get_by_label("Your role or position in the firm").fill("Director")
    page.get_by_label("I have read the declaration above and make it on behalf of the firm.").check()
    screenshot("applicant-09-declaration")
    accessible(page)
    page.locator("#main").locator('button[type="submit"]').click()
    page.goto(application_url)
    expect(page.locator("#progress")).to_contain_text("Nothing is missing")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("#main")).to_contain_text("Submitted")
    screenshot("applicant-10-submitted")
    accessible(page)

    # The regulator accepts the case and asks two questions.
    application.refresh_from_db()
    services.application_assign(application=application, actor=staff.licensing_manager, officer=staff.assigned_officer)
    services.application_accept(application=application, actor=staff.assigned_officer)
    services.application_request_information(
        application=application,
        actor=staff.assigned_officer,
        items=["Who holds the keys of the cold wallet?", "Send the insurer's cover letter."],
        due_date=timezone.localdate() + timedelta(days=14),
    )

    # The firm answers item by item, one with a document, and sends the answers.
    page.goto(f"{application_url}case/")
    expect(page.locator("#main")).to_contain_text("Information requested")
    items = page.locator(".rfi-item")
    items.nth(0).get_by_label("Your answer").fill("Three officers hold key shards in two bank vaults.")
    items.nth(0).get_by_role("button", name="Save answer").click()
    expect(items.nth(0)).to_contain_text("Answer to question 1 saved.")  # swapped in place by htmx
    items.nth(1).get_by_label("Your answer").fill("The insurer's letter is attached.")
    items.nth(1).get_by_role("button", name="Save answer").click()
    expect(items.nth(1)).to_contain_text("Answer to question 2 saved.")
    items.nth(1).get_by_label("Type of document").select_option(label="Insurance arrangements")
    items.nth(1).get_by_label("File").set_input_files(
        {"name": "insurer-letter.pdf", "mimeType": "application/pdf", "buffer": pdf_named("insurer letter")}
    )
    items.nth(1).get_by_role("button", name="Attach").click()
    expect(items.nth(1)).to_contain_text("insurer-letter.pdf")
    screenshot("applicant-11-answering-information-request")
    accessible(page)
    page.get_by_role("button", name="Send the answers").click()
    expect(page.locator("#main")).to_contain_text("Under review")

    # The regulator recommends and, four eyes, decides: approved with a condition.
    application.refresh_from_db()
    services.application_recommend(
        application=application,
        actor=staff.assigned_officer,
        outcome="grant",
        reasons="Fit and proper; controls adequate.",
        draft_conditions=["Serve professional investors only."],
    )
    services.application_decide(
        application=application, actor=staff.senior_officer, outcome="approve", reasons="Agreed."
    )

    # The licence, its certificate, and a referral to a partner bank.
    page.goto(f"{application_url}case/")
    page.get_by_role("link", name=re.compile("See licence")).first.click()
    expect(page.locator("#main")).to_contain_text("Serve professional investors only.")
    screenshot("applicant-12-licence")
    accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the licence certificate")).click()
    certificate = PdfReader(download_info.value.path())
    text = "".join(pdf_page.extract_text() for pdf_page in certificate.pages)
    licence = application.licence
    assert licence.number in text and "Harbour Light Digital Assets Limited" in text

    page.get_by_role("link", name=re.compile("Ask partner banks")).click()
    page.get_by_label("Victoria Harbour Bank").check()
    page.get_by_label(re.compile("I consent, on behalf of the firm")).check()
    screenshot("applicant-13-bank-referral-consent")
    accessible(page)
    page.get_by_role("button", name="Ask for the referrals").click()
    expect(page.locator("#main").get_by_role("link", name="Victoria Harbour Bank")).to_be_visible()
    screenshot("applicant-14-bank-referrals")
    assert firm.referrals.get().bank.name == "Victoria Harbour Bank"

    # The licence on the public register, and the portal in Traditional Chinese.
    page.get_by_role("link", name="Public register").click()
    page.get_by_role("searchbox").fill(licence.number)
    page.locator("#main").get_by_role("button", name="Search").click()
    expect(page.locator("#main")).to_contain_text("Harbour Light Digital Assets Limited")
    screenshot("applicant-15-public-register")
    accessible(page)
    page.goto(f"{application_url}case/")
    page.get_by_label("Language").select_option("zh-hant")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("h1")).to_contain_text(application.reference)
    screenshot("applicant-16-case-in-traditional-chinese")
    accessible(page)
    assert LicenceApplication.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
