"""The firm's banking pages: choose partner banks with consent, follow each referral, answer a bank, cancel.

Every object is reached through the signed-in user's firms (a 404 for another firm's, by link or by id).
What a member may do is decided by banking.rules inside the services, which explain refusals; the
pages only offer what the rules allow and say why not otherwise. Forms work without JavaScript
(post, redirect, get); with htmx (hx-boost) the same answers come back and replace the page.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from accounts.selectors import firm_member_ids, user_is_regulator_staff
from accounts.signed_in import AnyUser, SignedInRequest
from applications.models import Firm, Licence, LicenceApplication
from banking import selectors
from banking.choices import CLOSED_REFERRAL_STATUSES, ReferralStatus
from banking.models import Referral
from banking.services.referrals import qualifying_application, referral_answer, referral_cancel, referral_request
from portal.access import MemberRequiredMixin, firm_for_member
from portal.banking import forms as banking_forms
from vasp_licensing.pages import submit

R = ReferralStatus


def referral_for_member(user: AnyUser, public_id: Any) -> Referral:
    referral = selectors.referral_of_member(user=user, public_id=public_id)
    if referral is None:
        raise Http404(_("No such referral."))
    return referral


# --- Choosing banks ------------------------------------------------------------------------------


def why_not_qualifying(firm: Firm) -> str:
    """In plain words, why the firm cannot ask for referrals yet (qualifying_application found nothing)."""
    licence = Licence.objects.filter(firm=firm).order_by("-granted_at").first()
    if licence is not None:
        return _(
            "The firm's licence %(number)s is %(status)s. Bank referrals are for firms with an active licence "
            "or an approval in principle."
        ) % {"number": licence.number, "status": licence.get_status_display().lower()}
    pending = LicenceApplication.objects.open().filter(firm=firm).order_by("-created_at").first()
    if pending is not None:
        return _(
            "The firm's application %(reference)s is %(status)s. Once it is approved, or approved in principle, "
            "you can ask for bank referrals here."
        ) % {"reference": pending.reference, "status": pending.get_status_display().lower()}
    return _(
        "The firm has no licence and no approval in principle yet. Bank referrals are for firms with an active "
        "licence or an approval in principle: apply for a licence first."
    )


class BankingView(MemberRequiredMixin, View):
    template_name = "portal/banking/banking.html"

    def get(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        return self.render(request, firm_for_member(request.user, firm_id))

    def post(self, request: SignedInRequest, firm_id: int) -> HttpResponse:
        firm = firm_for_member(request.user, firm_id)
        form = banking_forms.ReferralRequestForm(request.POST, banks=selectors.partner_banks_for_firm(firm=firm))
        submission = submit(
            request,
            form,
            lambda data: referral_request(
                firm=firm, banks=data["banks"], actor=request.user, consent_text=banking_forms.consent_text(firm)
            ),
        )
        if created := submission.result:
            names = ", ".join(referral.bank.name for referral in created)
            messages.success(
                request,
                _("Referral requested to %(banks)s. Each bank receives the firm's data pack.") % {"banks": names},
            )
            return HttpResponseRedirect(reverse("portal:banking", args=[firm.pk]))
        return self.render(request, firm, form=form, status=submission.status)

    def render(
        self, request: HttpRequest, firm: Firm, *, form: forms.Form | None = None, status: int = 200
    ) -> TemplateResponse:
        qualifying = qualifying_application(firm=firm)
        may_request = rules.has_perm("banking.request_referral", request.user, firm)
        banks = selectors.partner_banks_for_firm(firm=firm)
        if form is None and qualifying is not None and may_request:
            form = banking_forms.ReferralRequestForm(banks=banks)
        context = {
            "firm": firm,
            "nav": "banking",
            "qualifying": qualifying,
            "why_not": why_not_qualifying(firm) if qualifying is None else "",
            "may_request": may_request,
            "has_banks": bool(banks),
            "form": form,
            "consent_text": banking_forms.consent_text(firm),
            "referrals": selectors.referral_list_for_firm(firm=firm),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


# --- One referral --------------------------------------------------------------------------------

PATH = (R.REQUESTED, R.DELIVERED, R.ACKNOWLEDGED, R.IN_REVIEW)
POSITION: dict[str, int] = {
    R.REQUESTED: 0,
    R.DELIVERED: 1,
    R.ACKNOWLEDGED: 2,
    R.IN_REVIEW: 3,
    R.INFORMATION_REQUESTED: 3,
}


@dataclass(frozen=True)
class Step:
    label: Any  # a translatable label: str or a lazy string
    state: str  # done, current, upcoming, stopped
    detail: str = ""


@dataclass(frozen=True)
class Event:
    at: datetime
    what: str
    who: str
    text: str = ""


def progress_steps(referral: Referral, reached: set[str]) -> list[Step]:
    """requested → delivered → acknowledged → in review → account opened / declined / cancelled."""
    closed = referral.status in CLOSED_REFERRAL_STATUSES
    furthest = max((POSITION[state] for state in reached | {referral.status} if state in POSITION), default=0)
    steps = []
    for position, status in enumerate(PATH):
        detail = ""
        if not closed and POSITION[referral.status] == position:
            state = "current"
            if referral.status == R.INFORMATION_REQUESTED:
                detail = _("The bank asked the firm for information.")
        elif position <= furthest:
            state = "done"
        else:
            state = "upcoming"
        steps.append(Step(label=R(status).label, state=state, detail=detail))
    if referral.status == R.ACCOUNT_OPENED:
        steps.append(Step(label=R.ACCOUNT_OPENED.label, state="done"))
    elif referral.status == R.DECLINED:
        steps.append(Step(label=R.DECLINED.label, state="stopped", detail=referral.get_decline_reason_display()))
    elif referral.status == R.CANCELLED:
        steps.append(Step(label=R.CANCELLED.label, state="stopped", detail=referral.get_cancel_reason_display()))
    else:
        steps.append(Step(label=_("Account opened, or declined"), state="upcoming"))
    return steps


def _who(referral: Referral, user: User | None, members: set[int]) -> str:
    """Who acted, as the firm may know it: its own members by name, the bank by its name, nobody else by name.

    A licence change cancels referrals with an officer as the actor; the firm sees "The regulator". Anyone
    else (who consented, answered or cancelled while in the team) has left the firm's team since."""
    if user is None:
        return _("the system")
    if user.pk == referral.bank.service_user_id:
        return referral.bank.name
    if user.pk in members:
        return str(user.get_full_name() or user.email)
    if user_is_regulator_staff(user=user):
        return _("The regulator")
    return _("A former member of the firm's team")


