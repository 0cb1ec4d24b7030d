"""Shows that no document check is lost when a worker is killed mid-batch (Redis broker, acks_late).

    .venv/bin/python scripts/worker_crash.py [N]

Queues N 1 MB PDFs, kills the worker with SIGKILL while it works, starts a new one, and waits until
every document is checked. The visibility timeout is shortened to 10 s here so Redis hands the
unacknowledged task back quickly (production: 26 h). Prints what happened and exits non-zero if any
document was lost or checked into two sets of findings.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

os.environ["CELERY_VISIBILITY_TIMEOUT"] = "10"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.document_checks import make_documents  # sets Django up on a throwaway database

# isort: split
from applications.models import Document, DocumentFinding
from applications.tasks import document_run_checks
from vasp_licensing.celery import app


def start_worker() -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "vasp_licensing", "worker", "--pool", "solo", "-l", "warning"]
    worker = subprocess.Popen(command, env=os.environ.copy())
    while not app.control.ping(timeout=0.5):
        time.sleep(0.2)
    return worker


def checked(ids: list[int]) -> int:
    return Document.objects.filter(pk__in=ids).exclude(check_status="pending").count()


def main(count: int) -> int:
    ids = make_documents(count)
    app.connection_for_write().default_channel.client.flushdb()
    first = start_worker()
    for document_id in ids:
        document_run_checks.delay(document_id)
    while checked(ids) < count // 3:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)  # no warm shutdown: whatever it held is unacknowledged
    first.wait()
    at_kill = checked(ids)
    print(f"killed the worker with {at_kill} of {count} documents checked")
    second = start_worker()
    started = time.monotonic()
    try:
        while checked(ids) < count and time.monotonic() - started < 120:
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(timeout=30)
    done = checked(ids)
    per_document = {document_id: DocumentFinding.objects.filter(document_id=document_id).count() for document_id in ids}
    uneven = {document_id: n for document_id, n in per_document.items() if n != per_document[ids[0]]}
    print(
        f"after a new worker: {done} of {count} checked in {time.monotonic() - started:.1f} s; "
        f"findings per document: {sorted(set(per_document.values()))}"
    )
    return 0 if done == count and not uneven else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
