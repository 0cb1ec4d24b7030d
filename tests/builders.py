"""Builds cases in any state by going through the real services, the way people would."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from accounts.choices import FirmRole, RegulatorRole
from accounts.models import User
from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Firm, LicenceApplication, LicenceType, Person
from reviews.models import InformationRequestItem
from reviews.services import information_item_answer
from tests.factories import FirmFactory, UserFactory, member, person_with_roles

# A valid one-page PDF (cross-reference table and all), so it passes the document checks.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def pdf_upload(name: str = "document.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Regulators:
    """The regulator staff. The assigned officer also holds the senior role, to exercise four eyes."""

    assigned_officer: User
    other_case_officer: User
    senior_officer: User
    licensing_manager: User
    auditor: User

    @classmethod
    def create(cls) -> "Regulators":
        return cls(
            assigned_officer=UserFactory(roles=[RegulatorRole.CASE_OFFICER, RegulatorRole.SENIOR_OFFICER]),
            other_case_officer=UserFactory(roles=[RegulatorRole.CASE_OFFICER]),
            senior_officer=UserFactory(roles=[RegulatorRole.SENIOR_OFFICER]),
            licensing_manager=UserFactory(roles=[RegulatorRole.LICENSING_MANAGER]),
            auditor=UserFactory(roles=[RegulatorRole.AUDITOR]),
        )


@dataclass
class Case:
    firm: Firm
    firm_admin: User
    preparer: User
    people: list[Person]
    application: LicenceApplication
    staff: Regulators
    other_firm_admin: User = field(default=None)  # type: ignore[assignment]

    def refresh(self) -> LicenceApplication:
        self.application.refresh_from_db()
        return self.application


def complete_draft(staff: Regulators, licence_type_code: str = "vatp") -> Case:
    """A draft with every section filled, every required document uploaded, the declaration signed."""
    firm = FirmFactory()
    firm_admin = member(firm, FirmRole.FIRM_ADMIN)
    preparer = member(firm, FirmRole.PREPARER)
    people = [
        person_with_roles(firm, "director", "responsible_officer"),
        person_with_roles(firm, "responsible_officer", "manager_in_charge"),
        person_with_roles(firm, "substantial_shareholder", "beneficial_owner", percentage="60.00"),
    ]
    licence_type = LicenceType.objects.get(code=licence_type_code)
    application = services.application_create(
        firm=firm,
        licence_type=licence_type,
        actor=firm_admin,
        business_plan_summary="Spot trading of major virtual assets for professional investors.",
        products_and_services="Order book trading; custody in cold wallets.",
        target_markets="Hong Kong professional investors.",
    )
    for requirement in licence_type.required_documents.select_related("document_type"):
        document_type = requirement.document_type
        for person in people if document_type.per_person else [None]:
            # Tests run inside a transaction that never commits: run the on-commit checks task as a commit would.
            with TestCase.captureOnCommitCallbacks(execute=True):
                services.document_upload(
                    application=application,
                    actor=preparer,
                    document_type=document_type,
                    uploaded_file=pdf_upload(f"{document_type.code}.pdf"),
                    person=person,
                )
    services.application_sign_declaration(
        application=application, actor=firm_admin, signatory_name="Chan Tai Man", signatory_role="Chief executive"
    )
    other_firm_admin = member(FirmFactory(), FirmRole.FIRM_ADMIN)
    return Case(firm, firm_admin, preparer, people, application, staff, other_firm_admin)


def advance(case: Case, target: str) -> Case:
    """Drive a complete draft along the usual path to `target`."""
    staff, app = case.staff, case.application
    if target == S.DRAFT:
        return case
    if target == S.WITHDRAWN:
        services.application_withdraw(application=app, actor=case.firm_admin, reason="Changed plans")
        return case
    services.application_submit(application=app, actor=case.firm_admin)
    services.application_assign(application=app, actor=staff.licensing_manager, officer=staff.assigned_officer)
    if target == S.SUBMITTED:
        return case
    if target == S.RETURNED:
        services.application_return(application=app, actor=staff.assigned_officer, reasons="Incomplete AML policies")
        return case
    services.application_accept(application=app, actor=staff.assigned_officer)
    if target == S.UNDER_REVIEW:
        return case
    if target == S.INFORMATION_REQUESTED:
        services.application_request_information(
            application=app,
            actor=staff.assigned_officer,
            items=["Explain cold wallet key ceremonies.", "Provide the insurer's letter."],
            due_date=timezone.localdate() + timedelta(days=14),
        )
        for item in InformationRequestItem.objects.filter(request__application=app):
            information_item_answer(item=item, actor=case.preparer, answer="Answered in the attached note.")
        return case
    outcome = "grant_in_principle" if target == S.APPROVED_IN_PRINCIPLE else "grant"
    services.application_recommend(
        application=app,
        actor=staff.assigned_officer,
        outcome=outcome,
        reasons="Fit and proper; controls adequate.",
        draft_conditions=["Serve professional investors only."],
    )
    if target == S.PENDING_DECISION:
        return case
    decision = {S.APPROVED: "approve", S.APPROVED_IN_PRINCIPLE: "approve_in_principle", S.REFUSED: "refuse"}[S(target)]
    services.application_decide(application=app, actor=staff.senior_officer, outcome=decision, reasons="Agreed.")
    return case
