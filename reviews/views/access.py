"""Who may enter the workspace at all: a signed-in regulator (any role). What they may do on each case
is still decided per object by the rules tables, in the services."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from accounts.rules import is_regulator


class RegulatorRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to sign-in; signed-in users without a regulator role get 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not is_regulator(request.user):
            raise PermissionDenied(_("The workspace is for the regulator's staff."))
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response
