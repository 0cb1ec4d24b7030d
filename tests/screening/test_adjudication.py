import pytest
from django_fsm_log.models import StateLog

from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Person
from audit.models import AuditEvent
from screening.models import ScreeningHit
from screening.services import screening_adjudicate, screening_run
from vasp_licensing.errors import ConditionsNotMet, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit_case(sample_lists, case_in):
    """A case waiting for its decision, one of whose people resembles a listed name."""
    case = case_in("pending_decision")
    Person.objects.filter(pk=case.people[0].pk).update(full_name_en="Zoran Velimir Kastellan")
    screening_run(application_id=case.application.pk)
    case.hit = ScreeningHit.objects.get(application=case.application)
    return case


def decide(case, outcome: str = "approve"):
    return services.application_decide(
        application=case.application, actor=case.staff.senior_officer, outcome=outcome, reasons="Agreed."
    )


def test_the_assigned_case_officer_adjudicates_with_a_note_and_it_is_audited(hit_case):
    officer = hit_case.staff.assigned_officer
    hit = screening_adjudicate(hit=hit_case.hit, actor=officer, status="false_match", note="Different birth date.")

    assert (hit.status, hit.adjudicated_by, hit.note) == ("false_match", officer, "Different birth date.")
    assert hit.adjudicated_at is not None
    event = AuditEvent.objects.get(action="screening.adjudicate")
    assert (event.before, event.after, event.payload["note"]) == (
        {"status": "open"},
        {"status": "false_match"},
        "Different birth date.",
    )
    assert set(event.payload) == {"application", "entry", "score", "note"}
    [log] = StateLog.objects.for_(hit)
    assert (log.source_state, log.state, log.by) == ("open", "false_match", officer)


@pytest.mark.parametrize("who", ["other_case_officer", "senior_officer", "licensing_manager", "auditor"])
def test_adjudication_refused_for_anyone_but_the_assigned_case_officer(hit_case, who):
    with pytest.raises(NotPermitted):
        screening_adjudicate(hit=hit_case.hit, actor=getattr(hit_case.staff, who), status="false_match", note="No.")
    hit_case.hit.refresh_from_db()
    assert hit_case.hit.status == "open"


def test_adjudication_refused_for_the_firm(hit_case):
    with pytest.raises(NotPermitted):
        screening_adjudicate(hit=hit_case.hit, actor=hit_case.firm_admin, status="false_match", note="Not us.")


@pytest.mark.parametrize(("status", "note"), [("false_match", "  "), ("open", "Reopen"), ("maybe", "Unsure")])
def test_adjudication_refused_without_a_note_or_with_a_status_that_is_no_adjudication(hit_case, status, note):
    with pytest.raises(ValidationFailed):
        screening_adjudicate(hit=hit_case.hit, actor=hit_case.staff.assigned_officer, status=status, note=note)
    assert not AuditEvent.objects.filter(action="screening.adjudicate").exists()


def test_decision_refused_while_a_hit_is_open_naming_the_hit(hit_case):
    with pytest.raises(ConditionsNotMet) as refused:
        decide(hit_case, "refuse")

    [detail] = refused.value.details
    assert "'Zoran Velimir Kastellan' resembles 'ZORAN VELIMIR KASTELLAN'" in detail
    assert "9000001, score 100): open" in detail
    assert hit_case.refresh().status == S.PENDING_DECISION


@pytest.mark.parametrize("outcome", ["approve", "approve_in_principle"])
def test_a_true_match_blocks_approval(hit_case, outcome):
    screening_adjudicate(
        hit=hit_case.hit, actor=hit_case.staff.assigned_officer, status="true_match", note="Same person."
    )
    with pytest.raises(ConditionsNotMet, match="name-screening hits"):
        decide(hit_case, outcome)
    assert hit_case.refresh().status == S.PENDING_DECISION


def test_a_true_match_still_lets_the_checker_refuse(hit_case):
    screening_adjudicate(
        hit=hit_case.hit, actor=hit_case.staff.assigned_officer, status="true_match", note="Same person."
    )
    assert decide(hit_case, "refuse").status == S.REFUSED


def test_a_false_match_unblocks_the_approval(hit_case):
    screening_adjudicate(
        hit=hit_case.hit, actor=hit_case.staff.assigned_officer, status="false_match", note="Other passport."
    )
    assert decide(hit_case).status == S.APPROVED


def test_a_hit_cannot_change_once_the_application_is_decided(hit_case):
    officer = hit_case.staff.assigned_officer
    screening_adjudicate(hit=hit_case.hit, actor=officer, status="false_match", note="Other passport.")
    decide(hit_case)
    with pytest.raises(Exception, match="approved"):
        screening_adjudicate(hit=hit_case.hit, actor=officer, status="true_match", note="Changed my mind.")
