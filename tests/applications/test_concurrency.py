"""Two senior officers deciding the same case at the same moment, on a real PostgreSQL server."""

import threading

import pytest
from django.db import connection, transaction

from accounts.choices import RegulatorRole
from applications import services
from applications.choices import ApplicationStatus as S
from applications.models import Licence, LicenceApplication
from audit.models import AuditEvent
from reviews.models import Decision
from tests.factories import UserFactory
from vasp_licensing.errors import DomainError, InvalidTransition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_concurrent_decisions_one_wins_the_other_gets_a_conflict(case_in, postgres_only):
    case = case_in("pending_decision")
    app = case.application
    second_senior = UserFactory(roles=[RegulatorRole.SENIOR_OFFICER])
    deciders = [(case.staff.senior_officer, "approve"), (second_senior, "refuse")]
    outcomes: list[object] = []
    ready = threading.Barrier(len(deciders) + 1)

    def decide(actor, outcome):
        try:
            ready.wait()
            services.application_decide(application=app, actor=actor, outcome=outcome, reasons="Concurrent")
            outcomes.append("won")
        except DomainError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=pair) for pair in deciders]
    # Hold the row so both deciders are queued on it at the same time, then let them race.
    with transaction.atomic():
        LicenceApplication.objects.select_for_update().get(pk=app.pk)
        for thread in threads:
            thread.start()
        ready.wait()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("won") == 1
    [conflict] = [outcome for outcome in outcomes if outcome != "won"]
    assert isinstance(conflict, InvalidTransition)
    assert "Cannot decide licence application" in str(conflict)
    app.refresh_from_db()
    assert app.status in (S.APPROVED, S.REFUSED)
    assert Decision.objects.filter(application=app).count() == 1
    assert AuditEvent.objects.filter(action="application.decide", object_id=str(app.pk)).count() == 1
    assert Licence.objects.filter(application=app).count() == (1 if app.status == S.APPROVED else 0)
