"""The workspace queues: who sees which, what is in them, filters, sorting, paging, assignment, query counts."""

import re
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import FirmRole, RegulatorRole
from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Firm, LicenceApplication, LicenceType
from audit.models import AuditEvent
from reviews.models import InformationRequest, Recommendation
from reviews.selectors import pledge_clock
from reviews.selectors.queues import (
    Queue,
    assignment_plan,
    assignment_suggestion,
    officer_workloads,
    queue_applications,
    queue_counts,
)
from tests.builders import complete_draft
from tests.factories import FirmFactory, UserFactory, member
from tests.support import sign_in

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("reviews:queue")
ASSIGN_URL = reverse("reviews:assign")
_references = count(1)


def queue_url(queue: Queue) -> str:
    return reverse("reviews:queue_named", args=[queue.value])


def bulk_cases(number: int, *, status: str, firm: Firm | None = None, licence_type_code: str = "vatp", **fields: Any):
    """Cases inserted in one statement, without the services: only for reading them back in queues."""
    firm = firm or FirmFactory()
    licence_type = LicenceType.objects.get(code=licence_type_code)
    now = timezone.now()
    fields.setdefault("submitted_at", now - timedelta(days=3))
    if status not in (S.SUBMITTED, S.DRAFT):
        fields.setdefault("accepted_at", now - timedelta(days=2))
    rows = [
        LicenceApplication(
            reference=f"BULK-{next(_references):06d}", firm=firm, licence_type=licence_type, status=status, **fields
        )
        for _ in range(number)
    ]
    return LicenceApplication.objects.bulk_create(rows)


def submitted_unassigned(staff):
    case = complete_draft(staff)
    services.application_submit(application=case.application, actor=case.firm_admin)
    return case


@pytest.fixture
def board(staff, case_in):
    """One real case for each queue, driven through the services."""
    unassigned = submitted_unassigned(staff)
    mine = case_in(S.UNDER_REVIEW)  # assigned to staff.assigned_officer
    waiting = case_in(S.INFORMATION_REQUESTED)
    pending = case_in(S.PENDING_DECISION)  # recommended by staff.assigned_officer
    overdue = case_in(S.UNDER_REVIEW)
    LicenceApplication.objects.filter(pk=overdue.application.pk).update(
        accepted_at=timezone.now() - timedelta(days=200), submitted_at=timezone.now() - timedelta(days=201)
    )
    overdue.refresh()
    return {
        "unassigned": unassigned.application,
        "mine": mine.application,
        "waiting": waiting.application,
        "pending": pending.application,
        "overdue": overdue.application,
    }


# Who may open which queue: every regulator sees the shared ones; "mine" needs the case officer
# role and "awaiting my decision" the senior officer role.
VISIBILITY = [
    ("other_case_officer", Queue.UNASSIGNED, 200),
    ("other_case_officer", Queue.MINE, 200),
    ("other_case_officer", Queue.AWAITING_DECISION, 403),
    ("other_case_officer", Queue.WAITING_ON_FIRM, 200),
    ("other_case_officer", Queue.OVERDUE, 200),
    ("senior_officer", Queue.UNASSIGNED, 200),
    ("senior_officer", Queue.MINE, 403),
    ("senior_officer", Queue.AWAITING_DECISION, 200),
    ("senior_officer", Queue.WAITING_ON_FIRM, 200),
    ("senior_officer", Queue.OVERDUE, 200),
    ("licensing_manager", Queue.UNASSIGNED, 200),
    ("licensing_manager", Queue.MINE, 403),
    ("licensing_manager", Queue.AWAITING_DECISION, 403),
    ("licensing_manager", Queue.WAITING_ON_FIRM, 200),
    ("licensing_manager", Queue.OVERDUE, 200),
    ("auditor", Queue.UNASSIGNED, 200),
    ("auditor", Queue.MINE, 403),
    ("auditor", Queue.AWAITING_DECISION, 403),
    ("auditor", Queue.WAITING_ON_FIRM, 200),
    ("auditor", Queue.OVERDUE, 200),
    ("assigned_officer", Queue.MINE, 200),
    ("assigned_officer", Queue.AWAITING_DECISION, 200),
]


@pytest.mark.parametrize(("role", "queue", "expected"), VISIBILITY)
def test_each_queue_is_open_to_the_roles_it_serves_and_refused_to_the_others(client, staff, role, queue, expected):
    response = sign_in(client, getattr(staff, role)).get(queue_url(queue))
    assert response.status_code == expected


