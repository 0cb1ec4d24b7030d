"""Every (state, transition, role) triple of the application state machine, from one table.

Allowed triples succeed and leave one audit event and one fsm-log row; every other triple is
refused with a reason (wrong state: InvalidTransition; wrong person: NotPermitted) and changes nothing.
"""

import pytest
from django_fsm_log.models import StateLog

from applications.choices import ApplicationStatus as S
from audit.models import AuditEvent
from tests.transition_table import ROLES, TABLE, actor_for
from vasp_licensing.errors import DomainError, InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db

TRIPLES = [(state, name, role) for state in S.values for name in TABLE for role in ROLES]
ALLOWED = {(state, name, role) for state, name, role in TRIPLES if state in TABLE[name][0] and role in TABLE[name][2]}


def test_the_table_covers_every_state_transition_and_role():
    assert len(TRIPLES) == len(S.values) * len(TABLE) * len(ROLES) == 960
    assert len(ALLOWED) == 18


@pytest.mark.parametrize(("state", "name", "role"), TRIPLES)
def test_transition(case_in, state, name, role):
    case = case_in(state)
    app = case.refresh()
    assert app.status == state
    sources, target, _roles, fire, action = TABLE[name]
    actor = actor_for(case, role)
    events_before = AuditEvent.objects.count()
    logs_before = StateLog.objects.for_(app).count()

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
