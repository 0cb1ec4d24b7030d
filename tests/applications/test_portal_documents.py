"""The documents page of the applicant portal: requirements, versions, findings as they arrive, downloads."""

import re
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from applications.checks.messages import LEGACY
from applications.models import Document, DocumentFinding, DocumentType, Person
from audit.models import AuditEvent
from tests.builders import MINIMAL_PDF, pdf_upload
from tests.factories import PersonFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PLAN = "doc-business_plan"  # the business plan requirement: its section id and its form's prefix


def documents_url(case):
    return reverse("portal:documents", args=[case.application.reference])


def upload_url(case, code="business_plan"):
    return reverse("portal:document_upload", args=[case.application.reference, code])


def post_file(client, case, file, prefix=PLAN, code="business_plan", **extra):
    return client.post(upload_url(case, code), {f"{prefix}-file": file, f"{prefix}-document_date": ""}, **extra)


def current_plan(case):
    return Document.objects.get(application=case.application, document_type__code="business_plan", is_current=True)


def stored_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def test_documents_page_lists_every_requirement_once_per_person_where_filed_per_person(client, draft_case):
    sign_in(client, draft_case.preparer)

    page = client.get(documents_url(draft_case))

    assert page.status_code == 200
    body = page.content.decode()
    for requirement in draft_case.application.licence_type.required_documents.select_related("document_type"):
        assert escape(requirement.document_type.name) in body
    identity = DocumentType.objects.get(code="identity_document")
    for person in draft_case.people:
        assert f'id="doc-identity_document-person-{person.pk}"' in body
        filed = Document.objects.get(document_type=identity, person=person, is_current=True)
        assert reverse("portal:document_download", args=[filed.pk]) in body
    assert 'name="doc-business_plan-file"' in body
    assert 'accept=".pdf"' in body
    assert "Allowed file types: .pdf." in body


