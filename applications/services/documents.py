import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

import rules
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from accounts.models import User
from applications import choices
from applications.models import Document, DocumentType, LicenceApplication, Person
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

logger = logging.getLogger(__name__)

# A firm may file documents while preparing, and while answering a request for information.
UPLOAD_STATES = (choices.ApplicationStatus.DRAFT, choices.ApplicationStatus.INFORMATION_REQUESTED)

# The files stored inside the innermost stored_files_removed_on_error block, as (storage, name).
_stored_files: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("stored_files", default=None)


def document_checks_queue(*, document_id: int) -> None:
    """Queue the checks of a stored document for when the current transaction commits (never for a rollback)."""
    # The task module imports the services it runs; importing it only when queueing keeps the import
    # graph one-way (tests/test_import_graph.py). Every service queues the checks through here.
    from applications.tasks import document_run_checks

    document_run_checks.delay_on_commit(document_id)


@contextmanager
def stored_files_removed_on_error() -> Iterator[None]:
    """Delete the files document_upload stores inside this block if the block raises.

    Storage is not transactional: a file saved inside `transaction.atomic()` stays when the rows that
    point to it roll back. Wrap the atomic block in this (outside it, so a failing commit counts too):
    on any exception the files stored within are deleted and the exception goes on. Blocks nest: the
    files of an inner block that succeeded are handed to the outer one, which may still fail.
    """
    stored: list[tuple[Storage, str]] = []
    token = _stored_files.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            try:
                storage.delete(name)
            except Exception:  # cleaning up must never hide why the write failed
                logger.exception("Could not delete %s after a failed upload", name)
        raise
    finally:
        _stored_files.reset(token)
    outer = _stored_files.get()
    if outer is not None:
        outer.extend(stored)


def _stored(file: FieldFile) -> None:
    stored = _stored_files.get()
    if stored is not None and file.name:
        stored.append((file.storage, file.name))


class HashingFile(File):
    """Computes SHA-256 and size of what storage reads, so the hash covers exactly the stored bytes."""

    def __init__(self, file: IO[bytes], name: str) -> None:
        super().__init__(file, name)
        self.source = file
        self._restart()

    def _restart(self) -> None:
        self.hasher = hashlib.sha256()
        self.bytes_read = 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self.source.seek(offset, whence)
        if position == 0:
            self._restart()  # storages rewind before they stream; count from the start again
        return position

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.hasher.update(chunk)
        self.bytes_read += len(chunk)
        return chunk


def _validate_upload(*, document_type: DocumentType, name: str, size: int | None) -> None:
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in document_type.extensions:
        allowed = ", ".join(f".{ext}" for ext in document_type.extensions)
        raise ValidationFailed(
            _("%(type)s must be a %(allowed)s file; %(name)s is not.")
            % {"type": document_type.label, "allowed": allowed, "name": name}
        )
    limit = min(document_type.max_size_bytes, settings.DOCUMENT_MAX_UPLOAD_BYTES)
    if size is not None and size > limit:
        raise ValidationFailed(
            _("%(name)s is %(size)s bytes; %(type)s may be at most %(limit)s bytes.")
            % {"name": name, "size": f"{size:,}", "type": document_type.label, "limit": f"{limit:,}"}
        )
    if size == 0:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name})


def document_upload(
    *,
    application: LicenceApplication,
    actor: User,
    document_type: DocumentType,
    uploaded_file: Any,
    person: Person | None = None,
    document_date: Any = None,
) -> Document:
    """Store a new version of a document. The previous current version is superseded, never overwritten.

    The file is stored under a random name (models.document_upload_to); the name the firm gave is kept
    in `original_name` only, never used as a path. Messages are in the active language.
    The file is streamed to storage while its SHA-256 and size are computed. The document starts with
    checks pending; they are queued once the upload commits (never for one rolled back) and run in a worker.
    If anything fails after the file is stored, the file is deleted again. Called inside a caller's
    atomic block, the caller wraps that block in stored_files_removed_on_error() so a later rollback
    deletes the file too.
    """
    name = os.path.basename(getattr(uploaded_file, "name", "") or "").strip()
    if not name:
        raise ValidationFailed(_("The file has no name."))
    _validate_upload(document_type=document_type, name=name, size=getattr(uploaded_file, "size", None))
    if document_type.per_person and (person is None or person.firm_id != application.firm_id):
        raise ValidationFailed(
            _("%(type)s is filed for a person of %(firm)s; choose one.")
            % {"type": document_type.label, "firm": application.firm}
        )
    if not document_type.per_person and person is not None:
        raise ValidationFailed(_("%(type)s is filed for the firm, not for a person.") % {"type": document_type.label})
    with stored_files_removed_on_error(), transaction.atomic():
        application = lock(application)
        if actor is None or not rules.has_perm("applications.upload_document", actor, application):
            raise NotPermitted(
                _("You may not upload documents to application %(application)s.") % {"application": application}
            )
        if application.status not in UPLOAD_STATES:
            state = application.get_status_display().lower()
            raise InvalidTransition(
                _("Documents cannot be uploaded while application %(application)s is %(state)s.")
                % {"application": application, "state": state}
            )
        previous = (
            Document.objects.select_for_update()
            .filter(application=application, document_type=document_type, person=person, is_current=True)
            .first()
        )
        streamed = HashingFile(uploaded_file, name)
        document = Document(
            application=application,
            document_type=document_type,
            person=person,
            original_name=name,
            size=0,
            sha256="",
            version=previous.version + 1 if previous else 1,
            supersedes=previous,
            document_date=document_date,
            uploaded_by=actor,
        )
        document.file.save(name, streamed, save=False)
        _stored(document.file)  # deleted again if anything below fails
        # The declared size may be missing or wrong; what was streamed is what counts.
        _validate_upload(document_type=document_type, name=name, size=streamed.bytes_read)
        document.size = streamed.bytes_read
        document.sha256 = streamed.hasher.hexdigest()
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        document.save()
        audit_record(
            actor=actor,
            action=actions.DOCUMENT_UPLOAD,
            obj=document,
            payload={
                "application": application.reference,
                "document_type": document_type.code,
                "version": document.version,
                "size": document.size,
                "sha256": document.sha256,
                "supersedes": previous.pk if previous else None,
            },
        )
        # Queued when this transaction commits: never before, and never for an upload rolled back.
        document_checks_queue(document_id=document.pk)
    return document
