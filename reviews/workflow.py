"""One table per state machine: every action a door offers on it, with its label, the workspace's form,
the one service it calls and who may take it now.

The workspace (reviews/views), the admin's workflow pages (applications/admin) and any later door read
these tables and nothing else, so an action is labelled, offered and carried out the same way whichever
door it is taken from. "Who may take it now" asks what the service asks (django-fsm's source states,
conditions and permissions, which ask the rules tables; for licence changes the maker-checker rules), so
a door never offers what the service would refuse for the state or the role. The service still checks
everything again under a row lock and explains a refusal.

The table lives in reviews, not applications, because its forms are the workspace's (reviews/forms) and
the licence-change machine is reviews'; applications.admin reads it, as it reads reviews' services.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm

from applications import services
from applications.choices import DecisionOutcome
from applications.models import Licence, LicenceApplication
from reviews.forms import case as case_forms
from reviews.forms import licences as licence_forms
from reviews.models import LicenceChange, LicenceChangeAction
from reviews.selectors.pending import recommendation_pending
from reviews.services.licence_changes import (
    licence_change_approve,
    licence_change_may_decide,
    licence_change_may_propose,
    licence_change_open,
    licence_change_possible,
    licence_change_propose,
    licence_change_reject,
    licence_change_withdraw,
)

M = TypeVar("M", bound=models.Model)
Data = dict[str, Any]


@dataclass(frozen=True)
class WorkflowAction(Generic[M]):
    """One action on one state machine. `perform` reads the cleaned data of `form_class` (a door with a form
    of its own hands over the same keys) and returns the object as it is afterwards."""

    name: str
    label: str | Promise
    # The workspace's form; None for the firm's own acts, which the applicant portal's pages carry out.
    form_class: type[forms.Form] | None
    perform: Callable[[M, Any, Data], Any]
    is_open: Callable[[M, Any], bool]  # whether this user may take it on this object now
    initial: Callable[[M], Data] = field(default=lambda obj: {})


class Workflow(Generic[M]):
    """The actions of one state machine, in the order every door shows them."""

    def __init__(self, *actions: WorkflowAction[M]) -> None:
        self.actions: dict[str, WorkflowAction[M]] = {action.name: action for action in actions}

    def __iter__(self) -> Iterator[WorkflowAction[M]]:
        return iter(self.actions.values())

    def __getitem__(self, name: str) -> WorkflowAction[M]:
        return self.actions[name]

    def get(self, name: str) -> WorkflowAction[M] | None:
        return self.actions.get(name)

    def offered(self, obj: M, user: Any) -> list[WorkflowAction[M]]:
        """Exactly what `user` may do to `obj` now, in the table's order."""
        return [action for action in self if action.is_open(obj, user)]


def _transition_open(name: str) -> Callable[[Any, Any], bool]:
    """django-fsm's own answer: the source state allows it, its conditions hold and the user has the permission."""
    return lambda obj, user: bool(has_transition_perm(getattr(obj, name), user))


# --- The licence application ----------------------------------------------------------------------


def _decide(app: LicenceApplication, actor: Any, data: Data) -> LicenceApplication:
    # The checker decides on exactly the conditions shown (prefilled from the draft); a refusal carries none.
    conditions = [] if data["outcome"] == DecisionOutcome.REFUSE else data.get("conditions") or []
    return services.application_decide(
        application=app, actor=actor, outcome=data["outcome"], reasons=data["reasons"], conditions=conditions
    )


def _pending_conditions(app: LicenceApplication) -> Data:
    pending = recommendation_pending(application=app)
    return {"conditions": pending.draft_conditions if pending else []}


def _application_action(
    name: str,
    label: str | Promise,
    form_class: type[forms.Form] | None,
    perform: Callable[[LicenceApplication, Any, Data], LicenceApplication],
    **extra: Any,
) -> WorkflowAction[LicenceApplication]:
    return WorkflowAction(name, label, form_class, perform, is_open=_transition_open(name), **extra)


