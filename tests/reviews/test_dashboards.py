"""The workspace dashboards: each figure on a known data set, the page, CSV exports, charts, who sees them."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import LicenceApplication
from banking import services as banking
from reviews import charts
from reviews.models import InformationRequest
from reviews.selectors.dashboards import dashboard_figure, dashboard_figures
from reviews.services import information_item_answer
from screening.choices import EntryKind, HitStatus, ListSource
from screening.models import SanctionsEntry, ScreeningHit
from tests.factories import FirmFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
DASHBOARD = "/workspace/dashboards/"
HK = timezone.get_fixed_timezone(8 * 60)


def rows_of(slug: str, now: datetime | None = None) -> dict:
    figure = dashboard_figure(slug=slug, now=now)
    assert figure is not None
    return {row[0]: row[1:] for row in figure.rows}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def svgs_in(html: str) -> list[ET.Element]:
    return [ET.fromstring(markup) for markup in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)]


# Applications: funnel and states


@pytest.fixture
def mixed_cases(case_in):
    for status in (S.DRAFT, S.RETURNED, S.UNDER_REVIEW, S.PENDING_DECISION, S.APPROVED, S.REFUSED, S.WITHDRAWN):
        case_in(status)


def test_the_funnel_counts_every_stage_an_application_reached(mixed_cases):
    assert rows_of("funnel") == {
        "Started": (7, 100),
        "Submitted": (5, 71),
        "Accepted for review": (4, 57),
        "Decided": (2, 29),
        "Approved (licensed)": (1, 14),
    }


def test_the_states_figure_counts_applications_in_each_state_now(mixed_cases):
    counts = rows_of("states")
    assert list(counts) == [str(label) for label in S.labels]
    assert {label: count for label, (count,) in counts.items() if count} == {
        "Draft": 1,
        "Returned": 1,
        "Under review": 1,
        "Pending decision": 1,
        "Approved": 1,
        "Refused": 1,
        "Withdrawn": 1,
    }


# Ageing against the pledge


def test_ageing_counts_days_on_the_pledge_clock_and_leaves_out_paused_days(case_in):
    now = datetime(2026, 9, 1, 10, 0, tzinfo=HK)
    for days_ago in (10, 50, 120):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False):
            case_in(S.UNDER_REVIEW)
    # Accepted 110 days ago, but 20 of them waiting on the firm: 90 days on the clock.
    with time_machine.travel(now - timedelta(days=110), tick=False):
        paused = case_in(S.UNDER_REVIEW)
    with time_machine.travel(now - timedelta(days=60), tick=False):
        services.application_request_information(
            application=paused.application,
            actor=paused.staff.assigned_officer,
            items=["Provide the insurer's letter."],
            due_date=(now - timedelta(days=30)).date(),
        )
    with time_machine.travel(now - timedelta(days=40), tick=False):
        for item in InformationRequest.objects.get(application=paused.application).items.all():
            information_item_answer(item=item, actor=paused.preparer, answer="Attached.")
        services.application_respond(application=paused.application, actor=paused.firm_admin)
    with time_machine.travel(now - timedelta(days=5), tick=False):
        case_in(S.APPROVED)  # decided: not ageing any more

    assert rows_of("ageing", now) == {
        "0 to 20 days": (1, "No"),
        "21 to 41 days": (0, "No"),
        "42 to 62 days": (1, "No"),
        "63 to 83 days": (0, "No"),
        "84 to 105 days": (1, "No"),
        "106 days or more": (1, "Yes"),
    }


@pytest.mark.parametrize(
    ("days_ago", "band"),
    [(105, "84 to 105 days"), (106, "106 days or more"), (84, "84 to 105 days"), (0, "0 to 20 days")],
)
def test_a_case_is_past_the_pledge_only_once_its_clock_shows_more_than_the_pledge_days(case_in, days_ago, band):
    now = datetime(2026, 9, 1, 10, 0, tzinfo=HK)
    with time_machine.travel(now - timedelta(days=days_ago), tick=False):
        case_in(S.PENDING_DECISION)
    assert {label for label, (count, _past) in rows_of("ageing", now).items() if count} == {band}


# Decisions per month


def test_decisions_are_counted_per_month_by_outcome_without_send_backs(case_in):
    now = datetime(2026, 6, 20, 12, 0, tzinfo=HK)
    with time_machine.travel(datetime(2026, 4, 3, 12, 0, tzinfo=HK), tick=False):
        case_in(S.APPROVED)
        case_in(S.REFUSED)
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=HK), tick=False):
        case_in(S.APPROVED_IN_PRINCIPLE)
        sent_back = case_in(S.PENDING_DECISION)
        services.application_send_back(
            application=sent_back.application, actor=sent_back.staff.senior_officer, comment="Check the custody."
        )
    with time_machine.travel(datetime(2025, 5, 30, 12, 0, tzinfo=HK), tick=False):
        case_in(S.APPROVED)  # more than twelve months ago: not shown

    months = rows_of("decisions", now)
    assert list(months) == [f"2025-{month:02}" for month in range(7, 13)] + [f"2026-{m:02}" for m in range(1, 7)]
    assert months["2026-04"] == (1, 0, 1, 2)  # approve, approve in principle, refuse, total
    assert months["2026-06"] == (0, 1, 0, 1)
    assert months["2026-05"] == (0, 0, 0, 0)
    assert sum(total for *_, total in months.values()) == 3


# Officer workload


def test_workload_counts_open_cases_per_officer_by_state_including_idle_officers(case_in, staff):
    for status in (S.SUBMITTED, S.UNDER_REVIEW, S.UNDER_REVIEW, S.PENDING_DECISION, S.APPROVED, S.RETURNED):
        case_in(status)
    figure = dashboard_figure(slug="workload")
    assert figure is not None
    busy = staff.assigned_officer.get_full_name()
    idle = staff.other_case_officer.get_full_name()
    # submitted, under review, information requested, pending decision, approved in principle, total
    assert figure.rows == ((busy, 1, 2, 0, 1, 0, 4), (idle, 0, 0, 0, 0, 0, 0))
    assert staff.senior_officer.get_full_name() not in {row[0] for row in figure.rows}


# Screening hits open


def _hit(application, *, status: str, days_old: int, number: int) -> ScreeningHit:
    entry = SanctionsEntry.objects.create(
        source=ListSource.UN_SC, source_id=f"T{number}", kind=EntryKind.ORGANISATION, name=f"Listed Co {number}"
    )
    return ScreeningHit.objects.create(
        application=application,
        firm=application.firm,
        screened_name=application.firm.legal_name_en,
        matched_name=entry.name,
        entry=entry,
        score=90,
        status=status,
        created_at=timezone.now() - timedelta(days=days_old, hours=1),
    )


def test_open_screening_hits_are_counted_by_age_and_adjudicated_ones_left_out(case_in):
    first, second = case_in(S.UNDER_REVIEW).application, case_in(S.SUBMITTED).application
    _hit(first, status=HitStatus.OPEN, days_old=1, number=1)
    _hit(first, status=HitStatus.OPEN, days_old=10, number=2)
    _hit(second, status=HitStatus.OPEN, days_old=45, number=3)
    _hit(second, status=HitStatus.FALSE_MATCH, days_old=2, number=4)
    _hit(second, status=HitStatus.TRUE_MATCH, days_old=50, number=5)

    assert rows_of("screening") == {
        "Open 0 to 6 days": (1,),
        "Open 7 to 29 days": (1,),
        "Open 30 days or more": (1,),
        "All open hits": (3,),
        "Applications with open hits": (2,),
    }


# Banking access of licensed firms


def _refer(case, *banks):
    return banking.referral_request(
        firm=case.firm, banks=[b.bank for b in banks], actor=case.firm_admin, consent_text="We consent."
    )


def _open_account(referral, *, days_later: int, start: datetime):
    bank_user = referral.bank.service_user
    with time_machine.travel(start + timedelta(days=days_later), tick=False):
        for status in ("acknowledged", "in_review", "account_opened"):
            referral = banking.referral_report_status(referral=referral, actor=bank_user, status=status)
    return referral


@pytest.fixture
def banking_data(case_in):
    start = timezone.now() - timedelta(days=60)
    harbour, peak = banking.bank_create(name="Harbour Bank"), banking.bank_create(name="Peak Bank")
    with time_machine.travel(start, tick=False):
        fast, slow, declined = case_in(S.APPROVED), case_in(S.APPROVED), case_in(S.APPROVED)
        case_in(S.APPROVED_IN_PRINCIPLE)  # eligible, never referred
        case_in(S.REFUSED)  # not eligible
        fast_harbour, fast_peak = _refer(fast, harbour, peak)
        (slow_harbour,) = _refer(slow, harbour)
        (declined_peak,) = _refer(declined, peak)
    _open_account(fast_harbour, days_later=10, start=start)
    _open_account(fast_peak, days_later=4, start=start)
    _open_account(slow_harbour, days_later=30, start=start)
    banking.referral_report_status(
        referral=declined_peak, actor=peak.bank.service_user, status="declined", reason_code="risk_appetite"
    )


def test_banking_access_counts_eligible_referred_and_banked_firms_and_the_median_days(banking_data):
    assert rows_of("banking") == {
        "Licensed or approved in principle": (4, 100),
        "Referred to a bank": (3, 75),
        "With an account opened": (2, 50),
        "Median days to account (over 3 accounts)": (10.0, None),
    }


def test_banking_access_has_no_median_before_any_account_is_opened(case_in):
    case_in(S.APPROVED)
    assert rows_of("banking")["Median days to account (over 0 accounts)"] == (None, None)


# The page


def test_the_page_shows_every_figure_as_a_chart_and_a_table(client, staff, mixed_cases):
    response = sign_in(client, staff.other_case_officer).get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Applications: how far they got",
        "Applications by state",
        "Ageing against the pledge",
        "Decisions per month",
        "Officer workload",
        "Screening hits open",
        "Banking access of licensed firms",
    ):
        assert html.count(title) >= 3, title  # the heading, the chart's <title> and the table's caption
    assert html.count("<table") == 7
    assert '<th scope="row">Accepted for review</th><td class="number">4</td><td class="number">57</td>' in html
    assert "from the day the firm" in html  # how days to account are measured
    assert "0 (past the pledge)" in html  # the ageing chart says it in words
    assert 'href="/workspace/dashboards/ageing.csv"' in html


def test_every_chart_on_the_page_is_well_formed_svg_with_its_title_and_labels(client, staff, mixed_cases):
    html = sign_in(client, staff.licensing_manager).get(DASHBOARD).content.decode()
    svgs = svgs_in(html)
    assert len(svgs) == 7
    for svg in svgs:
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title") is not None
        assert svg.find(f"{SVG}desc") is not None
        assert svg.get("aria-labelledby") == f"{svg.get('id')}-title {svg.get('id')}-desc"
    funnel = next(svg for svg in svgs if svg.get("id") == "chart-funnel")
    texts = ["".join(text.itertext()) for text in funnel.iter(f"{SVG}text")]
    assert "Accepted for review" in texts
    assert "4 (57%)" in texts


@pytest.mark.parametrize(
    "role", ["assigned_officer", "other_case_officer", "senior_officer", "licensing_manager", "auditor"]
)
def test_every_regulator_role_may_see_the_dashboards_and_their_exports(client, staff, role):
    sign_in(client, getattr(staff, role))
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(reverse("reviews:dashboard_csv", kwargs={"chart": "workload"})).status_code == 200


def test_a_firm_user_is_refused_the_dashboards_and_the_exports(client, draft_case):
    sign_in(client, draft_case.firm_admin)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/workspace/dashboards/funnel.csv").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    for url in (DASHBOARD, "/workspace/dashboards/funnel.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# CSV exports


def test_the_csv_export_has_the_same_headers_and_numbers_as_the_table(client, staff, banking_data):
    response = sign_in(client, staff.auditor).get("/workspace/dashboards/banking.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="dashboard-banking-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    assert csv_rows(response) == [
        ["Firms", "Number", "Share of eligible firms (%)"],
        ["Licensed or approved in principle", "4", "100"],
        ["Referred to a bank", "3", "75"],
        ["With an account opened", "2", "50"],
        ["Median days to account (over 3 accounts)", "10", ""],
    ]
    page = client.get(DASHBOARD).content.decode()
    assert '<th scope="row">Median days to account (over 3 accounts)</th><td class="number">10</td>' in page


def test_every_figure_has_a_csv_export_matching_its_rows(client, staff, mixed_cases):
    sign_in(client, staff.licensing_manager)
    for slug in ("funnel", "states", "ageing", "decisions", "workload", "screening", "banking"):
        figure = dashboard_figure(slug=slug)
        assert figure is not None
        exported = csv_rows(client.get(f"/workspace/dashboards/{slug}.csv"))
        assert exported[0] == list(figure.headers)
        assert [row[0] for row in exported[1:]] == [str(row[0]) for row in figure.rows]


def test_an_unknown_chart_has_no_csv_export(client, staff):
    assert sign_in(client, staff.auditor).get("/workspace/dashboards/nonsense.csv").status_code == 404


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_quoted_in_the_csv(client, staff, case_in):
    staff.other_case_officer.first_name, staff.other_case_officer.last_name = "=HYPERLINK(1)", ""
    staff.other_case_officer.save()
    exported = csv_rows(sign_in(client, staff.auditor).get("/workspace/dashboards/workload.csv"))
    assert ["'=HYPERLINK(1)", "0", "0", "0", "0", "0", "0"] in exported


# Queries


def _bulk_cases(count: int, template: LicenceApplication) -> None:
    """Copies of a case under review, each with a request for information, straight into the tables."""
    firm = FirmFactory()
    copies = LicenceApplication.objects.bulk_create(
        LicenceApplication(
            reference=f"BULK-{firm.pk}-{number}",
            firm=firm,
            licence_type=template.licence_type,
            status=S.INFORMATION_REQUESTED if number % 2 else S.UNDER_REVIEW,
            assigned_officer=template.assigned_officer,
            submitted_at=template.submitted_at,
            accepted_at=template.accepted_at,
        )
        for number in range(count)
    )
    InformationRequest.objects.bulk_create(
        InformationRequest(
            application=copy, requested_by=template.assigned_officer, due_date=timezone.localdate() + timedelta(days=7)
        )
        for copy in copies
    )


def test_the_page_runs_the_same_number_of_queries_for_10_and_for_200_cases(client, staff, case_in):
    template = case_in(S.UNDER_REVIEW).refresh()
    sign_in(client, staff.licensing_manager)
    client.get(DASHBOARD)  # warm up the session and the user's roles

    def queries_for(count: int) -> int:
        InformationRequest.objects.filter(application__reference__startswith="BULK-").delete()
        LicenceApplication.objects.filter(reference__startswith="BULK-").delete()
        _bulk_cases(count, template)
        with CaptureQueriesContext(connection) as context:
            assert client.get(DASHBOARD).status_code == 200
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(200)


def test_the_figures_take_ten_queries_in_all(staff, case_in, django_assert_num_queries):
    template = case_in(S.UNDER_REVIEW).refresh()
    _bulk_cases(50, template)
    with django_assert_num_queries(10):
        dashboard_figures()


# The chart functions


def test_a_bar_chart_escapes_its_labels_and_parses_as_xml():
    markup = charts.bar_chart(
        chart_id="c",
        title='Load <of> officers & "friends"',
        description="desc",
        bars=[charts.Bar("<script>alert(1)</script>", 3), charts.Bar("Late", 1, flag="past the pledge")],
        empty_text="none",
    )
    svg = ET.fromstring(str(markup))
    assert svg.findtext(f"{SVG}title") == 'Load <of> officers & "friends"'
    texts = ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts
    assert "1 (past the pledge)" in texts
    assert "<script>" not in str(markup)


def test_a_long_label_is_shortened_in_the_chart_but_kept_whole_in_its_tooltip():
    label = "Responsible officer with a very long name indeed, Esquire"
    svg = ET.fromstring(
        str(charts.bar_chart(chart_id="c", title="t", description="d", bars=[charts.Bar(label, 1)], empty_text="-"))
    )
    assert svg.findtext(f"{SVG}g/{SVG}title") == f"{label}: 1"
    shown = next(svg.iter(f"{SVG}text")).text or ""
    assert shown.endswith("…")
    assert len(shown) == charts.LABEL_MAX_CHARS


def test_a_flagged_bar_is_hatched_not_only_coloured():
    svg = ET.fromstring(
        str(
            charts.bar_chart(chart_id="c", title="t", description="d", bars=[charts.Bar("x", 2, "late")], empty_text="")
        )
    )
    fills = [rect.get("fill") for rect in svg.iter(f"{SVG}rect")]
    assert "url(#c-hatch)" in fills


def test_a_funnel_writes_each_stage_share_of_the_first():
    svg = ET.fromstring(
        str(
            charts.funnel_chart(
                chart_id="f",
                title="t",
                description="d",
                stages=[charts.Bar("All", 8), charts.Bar("Half", 4), charts.Bar("None", 0)],
                empty_text="nothing",
            )
        )
    )
    texts = ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]
    assert texts == ["All", "8 (100%)", "Half", "4 (50%)", "None", "0 (0%)"]


def test_a_chart_with_nothing_to_show_says_so_in_words():
    svg = ET.fromstring(
        str(charts.funnel_chart(chart_id="f", title="t", description="d", stages=[], empty_text="Nothing yet"))
    )
    assert ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")] == ["Nothing yet"]


def test_numbers_print_whole_when_whole():
    assert [charts.number(v) for v in (3, 3.0, 2.5, 10.04)] == ["3", "3", "2.5", "10.0"]
