"""Every audited action, registered once (Wagtail's `register_action` is the model).

An action carries everything the rest of the code asks of it: the code stored in AuditEvent.action
(stored events and the hash chain depend on it: never rename one), what staff call it, what the
firm calls it and which details of it the firm may read (None: the firm never sees it), the e-mail
template the firm is told with, and what it does to a licence's bank referrals.

Services pass the members below, never strings: audit.services refuses anything not registered here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.choices import DecisionOutcome
from banking.choices import CancelReason

Label = str | Promise
Facts = Mapping[str, Any]


class UnregisteredAction(LookupError):
    """An action that is not in this registry was about to be recorded: a programming error."""


@dataclass(frozen=True)
class LicenceEffect:
    """What a licence action does beyond the licence: the `change` the licence.updated webhook names,
    and the reason the firm's open bank referrals are cancelled with (None: they stay open)."""

    change: str
    cancels_referrals: CancelReason | None = None


@dataclass(frozen=True, eq=False)
class AuditAction:
    code: str
    label: Label
    firm_label: Label | None = None
    # The only details the firm may read: keys of the payload, after and before (in that order), or
    # "object_label". firm_detail sees these and nothing else, so a new payload key never leaks.
    firm_keys: tuple[str, ...] = ()
    firm_detail: Callable[[Facts], str] | None = None
    notify: str | None = None  # the notifications/email/<notify>.*.txt template the firm is told with
    licence_effect: LicenceEffect | None = None

    def __str__(self) -> str:
        return self.code

    @property
    def firm_sees(self) -> bool:
        return self.firm_label is not None

    def firm_facts(self, *, payload: Any, before: Any, after: Any, object_label: str) -> dict[str, Any]:
        """The event's details the firm may read, by firm_keys."""
        sources = (payload or {}, after or {}, before or {}, {"object_label": object_label})
        facts = {}
        for key in self.firm_keys:
            found = next((source for source in sources if key in source), None)
            if found is not None:
                facts[key] = found[key]
        return facts

    def firm_text(self, facts: Facts) -> str:
        return self.firm_detail(facts) if self.firm_detail is not None else ""


_REGISTRY: dict[str, AuditAction] = {}


def register(code: str, label: Label, **options: Any) -> AuditAction:
    if code in _REGISTRY:
        raise ValueError(f"The audit action {code!r} is registered twice.")
    action = AuditAction(code=code, label=label, **options)
    _REGISTRY[code] = action
    return action


def registered() -> list[AuditAction]:
    return list(_REGISTRY.values())


def action_for(code: str) -> AuditAction | None:
    """The registered action of a stored event, or None for a code no longer (or never) registered."""
    return _REGISTRY.get(code)


def action_checked(action: Any) -> AuditAction:
    """The action itself, when it is a member of this registry; anything else raises UnregisteredAction."""
    if not isinstance(action, AuditAction) or _REGISTRY.get(action.code) is not action:
        raise UnregisteredAction(f"{action!r} is not a registered audit action (audit/actions.py).")
    return action


def label_of(code: str) -> Label:
    """What staff call a stored event's action; a code not registered shows as recorded."""
    action = action_for(code)
    return action.label if action is not None else code


# What the firm reads of an event. Each gets only the facts its action's firm_keys name.


def _reason(facts: Facts) -> str:
    return str(facts.get("reason") or "")


def _created(facts: Facts) -> str:
    source = facts.get("copied_from")
    return _("Copied from %(reference)s.") % {"reference": source} if source else ""


def _information_requested(facts: Facts) -> str:
    if not facts.get("due_date"):
        return ""
    return _("%(count)s question(s), due %(due)s.") % {"count": facts.get("items", "?"), "due": facts["due_date"]}


def _answered(facts: Facts) -> str:
    return str(facts.get("object_label", ""))  # "N. the question": the firm's own request item


def _attached(facts: Facts) -> str:
    return _("%(name)s (version %(version)s)") % {"name": facts.get("name", ""), "version": facts.get("version")}


def _decided(facts: Facts) -> str:
    """The outcome; a refusal's reasons (the firm is told why), or the licence number. Never the recommendation."""
    outcome = facts.get("outcome")
    if outcome == DecisionOutcome.REFUSE:
        return _("Refused: %(reasons)s") % {"reasons": _reason(facts)}
    if outcome == DecisionOutcome.APPROVE_IN_PRINCIPLE:
        return _("Approved in principle.")
    if outcome == DecisionOutcome.APPROVE:
        return _("Approved; licence %(number)s issued.") % {"number": facts.get("licence", "")}
    return ""


def _conditions_varied(facts: Facts) -> str:
    imposed, lifted = facts.get("imposed") or [], facts.get("lifted") or []
    parts = []
    if imposed:
        parts.append(_("Imposed: %(conditions)s") % {"conditions": "; ".join(imposed)})
    if lifted:
        parts.append(_("Lifted: %(conditions)s") % {"conditions": "; ".join(lifted)})
    return " ".join(parts)