# The names are the transitions' names on LicenceApplication.
APPLICATION: Workflow[LicenceApplication] = Workflow(
    _application_action(
        "submit",
        _("Submit (firm admin)"),
        None,
        lambda app, actor, data: services.application_submit(application=app, actor=actor),
    ),
    _application_action(
        "accept",
        _("Accept for review"),
        case_forms.AcceptForm,
        lambda app, actor, data: services.application_accept(application=app, actor=actor),
    ),
    _application_action(
        "return_to_firm",
        _("Return to the firm"),
        case_forms.ReturnForm,
        lambda app, actor, data: services.application_return(application=app, actor=actor, reasons=data["reasons"]),
    ),
    _application_action(
        "request_information",
        _("Request information"),
        case_forms.RequestInformationForm,
        lambda app, actor, data: services.application_request_information(
            application=app, actor=actor, items=data["items"], due_date=data["due_date"]
        ),
    ),
    _application_action(
        "respond",
        _("Respond to the request for information (firm)"),
        None,
        lambda app, actor, data: services.application_respond(application=app, actor=actor),
    ),
    _application_action(
        "recommend",
        _("Recommend"),
        case_forms.RecommendForm,
        lambda app, actor, data: services.application_recommend(
            application=app,
            actor=actor,
            outcome=data["outcome"],
            reasons=data["reasons"],
            draft_conditions=data.get("draft_conditions") or [],
        ),
    ),
    _application_action(
        "recommend_final_grant",
        _("Recommend the final grant"),
        case_forms.RecommendFinalGrantForm,
        lambda app, actor, data: services.application_recommend_final_grant(
            application=app, actor=actor, reasons=data["reasons"], draft_conditions=data.get("draft_conditions") or []
        ),
    ),
    _application_action("decide", _("Decide"), case_forms.DecideForm, _decide, initial=_pending_conditions),
    _application_action(
        "send_back",
        _("Send back for further review"),
        case_forms.SendBackForm,
        lambda app, actor, data: services.application_send_back(application=app, actor=actor, comment=data["comment"]),
    ),
    _application_action(
        "withdraw",
        _("Withdraw (firm admin)"),
        None,
        lambda app, actor, data: services.application_withdraw(
            application=app, actor=actor, reason=data.get("reason") or ""
        ),
    ),
)


def application_actions_offered(
    *, application: LicenceApplication, user: Any
) -> list[WorkflowAction[LicenceApplication]]:
    """What `user` may do to the application now."""
    return APPLICATION.offered(application, user)


# --- The licence: changes proposed by one officer (four eyes), and the firm's surrender ------------


def _propose(action: str) -> Callable[[Licence, Any, Data], Licence]:
    def propose(licence: Licence, actor: Any, data: Data) -> Licence:
        change = licence_change_propose(
            licence=licence,
            actor=actor,
            action=action,
            reasons=data["reasons"],
            impose=data.get("impose") or [],
            lift=[condition.pk for condition in data.get("lift") or []],
        )
        return change.licence

    return propose


def _proposal_open(action: str) -> Callable[[Licence, Any], bool]:
    # What licence_change_propose checks, the cheap checks first: the state, the role, no proposal open.
    return lambda licence, user: (
        licence_change_possible(licence=licence, action=action)
        and licence_change_may_propose(user=user, licence=licence)
        and licence_change_open(licence=licence) is None
    )


def _proposal(action: str, label: str | Promise) -> WorkflowAction[Licence]:
    return WorkflowAction(
        action, label, licence_forms.LicenceChangeProposeForm, _propose(action), is_open=_proposal_open(action)
    )


A = LicenceChangeAction
LICENCE: Workflow[Licence] = Workflow(
    _proposal(A.SUSPEND, _("Propose suspension (four eyes)")),
    _proposal(A.REINSTATE, _("Propose reinstatement (four eyes)")),
    _proposal(A.REVOKE, _("Propose revocation (four eyes)")),
    WorkflowAction(
        "surrender",
        _("Surrender (firm admin)"),
        None,
        lambda licence, actor, data: services.licence_surrender(licence=licence, actor=actor, reasons=data["reasons"]),
        is_open=_transition_open("surrender"),
    ),
    _proposal(A.VARY_CONDITIONS, _("Propose varying conditions (four eyes)")),
)


def licence_actions_offered(*, licence: Licence, user: Any) -> list[WorkflowAction[Licence]]:
    """What `user` may do to the licence now: a change to propose (none while one is open), or surrender."""
    return LICENCE.offered(licence, user)


# --- A proposed licence change: the checker decides, the maker may take it back -------------------

LICENCE_CHANGE: Workflow[LicenceChange] = Workflow(
    WorkflowAction(
        "approve",
        _("Approve and carry out"),
        licence_forms.LicenceChangeApproveForm,
        lambda change, actor, data: licence_change_approve(change=change, actor=actor, note=data["note"]),
        is_open=lambda change, user: licence_change_may_decide(user=user, change=change),
    ),
    WorkflowAction(
        "reject",
        _("Reject"),
        licence_forms.LicenceChangeRejectForm,
        lambda change, actor, data: licence_change_reject(change=change, actor=actor, note=data["note"]),
        is_open=lambda change, user: licence_change_may_decide(user=user, change=change),
    ),
    WorkflowAction(
        "withdraw",
        _("Withdraw the proposal"),
        licence_forms.LicenceChangeWithdrawForm,
        lambda change, actor, data: licence_change_withdraw(change=change, actor=actor),
        is_open=_transition_open("withdraw"),
    ),
)


def licence_change_actions_offered(*, change: LicenceChange | None, user: Any) -> list[WorkflowAction[LicenceChange]]:
    """What `user` may do to the proposed change now (nothing when there is none)."""
    return [] if change is None else LICENCE_CHANGE.offered(change, user)
