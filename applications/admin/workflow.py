"""A "Workflow" page for models with a state machine: the admin's door to the transition services.

The page offers what the model's workflow table (reviews/workflow.py, read by the workspace too) lets
the user do now and, on POST, calls that action's one service. The
service re-checks everything under a row lock; its DomainError is shown as a form error and
nothing changes. The admin never sets `status` or calls a transition method itself.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from applications.forms import WorkflowForm
from reviews.workflow import Workflow
from vasp_licensing.pages import submit


class WorkflowAdmin(admin.ModelAdmin):
    """Adds `<pk>/transition/`, offering the actions of `workflow` (the table the workspace reads too)."""

    workflow: Workflow[Any]
    workflow_form_class: type[WorkflowForm]
    workflow_template = "admin/workflow.html"

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        own = [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.workflow_view),
                name="{}_{}_transition".format(*info),
            )
        ]
        return own + super().get_urls()  # before the change view's catch-all <path:object_id>/

    # Hooks for subclasses.

    def workflow_form_kwargs(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def workflow_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    # The view.

    def workflow_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No %(name)s with id %(id)s.") % {"name": self.opts.verbose_name, "id": object_id})
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        offered = self.workflow.offered(obj, request.user)
        form = self.workflow_form_class(
            request.POST if request.method == "POST" else None,
            actions=[(action.name, action.label) for action in self.workflow],
            offered=[(action.name, action.label) for action in offered],
            initial=self.workflow_form_class.initial_for({action.name: action.initial(obj) for action in offered}),
            **self.workflow_form_kwargs(request, obj),
        )
        if request.method == "POST":
            submission = submit(request, form, lambda data: self._perform(request, obj, form))
            if (updated := submission.result) is not None:
                label = self.workflow[form.cleaned_data["action"]].label
                done = _("%(action)s: done. %(object)s is now %(state)s.")
                self.message_user(
                    request, done % {"action": label, "object": updated, "state": _state(updated)}, messages.SUCCESS
                )
                return HttpResponseRedirect(self.change_url(updated))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Workflow of %(object)s") % {"object": obj},
            "subtitle": None,
            "form": form,
            "offered": [action.name for action in offered],
            "state": _state(obj),
            "change_url": self.change_url(obj),
            **self.workflow_context(request, obj),
        }
        return TemplateResponse(request, self.workflow_template, context)

    def _perform(self, request: HttpRequest, obj: Any, form: WorkflowForm) -> Any:
        """The one service of the chosen action, from the table; returns the updated object."""
        return self.workflow[form.cleaned_data["action"]].perform(obj, request.user, form.action_data())

    def change_url(self, obj: models.Model) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])


def _state(obj: Any) -> str:
    return str(obj.get_status_display()).lower()
