"""Documents checked per second for 1 MB PDFs, the checks run in a plain loop over the service (no Celery).

    DJANGO_SETTINGS_MODULE=vasp_licensing.settings.local .venv/bin/python benchmarks/document_checks.py [N]

Runs against a throwaway SQLite database and media folder. `check_plain(n)` is the baseline; a
Celery-worker figure can be measured beside it with the same `make_documents(n)`.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = Path(tempfile.mkdtemp(prefix="document-checks-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vasp_licensing.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(WORKDIR / "media"))
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject  # noqa: E402

from applications.models import Document, DocumentType, LicenceApplication, LicenceType  # noqa: E402
from applications.services.checks import document_run_checks  # noqa: E402
from tests.factories import FirmFactory  # noqa: E402

MB = 1024 * 1024


def one_mb_pdf(seed: int) -> bytes:
    """A one-page PDF carrying a 1 MB greyscale image, like a scanned page; each seed gives other bytes."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    image = DecodedStreamObject()
    image.set_data(os.urandom(MB - 64) + seed.to_bytes(64, "big"))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(1024),
            NameObject("/Height"): NumberObject(1024),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    resources = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_documents(n: int) -> list[int]:
    """n stored 1 MB PDF documents on one draft application, checks pending; returns their ids."""
    import hashlib

    call_command("migrate", verbosity=0)
    application = LicenceApplication.objects.create(
        reference=f"BENCH-{time.time_ns()}", firm=FirmFactory(), licence_type=LicenceType.objects.first()
    )
    document_type = DocumentType.objects.get(code="business_plan")
    ids = []
    for seed in range(n):
        content = one_mb_pdf(seed)
        document = Document(
            application=application,
            document_type=document_type,
            original_name=f"plan-{seed}.pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            is_current=False,
        )
        document.file.save(document.original_name, ContentFile(content), save=True)
        ids.append(document.pk)
    return ids


def check_plain(n: int) -> float:
    """Documents checked per second, the service called in a loop in this process (no Celery)."""
    ids = make_documents(n)
    started = time.perf_counter()
    statuses = [document_run_checks(document_id=document_id).check_status for document_id in ids]
    elapsed = time.perf_counter() - started
    assert set(statuses) == {"passed"}, f"the benchmark PDFs should pass their checks: {set(statuses)}"
    return n / elapsed


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print(f"plain loop, no Celery: {check_plain(count):.1f} documents/s ({count} PDFs of 1 MB)")
