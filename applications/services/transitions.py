"""One service per transition of the licence application (shared/docs/domain.md, "States")."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegulatorRole
from accounts.models import User
from applications import choices
from applications.models import ApplicationSnapshot, Document, DocumentType, LicenceApplication
from applications.selectors import application_missing_items, application_snapshot_data, snapshot_sha256
from applications.services.documents import document_upload, stored_files_removed_on_error
from applications.services.licences import licence_issue
from audit import actions
from reviews.models import InformationRequestItem, Recommendation
from reviews.selectors.pending import information_request_unanswered, recommendation_pending
from reviews.services.decisions import SEND_BACK, decision_record, recommendation_record
from reviews.services.information_requests import (
    information_item_attach_document,
    information_item_lock_open,
    information_request_close,
    information_request_open,
)
from screening.choices import BLOCKING_STATUSES, HitStatus
from screening.selectors import screening_hits_blocking
from screening.tasks import screening_screen_application
from vasp_licensing.errors import ConditionsNotMet, ValidationFailed
from vasp_licensing.transitions import fire

A = choices.ApplicationStatus


def _required_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(what)s are required.") % {"what": what})
    return text


def _clean_conditions(conditions: Sequence[str] | None) -> list[str]:
    return [text.strip() for text in (conditions or []) if text and text.strip()]


def application_submit(*, application: LicenceApplication, actor: User) -> LicenceApplication:
    """Draft to submitted, only when complete. Freezes the snapshot of what was submitted."""

    def check(app: LicenceApplication) -> None:
        missing = application_missing_items(application=app)
        if missing:
            raise ConditionsNotMet(
                _("Application %(application)s cannot be submitted yet") % {"application": app}, details=missing
            )

    def effects(app: LicenceApplication) -> dict[str, Any]:
        data = application_snapshot_data(application=app)
        snapshot = ApplicationSnapshot.objects.create(application=app, data=data, sha256=snapshot_sha256(data))
        # Name screening of the firm and every person, once the submission is committed.
        screening_screen_application.delay_on_commit(app.pk)
        return {"snapshot_sha256": snapshot.sha256, "documents": len(data["documents"])}

    return fire(
        obj=application,
        transition="submit",
        actor=actor,
        action=actions.APPLICATION_SUBMIT,
        check=check,
        effects=effects,
        at=timezone.now(),
    )


def application_accept(*, application: LicenceApplication, actor: User) -> LicenceApplication:
    """Submitted to under review. Acceptance is not approval; the pledge clock starts."""
    return fire(
        obj=application,
        transition="accept",
        actor=actor,
        action=actions.APPLICATION_ACCEPT,
        explain_refusal=_explain_officer_refusal,
        at=timezone.now(),
    )


def application_return(*, application: LicenceApplication, actor: User, reasons: str) -> LicenceApplication:
    """Submitted to returned (an end): the firm may start a new application copied from it."""
    reasons = _required_text(reasons, _("Reasons for returning the application"))
    return fire(
        obj=application,
        transition="return_to_firm",
        actor=actor,
        action=actions.APPLICATION_RETURN,
        reason=reasons,
        explain_refusal=_explain_officer_refusal,
    )


def application_request_information(
    *, application: LicenceApplication, actor: User, items: Sequence[str], due_date: date
) -> LicenceApplication:
    """Under review to information requested: the questions, with a due date. The clock pauses."""
    questions = [question.strip() for question in items if question and question.strip()]
    if not questions:
        raise ValidationFailed(_("A request for information needs at least one question."))
    if due_date <= timezone.localdate():
        raise ValidationFailed(_("The due date of a request for information must be in the future."))

    def effects(app: LicenceApplication) -> dict[str, Any]:
        request = information_request_open(application=app, actor=actor, questions=questions, due_date=due_date)
        return {"information_request": request.pk, "items": len(questions), "due_date": due_date.isoformat()}

    return fire(
        obj=application,
        transition="request_information",
        actor=actor,
        action=actions.APPLICATION_REQUEST_INFORMATION,
        explain_refusal=_explain_officer_refusal,
        effects=effects,
    )


def information_item_upload_document(
    *, item: InformationRequestItem, actor: User, document_type: DocumentType, uploaded_file: Any
) -> Document:
    """Upload a file (a new version of its type) and attach it to the item, both or neither.

    Neither includes the stored file: it is deleted again when the attachment fails."""
    with stored_files_removed_on_error(), transaction.atomic():
        information_item_lock_open(item=item, actor=actor)  # refuse before a byte is stored when the request is closed
        document = document_upload(
            application=item.request.application,
            actor=actor,
            document_type=document_type,
            uploaded_file=uploaded_file,
        )
        information_item_attach_document(item=item, document=document, actor=actor)
    return document


def application_respond(*, application: LicenceApplication, actor: User) -> LicenceApplication:
    """Information requested to under review, once every item of the open request is answered."""

    def check(app: LicenceApplication) -> None:
        request = information_request_unanswered(application=app)
        if request is None:
            raise ConditionsNotMet(
                _("Application %(application)s has no open request for information.") % {"application": app}
            )
        unanswered = [
            _("Question %(position)s: %(question)s") % {"position": item.position, "question": item.question[:80]}
            for item in request.items.all()
            if not item.answer
        ]
        if unanswered:
            raise ConditionsNotMet(_("Every question must be answered before sending the answers"), details=unanswered)

    def effects(app: LicenceApplication) -> dict[str, Any]:
        request = information_request_unanswered(application=app)
        assert request is not None  # checked above, under the same lock
        information_request_close(request=request, actor=actor)
        return {"information_request": request.pk}

    return fire(
        obj=application,
        transition="respond",
        actor=actor,
        action=actions.APPLICATION_RESPOND,
        check=check,
        effects=effects,
    )


def _recommend(
    *,
    application: LicenceApplication,
    actor: User,
    transition: str,
    action: actions.AuditAction,
    outcome: str,
    reasons: str,
    draft_conditions: Sequence[str] | None,
) -> LicenceApplication:
    conditions = _clean_conditions(draft_conditions)

    def effects(app: LicenceApplication) -> dict[str, Any]:
        recommendation = recommendation_record(
            application=app, actor=actor, outcome=outcome, reasons=reasons, draft_conditions=conditions
        )
        return {"recommendation": recommendation.pk, "outcome": outcome, "draft_conditions": conditions}

    return fire(
        obj=application,
        transition=transition,
        actor=actor,
        action=action,
        reason=reasons,
        explain_refusal=_explain_officer_refusal,
        effects=effects,
    )


def application_recommend(
    *,
    application: LicenceApplication,
    actor: User,
    outcome: str,
    reasons: str,
    draft_conditions: Sequence[str] | None = None,
) -> LicenceApplication:
    """Under review to pending decision: grant, grant in principle or refuse, with reasons (the maker)."""
    if outcome not in choices.RecommendationOutcome.values:
        raise ValidationFailed(
            _("%(outcome)s is not a recommendation; choose one of %(choices)s.")
            % {"outcome": repr(outcome), "choices": ", ".join(choices.RecommendationOutcome.values)}
        )
    return _recommend(
        application=application,
        actor=actor,
        transition="recommend",
        action=actions.APPLICATION_RECOMMEND,
        outcome=outcome,
        reasons=_required_text(reasons, _("Reasons for the recommendation")),
        draft_conditions=draft_conditions,
    )


def application_recommend_final_grant(
    *, application: LicenceApplication, actor: User, reasons: str, draft_conditions: Sequence[str] | None = None
) -> LicenceApplication:
    """Approved in principle to pending decision, when the conditions of the approval in principle are met."""
    return _recommend(
        application=application,
        actor=actor,
        transition="recommend_final_grant",
        action=actions.APPLICATION_RECOMMEND_FINAL_GRANT,
        outcome=choices.RecommendationOutcome.GRANT,
        reasons=_required_text(reasons, _("Reasons (how the conditions of approval in principle were met)")),
        draft_conditions=draft_conditions,
    )


def _pending_recommendation(app: LicenceApplication) -> Recommendation:
    recommendation = recommendation_pending(application=app)
    if recommendation is None:
        raise ConditionsNotMet(
            _("Application %(application)s has no recommendation waiting for a decision.") % {"application": app}
        )
    return recommendation


def _require_pending_recommendation(app: LicenceApplication) -> None:
    _pending_recommendation(app)


def application_decide(
    *,
    application: LicenceApplication,
    actor: User,
    outcome: str,
    reasons: str,
    conditions: Sequence[str] | None = None,
) -> LicenceApplication:
    """Pending decision to approved, approved in principle or refused (the checker, never the maker).

    Approval issues the licence, with `conditions` or else the recommendation's draft conditions.
    """
    if outcome not in choices.DecisionOutcome.values:
        raise ValidationFailed(
            _("%(outcome)s is not a decision; choose one of %(choices)s.")
            % {"outcome": repr(outcome), "choices": ", ".join(choices.DecisionOutcome.values)}
        )
    reasons = _required_text(reasons, _("Reasons for the decision"))

    def check(app: LicenceApplication) -> None:
        _require_pending_recommendation(app)
        already_in_principle = app.decisions.filter(outcome=choices.DecisionOutcome.APPROVE_IN_PRINCIPLE).exists()
        if already_in_principle and outcome == choices.DecisionOutcome.APPROVE_IN_PRINCIPLE:
            raise ConditionsNotMet(
                _("Application %(application)s is already approved in principle; approve or refuse it.")
                % {"application": app}
            )
        _require_screening_cleared(app, outcome)

    def effects(app: LicenceApplication) -> dict[str, Any]:
        recommendation = _pending_recommendation(app)
        final_conditions = _clean_conditions(conditions) if conditions is not None else recommendation.draft_conditions
        decision = decision_record(
            application=app,
            recommendation=recommendation,
            actor=actor,
            outcome=outcome,
            reasons=reasons,
            conditions=final_conditions,
        )
        payload: dict[str, Any] = {"decision": decision.pk, "outcome": outcome, "recommendation": recommendation.pk}
        if app.status == A.APPROVED:
            licence = licence_issue(application=app, actor=actor, conditions=final_conditions)
            payload.update(licence=licence.number, conditions=final_conditions)
        return payload

    return fire(
        obj=application,
        transition="decide",
        actor=actor,
        action=actions.APPLICATION_DECIDE,
        reason=reasons,
        check=check,
        explain_refusal=_explain_checker_refusal,
        effects=effects,
        outcome=outcome,
        at=timezone.now(),
    )


def _require_screening_cleared(app: LicenceApplication, outcome: str) -> None:
    """Open hits block every decision; a confirmed true match blocks approval, never a refusal."""
    # domain.md: "a true hit blocks approval"; refusing a sanctioned applicant must stay possible.
    blocking = (HitStatus.OPEN,) if outcome == choices.DecisionOutcome.REFUSE else BLOCKING_STATUSES
    hits = screening_hits_blocking(application=app, statuses=blocking)
    if hits:
        raise ConditionsNotMet(
            _("Application %(application)s has name-screening hits to resolve first") % {"application": app},
            details=[hit.describe() for hit in hits],
        )


def application_send_back(*, application: LicenceApplication, actor: User, comment: str) -> LicenceApplication:
    """Pending decision back to under review, with the senior officer's comment."""
    comment = _required_text(comment, _("Comments for sending back"))

    def effects(app: LicenceApplication) -> dict[str, Any]:
        recommendation = _pending_recommendation(app)
        decision_record(application=app, recommendation=recommendation, actor=actor, outcome=SEND_BACK, reasons=comment)
        return {"recommendation": recommendation.pk}

    return fire(
        obj=application,
        transition="send_back",
        actor=actor,
        action=actions.APPLICATION_SEND_BACK,
        reason=comment,
        check=_require_pending_recommendation,
        explain_refusal=_explain_checker_refusal,
        effects=effects,
    )


def application_withdraw(*, application: LicenceApplication, actor: User, reason: str = "") -> LicenceApplication:
    """Any state before the final decision to withdrawn (an end), by a firm admin."""
    return fire(
        obj=application,
        transition="withdraw",
        actor=actor,
        action=actions.APPLICATION_WITHDRAW,
        reason=(reason or "").strip(),
    )


def _explain_officer_refusal(app: LicenceApplication, actor: User) -> str | None:
    if actor.has_regulator_role(RegulatorRole.CASE_OFFICER) and app.assigned_officer_id != actor.pk:
        return _("Application %(application)s is not assigned to you; a licensing manager assigns cases.") % {
            "application": app
        }
    return None


def _explain_checker_refusal(app: LicenceApplication, actor: User) -> str | None:
    if actor.has_regulator_role(RegulatorRole.SENIOR_OFFICER) and app.recommendations.filter(made_by=actor).exists():
        return _(
            "Four eyes: you made a recommendation on %(application)s, so another senior officer must decide it."
        ) % {"application": app}
    return None