@pytest.mark.parametrize("queue", [None, *Queue])
def test_a_firm_admin_is_refused_every_queue(client, queue):
    firm_admin = member(FirmFactory(), FirmRole.FIRM_ADMIN)
    response = sign_in(client, firm_admin).get(queue_url(queue) if queue else QUEUE_URL)
    assert response.status_code == 403


@pytest.mark.parametrize("queue", [None, *Queue])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, queue):
    url = queue_url(queue) if queue else QUEUE_URL
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_queue_is_not_found(client, staff):
    assert sign_in(client, staff.licensing_manager).get("/workspace/queues/everything/").status_code == 404


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("other_case_officer", Queue.MINE),
        ("senior_officer", Queue.AWAITING_DECISION),
        ("licensing_manager", Queue.UNASSIGNED),
        ("auditor", Queue.UNASSIGNED),
    ],
)
def test_the_front_door_shows_each_role_its_own_first_queue(client, staff, role, landing):
    response = sign_in(client, getattr(staff, role)).get(QUEUE_URL)
    assert response.status_code == 200
    assert response.context["queue"] == landing
    tabs = response.content.decode().split('class="queue-tabs"', 1)[1]
    current = re.search(r'<a href="([^"]+)" aria-current="page">', tabs)
    assert current is not None
    assert current.group(1) == queue_url(landing)


# Which of the board's cases each queue holds, for the user who looks.
CONTENTS = [
    ("licensing_manager", Queue.UNASSIGNED, {"unassigned"}),
    ("assigned_officer", Queue.MINE, {"mine", "waiting", "pending", "overdue"}),
    ("other_case_officer", Queue.MINE, set()),
    ("senior_officer", Queue.AWAITING_DECISION, {"pending"}),
    ("assigned_officer", Queue.AWAITING_DECISION, set()),  # four eyes: they recommended it
    ("auditor", Queue.WAITING_ON_FIRM, {"waiting"}),
    ("auditor", Queue.OVERDUE, {"overdue"}),
]


@pytest.mark.parametrize(("role", "queue", "expected"), CONTENTS)
def test_each_queue_lists_exactly_its_cases(client, staff, board, role, queue, expected):
    response = sign_in(client, getattr(staff, role)).get(queue_url(queue))
    page = response.content.decode()
    shown = {name for name, application in board.items() if application.reference in page}
    assert shown == expected
    if not expected:
        assert "No cases in this queue." in page


def test_the_counts_match_the_queues(client, staff, board):
    bulk_cases(3, status=S.SUBMITTED)
    counts = queue_counts(user=staff.assigned_officer)
    assert counts == {
        Queue.UNASSIGNED: 4,
        Queue.MINE: 4,  # mine, waiting, pending and overdue are all assigned to them
        Queue.AWAITING_DECISION: 0,
        Queue.WAITING_ON_FIRM: 1,
        Queue.OVERDUE: 1,
    }
    page = sign_in(client, staff.assigned_officer).get(queue_url(Queue.UNASSIGNED)).content.decode()
    assert re.search(r"Unassigned <span class=\"count\">4</span>", page)
    assert re.search(r"Overdue <span class=\"count\">1</span>", page)


def test_the_counts_show_only_the_queues_a_role_sees(staff, board):
    assert set(queue_counts(user=staff.auditor)) == {Queue.UNASSIGNED, Queue.WAITING_ON_FIRM, Queue.OVERDUE}
    assert queue_counts(user=staff.senior_officer)[Queue.AWAITING_DECISION] == 1


def test_a_case_is_overdue_only_after_the_pledge_days_less_the_time_waiting_on_the_firm(staff, settings):
    settings.LICENSING_PLEDGE_DAYS = 100
    now = timezone.now()
    bulk_cases(1, status=S.UNDER_REVIEW, accepted_at=now - timedelta(days=100, hours=23))
    (late,) = bulk_cases(1, status=S.UNDER_REVIEW, accepted_at=now - timedelta(days=101, hours=1))
    (paused,) = bulk_cases(1, status=S.INFORMATION_REQUESTED, accepted_at=now - timedelta(days=130))
    InformationRequest.objects.create(
        application=paused,
        requested_by=staff.assigned_officer,
        created_at=now - timedelta(days=40),
        due_date=timezone.localdate(),
    )
    (answered,) = bulk_cases(1, status=S.UNDER_REVIEW, accepted_at=now - timedelta(days=130))
    InformationRequest.objects.create(
        application=answered,
        requested_by=staff.assigned_officer,
        created_at=now - timedelta(days=40),
        responded_at=now - timedelta(days=35),
        due_date=timezone.localdate(),
    )
    overdue = set(queue_applications(user=staff.auditor, queue=Queue.OVERDUE, now=now))
    assert overdue == {late, answered}  # paused: 130 - 40 = 90 days on the clock


