"""How a page shows a refusal: the page-side twin of `problems.py` (which the API keeps).

A view submits its form through `submit`: the service either does the thing (the view redirects) or
refuses with a DomainError, which lands on the form: on the fields the refusal names, the rest as the
form's own errors (message, then each detail). The page is shown again with `submission.status`: the
refusal's own status (403 not permitted, 409 someone acted first, 422 conditions not met), 400 for
input the form rejected, and 200 to htmx, which swaps only 2xx answers. Templates show the errors with
`includes/error_summary.html` and the notices with `includes/notices.html`.

A page the user may not open at all (PermissionDenied, or a NotPermitted no view handled) is the
site's 403 page, in the layout of the part of the site it belongs to, with the reason.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from vasp_licensing import problems
from vasp_licensing.errors import DomainError, NotPermitted, ValidationFailed
from vasp_licensing.problems import PROBLEM_CONTENT_TYPE, problem_body, wants_problem

T = TypeVar("T")
Data = dict[str, Any]


def is_htmx_partial(request: HttpRequest) -> bool:
    """An htmx request for one section; a boosted form wants the whole page, like a browser without JavaScript."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def refused_status(request: HttpRequest, refusal: DomainError | None) -> int:
    """The status of a page shown again with its errors: the refusal's own, 400 for input the form rejected."""
    # htmx swaps only 2xx answers by default: to htmx (boosted or not) the errors come back as 200.
    if getattr(request, "htmx", False):
        return 200
    return refusal.http_status if refusal is not None else 400


def refusal_messages(error: DomainError) -> list[str]:
    """What a person reads of a refusal: its message, then each detail (what is missing, say)."""
    return [error.message, *error.details]


def show_refusal(
    form: forms.Form,
    error: DomainError,
    *,
    field_names: Mapping[str, str] | None = None,
    input_field: str | None = None,
) -> None:
    """A service's refusal on the form: field by field where the refusal names them (`field_errors`, mapped
    to the form's fields by `field_names`), else as errors of the whole form. `input_field` is where a
    refusal of the input that names no field belongs (the file of an upload, say)."""
    field_errors: Mapping[str, list[str]] | None = getattr(error, "field_errors", None)
    if field_errors is not None:
        names = field_names or {}
        for key, texts in field_errors.items():
            field = names.get(key, key)
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
        return
    if input_field is not None and isinstance(error, ValidationFailed):
        form.add_error(input_field, refusal_messages(error))
        return
    for text in refusal_messages(error):
        form.add_error(None, text)


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What came of a submitted form: done (with the service's result), or refused (its errors on the form)."""

    done: bool
    result: T | None
    refusal: DomainError | None
    status: int  # for the page shown again; meaningless once done


def attempt(request: HttpRequest, perform: Callable[[], T]) -> Submission[T]:
    """Call a service with nothing to validate first (a bulk action, a confirmation button)."""
    try:
        return Submission(done=True, result=perform(), refusal=None, status=200)
    except DomainError as refusal:
        return Submission(done=False, result=None, refusal=refusal, status=refused_status(request, refusal))


def submit(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[Data], T],
    *,
    field_names: Mapping[str, str] | None = None,
    input_field: str | None = None,
) -> Submission[T]:
    """Validate `form`, then call the service with its cleaned data; a refusal becomes the form's errors."""
    if not form.is_valid():
        return Submission(done=False, result=None, refusal=None, status=refused_status(request, None))
    submission = attempt(request, lambda: perform(form.cleaned_data))
    if submission.refusal is not None:
        show_refusal(form, submission.refusal, field_names=field_names, input_field=input_field)
    return submission


def error_summary(bound: Iterable[forms.Form]) -> list[str]:
    """Every error of the posted forms, labelled by field, so that a refusal shows even for a form the page
    no longer offers."""
    summary = []
    for form in bound:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            summary += [f"{label}: {error}" if label else str(error) for error in errors]
    return summary


# The layout a refusal page is drawn in: the part of the site the address belongs to.
LAYOUTS = (("/workspace/", "reviews/base.html"), ("/portal/", "portal/base.html"), ("/register/", "portal/base.html"))


def _layout(request: HttpRequest) -> str:
    return next((layout for prefix, layout in LAYOUTS if request.path.startswith(prefix)), "base.html")


def _reason(exception: Exception | None) -> str:
    if isinstance(exception, DomainError):
        return exception.message
    return str(exception.args[0]) if exception is not None and exception.args else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the site's page with the reason the rules gave; problem+json under /api/."""
    reason = _reason(exception)
    if wants_problem(request):
        body = problem_body(status=403, code="not_permitted", detail=reason or "You may not do this.")
        return JsonResponse(body, status=403, content_type=PROBLEM_CONTENT_TYPE)
    context = {"layout": _layout(request), "reason": reason or _("Your role does not allow you to open this page.")}
    response = TemplateResponse(request, "403.html", context, status=403)
    return response.render()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the site's page, in its layout; problem+json under /api/."""
    if wants_problem(request):
        return problems.not_found(request, exception)
    context = {"layout": _layout(request), "path": request.path}
    return TemplateResponse(request, "404.html", context, status=404).render()


class RefusalMiddleware:
    """A NotPermitted no view turned into a page (a GET that asked a service) is the 403 page with its
    reason, as a PermissionDenied is. The API's views answer problem+json before this is reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotPermitted):
            return permission_denied(request, exception)
        return None
