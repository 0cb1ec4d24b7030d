"""The firm follows its case: the state and what happens next, the firm's timeline, requests for
information answered item by item, the licence and its certificate, and copying a returned or refused
application into a new draft.

Every object is reached through the user's firms (portal.access): another firm's
application, request item or licence is a 404. What a member may do is decided by the services.
Forms work without JavaScript (post, redirect, get); with htmx an item's forms swap just that item.
"""

from dataclasses import dataclass, field
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.signed_in import AnyUser, SignedInRequest
from applications.choices import WITHDRAWABLE_STATUSES, ApplicationStatus, LicenceStatus
from applications.models import LicenceApplication
from applications.services import application_copy, application_respond
from applications.services.certificates import licence_certificate_pdf
from applications.services.transitions import information_item_upload_document
from portal.access import MemberRequiredMixin, application_for_member, licence_for_member
from portal.cases import selectors
from portal.cases.forms import ActionForm, ItemAnswerForm, ItemDocumentForm
from reviews.models import InformationRequestItem
from reviews.services import information_item_answer
from vasp_licensing.links import absolute_reverse
from vasp_licensing.pages import is_htmx_partial, submit
from vasp_licensing.uploads import upload_refusal

App = LicenceApplication
COPYABLE = (ApplicationStatus.RETURNED, ApplicationStatus.REFUSED)


def case_url(application: App, anchor: str = "") -> str:
    url = reverse("portal:case", args=[application.reference])
    return f"{url}#{anchor}" if anchor else url


@dataclass
class ItemRow:
    """One question, with its forms while the firm may still answer it."""

    item: InformationRequestItem
    answer_form: ItemAnswerForm | None
    document_form: ItemDocumentForm | None
    saved: str = ""
    errors: list[str] = field(default_factory=list)  # a refusal on an item that no longer takes answers

    @property
    def anchor(self) -> str:
        return f"item-{self.item.pk}"


def _may_answer(user: AnyUser, application: App) -> bool:
    return application.status == ApplicationStatus.INFORMATION_REQUESTED and rules.has_perm(
        "applications.answer_information_request", user, application
    )


def _item_row(
    item: InformationRequestItem, *, open_for_answers: bool, bound: dict[str, forms.Form], saved: str = ""
) -> ItemRow:
    prefix = f"item-{item.pk}"
    if not (open_for_answers and item.request.is_open):
        posted = [bound[key] for key in (f"{prefix}-answer", f"{prefix}-document") if key in bound]
        errors = [str(error) for form in posted for error in form.non_field_errors()]
        return ItemRow(item=item, answer_form=None, document_form=None, errors=errors)
    answer_form = bound.get(f"{prefix}-answer") or ItemAnswerForm(prefix=prefix, initial={"answer": item.answer})
    document_form = bound.get(f"{prefix}-document")
    if document_form is None:
        document_form = ItemDocumentForm(prefix=f"{prefix}-doc")
        type_field = document_form.fields["document_type"]
        assert isinstance(type_field, forms.ModelChoiceField)
        types = list(type_field.queryset) if type_field.queryset is not None else []
        guess = selectors.document_type_guess(question=item.question, types=types)
        document_form.initial["document_type"] = guess.pk if guess else None
    return ItemRow(
        item=item,
        answer_form=answer_form,  # type: ignore[arg-type]
        document_form=document_form,  # type: ignore[arg-type]
        saved=saved,
    )


def _request_rows(application: App, user: AnyUser, bound: dict[str, forms.Form]) -> list[tuple[Any, list[ItemRow]]]:
    open_for_answers = _may_answer(user, application)
    return [
        (view, [_item_row(item, open_for_answers=open_for_answers, bound=bound) for item in view.items])
        for view in selectors.firm_information_requests(application=application)
    ]


def _page_context(request: HttpRequest, application: App, bound: dict[str, forms.Form]) -> dict[str, Any]:
    user = request.user
    # Refusals by a service, at the top of the page as well (an item closed meanwhile no longer shows its form).
    error_summary = [str(error) for form in bound.values() for error in form.non_field_errors()]
    may_create = rules.has_perm("applications.create", user, application.firm)
    return {
        "firm": application.firm,
        "nav": "firm",
        "application": application,
        "licence": selectors.licence_of(application=application),
        "due_date": selectors.open_request_due(application=application),
        "aip_conditions": selectors.conditions_in_principle(application=application),
        "requests": _request_rows(application, user, bound),
        "may_respond": _may_answer(user, application) and rules.has_perm("applications.respond", user, application),
        "timeline": selectors.firm_timeline(application=application),
        "submission": selectors.firm_submission(application=application),
        "copyable": application.status in COPYABLE,
        "may_copy": may_create,
        # Until the final decision a firm admin may withdraw; the withdraw page (portal.drafts) serves every state.
        "may_withdraw": application.status in WITHDRAWABLE_STATUSES
        and rules.has_perm("applications.withdraw", user, application),
        "error_summary": error_summary,
    }