_REASON = {"firm_keys": ("reason",), "firm_detail": _reason}

# The licence application. Recommendations, send-backs, assignments and the firm's own edits are the
# regulator's working record: the firm's timeline does not show them.
APPLICATION_CREATE = register(
    "application.create",
    gettext_lazy("Application created"),
    firm_label=gettext_lazy("Application started"),
    firm_keys=("copied_from",),
    firm_detail=_created,
)
APPLICATION_UPDATE = register("application.update", gettext_lazy("Application edited"))
APPLICATION_SIGN_DECLARATION = register("application.sign_declaration", gettext_lazy("Declaration signed"))
APPLICATION_ASSIGN = register("application.assign", gettext_lazy("Assigned"))
APPLICATION_SUBMIT = register(
    "application.submit",
    gettext_lazy("Submitted"),
    firm_label=gettext_lazy("Application submitted"),
    notify="application_submitted",
)
APPLICATION_ACCEPT = register(
    "application.accept",
    gettext_lazy("Accepted for review"),
    firm_label=gettext_lazy("Accepted for review"),
    notify="application_accepted",
)
APPLICATION_RETURN = register(
    "application.return",
    gettext_lazy("Returned to the firm"),
    firm_label=gettext_lazy("Returned to the firm"),
    notify="application_returned",
    **_REASON,
)
APPLICATION_REQUEST_INFORMATION = register(
    "application.request_information",
    gettext_lazy("Information requested"),
    firm_label=gettext_lazy("Information requested"),
    firm_keys=("items", "due_date"),
    firm_detail=_information_requested,
    notify="information_requested",
)
APPLICATION_RESPOND = register(
    "application.respond",
    gettext_lazy("The firm responded"),
    firm_label=gettext_lazy("Answers sent to the regulator"),
    notify="information_received",
)
APPLICATION_RECOMMEND = register("application.recommend", gettext_lazy("Recommendation made"))
APPLICATION_RECOMMEND_FINAL_GRANT = register(
    "application.recommend_final_grant", gettext_lazy("Final grant recommended")
)
APPLICATION_DECIDE = register(
    "application.decide",
    gettext_lazy("Decided"),
    firm_label=gettext_lazy("Decision"),
    firm_keys=("outcome", "reason", "licence"),
    firm_detail=_decided,
    notify="application_decided",
)
APPLICATION_SEND_BACK = register("application.send_back", gettext_lazy("Sent back for further review"))
APPLICATION_WITHDRAW = register(
    "application.withdraw",
    gettext_lazy("Withdrawn by the firm"),
    firm_label=gettext_lazy("Application withdrawn"),
    notify="application_withdrawn",
    **_REASON,
)

DOCUMENT_UPLOAD = register("document.upload", gettext_lazy("Document uploaded"))
DOCUMENT_COPY = register("document.copy", gettext_lazy("Document copied from an earlier application"))
DOCUMENT_CHECKS = register("document.checks", gettext_lazy("Document checked"))
DOCUMENT_DOWNLOAD = register("document.download", gettext_lazy("Document downloaded"))

INFORMATION_REQUEST_ANSWER = register(
    "information_request.answer",
    gettext_lazy("Question answered"),
    firm_label=gettext_lazy("Question answered"),
    firm_keys=("object_label",),
    firm_detail=_answered,
)
INFORMATION_REQUEST_ATTACH_DOCUMENT = register(
    "information_request.attach_document",
    gettext_lazy("Document attached to an answer"),
    firm_label=gettext_lazy("Document attached to an answer"),
    firm_keys=("name", "version"),
    firm_detail=_attached,
)
# Its notices (to the firm and to the officer) are sent by the deadline service, keyed by the request.
INFORMATION_REQUEST_ESCALATE = register("information_request.escalate", gettext_lazy("Overdue request escalated"))

SCREENING_LIST_LOAD = register("screening.list_load", gettext_lazy("Screening list loaded"))
SCREENING_RUN = register("screening.run", gettext_lazy("Names screened"))
SCREENING_ADJUDICATE = register("screening.adjudicate", gettext_lazy("Screening hit adjudicated"))
CHECKLIST_RECORD = register("checklist.record", gettext_lazy("Checklist recorded"))
NOTE_ADD = register("note.add", gettext_lazy("Internal note added"))

