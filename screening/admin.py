"""Sanctions entries and screening hits: read-only records; hits change only through screening_adjudicate."""

from typing import Any

import rules
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.signed_in import signed_in_user
from audit.admin import ReadOnlyAdminMixin
from screening.forms import AdjudicationForm
from screening.models import SanctionsEntry, ScreeningHit
from screening.services import screening_adjudicate
from vasp_licensing.pages import submit


@admin.register(SanctionsEntry)
class SanctionsEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "source", "source_id", "programme", "listed_on", "loaded_at")
    list_filter = ("source", "kind", "programme")
    search_fields = ("name", "aliases", "source_id", "reference")
    show_full_result_count = False
    exclude = ("match_names",)


@admin.register(ScreeningHit)
class ScreeningHitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "subject_label", "screened_name", "matched_name", "score", "status", "adjudicate")
    list_filter = ("status", "entry__source")
    list_select_related = ("application", "firm", "person", "entry")
    search_fields = ("application__reference", "screened_name", "matched_name", "entry__source_id")
    readonly_fields = ("subject_label",)

    @admin.display(description="subject")
    def subject_label(self, hit: ScreeningHit) -> str:
        return f"Firm: {hit.firm}" if hit.firm_id else f"Person: {hit.person}"

    @admin.display(description="")
    def adjudicate(self, hit: ScreeningHit) -> SafeString:
        url = reverse("admin:screening_screeninghit_adjudicate", args=[hit.pk])
        return format_html('<a href="{}">Adjudicate</a>', url)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/adjudicate/",
                self.admin_site.admin_view(self.adjudicate_view),
                name="screening_screeninghit_adjudicate",
            )
        ]
        return own + super().get_urls()  # before the change view's catch-all

    def adjudicate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        hit = self.get_object(request, unquote(object_id))
        if hit is None:
            raise Http404(f"No screening hit with id {object_id}.")
        if not self.has_view_permission(request, hit):
            raise PermissionDenied
        form = AdjudicationForm(request.POST if request.method == "POST" else None)
        if form.is_bound:
            submission = submit(
                request, form, lambda data: screening_adjudicate(hit=hit, actor=signed_in_user(request), **data)
            )
            if submission.done:
                messages.success(request, f"Marked {hit.screened_name!r}: {form.cleaned_data['status']}.")
                return HttpResponseRedirect(reverse("admin:screening_screeninghit_changelist"))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": hit,
            "form": form,
            "may_adjudicate": rules.has_perm("screening.adjudicate_hit", request.user, hit),
            "title": "Adjudicate screening hit",
        }
        return TemplateResponse(request, "admin/screening/screeninghit/adjudicate.html", context)