def test_a_preparer_may_upload_and_the_new_version_starts_with_checks_pending(
    client, draft_case, django_capture_on_commit_callbacks
):
    sign_in(client, draft_case.preparer)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_file(client, draft_case, pdf_upload("plan-2026.pdf"))

    assert response.status_code == 302
    assert response["Location"] == documents_url(draft_case) + f"#{PLAN}"
    document = current_plan(draft_case)
    assert (document.version, document.original_name, document.check_status) == (2, "plan-2026.pdf", "pending")
    assert document.uploaded_by == draft_case.preparer
    assert len(queued) == 1  # the checks, queued for when the upload commits


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_findings_poll_while_checks_are_pending_and_stop_polling_once_they_finish(
    client, draft_case, django_capture_on_commit_callbacks
):
    sign_in(client, draft_case.preparer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        post_file(client, draft_case, pdf_upload("plan.pdf"))
    document = current_plan(draft_case)
    checks_url = reverse("portal:document_checks", args=[document.pk])

    pending = client.get(checks_url)
    assert pending.status_code == 200
    body = pending.content.decode()
    assert f'hx-get="{checks_url}"' in body
    assert 'hx-trigger="every 2s"' in body
    assert 'hx-swap="outerHTML"' in body
    assert "Checks pending" in body

    for callback in queued:
        callback()  # the commit: the checks run (eagerly in tests)
    document.refresh_from_db()
    assert document.check_status == "passed"

    finished = client.get(checks_url)
    assert finished.status_code == 286  # htmx: stop polling
    body = finished.content.decode()
    assert "hx-trigger" not in body
    assert "hx-get" not in body
    assert "Checks passed" in body
    findings = document.findings.filter(internal=False)
    assert findings.exists()
    for finding in findings:
        assert finding.message in body


def test_a_poll_while_checks_are_pending_answers_200_with_just_the_poller(
    client, draft_case, django_capture_on_commit_callbacks
):
    sign_in(client, draft_case.preparer)
    with django_capture_on_commit_callbacks(execute=False):
        post_file(client, draft_case, pdf_upload("plan.pdf"))
    document = current_plan(draft_case)
    checks_url = reverse("portal:document_checks", args=[document.pk])

    response = client.get(checks_url, **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="checks-{document.pk}-poll"' in body
    assert f'hx-get="{checks_url}"' in body and 'hx-trigger="every 2s"' in body and 'hx-swap="outerHTML"' in body
    # The live region is left alone: nothing in it changes, so nothing is announced again.
    assert "aria-live" not in body
    assert "Checks pending" not in body


def test_a_poll_once_checks_finish_answers_286_with_the_findings_for_the_live_region(
    client, draft_case, django_capture_on_commit_callbacks
):
    sign_in(client, draft_case.preparer)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, draft_case, pdf_upload("plan.pdf"))
    document = current_plan(draft_case)
    assert document.check_status == "passed"

    response = client.get(reverse("portal:document_checks", args=[document.pk]), **HTMX)

    assert response.status_code == 286
    body = response.content.decode()
    assert re.search(rf'<div id="checks-{document.pk}"[^>]*hx-swap-oob="innerHTML"', body)
    assert "hx-trigger" not in body
    assert "Checks passed" in body
    for finding in document.findings.filter(internal=False):
        assert finding.message in body


def test_the_page_polls_beside_the_polite_live_region_never_inside_it(
    client, draft_case, django_capture_on_commit_callbacks
):
    sign_in(client, draft_case.preparer)
    with django_capture_on_commit_callbacks(execute=False):
        post_file(client, draft_case, pdf_upload("plan.pdf"))
    document = current_plan(draft_case)

    body = client.get(documents_url(draft_case)).content.decode()

    checks = re.search(
        rf'<div class="document-checks">\s*(<div id="checks-{document.pk}"[^>]*>.*?</div>)\s*'
        rf'(<div id="checks-{document.pk}-poll"[^>]*>)',
        body,
        flags=re.S,
    )
    assert checks is not None
    live_region, poller = checks.groups()
    assert 'aria-live="polite"' in live_region and "Checks pending" in live_region
    assert "hx-trigger" not in live_region
    assert 'hx-trigger="every 2s"' in poller and "aria-live" not in poller
    assert body.count('hx-trigger="every 2s"') == 1  # the other documents' checks have finished: no polling


def test_internal_findings_are_never_shown_to_the_firm(client, draft_case):
    document = current_plan(draft_case)
    DocumentFinding.objects.create(
        document=document,
        check_code="internal_only",
        outcome="warn",
        code=LEGACY,
        params={"text": "Also filed by Other Ltd"},
        internal=True,
    )
    sign_in(client, draft_case.preparer)

    for url in (documents_url(draft_case), reverse("portal:document_checks", args=[document.pk])):
        assert "Also filed by Other Ltd" not in client.get(url).content.decode()


def test_a_second_upload_becomes_version_2_and_version_1_stays_listed(
    client, draft_case, django_capture_on_commit_callbacks
):
    first = current_plan(draft_case)
    sign_in(client, draft_case.firm_admin)

    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, draft_case, pdf_upload("plan-v2.pdf"))

    first.refresh_from_db()
    second = current_plan(draft_case)
    assert (first.is_current, second.version, second.supersedes) == (False, 2, first)
    assert second.check_status == "passed"
    body = client.get(documents_url(draft_case)).content.decode()
    assert "Current version: 2" in body
    assert "plan-v2.pdf" in body
    assert first.original_name in body
    assert reverse("portal:document_download", args=[first.pk]) in body
    assert "Earlier versions, kept as filed" in body


