"""What every API module shares: the problem+json schema component and cursor pagination."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
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
    404: "Not found, or not addressed to your bank.",
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


class CreatedCursorPagination(CursorPagination):
    """Newest first by an immutable field, so paging is stable while records change."""

    ordering = ("-created_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