def test_the_days_on_the_clock_agree_with_the_pledge_clock(client, staff, board):
    response = sign_in(client, staff.auditor).get(queue_url(Queue.OVERDUE))
    (row,) = response.context["rows"]
    clock = pledge_clock(application=board["overdue"])
    assert clock is not None
    assert row.clock_days == clock.days_elapsed
    assert "Overdue (pledge 105 days)" in response.content.decode()


def test_the_queue_filters_by_licence_type(client, staff):
    (vatp,) = bulk_cases(1, status=S.SUBMITTED, licence_type_code="vatp")
    (other,) = bulk_cases(1, status=S.SUBMITTED, licence_type_code=_another_licence_type().code)
    response = sign_in(client, staff.auditor).get(
        queue_url(Queue.UNASSIGNED), {"licence_type": _another_licence_type().pk}
    )
    page = response.content.decode()
    assert other.reference in page
    assert vatp.reference not in page


def _another_licence_type() -> LicenceType:
    return LicenceType.objects.exclude(code="vatp").order_by("pk")[:1].get()


def test_the_queue_filters_by_state(client, staff):
    (submitted,) = bulk_cases(1, status=S.SUBMITTED)
    (reviewing,) = bulk_cases(1, status=S.UNDER_REVIEW)
    page = sign_in(client, staff.auditor).get(queue_url(Queue.UNASSIGNED), {"status": S.UNDER_REVIEW})
    text = page.content.decode()
    assert reviewing.reference in text
    assert submitted.reference not in text


def test_the_queue_filters_by_officer_and_by_nobody(client, staff):
    now = timezone.now()
    old: dict[str, Any] = {"accepted_at": now - timedelta(days=300)}
    (theirs,) = bulk_cases(1, status=S.UNDER_REVIEW, assigned_officer=staff.other_case_officer, **old)
    (others,) = bulk_cases(1, status=S.UNDER_REVIEW, assigned_officer=staff.assigned_officer, **old)
    (nobodys,) = bulk_cases(1, status=S.UNDER_REVIEW, **old)
    sign_in(client, staff.auditor)
    text = client.get(queue_url(Queue.OVERDUE), {"officer": staff.other_case_officer.pk}).content.decode()
    assert theirs.reference in text
    assert others.reference not in text
    assert nobodys.reference not in text
    text = client.get(queue_url(Queue.OVERDUE), {"officer": "none"}).content.decode()
    assert [theirs.reference in text, others.reference in text, nobodys.reference in text] == [False, False, True]


def test_the_queue_filters_by_age_since_submission(client, staff):
    now = timezone.now()
    (fresh,) = bulk_cases(1, status=S.SUBMITTED, submitted_at=now - timedelta(days=5))
    (middling,) = bulk_cases(1, status=S.SUBMITTED, submitted_at=now - timedelta(days=45))
    (old,) = bulk_cases(1, status=S.SUBMITTED, submitted_at=now - timedelta(days=95))
    sign_in(client, staff.auditor)
    text = client.get(queue_url(Queue.UNASSIGNED), {"age": "31-60"}).content.decode()
    assert [fresh.reference in text, middling.reference in text, old.reference in text] == [False, True, False]
    text = client.get(queue_url(Queue.UNASSIGNED), {"age": "91-"}).content.decode()
    assert [fresh.reference in text, middling.reference in text, old.reference in text] == [False, False, True]


def test_an_invalid_filter_is_reported_and_not_applied(client, staff):
    (case,) = bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, staff.auditor).get(queue_url(Queue.UNASSIGNED), {"status": "approved"})
    assert response.status_code == 200
    text = response.content.decode()
    assert case.reference in text
    assert "Select a valid choice" in text


