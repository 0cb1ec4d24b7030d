"""Random transitions by random actors never break the invariants of the application state machine."""

import contextlib
from dataclasses import dataclass, field

import pytest
from django_fsm_log.models import StateLog
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from applications import services
from applications.choices import TERMINAL_STATUSES
from applications.choices import ApplicationStatus as S
from applications.models import Licence
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from reviews.models import Decision, InformationRequestItem
from reviews.services import information_item_answer
from tests.builders import Regulators, complete_draft
from tests.transition_table import ROLES, TABLE, actor_for
from vasp_licensing.errors import DomainError

TRANSITION_ACTIONS = {action for *_rest, action in TABLE.values()}
EXITS = {"withdraw", "return"}  # left to the random rule, so the guided one goes deep


@dataclass
class Runs:
    """What the state machine did, over all examples: printed, and checked to be more than nothing."""

    examples: int = 0
    steps: int = 0
    changes: int = 0
    refusals: int = 0
    states: set[str] = field(default_factory=set)


RUNS = Runs()


class ApplicationLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case = complete_draft(Regulators.create())
        self.app = self.case.application
        self.changes = 0
        self.terminal: str | None = None
        RUNS.examples += 1

    def _fire(self, name: str, role: str) -> None:
        RUNS.steps += 1
        before = self.app.status
        try:
            TABLE[name][3](self.app, actor_for(self.case, role))
        except DomainError:
            RUNS.refusals += 1
            self.app.refresh_from_db()
            assert self.app.status == before, "a refused transition changed the state"
            return
        self.app.refresh_from_db()
        self.changes += 1
        RUNS.changes += 1
        RUNS.states.add(self.app.status)
        if self.app.status in TERMINAL_STATUSES:
            self.terminal = self.app.status

    @rule(name=st.sampled_from(sorted(TABLE)), role=st.sampled_from(ROLES))
    def anyone_tries_anything(self, name: str, role: str) -> None:
        self._fire(name, role)

    @rule(data=st.data())
    def someone_allowed_makes_a_possible_move(self, data: st.DataObject) -> None:
        # Without this, deep states (decisions, licences) are reached too rarely to exercise them.
        possible = sorted(name for name, row in TABLE.items() if self.app.status in row[0] and name not in EXITS)
        if not possible:
            return
        name = data.draw(st.sampled_from(possible), label="transition")
        role = data.draw(st.sampled_from(sorted(TABLE[name][2])), label="role")
        if self.app.status == S.SUBMITTED and self.app.assigned_officer_id is None:
            self.the_manager_assigns_the_case()
        self._fire(name, role)

    @rule(role=st.sampled_from(["firm_admin", "preparer", "other_firm_admin", "auditor"]))
    def someone_answers_the_open_questions(self, role: str) -> None:
        for item in InformationRequestItem.objects.filter(request__application=self.app, request__responded_at=None):
            with contextlib.suppress(DomainError):
                information_item_answer(item=item, actor=actor_for(self.case, role), answer="See annex.")

    @rule()
    def the_manager_assigns_the_case(self) -> None:
        staff = self.case.staff
        try:
            services.application_assign(
                application=self.app, actor=staff.licensing_manager, officer=staff.assigned_officer
            )
        except DomainError:
            assert self.app.status in (S.DRAFT, *TERMINAL_STATUSES)

    @invariant()
    def status_is_a_known_state(self) -> None:
        assert self.app.status in S.values

    @invariant()
    def terminal_states_stay_terminal(self) -> None:
        if self.terminal is not None:
            assert self.app.status == self.terminal

    @invariant()
    def every_change_has_one_audit_event_and_one_log_row(self) -> None:
        events = AuditEvent.objects.filter(
            object_type="applications.licenceapplication", object_id=str(self.app.pk), action__in=TRANSITION_ACTIONS
        )
        assert events.count() == self.changes
        assert StateLog.objects.for_(self.app).count() == self.changes

    @invariant()
    def no_decision_by_a_recommender(self) -> None:
        recommenders = set(self.app.recommendations.values_list("made_by_id", flat=True))
        deciders = set(Decision.objects.filter(application=self.app).values_list("decided_by_id", flat=True))
        assert not recommenders & deciders

    @invariant()
    def a_licence_exists_exactly_when_approved(self) -> None:
        assert Licence.objects.filter(application=self.app).count() == (1 if self.app.status == S.APPROVED else 0)

    def teardown(self) -> None:
        assert audit_chain_verify() is None


@pytest.mark.django_db
def test_random_transitions_by_random_actors_keep_the_invariants():
    run_state_machine_as_test(
        ApplicationLifecycle,
        settings=settings(  # examples and steps: the profile, see tests/conftest.py
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            derandomize=False,
        ),
    )
    print(
        f"\nstate machine: {RUNS.examples} examples, {RUNS.steps} transition attempts, "
        f"{RUNS.changes} changes, {RUNS.refusals} refusals, states reached: {sorted(RUNS.states)}"
    )
    assert RUNS.changes > 0 and RUNS.refusals > 0