def render_case(
    request: HttpRequest, application: App, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> TemplateResponse:
    context = _page_context(request, application, bound or {})
    return TemplateResponse(request, "portal/cases/case.html", context, status=status)


def _fresh(reference: str, user: AnyUser) -> App:
    """Read again, so a page after a refusal shows the case as it is now."""
    return application_for_member(user, reference)


class CaseView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = application_for_member(request.user, reference)
        if application.status == ApplicationStatus.DRAFT:
            return redirect("portal:application", reference=application.reference)
        return render_case(request, application)


class ItemView(MemberRequiredMixin, View):
    """POST one item's answer or document. Under htmx the item (and the request's tally) comes back in place."""

    http_method_names = ["post"]

    def item_or_404(self, application: App, item_id: int) -> InformationRequestItem:
        item = selectors.firm_information_item(application=application, item_id=item_id)
        if item is None:
            raise Http404(_("No such question."))
        return item

    def respond(
        self,
        request: SignedInRequest,
        application: App,
        item: InformationRequestItem,
        key: str,
        form: forms.Form,
        done: str,
    ) -> HttpResponse:
        submission = submit(request, form, lambda data: self.perform(request, item, data))
        saved = submission.done
        anchor = f"item-{item.pk}"
        partial = is_htmx_partial(request)
        if saved and not partial:
            messages.success(request, done)
            return HttpResponseRedirect(case_url(application, anchor))
        application = _fresh(application.reference, request.user)
        if not partial:
            return render_case(request, application, bound={key: form}, status=submission.status)
        item = self.item_or_404(application, item.pk)
        bound = {} if saved else {key: form}
        row = _item_row(
            item, open_for_answers=_may_answer(request.user, application), bound=bound, saved=done if saved else ""
        )
        request_view = next(
            view
            for view in selectors.firm_information_requests(application=application)
            if view.request.pk == item.request_id
        )
        context = {"application": application, "row": row, "view": request_view, "oob": True}
        return TemplateResponse(request, "portal/cases/_item.html", context)

    def perform(self, request: SignedInRequest, item: InformationRequestItem, data: dict[str, Any]) -> None:
        raise NotImplementedError


class ItemAnswerView(ItemView):
    def post(self, request: SignedInRequest, reference: str, item_id: int) -> HttpResponse:
        application = application_for_member(request.user, reference)
        item = self.item_or_404(application, item_id)
        prefix = f"item-{item.pk}"
        form = ItemAnswerForm(request.POST, prefix=prefix)
        done = _("Answer to question %(position)s saved.") % {"position": item.position}
        return self.respond(request, application, item, f"{prefix}-answer", form, done)

    def perform(self, request: SignedInRequest, item: InformationRequestItem, data: dict[str, Any]) -> None:
        information_item_answer(item=item, actor=request.user, answer=data["answer"])


class ItemDocumentView(ItemView):
    def post(self, request: SignedInRequest, reference: str, item_id: int) -> HttpResponse:
        application = application_for_member(request.user, reference)
        item = self.item_or_404(application, item_id)
        prefix = f"item-{item.pk}"
        form = ItemDocumentForm(request.POST, request.FILES, refusal=upload_refusal(request), prefix=f"{prefix}-doc")
        done = _("Document attached to question %(position)s.") % {"position": item.position}
        return self.respond(request, application, item, f"{prefix}-document", form, done)

    def perform(self, request: SignedInRequest, item: InformationRequestItem, data: dict[str, Any]) -> None:
        information_item_upload_document(
            item=item, actor=request.user, document_type=data["document_type"], uploaded_file=data["file"]
        )


class RespondView(MemberRequiredMixin, View):
    """Send the answers: the request closes and the review resumes, once every question is answered."""

    http_method_names = ["post"]

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = application_for_member(request.user, reference)
        form = ActionForm(request.POST)
        submission = submit(
            request, form, lambda data: application_respond(application=application, actor=request.user)
        )
        if not submission.done:
            return render_case(
                request, _fresh(reference, request.user), bound={"respond": form}, status=submission.status
            )
        messages.success(request, _("Your answers were sent. The regulator resumes the review."))
        return HttpResponseRedirect(case_url(application))


class CopyView(MemberRequiredMixin, View):
    """Start a new draft from a returned or refused application (a firm admin's act)."""

    http_method_names = ["post"]

    def post(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = application_for_member(request.user, reference)
        form = ActionForm(request.POST)
        submission = submit(request, form, lambda data: application_copy(source=application, actor=request.user))
        if (copy := submission.result) is None:
            return render_case(request, _fresh(reference, request.user), bound={"copy": form}, status=submission.status)
        messages.success(
            request,
            _("New draft %(reference)s started from %(source)s.")
            % {"reference": copy.reference, "source": application.reference},
        )
        return redirect("portal:application", reference=copy.reference)


class LicenceView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, number: str) -> HttpResponse:
        licence = licence_for_member(request.user, number)
        context = {
            "firm": licence.firm,
            "nav": "firm",
            "page": selectors.firm_licence_page(licence=licence),
            "licence": licence,
            "in_force": licence.status == LicenceStatus.ACTIVE,
        }
        return TemplateResponse(request, "portal/cases/licence.html", context)


def verify_url(number: str) -> str:
    """Where anyone can check the licence: the public register searched for its number."""
    return absolute_reverse("register:index", query={"q": number})


class LicenceCertificateView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, number: str) -> HttpResponse:
        licence = licence_for_member(request.user, number)
        pdf = licence_certificate_pdf(licence=licence, actor=request.user, verify_url=verify_url(licence.number))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{licence.number}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/case/", CaseView.as_view(), name="case"),
    path(
        "applications/<str:reference>/case/items/<int:item_id>/answer/",
        ItemAnswerView.as_view(),
        name="case_item_answer",
    ),
    path(
        "applications/<str:reference>/case/items/<int:item_id>/documents/",
        ItemDocumentView.as_view(),
        name="case_item_document",
    ),
    path("applications/<str:reference>/case/respond/", RespondView.as_view(), name="case_respond"),
    path("applications/<str:reference>/case/copy/", CopyView.as_view(), name="case_copy"),
    path("licences/<str:number>/", LicenceView.as_view(), name="licence"),
    path("licences/<str:number>/certificate.pdf", LicenceCertificateView.as_view(), name="licence_certificate"),
]
