"""The bank API: referrals addressed to the calling bank, and its progress reports on them."""

import json
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from banking import selectors, services
from banking.api.auth import BankRateThrottle, HasScope, IsPartnerBank
from banking.api.filtersets import ReferralFilterSet
from banking.api.serializers import (
    ReferralDeclineReportSerializer,
    ReferralDetailSerializer,
    ReferralProgressReportSerializer,
    ReferralSerializer,
    ReferralStatusUpdateSerializer,
)
from banking.models import Referral
from banking.services.idempotency import KEY_MAX_LENGTH, KEY_PATTERN
from vasp_licensing.api import CreatedCursorPagination, problem_responses
from vasp_licensing.problems import domain_problem, problem_response

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN.pattern},
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "A unique key per request, e.g. a UUID: visible ASCII without spaces, at most 255 characters. "
        "Retrying with the same key and body returns the first response (with `Idempotent-Replayed: true`); "
        "the same key with another body is 422."
    ),
)


def _json(data: Any) -> Any:
    """Plain JSON types, as stored for replay (UUIDs, dates and decimals as strings)."""
    return json.loads(JSONRenderer().render(data))


@extend_schema_view(
    list=extend_schema(
        summary="List the referrals addressed to your bank",
        description="Newest first, cursor-paginated. Poll with `updated_after` to fetch what changed.",
        responses={200: ReferralSerializer(many=True), **problem_responses(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="Read a referral with the firm's data pack",
        description=(
            "The firm's legal names, registration number, LEI and address; its licence (number, type, status, "
            "conditions in force, granted date) or approval in principle; responsible officers, directors, "
            "substantial shareholders and beneficial owners with percentages; the consent reference; and "
            "`firm_answers`, the firm's answers to your requests for information."
        ),
        responses={200: ReferralDetailSerializer, **problem_responses(401, 403, 404, 429)},
    ),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsPartnerBank, HasScope]
    throttle_classes = [BankRateThrottle]
    pagination_class = CreatedCursorPagination
    filterset_class = ReferralFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"
    queryset = Referral.objects.none()  # for the schema; get_queryset gives the bank's own

    @property
    def required_scopes(self) -> list[str]:
        return ["referrals:write"] if self.action == "status" else ["referrals:read"]

    def get_queryset(self) -> Any:
        bank = getattr(self.request, "partner_bank", None)
        if bank is None:  # schema generation
            return Referral.objects.none()
        if self.action == "list":
            return selectors.referral_list_for_bank(bank=bank)
        return selectors.referral_data_pack_queryset(bank=bank)

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404:  # the same answer for an id of another bank's referral: ids do not leak
            raise NotFound("No referral with this id is addressed to your bank.") from None

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return ReferralDetailSerializer
        if self.action == "status":
            return ReferralStatusUpdateSerializer
        return ReferralSerializer

    @extend_schema(
        summary="Report your onboarding progress on a referral",
        description=(
            "Moves: requested or delivered → acknowledged → in_review ⇄ information_requested; in_review → "
            "account_opened; any open status → declined (with a `reason_code`). A move that does not follow from "
            "the current status is 409 and changes nothing."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=PolymorphicProxySerializer(
            component_name="ReferralStatusUpdate",
            serializers=[ReferralProgressReportSerializer, ReferralDeclineReportSerializer],
            resource_type_field_name=None,
        ),
        responses={200: ReferralSerializer, **problem_responses(400, 401, 403, 404, 409, 422, 429)},
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, id: str | None = None) -> Response:
        referral = self.get_object()
        key = request.headers.get("Idempotency-Key")
        if key:  # a missing key is reported before the body, so a client fixes the header first
            update = ReferralStatusUpdateSerializer(data=request.data)
            update.is_valid(raise_exception=True)
        fingerprint = services.request_fingerprint(
            method=request.method or "POST", path=request.path, body=request.data
        )

        def run() -> tuple[int, dict[str, Any]]:
            updated = services.referral_report_status(
                referral=referral,
                actor=request.user,
                status=update.validated_data["status"],
                reason_code=update.validated_data.get("reason_code", ""),
                note=update.validated_data.get("note", ""),
            )
            return 200, _json(ReferralSerializer(updated).data)

        status, body, replayed = services.idempotency_run(
            bank=request.partner_bank, key=key, fingerprint=fingerprint, run=run, problem=domain_problem
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        if status >= 400:
            return problem_response(status, body, headers)
        return Response(body, status=status, headers=headers)
