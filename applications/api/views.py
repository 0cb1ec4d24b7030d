"""Licence verification for banks, and the public register for anyone."""

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors
from applications.api.serializers import LicenceVerificationSerializer, RegisterLicenceSerializer
from applications.choices import LicenceStatus
from applications.models import Licence
from banking.api.auth import BankRateThrottle, HasScope, IsPartnerBank, PublicRateThrottle
from vasp_licensing.api import StrictCursorPagination, StrictFilterSet, problem_responses

LICENCE_TYPE_CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"


class RegisterPagination(StrictCursorPagination):
    ordering = ("number",)


class LicenceVerificationView(APIView):
    permission_classes = [IsPartnerBank, HasScope]
    throttle_classes = [BankRateThrottle]
    required_scopes = ["licences:read"]

    @extend_schema(
        operation_id="licences_verify",
        summary="Verify a licence",
        description="Its status now, the conditions in force and the firm that holds it.",
        responses={200: LicenceVerificationSerializer, **problem_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, number: str) -> Response:
        licence = selectors.register_licence(number=number)
        if licence is None:
            raise NotFound(f"No licence numbered {number!r} was ever granted.")
        return Response(LicenceVerificationSerializer(licence).data)


class RegisterFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=LicenceStatus.choices)
    licence_type = django_filters.CharFilter(
        field_name="licence_type__code",
        label="Licence type code, e.g. vatp",
        validators=[RegexValidator(LICENCE_TYPE_CODE_PATTERN, "A licence type code: letters, digits, - and _.")],
    )
    q = django_filters.CharFilter(
        method="search", max_length=200, label="Licence number, firm name or registration number"
    )

    class Meta:
        model = Licence
        fields = ["status", "licence_type", "q"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return selectors.register_search(queryset, value)


@extend_schema_view(
    list=extend_schema(
        summary="The public register of licences",
        description="Every licence granted, with its status and the conditions in force. No sign-in needed.",
        parameters=[
            OpenApiParameter(
                "licence_type",
                {"type": "string", "pattern": LICENCE_TYPE_CODE_PATTERN},
                description="Licence type code, e.g. vatp",
            ),
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": r"^[^\x00]+$", "maxLength": 200},
                description="Licence number, firm name or registration number",
            ),
        ],
        responses={200: RegisterLicenceSerializer(many=True), **problem_responses(400, 404, 429)},
    )
)
class RegisterLicenceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes: list[Any] = []  # public: a stale token must not turn a public read into a 401
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    pagination_class = RegisterPagination
    serializer_class = RegisterLicenceSerializer
    filterset_class = RegisterFilterSet
    queryset = Licence.objects.none()

    def get_queryset(self) -> Any:
        return selectors.register_licences()
