"""RFC 9457 problem details: the one error shape of the API, for DRF errors, domain refusals and 404/500.

Every problem has `type` (a page under /api/problems/ that explains it), `title`, `status`,
`detail`, and, where input was wrong, `errors`: a list of {"field", "detail"}.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework import exceptions
from rest_framework.response import Response

from vasp_licensing.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"

# code: (title, what the client should do). The type URI of each is /api/problems/<code>/.
PROBLEM_TYPES: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "validation_failed": (_("The input is not valid"), _("Correct the fields named in `errors` and send again.")),
    "idempotency_key_missing": (
        _("An Idempotency-Key header is required"),
        _("Send a unique Idempotency-Key (e.g. a UUID) with every POST; reuse it only to retry the same request."),
    ),
    "idempotency_key_reused": (
        _("This Idempotency-Key was used for another request"),
        _("A key belongs to one request body; use a new key for a different request."),
    ),
    "idempotency_conflict": (
        _("A request with this Idempotency-Key is in progress"),
        _("Wait for the first request to finish, then retry with the same key to get its response."),
    ),
    "not_authenticated": (_("Authentication is required"), _("Send `Authorization: Bearer <token>` from /o/token/.")),
    "authentication_failed": (_("The credentials were not accepted"), _("Get a new token from /o/token/.")),
    "not_permitted": (_("You may not do this"), _("The token's scopes or the bank's role do not allow this.")),
    "not_found": (_("Not found"), _("The resource does not exist or is not addressed to you.")),
    "method_not_allowed": (_("Method not allowed"), _("See the OpenAPI document at /api/schema/ for allowed methods.")),
    "not_acceptable": (_("Not acceptable"), _("Ask for application/json.")),
    "unsupported_media_type": (_("Unsupported media type"), _("Send application/json.")),
    "throttled": (_("Too many requests"), _("Wait for the number of seconds in the Retry-After header.")),
    "invalid_transition": (
        _("This action is not possible in the current state"),
        _("Fetch the resource to see its current status; the move you asked for does not follow from it."),
    ),
    "concurrent_change": (_("Someone else changed this at the same time"), _("Fetch the resource again and retry.")),
    "conditions_not_met": (_("The conditions for this action are not met"), _("See `errors` for what is missing.")),
    "domain_error": (_("The action was refused"), _("See `detail`.")),
    "server_error": (_("Internal server error"), _("Retry later; the regulator's operators have been told.")),
}

_DRF_CODES = [
    (exceptions.ValidationError, "validation_failed"),
    (exceptions.ParseError, "validation_failed"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "not_permitted"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def problem_body(
    *, status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None, title: StrOrPromise = ""
) -> dict[str, Any]:
    """Title and detail in the request's language (LocaleMiddleware), like every refusal's message."""
    body: dict[str, Any] = {
        "type": f"/api/problems/{code}/",
        "title": str(title or PROBLEM_TYPES.get(code, PROBLEM_TYPES["domain_error"])[0]),
        "status": status,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return body


def domain_problem(error: DomainError) -> tuple[int, dict[str, Any]]:
    errors = [{"field": "", "detail": detail} for detail in error.details]
    code = error.code if error.code in PROBLEM_TYPES else "domain_error"
    return error.http_status, problem_body(
        status=error.http_status, code=code, title=error.title, detail=error.message, errors=errors
    )


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail flattened to [{"field": "a.b", "detail": "..."}]."""
    if isinstance(detail, dict):
        flat: list[dict[str, str]] = []
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.extend(_field_errors(value, "" if name == "non_field_errors" else name))
        return flat
    if isinstance(detail, list):
        flat = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            flat.extend(_field_errors(value, f"{prefix}[{index}]" if nested else prefix))
        return flat
    return [{"field": prefix, "detail": str(detail)}]


def problem_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER. Anything not handled here is a bug and becomes a 500 (see server_error)."""
    if isinstance(exc, DomainError):
        return problem_response(*domain_problem(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    code = next((code for cls, code in _DRF_CODES if isinstance(exc, cls)), "domain_error")
    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    request = context.get("request")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and request is not None:
        authenticate_header = context["view"].get_authenticate_header(request)
        if authenticate_header:
            headers["WWW-Authenticate"] = authenticate_header
        else:
            exc.status_code = 403
    errors: list[dict[str, str]] = []
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        detail = gettext("The request has invalid fields; see errors.")
    elif isinstance(exc.detail, dict):
        detail = str(exc.detail.get("detail", exc.default_detail))
    else:
        detail = str(exc.detail)
    status = exc.status_code
    return problem_response(status, problem_body(status=status, code=code, detail=detail, errors=errors), headers)


def wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/o/"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: problem+json under /api/, Django's page elsewhere."""
    if wants_problem(request):
        body = problem_body(
            status=404, code="not_found", detail=gettext("There is nothing at %(path)s.") % {"path": request.path}
        )
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: problem+json under /api/, Django's page elsewhere."""
    if wants_problem(request):
        body = problem_body(
            status=500, code="server_error", detail=gettext("The server failed to answer this request.")
        )
        return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)


def problem_type(request: HttpRequest, code: str) -> HttpResponse:
    """The page a problem's `type` points at: what it means and what to do."""
    if code not in PROBLEM_TYPES:
        return not_found(request)
    title, advice = PROBLEM_TYPES[code]
    return JsonResponse({"type": f"/api/problems/{code}/", "title": str(title), "what_to_do": str(advice)})
