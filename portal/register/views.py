"""The public register: licences with their status and conditions, and the applications returned, refused
or withdrawn. No sign-in. Regulators publish the facts (firm, type, outcome, date), never their reasoning.

GET only; the search form works without JavaScript, and each page's links keep the query.
"""

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications import selectors
from applications.choices import LicenceStatus
from portal.register.forms import SECTIONS, RegisterSearchForm

PER_PAGE = 50
# The licence's transitions, as the register words them.
CHANGES = {
    "suspend": gettext_lazy("Suspended"),
    "reinstate": gettext_lazy("Reinstated"),
    "revoke": gettext_lazy("Revoked"),
    "surrender": gettext_lazy("Surrendered"),
}


def _query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without `names`, for links that change only those."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class RegisterView(View):
    template_name = "portal/register/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = RegisterSearchForm(request.GET or None)
        if form.is_bound:
            form.is_valid()
        value = form.value if form.is_bound else (lambda name: "")
        show = value("show") or "licences"
        search = value("q")
        if show == "applications":
            rows: Any = selectors.register_closed_applications(
                outcome=value("outcome") or None, search=search, licence_type=value("licence_type") or None
            )
        else:
            rows = selectors.register_licences(
                status=value("status") or None, licence_type=value("licence_type") or None, search=search
            )
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        tab_query = _query_without(request, "show", "page", "status", "outcome")
        context = {
            "nav": "register",
            "form": form,
            "show": show,
            "tabs": [
                {"key": key, "label": label, "query": f"show={key}" + (f"&{tab_query}" if tab_query else "")}
                for key, label in SECTIONS
            ],
            "page": page,
            "page_query": _query_without(request, "page"),
            "search": search,
        }
        return TemplateResponse(request, self.template_name, context)


class RegisterLicenceView(View):
    template_name = "portal/register/licence.html"

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        licence = selectors.register_licence(number=number)
        if licence is None:
            raise Http404(_("No licence with this number is on the register."))
        labels = dict(LicenceStatus.choices)
        history = [{"at": licence.granted_at, "what": _("Granted"), "status": labels[LicenceStatus.ACTIVE]}]
        history += [
            {
                "at": log.timestamp,
                "what": CHANGES.get(log.transition, log.transition),
                "status": labels.get(log.state, log.state),
            }
            for log in selectors.licence_status_history(licence=licence)
        ]
        context = {"nav": "register", "licence": licence, "history": history}
        return TemplateResponse(request, self.template_name, context)


urlpatterns: list[URLPattern] = [
    path("", RegisterView.as_view(), name="index"),
    path("licences/<str:number>/", RegisterLicenceView.as_view(), name="licence"),
]
