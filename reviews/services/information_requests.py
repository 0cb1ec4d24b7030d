"""Requests for information: opening one, the firm's answers and attachments, and closing it on response.

Opening and closing happen inside the application's transitions (applications/services/transitions.py),
which hold the lock and write the audit event. Answers are their own audited writes, made while the
application waits for information.
"""

from collections.abc import Sequence
from datetime import date

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import choices
from applications.models import Document, LicenceApplication
from audit import actions
from audit.services import audit_record
from reviews.models import InformationRequest, InformationRequestItem
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock


def information_request_open(
    *, application: LicenceApplication, actor: User, questions: Sequence[str], due_date: date
) -> InformationRequest:
    """A request with its questions numbered from 1 (texts already cleaned by the transition)."""
    request = InformationRequest.objects.create(application=application, requested_by=actor, due_date=due_date)
    InformationRequestItem.objects.bulk_create(
        InformationRequestItem(request=request, position=number, question=question)
        for number, question in enumerate(questions, start=1)
    )
    return request


def information_request_close(*, request: InformationRequest, actor: User) -> InformationRequest:
    """Mark the request responded to, by `actor`, now: the pledge clock runs again."""
    request.responded_at, request.responded_by = timezone.now(), actor
    request.save(update_fields=["responded_at", "responded_by"])
    return request


def information_item_lock_open(
    *, item: InformationRequestItem, actor: User
) -> tuple[LicenceApplication, InformationRequestItem]:
    """Lock the item's application, and refuse unless `actor` may answer and the request is still open."""
    application = lock(item.request.application)
    if actor is None or not rules.has_perm("applications.answer_information_request", actor, application):
        raise NotPermitted(
            _("You may not answer requests for information on %(application)s.") % {"application": application}
        )
    item = InformationRequestItem.objects.select_for_update().select_related("request").get(pk=item.pk)
    if application.status != choices.ApplicationStatus.INFORMATION_REQUESTED or not item.request.is_open:
        raise InvalidTransition(_("This request for information is closed."))
    return application, item


def information_item_answer(*, item: InformationRequestItem, actor: User, answer: str) -> InformationRequestItem:
    """The firm answers one question of an open request; answers may be revised until it responds."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("Write an answer before saving it."))
    with transaction.atomic():
        application, item = information_item_lock_open(item=item, actor=actor)
        before = item.answer
        item.answer, item.answered_by, item.answered_at = answer, actor, timezone.now()
        item.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=actor,
            action=actions.INFORMATION_REQUEST_ANSWER,
            obj=item,
            before={"answer": before} if before else None,
            after={"answer": answer},
            payload={"application": application.reference, "information_request": item.request_id},
        )
    return item


def information_item_attach_document(
    *, item: InformationRequestItem, document: Document, actor: User
) -> InformationRequestItem:
    """Attach a document of the same application to one item of an open request (who may answer may attach)."""
    with transaction.atomic():
        application, item = information_item_lock_open(item=item, actor=actor)
        if document.application_id != application.pk:
            raise ValidationFailed(
                _("%(document)s was not filed with application %(application)s.")
                % {"document": document.original_name, "application": application}
            )
        if item.documents.filter(pk=document.pk).exists():
            return item
        item.documents.add(document)
        audit_record(
            actor=actor,
            action=actions.INFORMATION_REQUEST_ATTACH_DOCUMENT,
            obj=item,
            payload={
                "application": application.reference,
                "information_request": item.request_id,
                "document": document.pk,
                "document_type": document.document_type.code,
                "version": document.version,
                "name": document.original_name,
            },
        )
    return item