def test_every_filter_has_a_label(client, staff):
    text = sign_in(client, staff.auditor).get(queue_url(Queue.UNASSIGNED)).content.decode()
    for name in ("licence_type", "status", "officer", "age"):
        assert f'<label for="id_{name}">' in text


def test_the_queue_sorts_by_firm_both_ways(client, staff):
    for name in ("Charlie Trading Limited", "Alpha Custody Limited", "Bravo Exchange Limited"):
        bulk_cases(1, status=S.SUBMITTED, firm=FirmFactory(legal_name_en=name))
    sign_in(client, staff.auditor)

    def order(sort: str) -> list[str]:
        text = client.get(queue_url(Queue.UNASSIGNED), {"sort": sort}).content.decode()
        return sorted(("Alpha", "Bravo", "Charlie"), key=lambda word: text.index(f"<td>{word} "))

    assert order("firm") == ["Alpha", "Bravo", "Charlie"]
    assert order("-firm") == ["Charlie", "Bravo", "Alpha"]


def test_the_sorted_column_says_so_and_its_link_reverses_it(client, staff):
    bulk_cases(2, status=S.SUBMITTED)
    response = sign_in(client, staff.auditor).get(queue_url(Queue.UNASSIGNED), {"sort": "reference"})
    text = response.content.decode()
    assert 'aria-sort="ascending"' in text
    assert "?sort=-reference" in text


def test_the_queue_is_paged_by_25(client, staff):
    cases = bulk_cases(30, status=S.SUBMITTED)
    sign_in(client, staff.auditor)
    first = client.get(queue_url(Queue.UNASSIGNED), {"sort": "reference"})
    assert len(first.context["rows"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert "Showing cases 1 to 25 of 30." in first.content.decode()
    second = client.get(queue_url(Queue.UNASSIGNED), {"sort": "reference", "page": 2}).content.decode()
    assert [case.reference in second for case in cases] == [False] * 25 + [True] * 5


def test_an_htmx_request_gets_only_the_results(client, staff):
    (case,) = bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, staff.auditor).get(
        queue_url(Queue.UNASSIGNED), headers={"HX-Request": "true", "HX-Target": "queue-results"}
    )
    text = response.content.decode()
    assert case.reference in text
    assert "<html" not in text
    assert "HX-Request" in response["Vary"]


def test_a_licensing_manager_sees_the_assignment_controls_and_an_auditor_does_not(client, staff):
    bulk_cases(1, status=S.SUBMITTED)
    manager_page = sign_in(client, staff.licensing_manager).get(queue_url(Queue.UNASSIGNED)).content.decode()
    assert "Assign the selected cases" in manager_page
    assert 'name="applications"' in manager_page
    for role in ("auditor", "senior_officer", "other_case_officer"):
        page = sign_in(client, getattr(staff, role)).get(queue_url(Queue.UNASSIGNED)).content.decode()
        assert "Assign the selected cases" not in page
        assert 'name="applications"' not in page


def test_a_licensing_manager_assigns_one_case(client, staff):
    case = submitted_unassigned(staff)
    next_url = queue_url(Queue.UNASSIGNED) + "?sort=-submitted"
    response = sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL,
        {"applications": [case.application.pk], "officer": staff.other_case_officer.pk, "next": next_url},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == next_url
    assert case.refresh().assigned_officer == staff.other_case_officer
    assert AuditEvent.objects.filter(action="application.assign", object_id=str(case.application.pk)).exists()
    assert f"Assigned: {case.application.reference} to" in response.content.decode()


def test_a_licensing_manager_reassigns_a_case(client, staff, case_in):
    case = case_in(S.UNDER_REVIEW)
    sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"applications": [case.application.pk], "officer": staff.other_case_officer.pk}
    )
    assert case.refresh().assigned_officer == staff.other_case_officer
    event = AuditEvent.objects.filter(action="application.assign", object_id=str(case.application.pk)).latest("pk")
    assert event.before == {"assigned_officer": staff.assigned_officer.pk}
    assert event.after == {"assigned_officer": staff.other_case_officer.pk}


def test_a_licensing_manager_assigns_several_cases_to_one_officer(client, staff):
    cases = bulk_cases(3, status=S.SUBMITTED)
    response = sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"applications": [case.pk for case in cases], "officer": staff.assigned_officer.pk}
    )
    assert response.status_code == 302
    assert LicenceApplication.objects.filter(assigned_officer=staff.assigned_officer).count() == 3
    assert AuditEvent.objects.filter(action="application.assign").count() == 3


