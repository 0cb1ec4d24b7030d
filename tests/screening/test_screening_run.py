import pytest

from applications import services
from applications.models import Firm, Person
from audit.models import AuditEvent
from screening.choices import HitStatus
from screening.models import ScreeningHit
from screening.services import screening_adjudicate, screening_run, screening_run_for_person
from screening.tasks import screening_screen_application
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def name_people(case, *names: tuple[str, str]) -> None:
    for person, (name_en, name_zh) in zip(case.people, names, strict=False):
        Person.objects.filter(pk=person.pk).update(full_name_en=name_en, full_name_zh=name_zh)


def test_submission_screens_the_firm_and_every_person_once_committed(
    sample_lists, draft_case, django_capture_on_commit_callbacks
):
    Firm.objects.filter(pk=draft_case.firm.pk).update(legal_name_en="Northwind Orbital Exchange Limited")
    name_people(draft_case, ("Kastellan Zoran Velimir", ""), ("Joseph Kiu", "喬正遠"))

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)

    hits = ScreeningHit.objects.filter(application=draft_case.application)
    found = {(hit.firm_id or hit.person_id, hit.entry.source_id, hit.screened_name, hit.score) for hit in hits}
    assert found == {
        (draft_case.firm.pk, "9100001", "Northwind Orbital Exchange Limited", 100),
        (draft_case.people[0].pk, "9000001", "Kastellan Zoran Velimir", 100),
        (draft_case.people[1].pk, "9000002", "喬正遠", 100),
    }
    assert all(hit.status == HitStatus.OPEN for hit in hits)
    run = AuditEvent.objects.get(action="screening.run")
    assert (run.payload["subjects"], run.payload["hits_new"], run.payload["hits_open"]) == (4, 3, 3)


def test_screening_is_queued_only_when_the_submission_commits(
    sample_lists, draft_case, django_capture_on_commit_callbacks
):
    name_people(draft_case, ("Zoran Velimir Kastellan", ""))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=draft_case.application, actor=draft_case.firm_admin)

    assert not ScreeningHit.objects.exists()  # not before the commit
    assert len(callbacks) >= 1


def test_rerunning_screening_adds_no_duplicates_and_keeps_adjudications(sample_lists, case_in):
    case = case_in("under_review")
    name_people(case, ("Zoran Velimir Kastellan", ""), ("Lin Haoyu", ""))
    screening_run(application_id=case.application.pk)
    hit = ScreeningHit.objects.get(person=case.people[0])
    screening_adjudicate(hit=hit, actor=case.staff.assigned_officer, status="false_match", note="Born 1990, not 1968.")

    again = screening_screen_application(case.application.pk)  # a redelivered task

    assert (again["hits_new"], again["hits_existing"], again["hits_open"]) == (0, 2, 1)
    assert ScreeningHit.objects.filter(application=case.application).count() == 2
    hit.refresh_from_db()
    assert (hit.status, hit.note, hit.adjudicated_by) == (
        "false_match",
        "Born 1990, not 1968.",
        case.staff.assigned_officer,
    )


def test_nothing_is_a_hit_while_no_list_is_loaded(case_in):
    case = case_in("under_review")
    name_people(case, ("Zoran Velimir Kastellan", ""))

    result = screening_run(application_id=case.application.pk)

    assert (result.screened, result.hits_new) == (True, 0)


def test_a_draft_is_not_screened(sample_lists, draft_case):
    name_people(draft_case, ("Zoran Velimir Kastellan", ""))
    assert screening_run(application_id=draft_case.application.pk).screened is False
    assert not ScreeningHit.objects.exists()


def test_a_person_added_later_is_screened_for_every_open_application_of_the_firm(sample_lists, case_in):
    case = case_in("under_review")
    newcomer = PersonFactory(firm=case.firm, full_name_en="Lin Haoyu")

    [result] = screening_run_for_person(person_id=newcomer.pk)

    assert result.subjects == 1
    hit = ScreeningHit.objects.get(application=case.application)
    assert (hit.person, hit.entry.source_id, hit.score) == (newcomer, "demo-p-0002", 100)
