"""The licence certificate: a PDF drawn on the fly, for the firm's members only, every copy audited."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.models import Licence, LicenceCondition
from applications.services.certificates import CertificateContent, certificate_render
from audit.models import AuditEvent
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def certificate_url(licence: Licence) -> str:
    return reverse("portal:licence_certificate", args=[licence.number])


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_certificate_is_a_pdf_with_the_number_the_firm_and_every_condition(client, licensed_case, licence):
    case = licensed_case
    LicenceCondition.objects.create(
        licence=licence, text="Keep 98% of client assets in cold storage.", imposed_at=licence.granted_at
    )
    response = sign_in(client, case.preparer).get(certificate_url(licence))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert licence.number in text
    assert case.firm.legal_name_en in text
    assert case.firm.legal_name_zh in text  # the Chinese line, in the CID font
    for condition in licence.conditions.all():
        assert condition.text in text
    assert "Securities and Futures Commission (demo)" in text
    assert f"/register/?q={licence.number}" in text
    assert "NOT IN FORCE" not in text


def test_certificate_is_served_as_a_private_attachment(client, licensed_case, licence):
    case = licensed_case
    response = sign_in(client, case.preparer).get(certificate_url(licence))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{licence.number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_certificate_download_is_audited(client, licensed_case, licence):
    case = licensed_case
    sign_in(client, case.preparer).get(certificate_url(licence))
    event = AuditEvent.objects.get(action="licence.certificate_download")
    assert (event.actor, event.object_id) == (case.preparer, str(licence.pk))


def test_certificate_of_a_suspended_licence_says_it_is_not_in_force(client, licensed_case, licence):
    case = licensed_case
    services.licence_suspend(licence=licence, actor=case.staff.licensing_manager, reasons="Custody breach.")
    text = pdf_text(sign_in(client, case.preparer).get(certificate_url(licence)).content)
    assert "NOT IN FORCE — SUSPENDED" in text


def test_certificate_leaves_out_lifted_conditions(client, licensed_case, licence):
    case = licensed_case
    old = licence.conditions.get()
    services.licence_conditions_vary(
        licence=licence, actor=case.staff.licensing_manager, reasons="Matured.", impose=["New rule."], lift=[old.pk]
    )
    text = pdf_text(sign_in(client, case.preparer).get(certificate_url(licence)).content)
    assert "New rule." in text
    assert old.text not in text


def test_certificate_is_404_for_another_firms_user_and_nothing_is_audited(client, licensed_case, licence):
    case = licensed_case
    assert sign_in(client, case.other_firm_admin).get(certificate_url(licence)).status_code == 404
    assert not AuditEvent.objects.filter(action="licence.certificate_download").exists()


def test_certificate_sends_anonymous_visitors_to_sign_in(client, licence):
    response = client.get(certificate_url(licence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_long_conditions_wrap_and_continue_onto_further_pages():
    condition = "The licensee shall keep client virtual assets segregated in cold wallets at all times. " * 6
    content = CertificateContent(
        number="VATP-2026-0042",
        firm_name_en="Harbour Digital Assets Limited",
        firm_name_zh="港灣數字資產有限公司",
        licence_type="Virtual asset trading platform",
        regime="AMLO Part 5B (SFC)",
        granted_on="2026-01-05",
        status="Active",
        in_force=True,
        as_of="2026-11-24",
        conditions=[f"{number}: {condition}" for number in range(1, 16)],
        regulator="Securities and Futures Commission (demo)",
        verify_url="https://example.test/register/?q=VATP-2026-0042",
    )
    reader = PdfReader(io.BytesIO(certificate_render(content)))
    assert len(reader.pages) >= 2
    text = pdf_text(certificate_render(content))
    assert "15: The licensee shall keep" in text
    assert "VATP-2026-0042, page 2" in text
