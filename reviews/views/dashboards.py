"""Dashboards of the workspace: each figure as an SVG chart, the same numbers in a table, and a CSV export.

Who sees them: every regulator role (case officer, senior officer, licensing manager, auditor). The
figures are counts, with no firm named; the one personal datum is each case officer's number of open
cases, which is workload the whole team plans around, so no chart is restricted to the licensing
manager. Firm users get 403, anonymous visitors the sign-in page (RegulatorRequiredMixin).
"""

import csv
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.signed_in import SignedInRequest
from reviews import charts
from reviews.selectors.dashboards import Cell, Figure, dashboard_figure, dashboard_figures
from reviews.views.access import RegulatorRequiredMixin

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def chart_svg(figure: Figure) -> SafeString:
    common = {"chart_id": f"chart-{figure.slug}", "title": figure.title, "description": figure.description}
    if figure.kind == "funnel":
        return charts.funnel_chart(**common, stages=figure.bars, empty_text=_("Nothing to show yet."))
    return charts.bar_chart(**common, bars=figure.bars, empty_text=_("Nothing to show yet."))


def display_cell(value: Cell) -> str | None:
    """What the table prints: numbers as the chart writes them, None for "no figure yet"."""
    if value is None:
        return None
    return charts.number(value) if isinstance(value, int | float) else str(value)


def csv_cell(value: Cell) -> str:
    """Numbers as the page prints them; text that a spreadsheet would take for a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return charts.number(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _panel(figure: Figure) -> dict[str, Any]:
    rows = [[display_cell(cell) for cell in row] for row in figure.rows]
    return {"figure": figure, "svg": chart_svg(figure), "rows": rows}


class DashboardView(RegulatorRequiredMixin, TemplateView):
    template_name = "reviews/dashboards/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        figures = dashboard_figures()
        context.update(
            section="dashboards",
            generated_at=timezone.now(),
            panels=[_panel(figure) for figure in figures],
        )
        return context


class DashboardCsvView(RegulatorRequiredMixin, View):
    def get(self, request: SignedInRequest, chart: str) -> HttpResponse:
        figure = dashboard_figure(slug=chart)
        if figure is None:
            raise Http404(_("No such chart."))
        filename = f"dashboard-{figure.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow([csv_cell(header) for header in figure.headers])
        for row in figure.rows:
            writer.writerow([csv_cell(cell) for cell in row])
        return response


urlpatterns: list[URLPattern] = [
    path("dashboards/", DashboardView.as_view(), name="dashboard"),
    path("dashboards/<slug:chart>.csv", DashboardCsvView.as_view(), name="dashboard_csv"),
]
