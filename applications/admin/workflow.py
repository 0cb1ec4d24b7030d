"""A "Workflow" page for models with a state machine: the admin's door to the transition services.

The page offers what the user may do now (django-fsm's has_transition and has_transition_perm,
which ask the rules in applications/rules.py) and, on POST, calls exactly one service. The
service re-checks everything under a row lock; its DomainError is shown as a form error and
nothing changes. The admin never sets `status` or calls a transition method itself.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from accounts.signed_in import AnyUser
from applications.forms import WorkflowForm
from applications.selectors import transitions_open
from vasp_licensing.pages import submit


def open_transitions(obj: models.Model, user: AnyUser, names: Sequence[str], field_name: str = "status") -> list[str]:
    """The transitions among `names` that `user` may fire on obj now; shared with the workspace."""
    return transitions_open(obj=obj, user=user, names=names, field_name=field_name)


class WorkflowAdmin(admin.ModelAdmin):
    """Adds `<pk>/transition/`. Subclasses name the actions and say which service each one calls."""

    workflow_form_class: type[WorkflowForm]
    workflow_actions: dict[str, str] = {}  # action name -> label, in the order offered
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

    def offered_actions(self, request: HttpRequest, obj: Any) -> list[str]:
        raise NotImplementedError

    def perform_action(self, request: HttpRequest, obj: Any, action: str, data: dict[str, Any]) -> Any:
        """Call the one service for `action`; return the updated object."""
        raise NotImplementedError

    def workflow_form_kwargs(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def workflow_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    # The view.

    def workflow_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        offered = self.offered_actions(request, obj)
        form = self.workflow_form_class(
            request.POST if request.method == "POST" else None,
            actions=list(self.workflow_actions.items()),
            offered=[(name, self.workflow_actions[name]) for name in offered],
            **self.workflow_form_kwargs(request, obj),
        )
        if request.method == "POST":
            submission = submit(request, form, lambda data: self.perform_action(request, obj, data["action"], data))
            if (updated := submission.result) is not None:
                label = self.workflow_actions[form.cleaned_data["action"]]
                self.message_user(request, f"{label}: done. {updated} is now {_state(updated)}.", messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(updated))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Workflow of {obj}",
            "subtitle": None,
            "form": form,
            "offered": offered,
            "state": _state(obj),
            "change_url": self.change_url(obj),
            **self.workflow_context(request, obj),
        }
        return TemplateResponse(request, self.workflow_template, context)

    def change_url(self, obj: models.Model) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])


def _state(obj: Any) -> str:
    return str(obj.get_status_display()).lower()
