"""Documents checked per second for 1 MB PDFs: one Celery worker on Redis, beside the same checks in a plain loop.

    .venv/bin/python benchmarks/document_checks.py [N]

Runs against a throwaway SQLite database and media folder, and Redis database 14 at 127.0.0.1
(BENCH_BROKER_URL). The ratio of the two figures is what Celery costs per document.
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
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
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


def check_with_worker(n: int) -> float:
    """Documents checked per second by one worker process (solo pool), from queuing to the last result."""
    import subprocess

    from applications.tasks import document_run_checks as task
    from vasp_licensing.celery import app

    ids = make_documents(n)
    app.connection_for_write().default_channel.client.flushdb()  # nothing left over from an earlier run
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "vasp_licensing", "worker", "--pool", "solo", "-l", "warning"],
        env=os.environ.copy(),
    )
    try:
        while not app.control.ping(timeout=0.5):  # the clock starts when the worker answers
            time.sleep(0.2)
        started = time.perf_counter()
        for document_id in ids:
            task.delay(document_id)
        while Document.objects.filter(pk__in=ids, check_status="pending").exists():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    statuses = set(Document.objects.filter(pk__in=ids).values_list("check_status", flat=True))
    assert statuses == {"passed"}, f"the benchmark PDFs should pass their checks: {statuses}"
    return n / elapsed


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    plain = check_plain(count)
    worker = check_with_worker(count)
    print(f"{count} PDFs of 1 MB, each checked once")
    print(f"  plain loop, no Celery (baseline): {plain:.1f} documents/s")
    print(f"  one Celery worker on Redis:       {worker:.1f} documents/s")
    print(f"  worker / plain:                   {worker / plain:.2f}")