def test_a_bulk_assignment_to_the_suggestion_balances_open_cases(client, staff):
    bulk_cases(2, status=S.UNDER_REVIEW, assigned_officer=staff.assigned_officer)
    cases = bulk_cases(4, status=S.SUBMITTED)
    sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"applications": [case.pk for case in cases], "officer": "suggested"}
    )
    loads = {officer.pk: officer.open_cases for officer in officer_workloads()}  # type: ignore[attr-defined]
    assert loads == {staff.assigned_officer.pk: 3, staff.other_case_officer.pk: 3}
    assert AuditEvent.objects.filter(action="application.assign").count() == 4


def test_a_licensing_manager_takes_a_case_back(client, staff, case_in):
    case = case_in(S.UNDER_REVIEW)
    sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"applications": [case.application.pk], "officer": "none"}
    )
    assert case.refresh().assigned_officer is None


def test_a_refused_assignment_is_explained_and_the_others_go_through(client, staff):
    (draft,) = bulk_cases(1, status=S.DRAFT, submitted_at=None)
    (submitted,) = bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"applications": [draft.pk, submitted.pk], "officer": staff.other_case_officer.pk}, follow=True
    )
    text = response.content.decode()
    assert f"{draft.reference} was not assigned: Cannot assign application {draft.reference}: it is draft." in text
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.assigned_officer is None
    assert submitted.assigned_officer == staff.other_case_officer


def test_an_assignment_without_cases_is_explained(client, staff):
    response = sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL, {"officer": staff.other_case_officer.pk}, follow=True
    )
    assert "Select at least one case to assign." in response.content.decode()