def test_upload_refused_with_a_form_error_when_the_file_type_is_wrong_and_nothing_is_stored(client, draft_case):
    before = stored_files()
    sign_in(client, draft_case.preparer)

    response = post_file(client, draft_case, SimpleUploadedFile("plan.docx", b"PK\x03\x04 not a pdf"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Business plan must be a .pdf file; plan.docx is not." in body
    assert current_plan(draft_case).version == 1
    assert stored_files() == before


def test_form_errors_are_linked_to_the_file_input_in_traditional_chinese(client, draft_case):
    sign_in(client, draft_case.preparer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"

    response = post_file(client, draft_case, SimpleUploadedFile("plan.exe", b"MZ"))

    body = response.content.decode()
    assert '<html lang="zh-hant">' in body
    file_input = re.search(r'<input type="file" name="doc-business_plan-file"[^>]*>', body)
    assert file_input is not None
    assert 'aria-invalid="true"' in file_input.group(0)
    assert 'id="id_doc-business_plan-file_error"' in body
    described_by = re.search(r'aria-describedby="([^"]*)"', file_input.group(0))
    assert described_by is not None
    assert "id_doc-business_plan-file_error" in described_by.group(1).split()
    assert 'role="alert"' in body


def test_upload_refused_with_a_form_error_when_the_application_is_submitted(client, case_in):
    case = case_in("submitted")
    sign_in(client, case.firm_admin)

    page = client.get(documents_url(case)).content.decode()
    assert 'name="doc-business_plan-file"' not in page  # no form offered
    response = post_file(client, case, pdf_upload("late.pdf"))

    assert response.status_code == 409
    assert "Documents cannot be uploaded while application" in response.content.decode()
    assert current_plan(case).version == 1


def test_an_htmx_upload_answers_with_its_requirement_in_place(client, draft_case, django_capture_on_commit_callbacks):
    sign_in(client, draft_case.preparer)

    with django_capture_on_commit_callbacks(execute=False):
        response = post_file(client, draft_case, pdf_upload("plan.pdf"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<section id="{PLAN}"')
    assert 'role="status"' in body
    assert "version 2 uploaded" in body
    assert 'hx-trigger="every 2s"' in body


def test_download_by_a_member_is_an_attachment_with_safe_headers(client, draft_case):
    document = current_plan(draft_case)
    sign_in(client, draft_case.preparer)

    response = client.get(reverse("portal:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Disposition"] == 'attachment; filename="business_plan.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(MINIMAL_PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="document.download", object_id=str(document.pk)).count() == 1


def portal_urls(case):
    document = current_plan(case)
    reference = case.application.reference
    return {
        "documents": reverse("portal:documents", args=[reference]),
        "checks": reverse("portal:document_checks", args=[document.pk]),
        "download": reverse("portal:document_download", args=[document.pk]),
    }


@pytest.mark.parametrize("page", ["documents", "checks", "download"])
def test_another_firms_user_gets_404_by_reference_or_document_id(client, draft_case, page):
    sign_in(client, draft_case.other_firm_admin)

    assert client.get(portal_urls(draft_case)[page]).status_code == 404
    assert not AuditEvent.objects.filter(action="document.download").exists()


@pytest.mark.parametrize("whose", ["another firms", "none"])
def test_a_poll_for_a_document_the_user_cannot_see_stops_polling_and_reveals_nothing(client, draft_case, whose):
    sign_in(client, draft_case.other_firm_admin)
    pk = current_plan(draft_case).pk if whose == "another firms" else Document.objects.latest("pk").pk + 1

    response = client.get(reverse("portal:document_checks", args=[pk]), **HTMX)

    # htmx swaps nothing on a 404 and polls on forever; 286 stops it. An empty body for any unseen id.
    assert response.status_code == 286
    assert response.content == b""


def test_a_poll_after_signing_out_stops_polling_instead_of_swapping_in_the_sign_in_page(client, draft_case):
    response = client.get(reverse("portal:document_checks", args=[current_plan(draft_case).pk]), **HTMX)

    assert response.status_code == 286
    assert response.content == b""


def test_another_firms_user_cannot_upload_to_the_application(client, draft_case):
    sign_in(client, draft_case.other_firm_admin)

    assert post_file(client, draft_case, pdf_upload()).status_code == 404
    assert current_plan(draft_case).version == 1


def test_a_person_of_another_firm_is_404_for_a_per_person_upload(client, draft_case):
    stranger = cast(Person, PersonFactory())
    sign_in(client, draft_case.preparer)
    url = reverse(
        "portal:document_upload_for_person", args=[draft_case.application.reference, "identity_document", stranger.pk]
    )

    assert client.post(url, {"file": pdf_upload()}).status_code == 404


@pytest.mark.parametrize("page", ["documents", "checks", "download"])
def test_an_anonymous_user_is_sent_to_sign_in(client, draft_case, page):
    url = portal_urls(draft_case)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
