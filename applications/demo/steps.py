"""One method per step of a demo path, each writing what its service in applications/services/ writes:
the same fields, the same audit action, before/after and payload, into unsaved objects.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from accounts.models import User
from applications import choices
from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L
from applications.demo import content
from applications.demo.firms import FirmSeed
from applications.demo.records import CaseSeed, Step
from applications.demo.specimen import StoredFile
from applications.demo.staff import Staff
from applications.models import (
    ApplicationSnapshot,
    Document,
    DocumentType,
    Licence,
    LicenceApplication,
    LicenceCondition,
    LicenceType,
)
from audit import actions
from reviews.models import Decision, InformationRequest, InformationRequestItem, Recommendation

LICENCE_STEPS = ("suspend", "reinstate", "revoke", "surrender")
RFI_DUE_DAYS = 21
_LICENCE_TARGETS = {"suspend": L.SUSPENDED, "reinstate": L.ACTIVE, "revoke": L.REVOKED, "surrender": L.SURRENDERED}


class StepsMixin:
    seed: FirmSeed
    case: CaseSeed
    rng: random.Random
    staff: Staff
    specimen: StoredFile
    copied_from: LicenceApplication | None
    licence_type: LicenceType
    required: list[DocumentType]
    officer: User
    manager: User
    status: str
    licence_status: str
    decisions_made: int

    @property
    def app(self) -> LicenceApplication:
        return self.case.application

    def _step(self, at: datetime, actor: User, action: actions.AuditAction, **fields: Any) -> None:
        self.case.steps.append(Step(at=at, actor=actor, action=action, obj=fields.pop("obj", self.app), **fields))

    def _transition(
        self,
        at: datetime,
        actor: User,
        transition: str,
        target: str,
        *,
        action: actions.AuditAction,
        reason: str = "",
        payload: dict[str, Any] | None = None,
    ) -> None:
        """As vasp_licensing.transitions.fire records it: reason first in the payload, when there is one."""
        before, self.status = self.status, target
        self._step(
            at,
            actor,
            action,
            before={"status": before},
            after={"status": target},
            payload={"reason": reason, **(payload or {})} if reason or payload else {},
            transition=transition,
            description=reason or None,
        )

    def _create(self, at: datetime, _: str) -> None:
        self.app.created_at, self.status = at, S.DRAFT
        copied_from = self.copied_from
        payload = {"copied_from": lambda: copied_from.reference} if copied_from else {}
        after = {"status": S.DRAFT, "licence_type": self.licence_type.code}
        self._step(at, self.seed.admin, actions.APPLICATION_CREATE, after=after, payload=payload)

    def _upload(self, at: datetime, _: str) -> None:
        """Every required document, per-person ones for each person of the firm, filed by the preparer."""
        for document_type in self.required:
            for person in self.seed.people if document_type.per_person else [None]:
                name = f"{document_type.code.replace('_', '-')}.pdf"
                if person is not None:
                    name = f"{document_type.code.replace('_', '-')}-{content.slug(person.full_name_en)}.pdf"
                at += timedelta(minutes=self.rng.uniform(1, 30))
                self.case.documents.append(self._document(at, document_type, person, name))

    def _document(self, at: datetime, document_type: DocumentType, person: Any, name: str) -> Document:
        dated = document_type.max_age_months is not None
        return Document(
            application=self.app,
            document_type=document_type,
            person=person,
            file=self.specimen.name,
            original_name=name,
            size=self.specimen.size,
            sha256=self.specimen.sha256,
            check_status=choices.DocumentCheckStatus.PASSED,
            uploaded_by=self.seed.preparer,
            uploaded_at=at,
            # Dated documents are recent enough for the shortest limit (an assessor's report: 6 months).
            document_date=(at - timedelta(days=self.rng.uniform(10, 90))).date() if dated else None,
        )

    def _sign(self, at: datetime, _: str) -> None:
        admin = self.seed.admin
        signatory = f"{admin.first_name} {admin.last_name}"
        self.app.declaration_signed_by, self.app.declaration_signatory_name = admin, signatory
        self.app.declaration_signed_at = at
        self._step(at, admin, actions.APPLICATION_SIGN_DECLARATION, payload={"signatory": signatory})

    def _submit(self, at: datetime, _: str) -> None:
        self.app.submitted_at = at
        # The snapshot's data needs the primary keys of people and documents: it is filled after insert.
        snapshot = ApplicationSnapshot(application=self.app, data={}, sha256="", created_at=at)
        self.case.snapshot = snapshot
        payload = {"snapshot_sha256": lambda: snapshot.sha256, "documents": len(self.case.documents)}
        self._transition(at, self.seed.admin, "submit", S.SUBMITTED, action=actions.APPLICATION_SUBMIT, payload=payload)

    def _assign(self, at: datetime, _: str) -> None:
        self.app.assigned_officer = self.officer
        after = {"assigned_officer": self.officer.pk}
        self._step(at, self.manager, actions.APPLICATION_ASSIGN, before={"assigned_officer": None}, after=after)

    def _accept(self, at: datetime, _: str) -> None:
        self.app.accepted_at = at
        self._transition(at, self.officer, "accept", S.UNDER_REVIEW, action=actions.APPLICATION_ACCEPT)

    def _return(self, at: datetime, _: str) -> None:
        self.app.closing_reasons = content.RETURN_REASONS
        self._transition(
            at,
            self.officer,
            "return_to_firm",
            S.RETURNED,
            action=actions.APPLICATION_RETURN,
            reason=content.RETURN_REASONS,
        )

    def _request_information(self, at: datetime, _: str) -> None:
        due = (at + timedelta(days=RFI_DUE_DAYS)).date()
        request = InformationRequest(application=self.app, requested_by=self.officer, due_date=due, created_at=at)
        questions = self.rng.sample(content.RFI_QUESTIONS, self.rng.randint(2, 3))
        self.case.requests.append(request)
        self.case.items += [
            InformationRequestItem(request=request, position=position, question=question)
            for position, question in enumerate(questions, start=1)
        ]
        payload = {"information_request": request, "items": len(questions), "due_date": due.isoformat()}
        self._transition(
            at,
            self.officer,
            "request_information",
            S.INFORMATION_REQUESTED,
            action=actions.APPLICATION_REQUEST_INFORMATION,
            payload=payload,
        )

    def _answer(self, at: datetime, how_many: str) -> None:
        request = self.case.requests[-1]
        items = [item for item in self.case.items if item.request is request]
        application = self.app
        for item in items[: int(how_many)] if how_many else items:
            item.answer = self.rng.choice(content.RFI_ANSWERS)
            item.answered_by, item.answered_at = self.seed.preparer, at
            payload = {"application": lambda: application.reference, "information_request": request}
            self._step(
                at,
                self.seed.preparer,
                actions.INFORMATION_REQUEST_ANSWER,
                obj=item,
                after={"answer": item.answer},
                payload=payload,
            )
            at += timedelta(minutes=self.rng.uniform(2, 40))

    def _respond(self, at: datetime, _: str) -> None:
        request = self.case.requests[-1]
        request.responded_at, request.responded_by = at, self.seed.admin
        payload = {"information_request": request}
        self._transition(
            at, self.seed.admin, "respond", S.UNDER_REVIEW, action=actions.APPLICATION_RESPOND, payload=payload
        )

    def _recommend(
        self,
        at: datetime,
        outcome: str,
        transition: str = "recommend",
        reasons: str = "",
        action: actions.AuditAction = actions.APPLICATION_RECOMMEND,
    ) -> None:
        reasons = reasons or content.RECOMMENDATION_REASONS[outcome]
        refuse = outcome == choices.RecommendationOutcome.REFUSE
        conditions = [] if refuse else self.rng.sample(content.LICENCE_CONDITIONS, self.rng.randint(2, 3))
        recommendation = Recommendation(
            application=self.app,
            made_by=self.officer,
            outcome=outcome,
            reasons=reasons,
            draft_conditions=conditions,
            created_at=at,
        )
        self.case.recommendations.append(recommendation)
        payload = {"recommendation": recommendation, "outcome": outcome, "draft_conditions": conditions}
        self._transition(
            at, self.officer, transition, S.PENDING_DECISION, action=action, reason=reasons, payload=payload
        )

    def _recommend_final_grant(self, at: datetime, _: str) -> None:
        self._recommend(
            at,
            choices.RecommendationOutcome.GRANT,
            "recommend_final_grant",
            content.FINAL_GRANT_REASONS,
            actions.APPLICATION_RECOMMEND_FINAL_GRANT,
        )

    def _checker(self) -> User:
        """A senior officer (only case officers recommend here, so never the maker); another at each decision."""
        seniors = self.staff.senior_officers
        self.decisions_made += 1
        return seniors[(self.seed.index + self.decisions_made) % len(seniors)]

    def _send_back(self, at: datetime, _: str) -> None:
        recommendation, senior = self.case.recommendations[-1], self._checker()
        self.case.decisions.append(
            Decision(
                application=self.app,
                recommendation=recommendation,
                decided_by=senior,
                outcome="send_back",
                reasons=content.SEND_BACK_COMMENT,
                conditions=[],
                created_at=at,
            )
        )
        payload = {"recommendation": recommendation}
        self._transition(
            at,
            senior,
            "send_back",
            S.UNDER_REVIEW,
            action=actions.APPLICATION_SEND_BACK,
            reason=content.SEND_BACK_COMMENT,
            payload=payload,
        )

    def _decide(self, at: datetime, outcome: str) -> None:
        recommendation, senior = self.case.recommendations[-1], self._checker()
        reasons, conditions = content.DECISION_REASONS[outcome], recommendation.draft_conditions
        decision = Decision(
            application=self.app,
            recommendation=recommendation,
            decided_by=senior,
            outcome=outcome,
            reasons=reasons,
            conditions=conditions,
            created_at=at,
        )
        self.case.decisions.append(decision)
        target = choices.DECISION_TARGET_STATUS[choices.DecisionOutcome(outcome)]
        if target != S.APPROVED_IN_PRINCIPLE:
            self.app.decided_at = at
        if target == S.REFUSED:
            self.app.closing_reasons = reasons
        payload: dict[str, Any] = {"decision": decision, "outcome": outcome, "recommendation": recommendation}
        if target == S.APPROVED:
            licence = self._issue_licence(at, senior, conditions)
            payload.update(licence=lambda: licence.number, conditions=conditions)
        self._transition(
            at, senior, "decide", target, action=actions.APPLICATION_DECIDE, reason=reasons, payload=payload
        )

    def _issue_licence(self, at: datetime, senior: User, conditions: list[str]) -> Licence:
        """As licence_issue does; the licence is built in the status its later life leads to."""
        licence = Licence(
            number="",
            firm=self.seed.firm,
            application=self.app,
            licence_type=self.licence_type,
            status=self.case.plan.licence_fate[1],
            granted_at=at,
            granted_by=senior,
        )
        self.case.licence = licence
        self.case.conditions = [
            LicenceCondition(licence=licence, text=text, imposed_at=at, imposed_by=senior) for text in conditions
        ]
        return licence

    def _withdraw(self, at: datetime, _: str) -> None:
        reason = self.rng.choice(content.WITHDRAW_REASONS)
        self.app.closing_reasons = reason
        self._transition(
            at, self.seed.admin, "withdraw", S.WITHDRAWN, action=actions.APPLICATION_WITHDRAW, reason=reason
        )

    def _licence_step(self, at: datetime, transition: str, action: actions.AuditAction, actor: User) -> None:
        licence, reason = self.case.licence, content.LICENCE_REASONS[transition]
        assert licence is not None  # licence steps only follow an approval
        before, self.licence_status = self.licence_status, _LICENCE_TARGETS[transition]
        licence.status_changed_at, licence.status_reason = at, reason
        self._step(
            at,
            actor,
            action,
            obj=licence,
            before={"status": before},
            after={"status": self.licence_status},
            payload={"reason": reason},
            transition=transition,
            description=reason,
        )

    def _suspend(self, at: datetime, _: str) -> None:
        self._licence_step(at, "suspend", actions.LICENCE_SUSPEND, self.manager)

    def _reinstate(self, at: datetime, _: str) -> None:
        self._licence_step(at, "reinstate", actions.LICENCE_REINSTATE, self.manager)

    def _revoke(self, at: datetime, _: str) -> None:
        self._licence_step(at, "revoke", actions.LICENCE_REVOKE, self.staff.senior_officers[0])

    def _surrender(self, at: datetime, _: str) -> None:
        self._licence_step(at, "surrender", actions.LICENCE_SURRENDER, self.seed.admin)
