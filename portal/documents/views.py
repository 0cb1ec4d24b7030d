"""The documents of an application in the portal: what is required, what was filed, the checks' findings.

Every required document type of the application's licence type is one requirement (per-person types
once per person of the firm), with its versions newest first, the findings the firm may see for the
current one, and an upload form. Uploading again files a new version; the service supersedes the old
one and decides whether uploads are open (draft, information requested) and who may upload.

Forms work without JavaScript (post, redirect, get). With htmx an upload replaces its requirement in
place, and a document whose checks are pending polls every two seconds until the checks finish
(DocumentChecksView). Every lookup goes through the user's firms: another firm's document is a 404.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.http import HTMX_STOP_POLLING

from accounts.signed_in import AnyUser, SignedInRequest
from applications import services
from applications.choices import DocumentCheckStatus
from applications.models import Document, DocumentType, LicenceApplication, Person
from applications.selectors import document_findings_for
from applications.services.documents import UPLOAD_STATES
from applications.services.downloads import document_download, document_response
from portal.access import MemberRequiredMixin, application_for_member
from portal.uploads import RefusedUploadMixin
from vasp_licensing.errors import NotPermitted
from vasp_licensing.pages import is_htmx_partial, submit
from vasp_licensing.uploads import UploadRefusal, upload_limit_bytes, upload_refusal


class DocumentUploadForm(RefusedUploadMixin):
    """A file and the date it bears. The date comes first: a refused oversized body stops at the file."""

    document_date = forms.DateField(
        label=gettext_lazy("Date on the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(
        self, *args: Any, document_type: DocumentType, refusal: UploadRefusal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.expect_refusal(refusal)
        extensions = [f".{extension}" for extension in document_type.extensions]
        limit = min(document_type.max_size_bytes, upload_limit_bytes())
        file_field = self.fields["file"]
        # Rendered unescaped by Django's field template; the extensions are configuration, so escape them.
        file_field.help_text = escape(
            _("Allowed file types: %(extensions)s. At most %(size)s.")
            % {"extensions": ", ".join(extensions), "size": filesizeformat(limit)}
        )
        file_field.widget.attrs["accept"] = ",".join(extensions)
        if document_type.max_age_months:
            self.fields["document_date"].help_text = escape(
                _("The date the document bears; it may be at most %(months)s months old.")
                % {"months": document_type.max_age_months}
            )


@dataclass
class Requirement:
    """One document the application needs: a type, for the firm or for one person, and what was filed."""

    document_type: DocumentType
    person: Person | None
    versions: list[Document]  # newest first
    form: DocumentUploadForm
    application: LicenceApplication

    @property
    def key(self) -> str:
        return requirement_key(self.document_type, self.person)

    @property
    def current(self) -> Document | None:
        return self.versions[0] if self.versions and self.versions[0].is_current else None

    @property
    def earlier(self) -> list[Document]:
        return self.versions[1:] if self.current else self.versions

    @property
    def upload_url(self) -> str:
        args: list[Any] = [self.application.reference, self.document_type.code]
        if self.person is None:
            return reverse("portal:document_upload", args=args)
        return reverse("portal:document_upload_for_person", args=[*args, self.person.pk])


def requirement_key(document_type: DocumentType, person: Person | None) -> str:
    """The requirement's id on the page and its form's prefix: unique, and safe in an HTML id."""
    return f"doc-{document_type.code}" if person is None else f"doc-{document_type.code}-person-{person.pk}"


def _required_types(application: LicenceApplication) -> list[DocumentType]:
    required = application.licence_type.required_documents.select_related("document_type")
    return [requirement.document_type for requirement in required.order_by("document_type__name")]


def _requirements(
    application: LicenceApplication, user: AnyUser, bound: dict[str, DocumentUploadForm] | None = None
) -> list[Requirement]:
    bound = bound or {}
    people = list(Person.objects.filter(firm_id=application.firm_id))
    versions: dict[tuple[int, int | None], list[Document]] = defaultdict(list)
    documents = application.documents.select_related("document_type", "person", "uploaded_by").order_by("-version")
    for document in documents:
        versions[(document.document_type_id, document.person_id)].append(document)
    rows = []
    for document_type in _required_types(application):
        for person in people if document_type.per_person else [None]:
            key = requirement_key(document_type, person)
            form = bound.get(key) or DocumentUploadForm(document_type=document_type, prefix=key)
            filed = versions.get((document_type.pk, person.pk if person else None), [])
            rows.append(Requirement(document_type, person, filed, form, application))
    for row in rows:
        if row.current is not None:
            _attach_findings(row.current, user)
    return rows


def _attach_findings(document: Document, user: AnyUser) -> Document:
    """The findings the user may see (never the internal ones for a firm), as `visible_findings`."""
    document.visible_findings = list(document_findings_for(document=document, user=user))  # type: ignore[attr-defined]
    return document


def _context(application: LicenceApplication, user: AnyUser, **extra: Any) -> dict[str, Any]:
    return {
        "application": application,
        "firm": application.firm,
        "nav": "firm",
        "upload_open": application.status in UPLOAD_STATES,
        "upload_limit": upload_limit_bytes(),
        **extra,
    }


def documents_url(application: LicenceApplication, anchor: str = "") -> str:
    url = reverse("portal:documents", args=[application.reference])
    return f"{url}#{anchor}" if anchor else url


def _document_for_member(user: AnyUser, pk: int) -> Document:
    document = (
        Document.objects.of_member(user)
        .filter(pk=pk)
        .select_related("application", "application__firm", "document_type", "person")
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    return document


class DocumentsView(MemberRequiredMixin, View):
    def get(self, request: SignedInRequest, reference: str) -> HttpResponse:
        application = application_for_member(request.user, reference)
        context = _context(application, request.user, requirements=_requirements(application, request.user))
        return TemplateResponse(request, "portal/documents/page.html", context)


class DocumentUploadView(MemberRequiredMixin, View):
    """POST one file for one requirement; any member of the firm may, while the service allows uploads."""

    http_method_names = ["post"]

    def post(self, request: SignedInRequest, reference: str, code: str, person_id: int | None = None) -> HttpResponse:
        application = application_for_member(request.user, reference)
        document_type = next((dt for dt in _required_types(application) if dt.code == code), None)
        if document_type is None or document_type.per_person != (person_id is not None):
            raise Http404("No such document requirement.")
        person = None
        if person_id is not None:
            person = Person.objects.filter(firm_id=application.firm_id, pk=person_id).first()
            if person is None:
                raise Http404("No such person.")
        key = requirement_key(document_type, person)
        form = DocumentUploadForm(
            request.POST, request.FILES, document_type=document_type, refusal=upload_refusal(request), prefix=key
        )
        submission = submit(
            request,
            form,
            lambda data: services.document_upload(
                application=application,
                actor=request.user,
                document_type=document_type,
                uploaded_file=data["file"],
                person=person,
                document_date=data["document_date"],
            ),
            input_field="file",  # what is wrong with the file belongs to the file input (aria-invalid, described)
        )
        document = submission.result
        partial = is_htmx_partial(request)
        done = ""
        if document is not None:
            done = _("%(type)s: version %(version)s uploaded; its checks are running.") % {
                "type": document_type.label,
                "version": document.version,
            }
            if not partial:
                messages.success(request, done)
                return HttpResponseRedirect(documents_url(application, key))
        bound = {} if document is not None else {key: form}
        application = application_for_member(request.user, reference)  # as it is now
        rows = _requirements(application, request.user, bound)
        if partial:
            # htmx swaps only 2xx answers: the errors come back as 200, in place.
            row = next(row for row in rows if row.key == key)
            context = _context(application, request.user, requirement=row, saved=done)
            return TemplateResponse(request, "portal/documents/_requirement.html", context)
        context = _context(application, request.user, requirements=rows, error_key=key)
        return TemplateResponse(request, "portal/documents/page.html", context, status=submission.status)


class DocumentChecksView(MemberRequiredMixin, View):
    """The check status and findings of one document: the fragment that polls while checks are pending.

    To a poll (htmx) it answers 200 with just the poller while the checks are pending, and 286 (htmx: stop
    polling) with the findings for the live region once they finish. A document the user cannot see
    (another firm's, or theirs no longer) is a 286 with an empty body to a poll, so a page left open by a
    removed member stops polling; it reveals no more than a 404 does, whatever the document. A plain
    request gets the whole fragment, or a 404.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if is_htmx_partial(request) and not request.user.is_authenticated:
            return HttpResponse(status=HTMX_STOP_POLLING)  # signed out meanwhile: stop, never swap in sign-in
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: SignedInRequest, pk: int) -> HttpResponse:
        polled = is_htmx_partial(request)
        try:
            document = _document_for_member(request.user, pk)
        except Http404:
            if polled:
                return HttpResponse(status=HTMX_STOP_POLLING)
            raise
        _attach_findings(document, request.user)
        pending = document.check_status == DocumentCheckStatus.PENDING
        context = {"document": document, "poll_only": polled and pending, "oob": polled and not pending}
        status = 200 if pending else HTMX_STOP_POLLING
        return TemplateResponse(request, "portal/documents/_checks.html", context, status=status)


class DocumentDownloadView(MemberRequiredMixin, View):
    """The file as an attachment, for members of the firm that filed it; every download is audited."""

    def get(self, request: SignedInRequest, pk: int) -> HttpResponseBase:
        document = _document_for_member(request.user, pk)
        try:
            download = document_download(document=document, actor=request.user)
        except NotPermitted as refusal:
            raise Http404("No such document.") from refusal
        return document_response(download)


urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/documents/", DocumentsView.as_view(), name="documents"),
    path(
        "applications/<str:reference>/documents/<slug:code>/",
        DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "applications/<str:reference>/documents/<slug:code>/people/<int:person_id>/",
        DocumentUploadView.as_view(),
        name="document_upload_for_person",
    ),
    path("documents/<int:pk>/checks/", DocumentChecksView.as_view(), name="document_checks"),
    path("documents/<int:pk>/download/", DocumentDownloadView.as_view(), name="document_download"),
]
