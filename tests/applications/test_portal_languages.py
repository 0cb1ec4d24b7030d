"""Form errors in the user's language: each bad input of the issue, in Traditional and Simplified Chinese.

The language comes from the `django_language` cookie (the header's switch sets it). Each error is read
where the user meets it: in the element the field's `aria-describedby` points at.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.choices import FirmRole
from applications.models import Document, DocumentType, Firm, Person
from tests.applications.test_portal_firm import firm_post
from tests.applications.test_portal_people import person_post
from tests.builders import MINIMAL_PDF
from tests.factories import FirmFactory, UserFactory, member, person_with_roles
from tests.support import sign_in

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "zh-hans"]
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Texts(HTMLParser):
    """The text inside every element with an id, and the attributes of every form control."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.texts: dict[str, str] = {}
        self.controls: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.controls.append(attributes)
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.texts.setdefault(str(attributes["id"]), "")

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            opened, _ = self.open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, element_id in self.open:
            if element_id:
                self.texts[element_id] += data


def error_of(response, field_name: str) -> str:
    """What the page tells the user about one field: the texts its aria-describedby names, for an invalid field."""
    page = _Texts()
    page.feed(response.content.decode())
    [control] = [c for c in page.controls if c.get("name") == field_name and c.get("type") != "hidden"][:1]
    assert control.get("aria-invalid") == "true", f"{field_name} is not marked invalid"
    described_by = (control.get("aria-describedby") or "").split()
    return " ".join(page.texts.get(element_id, "") for element_id in described_by)


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_chinese(text: str, english: str) -> None:
    assert CJK.search(text), f"no Chinese in {text!r}"
    assert english not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_field_is_explained_in_chinese(client, language):
    client = in_language(sign_in(client, UserFactory()), language)

    response = client.post(reverse("portal:firm_create"), firm_post(registered_address=""))

    assert response.status_code == 400
    assert_chinese(error_of(response, "registered_address"), "This field is required")
    assert not Firm.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invalid_lei_is_explained_in_chinese(client, language):
    client = in_language(sign_in(client, UserFactory()), language)

    response = client.post(reverse("portal:firm_create"), firm_post(lei="549300ABCDEFGHIJ1299"))

    assert response.status_code == 400
    message = error_of(response, "lei")
    assert_chinese(message, "is not a valid LEI")
    assert "549300ABCDEFGHIJ1299" in message and "ISO 17442" in message


@pytest.mark.parametrize("language", LANGUAGES)
def test_ownership_above_100_percent_is_explained_in_chinese(client, language):
    firm = FirmFactory()
    person_with_roles(firm, "beneficial_owner", percentage="70.00")
    client = in_language(sign_in(client, member(firm, FirmRole.PREPARER)), language)

    response = client.post(
        reverse("portal:person_create", args=[firm.pk]),
        person_post(roles=["beneficial_owner"], ownership_percentage="40"),
    )

    assert response.status_code == 400
    message = error_of(response, "ownership_percentage")
    assert_chinese(message, "Beneficial ownership would add up to")
    assert "110.00" in message
    assert Person.objects.filter(firm=firm).count() == 1


def upload_plan(client, case, file):
    url = reverse("portal:document_upload", args=[case.application.reference, "business_plan"])
    return client.post(url, {"doc-business_plan-document_date": "", "doc-business_plan-file": file})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_of_the_wrong_type_is_explained_in_chinese(client, draft_case, language):
    client = in_language(sign_in(client, draft_case.preparer), language)

    response = upload_plan(client, draft_case, SimpleUploadedFile("plan.docx", b"PK\x03\x04 not a pdf"))

    assert response.status_code == 400
    message = error_of(response, "doc-business_plan-file")
    assert_chinese(message, "must be a")
    assert "plan.docx" in message and ".pdf" in message
    assert "業務計劃書" in message  # the document type by its Chinese name
    assert Document.objects.filter(application=draft_case.application, document_type__code="business_plan").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_oversized_file_is_explained_in_chinese(client, draft_case, settings, language):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    settings.DOCUMENT_UPLOAD_FIELDS_ALLOWANCE_BYTES = 2048
    client = in_language(sign_in(client, draft_case.preparer), language)

    big = SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * 1000, content_type="application/pdf")
    response = upload_plan(client, draft_case, big)

    assert response.status_code == 400
    assert_chinese(error_of(response, "doc-business_plan-file"), "The file is larger than")
    assert Document.objects.filter(application=draft_case.application, document_type__code="business_plan").count() == 1


def test_a_document_type_reads_in_chinese_on_chinese_pages_and_in_english_elsewhere():
    plan = DocumentType.objects.get(code="business_plan")

    for language in LANGUAGES:
        with translation.override(language):
            assert str(plan) == plan.label == "業務計劃書"
    with translation.override("en"):
        assert str(plan) == "Business plan"
