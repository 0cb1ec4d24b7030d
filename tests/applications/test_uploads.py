"""Safe uploads: size limits while the body streams in, stored names never taken from the upload."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from applications.models import Document, document_upload_to
from tests.builders import pdf_upload
from vasp_licensing.uploads import UploadRefusal, upload_refusal

pytestmark = pytest.mark.django_db

LIMIT = 1000
PLAN = "doc-business_plan"


@pytest.fixture
def small_limit(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = LIMIT
    settings.DOCUMENT_UPLOAD_FIELDS_ALLOWANCE_BYTES = 2048


def oversized(size):
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (size - 9), content_type="application/pdf")


def stored_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def post_plan(client, case, file):
    url = reverse("portal:document_upload", args=[case.application.reference, "business_plan"])
    return client.post(url, {f"{PLAN}-document_date": "", f"{PLAN}-file": file})


@pytest.mark.parametrize(
    ("filename", "suffix"),
    [
        ("plan.pdf", ".pdf"),
        ("Plan.PDF", ".pdf"),
        ("../../evil name.pdf", ".pdf"),
        ("no-extension", ""),
        ("odd.p-d f", ""),
        ("long." + "a" * 11, ""),
        ("archive.tar.gz", ".gz"),
    ],
)
def test_upload_to_keeps_only_a_safe_lower_case_extension(filename, suffix):
    path = document_upload_to(SimpleNamespace(application_id=42), filename)  # type: ignore[arg-type]

    assert re.fullmatch(r"applications/42/[0-9a-f]{32}" + re.escape(suffix), path)


def test_the_stored_path_contains_no_part_of_the_uploaded_name(client, draft_case):
    client.force_login(draft_case.preparer)

    post_plan(client, draft_case, pdf_upload("../../evil name.pdf"))

    document = Document.objects.get(application=draft_case.application, document_type__code="business_plan", version=2)
    assert document.original_name == "evil name.pdf"
    stored = document.file.name or ""
    assert re.fullmatch(rf"applications/{draft_case.application.pk}/[0-9a-f]{{32}}\.pdf", stored)
    assert "evil" not in stored and "name" not in stored and ".." not in stored
    assert Path(document.file.path).is_relative_to(Path(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("size", "how"),
    [
        (LIMIT + 1, "while streaming: Content-Length within the allowance"),
        (LIMIT + 2048 + 1, "by Content-Length, before the file is read"),
    ],
)
def test_an_oversized_file_is_a_form_error_and_nothing_is_stored(client, draft_case, small_limit, size, how):
    before = stored_files()
    client.force_login(draft_case.preparer)

    response = post_plan(client, draft_case, oversized(size))

    assert response.status_code == 400, how
    body = response.content.decode()
    assert "The file is larger than 1000\xa0bytes, the most this site accepts." in body
    assert "This field is required" not in body
    assert 'aria-invalid="true"' in body
    assert Document.objects.filter(application=draft_case.application, document_type__code="business_plan").count() == 1
    assert stored_files() == before


def test_a_file_at_the_limit_is_accepted(client, draft_case, small_limit, django_capture_on_commit_callbacks):
    client.force_login(draft_case.preparer)

    with django_capture_on_commit_callbacks(execute=False):
        response = post_plan(client, draft_case, oversized(LIMIT))

    assert response.status_code == 302
    assert Document.objects.get(application=draft_case.application, is_current=True, version=2).size == LIMIT


def multipart_request(file, **fields):
    return RequestFactory().post("/portal/upload/", {**fields, "file": file})


def test_a_request_refused_by_its_content_length_is_not_read_past_the_fields_before_the_file(small_limit):
    request = multipart_request(oversized(1_000_000), csrfmiddlewaretoken="token-first")

    refusal = upload_refusal(request)

    assert refusal == UploadRefusal(limit_bytes=LIMIT, field_name=None)
    assert request.POST["csrfmiddlewaretoken"] == "token-first"  # the CSRF check still works
    assert "file" not in request.FILES
    # The parser reads its first chunk (64 KiB) to find the fields; the rest of the body stays unread.
    assert request._stream._pos <= 64 * 1024


def test_a_file_passing_the_limit_while_streaming_is_dropped_and_the_later_fields_still_arrive(small_limit):
    request = RequestFactory().post("/portal/upload/", {"file": oversized(LIMIT + 1), "after": "still here"})

    assert upload_refusal(request) == UploadRefusal(limit_bytes=LIMIT, field_name="file")
    assert "file" not in request.FILES
    assert request.POST["after"] == "still here"


def test_a_request_within_the_limit_is_not_refused(small_limit):
    request = multipart_request(oversized(LIMIT))

    assert upload_refusal(request) is None
    assert request.FILES["file"].size == LIMIT


def test_a_body_refused_by_its_content_length_still_passes_the_csrf_check(draft_case, small_limit):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(draft_case.preparer)
    client.get(reverse("portal:documents", args=[draft_case.application.reference]))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    url = reverse("portal:document_upload", args=[draft_case.application.reference, "business_plan"])

    # The form sends the token first, as the page's form does.
    response = client.post(url, {"csrfmiddlewaretoken": token, f"{PLAN}-file": oversized(100_000)})

    assert response.status_code == 400
    assert "The file is larger than 1000\xa0bytes" in response.content.decode()
