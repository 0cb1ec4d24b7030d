import pytest
from django.urls import reverse

from applications.models import Person
from screening.models import SanctionsEntry, ScreeningHit
from screening.services import screening_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(sample_lists, case_in) -> ScreeningHit:
    case = case_in("under_review")
    Person.objects.filter(pk=case.people[0].pk).update(full_name_en="Zoran Velimir Kastellan")
    screening_run(application_id=case.application.pk)
    return ScreeningHit.objects.select_related("application__assigned_officer").get()


def test_entries_and_hits_are_listed_searched_and_shown_read_only(client, hit):
    client.force_login(UserFactory(email="root@regulator.example", is_superuser=True, is_staff=True))
    entry = SanctionsEntry.objects.get(source_id="9000001")
    listing = client.get(reverse("admin:screening_sanctionsentry_changelist"), {"q": "Kastelan"})
    assert "ZORAN VELIMIR KASTELLAN" in listing.content.decode()
    assert client.get(reverse("admin:screening_sanctionsentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:screening_screeninghit_changelist")).status_code == 200
    assert client.get(reverse("admin:screening_screeninghit_change", args=[hit.pk])).status_code == 200
    assert client.get(reverse("admin:screening_sanctionsentry_add")).status_code == 403
    assert client.get(reverse("admin:screening_screeninghit_add")).status_code == 403


def test_the_adjudication_page_calls_the_service_and_shows_its_refusal(client, hit):
    officer = hit.application.assigned_officer
    officer.is_staff, officer.is_superuser = True, True  # admin access; the rules still decide who adjudicates
    officer.save()
    client.force_login(officer)
    page = reverse("admin:screening_screeninghit_adjudicate", args=[hit.pk])

    refused = client.post(page, {"status": "false_match", "note": " "})
    assert refused.status_code == 200
    hit.refresh_from_db()
    assert hit.status == "open"

    done = client.post(page, {"status": "false_match", "note": "Different date of birth."})
    assert done.status_code == 302
    hit.refresh_from_db()
    assert (hit.status, hit.adjudicated_by) == ("false_match", officer)