def referral_events(referral: Referral) -> tuple[list[Event], set[str]]:
    """The referral's history, oldest first: the request, each move (with the note), each answer of the firm."""
    history = selectors.referral_history(referral=referral)
    members = firm_member_ids(firm=referral.firm)
    events = [
        Event(
            at=referral.consent_given_at,
            what=_("Referral requested with the firm's consent (%(reference)s)")
            % {"reference": referral.consent_reference},
            who=_who(referral, referral.consent_given_by, members),
        )
    ]
    for log in history:
        label = R(log.state).label if log.state in R.values else log.state
        events.append(
            Event(at=log.timestamp, what=str(label), who=_who(referral, log.by, members), text=log.description or "")
        )
    for answer in selectors.referral_answers(referral=referral):
        events.append(
            Event(
                at=answer.created_at,
                what=_("The firm answered the bank"),
                who=_who(referral, answer.author, members),
                text=answer.text,
            )
        )
    events.sort(key=lambda event: event.at)
    reached = {log.state for log in history} | {log.source_state for log in history if log.source_state}
    return events, reached


class ReferralView(MemberRequiredMixin, View):
    template_name = "portal/banking/referral.html"

    def get(self, request: SignedInRequest, public_id: Any) -> HttpResponse:
        return self.render(request, referral_for_member(request.user, public_id))

    def render(
        self, request: HttpRequest, referral: Referral, *, bound: dict[str, forms.Form] | None = None, status: int = 200
    ) -> TemplateResponse:
        bound = bound or {}
        user = request.user
        events, reached = referral_events(referral)
        may_cancel = referral.is_open and rules.has_perm("banking.cancel", user, referral)
        may_answer = referral.status == R.INFORMATION_REQUESTED and rules.has_perm(
            "banking.answer_referral", user, referral
        )
        context = {
            "firm": referral.firm,
            "nav": "banking",
            "referral": referral,
            "steps": progress_steps(referral, reached),
            "events": events,
            "cancel_form": bound.get("cancel") or (banking_forms.ReferralCancelForm() if may_cancel else None),
            "answer_form": bound.get("answer") or (banking_forms.ReferralAnswerForm() if may_answer else None),
            "cancel_not_allowed": referral.is_open and not may_cancel,
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class ReferralCancelView(ReferralView):
    http_method_names = ["post"]

    def post(self, request: SignedInRequest, public_id: Any) -> HttpResponse:
        referral = referral_for_member(request.user, public_id)
        form = banking_forms.ReferralCancelForm(request.POST)
        submission = submit(
            request, form, lambda data: referral_cancel(referral=referral, actor=request.user, reason=data["reason"])
        )
        if submission.done:
            messages.success(request, _("The referral to %(bank)s is cancelled.") % {"bank": referral.bank.name})
            return HttpResponseRedirect(reverse("portal:referral", args=[referral.public_id]))
        fresh = referral_for_member(request.user, public_id)
        return self.render(request, fresh, bound={"cancel": form}, status=submission.status)


class ReferralAnswerView(ReferralView):
    http_method_names = ["post"]

    def post(self, request: SignedInRequest, public_id: Any) -> HttpResponse:
        referral = referral_for_member(request.user, public_id)
        form = banking_forms.ReferralAnswerForm(request.POST)
        submission = submit(
            request, form, lambda data: referral_answer(referral=referral, actor=request.user, text=data["text"])
        )
        if submission.done:
            messages.success(request, _("Your answer was sent to %(bank)s.") % {"bank": referral.bank.name})
            return HttpResponseRedirect(reverse("portal:referral", args=[referral.public_id]))
        fresh = referral_for_member(request.user, public_id)
        return self.render(request, fresh, bound={"answer": form}, status=submission.status)


urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/banking/", BankingView.as_view(), name="banking"),
    path("referrals/<uuid:public_id>/", ReferralView.as_view(), name="referral"),
    path("referrals/<uuid:public_id>/cancel/", ReferralCancelView.as_view(), name="referral_cancel"),
    path("referrals/<uuid:public_id>/answer/", ReferralAnswerView.as_view(), name="referral_answer"),
]