# The licence. Its issue is recorded by application.decide; "licence.issue" stays for older events.
LICENCE_ISSUE = register("licence.issue", gettext_lazy("Licence issued"))
LICENCE_SUSPEND = register(
    "licence.suspend",
    gettext_lazy("Licence suspended"),
    firm_label=gettext_lazy("Licence suspended"),
    notify="licence_changed",
    licence_effect=LicenceEffect("suspend", cancels_referrals=CancelReason.LICENCE_SUSPENDED),
    **_REASON,
)
LICENCE_REINSTATE = register(
    "licence.reinstate",
    gettext_lazy("Licence reinstated"),
    firm_label=gettext_lazy("Licence reinstated"),
    notify="licence_changed",
    licence_effect=LicenceEffect("reinstate"),
    **_REASON,
)
LICENCE_REVOKE = register(
    "licence.revoke",
    gettext_lazy("Licence revoked"),
    firm_label=gettext_lazy("Licence revoked"),
    notify="licence_changed",
    licence_effect=LicenceEffect("revoke", cancels_referrals=CancelReason.LICENCE_REVOKED),
    **_REASON,
)
LICENCE_SURRENDER = register(
    "licence.surrender",
    gettext_lazy("Licence surrendered"),
    firm_label=gettext_lazy("Licence surrendered"),
    notify="licence_changed",
    licence_effect=LicenceEffect("surrender", cancels_referrals=CancelReason.LICENCE_SURRENDERED),
    **_REASON,
)
LICENCE_VARY_CONDITIONS = register(
    "licence.vary_conditions",
    gettext_lazy("Licence conditions varied"),
    firm_label=gettext_lazy("Licence conditions varied"),
    firm_keys=("imposed", "lifted"),
    firm_detail=_conditions_varied,
    notify="licence_changed",
    licence_effect=LicenceEffect("vary_conditions"),
)
LICENCE_CERTIFICATE_DOWNLOAD = register("licence.certificate_download", gettext_lazy("Licence certificate downloaded"))

LICENCE_CHANGE_PROPOSE = register("licence_change.propose", gettext_lazy("Licence change proposed"))
LICENCE_CHANGE_APPROVE = register("licence_change.approve", gettext_lazy("Licence change approved"))
LICENCE_CHANGE_REJECT = register("licence_change.reject", gettext_lazy("Licence change rejected"))
LICENCE_CHANGE_WITHDRAW = register("licence_change.withdraw", gettext_lazy("Licence change withdrawn"))

# The firm and its people, and the firm's team.
FIRM_CREATE = register("firm.create", gettext_lazy("Firm created"))
FIRM_UPDATE = register("firm.update", gettext_lazy("Firm details edited"))
PERSON_CREATE = register("person.create", gettext_lazy("Person added"))
PERSON_UPDATE = register("person.update", gettext_lazy("Person edited"))
PERSON_REMOVE = register("person.remove", gettext_lazy("Person removed"))
FIRM_INVITE = register("firm.invite", gettext_lazy("Member invited"))
FIRM_INVITATION_REVOKE = register("firm.invitation_revoke", gettext_lazy("Invitation revoked"))
FIRM_INVITATION_ACCEPT = register("firm.invitation_accept", gettext_lazy("Invitation accepted"))
FIRM_MEMBER_ROLE_CHANGE = register("firm.member_role_change", gettext_lazy("Member's role changed"))
FIRM_MEMBER_REMOVE = register("firm.member_remove", gettext_lazy("Member removed"))

# Partner banks and their referrals. referral.<status> are the statuses a bank reports.
BANK_CREATE = register("bank.create", gettext_lazy("Partner bank created"))
BANK_ROTATE_CREDENTIALS = register("bank.rotate_credentials", gettext_lazy("Bank credentials rotated"))
REFERRAL_CREATE = register("referral.create", gettext_lazy("Referral requested"))
REFERRAL_DELIVER = register("referral.deliver", gettext_lazy("Referral delivered to the bank"))
REFERRAL_ACKNOWLEDGED = register("referral.acknowledged", gettext_lazy("Referral acknowledged by the bank"))
REFERRAL_IN_REVIEW = register("referral.in_review", gettext_lazy("Referral in review at the bank"))
REFERRAL_INFORMATION_REQUESTED = register(
    "referral.information_requested", gettext_lazy("The bank requested information")
)
REFERRAL_ACCOUNT_OPENED = register("referral.account_opened", gettext_lazy("Account opened"))
REFERRAL_DECLINED = register("referral.declined", gettext_lazy("Referral declined by the bank"))
REFERRAL_ANSWER = register("referral.answer", gettext_lazy("The bank's question answered"))
REFERRAL_CANCEL = register("referral.cancel", gettext_lazy("Referral cancelled"))
WEBHOOK_REPLAY = register("webhook.replay", gettext_lazy("Webhook delivery replayed"))

# What the admin may edit (configuration, firm master data, users), by audit.admin.AuditedAdminMixin.
ADMIN_ADD = register("admin.add", gettext_lazy("Added in the admin"))
ADMIN_CHANGE = register("admin.change", gettext_lazy("Changed in the admin"))
ADMIN_DELETE = register("admin.delete", gettext_lazy("Deleted in the admin"))
