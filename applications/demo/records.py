"""The in-memory shapes of demo data, built first and inserted in bulk afterwards."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from accounts.models import User
from applications.demo.firms import FirmSeed
from applications.demo.scenarios import AppPlan
from applications.models import (
    ApplicationSnapshot,
    Document,
    DocumentType,
    Licence,
    LicenceApplication,
    LicenceCondition,
    LicenceType,
)
from audit.actions import AuditAction
from reviews.models import Decision, InformationRequest, InformationRequestItem, Recommendation


@dataclass
class Step:
    """One audit event, and one StateLog row when it is a transition."""

    at: datetime
    actor: User
    action: AuditAction
    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    payload: dict[str, Any] = field(default_factory=dict)  # model instances and callables resolve at write time
    transition: str | None = None
    description: str | None = None


@dataclass
class CaseSeed:
    firm: FirmSeed
    plan: AppPlan
    application: LicenceApplication
    documents: list[Document] = field(default_factory=list)
    snapshot: ApplicationSnapshot | None = None
    requests: list[InformationRequest] = field(default_factory=list)
    items: list[InformationRequestItem] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    licence: Licence | None = None
    conditions: list[LicenceCondition] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    last_application_step: datetime | None = None


@dataclass(frozen=True)
class Configuration:
    """The active licence types and the document types each requires, read once per run."""

    licence_types: dict[str, LicenceType]
    required: dict[str, list[DocumentType]]  # by licence type code

    @property
    def codes(self) -> list[str]:
        return list(self.licence_types)

    @classmethod
    def load(cls) -> "Configuration":
        licence_types = {
            licence_type.code: licence_type
            for licence_type in LicenceType.objects.filter(is_active=True)
            .prefetch_related("required_documents__document_type")
            .order_by("pk")
        }
        required = {
            code: [requirement.document_type for requirement in licence_type.required_documents.all()]
            for code, licence_type in licence_types.items()
        }
        return cls(licence_types=licence_types, required=required)
