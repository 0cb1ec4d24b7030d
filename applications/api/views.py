"""Licence verification for banks, and the public register for anyone."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors
from applications.api.serializers import LicenceVerificationSerializer, RegisterLicenceSerializer
from applications.choices import LicenceStatus
from applications.models import Licence
from banking.api.auth import BankRateThrottle, HasScope, IsPartnerBank, PublicRateThrottle
from vasp_licensing.api import problem_responses


class RegisterPagination(CursorPagination):
    ordering = ("number",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
        licence = selectors.licence_for_verification(number=number)
        if licence is None:
            raise NotFound(f"No licence numbered {number!r} was ever granted.")
        return Response(LicenceVerificationSerializer(licence).data)


class RegisterFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LicenceStatus.choices)
    licence_type = django_filters.CharFilter(field_name="licence_type__code", label="Licence type code, e.g. vatp")
    q = django_filters.CharFilter(method="search", label="Licence number, firm name or registration number")

    class Meta:
        model = Licence
        fields = ["status", "licence_type", "q"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return selectors.register_search(queryset, value)


@extend_schema_view(
    list=extend_schema(
        summary="The public register of licences",
        description="Every licence granted, with its status and the conditions in force. No sign-in needed.",
        responses={200: RegisterLicenceSerializer(many=True), **problem_responses(400, 429)},
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
