"""What every API module shares: the problem+json schema component and cursor pagination."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from vasp_licensing.problems import PROBLEM_CONTENT_TYPE


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="The input field, dotted for nested ones; empty for the request as a whole."
    )
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI reference to a page that explains this kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemFieldErrorSerializer(many=True, required=False)


_PROBLEM_DESCRIPTIONS = {
    400: "Invalid input (see `errors`), or a missing Idempotency-Key.",
    401: "No bearer token, or one that is expired, revoked or not a partner bank's.",
    403: "The token lacks the scope this operation needs.",
    404: "Not found, or not addressed to your bank; on a list, a cursor that is not one we gave.",
    409: "The move does not follow from the current status, or a request with this Idempotency-Key is in progress.",
    422: "This Idempotency-Key was used with a different request body.",
    429: "Rate limit exceeded; wait for Retry-After seconds.",
}


def problem_responses(*statuses: int) -> dict[Any, OpenApiResponse]:
    """Schema entries for the problems an operation can answer with, typed application/problem+json."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_PROBLEM_DESCRIPTIONS[status])
        for status in statuses
    }


class StrictCursorPagination(CursorPagination):
    """A page_size that is not a whole number from 1 to max_page_size is a 400, not silently the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: f"A whole number from 1 to {self.max_page_size}."})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size, "default": self.page_size})
        return parameters


class CreatedCursorPagination(StrictCursorPagination):
    """Newest first by an immutable field, so paging is stable while records change."""

    ordering = ("-created_at", "-pk")


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, in UTC before it reaches the database: PostgreSQL refuses offsets past ±15:59
    (Python takes up to ±23:59), and a time that does not exist in UTC (year 1 at -01:00) is bad input."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError("This time is outside the range of dates.", code="invalid") from error


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is a mistake in the client, answered with a 400."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and not str(self.data.get(name, "")).strip():
                self.form.add_error(name, "Give a value or leave the parameter out.")
                valid = False
        return valid


def closed_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a POST needs its body, and the body allows no other fields,
    as the server enforces."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
