"""Celery tasks for applications: thin, take ids, call one service, safe to run twice."""

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from applications.services import checks


@shared_task(
    bind=True,
    acks_late=True,
    # Transient only: storage or the virus scanner unreachable (ScannerUnavailable is an OSError).
    # A damaged file is a finding, not an exception, so it is never retried.
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def document_run_checks(self: Any, document_id: int) -> str:
    try:
        document = checks.document_run_checks(document_id=document_id)
    except SoftTimeLimitExceeded:
        # A file that cannot be checked in time fails; the hard limit would only kill and redeliver it.
        document = checks.document_checks_timed_out(document_id=document_id)
    return document.check_status
