"""Every (state, transition, role) triple of the application state machine, from one table.

Allowed triples succeed and leave one audit event and one fsm-log row; every other triple is
refused with a reason (wrong state: InvalidTransition; wrong person: NotPermitted) and changes nothing.

One case per state is built through the services once per test process (module fixture); each
triple runs in a savepoint inside that and rolls back, after checking it starts from what was built.
"""

from collections.abc import Iterator

import pytest
from django.test import override_settings
from django_fsm_log.models import StateLog

from accounts.models import User
from applications.choices import ApplicationStatus as S
from applications.models import LicenceApplication
from audit.models import AuditChainHead, AuditEvent
from tests.builders import Regulators, advance, complete_draft
from tests.support import rows_for_the_module
from tests.transition_table import ROLES, TABLE, BuiltCase, actor_for, built
from vasp_licensing.errors import DomainError, InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db

TRIPLES = [(state, name, role) for state in S.values for name in TABLE for role in ROLES]
ALLOWED = {(state, name, role) for state, name, role in TRIPLES if state in TABLE[name][0] and role in TABLE[name][2]}


def test_the_table_covers_every_state_transition_and_role():
    assert len(TRIPLES) == len(S.values) * len(TABLE) * len(ROLES) == 960
    assert len(ALLOWED) == 18


@pytest.fixture(scope="module")
def cases(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, BuiltCase]]:
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), rows_for_the_module(django_db_blocker):
        staff = Regulators.create()
        yield built({state: advance(complete_draft(staff), state) for state in S.values})


@pytest.fixture(autouse=True)
def _isolated_media(cases):
    """The cases' documents are in the module's media folder; the triples keep it."""


@pytest.mark.parametrize(("state", "name", "role"), TRIPLES)
def test_transition(cases, state, name, role):
    case = cases[state]
    app = LicenceApplication.objects.get(pk=case.application_pk)
    # The case is as the builder left it: nothing an earlier triple did has leaked.
    assert app.status == state
    events_before = AuditEvent.objects.count()
    logs_before = StateLog.objects.for_(app).count()
    assert (events_before, logs_before) == (case.audit_events, case.state_logs)
    assert AuditChainHead.objects.values_list("sequence", flat=True).get() == case.audit_events
    sources, target, _roles, fire, action = TABLE[name]
    actor = User.objects.get(pk=actor_for(case.case, role).pk)

    if (state, name, role) in ALLOWED:
        fire(app, actor)
        app.refresh_from_db()
        assert app.status == target
        new_events = AuditEvent.objects.filter(sequence__gt=events_before)
        assert [(e.action, e.before, e.after, e.actor_id) for e in new_events] == [
            (action, {"status": state}, {"status": target}, actor.pk)
        ]
        log = StateLog.objects.for_(app).latest("pk")
        assert StateLog.objects.for_(app).count() == logs_before + 1
        assert (log.source_state, log.state, log.by_id) == (state, target, actor.pk)
    else:
        expected = InvalidTransition if state not in sources else NotPermitted
        with pytest.raises(DomainError) as refused:
            fire(app, actor)
        assert type(refused.value) is expected, str(refused.value)
        assert str(refused.value)
        app.refresh_from_db()
        assert app.status == state
        assert AuditEvent.objects.count() == events_before
        assert StateLog.objects.for_(app).count() == logs_before