@pytest.mark.parametrize("role", ["other_case_officer", "senior_officer", "auditor", "assigned_officer"])
def test_only_a_licensing_manager_may_assign(client, staff, role):
    (case,) = bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, getattr(staff, role)).post(
        ASSIGN_URL, {"applications": [case.pk], "officer": staff.other_case_officer.pk}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assigned_officer is None
    assert not AuditEvent.objects.filter(action="application.assign").exists()


def test_a_firm_admin_may_not_assign_and_an_anonymous_visitor_is_sent_to_sign_in(client, staff):
    (case,) = bulk_cases(1, status=S.SUBMITTED)
    data = {"applications": [case.pk], "officer": staff.other_case_officer.pk}
    assert client.post(ASSIGN_URL, data).status_code == 302
    firm_admin = member(case.firm, FirmRole.FIRM_ADMIN)
    assert sign_in(client, firm_admin).post(ASSIGN_URL, data).status_code == 403
    case.refresh_from_db()
    assert case.assigned_officer is None


def test_the_assignment_goes_back_only_to_this_site(client, staff):
    (case,) = bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, staff.licensing_manager).post(
        ASSIGN_URL,
        {"applications": [case.pk], "officer": staff.other_case_officer.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == QUEUE_URL


def test_the_suggestion_is_the_active_case_officer_with_the_fewest_open_cases(staff):
    bulk_cases(2, status=S.UNDER_REVIEW, assigned_officer=staff.assigned_officer)
    bulk_cases(1, status=S.PENDING_DECISION, assigned_officer=staff.other_case_officer)
    bulk_cases(5, status=S.APPROVED, assigned_officer=staff.other_case_officer)  # closed: not a load
    assert assignment_suggestion() == staff.other_case_officer
    UserFactory(roles=[RegulatorRole.CASE_OFFICER], is_active=False)  # idle, but gone
    assert assignment_suggestion() == staff.other_case_officer


def test_the_suggestion_breaks_ties_by_name(staff):
    bulk_cases(1, status=S.UNDER_REVIEW, assigned_officer=staff.assigned_officer)
    bulk_cases(1, status=S.UNDER_REVIEW, assigned_officer=staff.other_case_officer)
    zoe = UserFactory(first_name="Zoe", last_name="Wong", roles=[RegulatorRole.CASE_OFFICER])
    aaron = UserFactory(first_name="Aaron", last_name="Chan", roles=[RegulatorRole.CASE_OFFICER])
    assert assignment_suggestion() == aaron
    plan = assignment_plan(applications=bulk_cases(2, status=S.SUBMITTED))
    assert list(plan.values()) == [aaron, zoe]


def test_the_page_names_the_suggestion(client, staff):
    bulk_cases(3, status=S.UNDER_REVIEW, assigned_officer=staff.assigned_officer)
    bulk_cases(1, status=S.SUBMITTED)
    text = sign_in(client, staff.licensing_manager).get(queue_url(Queue.UNASSIGNED)).content.decode()
    name = staff.other_case_officer.get_full_name()
    assert f"Suggestion: {name}, who has the fewest open cases (0)." in text


def test_the_table_is_accessible(client, staff):
    bulk_cases(1, status=S.SUBMITTED)
    text = sign_in(client, staff.licensing_manager).get(queue_url(Queue.UNASSIGNED)).content.decode()
    assert "<caption>" in text
    assert '<th scope="col"' in text
    assert '<th scope="row">' in text
    assert re.search(r'<label for="pick-\d+" class="visually-hidden">Select BULK-', text)


# --- Query counts: the same for 10 cases as for 500, on every queue ---------------------------------


def _fill(staff, per_queue: int) -> None:
    """`per_queue` cases in each queue, inserted in bulk."""
    now = timezone.now()
    firm = FirmFactory()
    bulk_cases(per_queue, status=S.SUBMITTED, firm=firm)
    bulk_cases(per_queue, status=S.UNDER_REVIEW, firm=firm, assigned_officer=staff.other_case_officer)
    waiting = bulk_cases(per_queue, status=S.INFORMATION_REQUESTED, firm=firm, assigned_officer=staff.assigned_officer)
    InformationRequest.objects.bulk_create(
        InformationRequest(
            application=case, requested_by=staff.assigned_officer, due_date=timezone.localdate(), created_at=now
        )
        for case in waiting
    )
    pending = bulk_cases(per_queue, status=S.PENDING_DECISION, firm=firm, assigned_officer=staff.assigned_officer)
    Recommendation.objects.bulk_create(
        Recommendation(application=case, made_by=staff.assigned_officer, outcome="grant", reasons="Sound.")
        for case in pending
    )
    bulk_cases(
        per_queue,
        status=S.UNDER_REVIEW,
        firm=firm,
        assigned_officer=staff.other_case_officer,
        accepted_at=now - timedelta(days=400),
    )


QUERY_PAGES = [
    ("licensing_manager", Queue.UNASSIGNED),
    ("other_case_officer", Queue.MINE),
    ("senior_officer", Queue.AWAITING_DECISION),
    ("auditor", Queue.WAITING_ON_FIRM),
    ("licensing_manager", Queue.OVERDUE),
    ("licensing_manager", None),
]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"sort": "-clock"})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "queue"), QUERY_PAGES)
def test_a_queue_page_runs_as_many_queries_for_500_cases_as_for_10(client, staff, role, queue):
    url = queue_url(queue) if queue else QUEUE_URL
    sign_in(client, getattr(staff, role))
    _fill(staff, 10)
    with_ten = _queries(client, url)
    _fill(staff, 490)
    response = client.get(url)
    assert response.context["page"].paginator.count >= 500
    assert _queries(client, url) == with_ten


def test_assigning_many_cases_runs_a_bounded_number_of_reads_before_the_writes(client, staff):
    few, many = bulk_cases(2, status=S.SUBMITTED), bulk_cases(20, status=S.SUBMITTED)
    sign_in(client, staff.licensing_manager)
    counts = []
    for cases in (few, many):
        with CaptureQueriesContext(connection) as queries:
            client.post(ASSIGN_URL, {"applications": [case.pk for case in cases], "officer": "suggested"})
        counts.append((len(queries), len(cases)))
    (few_queries, few_cases), (many_queries, many_cases) = counts
    per_case = (many_queries - few_queries) / (many_cases - few_cases)
    # Each assignment is one service call (lock, save, audit); the reads around them do not grow.
    assert few_queries - per_case * few_cases == pytest.approx(many_queries - per_case * many_cases)


def test_an_htmx_sort_keeps_the_filter_form_sorting_the_same_way(client, staff):
    bulk_cases(1, status=S.SUBMITTED)
    response = sign_in(client, staff.auditor).get(
        queue_url(Queue.UNASSIGNED), {"sort": "-firm"}, headers={"HX-Request": "true", "HX-Target": "queue-results"}
    )
    assert (
        '<input type="hidden" name="sort" value="-firm" id="id_sort" hx-swap-oob="true">' in response.content.decode()
    )
