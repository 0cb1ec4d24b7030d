"""Sign-in rules that hold for every page, whichever door a request comes through."""

from collections.abc import Callable
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.mfa import has_totp, mfa_required

# allauth's own pages (sign-in, sign-out, reauthentication, e-mail, MFA setup) stay open to someone
# who still has to set up TOTP; so do the language switch and the health probes.
OPEN_URL_NAME_PREFIXES = ("account_", "mfa_")
OPEN_URL_NAMES = {"set_language", "healthz", "readyz"}

View = Callable[..., HttpResponse]


class SignInPolicyMiddleware:
    """Two rules, after AccountMiddleware:

    - The admin's own login page is replaced by allauth's sign-in (allauth's `secure_admin_login`), so
      the admin gets the same rate limits and MFA as every other page.
    - Someone whom `accounts.mfa.mfa_required` names, and who has no TOTP yet, is sent to TOTP setup
      before any other page (the workspace, the admin, the API docs).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: View, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if isinstance(getattr(view_func, "__self__", None), AdminSite) and view_func.__name__ == "login":
            response: HttpResponse = secure_admin_login(view_func)(request, *view_args, **view_kwargs)
            return response
        match = request.resolver_match
        url_name = (match.url_name or "") if match else ""
        if url_name in OPEN_URL_NAMES or url_name.startswith(OPEN_URL_NAME_PREFIXES):
            return None
        if mfa_required(request.user) and not has_totp(request.user):
            setup = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request"):
                return HttpResponseClientRedirect(setup)
            return HttpResponseRedirect(setup)
        return None
