"""Which rows of a firm's records a user may see: NetBox's `RestrictedQuerySet.restrict`, for our two sides.

Every model that belongs to a firm gets its QuerySet from `FirmScopedQuerySet`, naming the path to the firm.
Views and selectors look a user's objects up through these methods, never with a hand-written
`firm__in=...`, so another firm's object is not found, exactly like a missing one (a 404, not a 403).
"""

from typing import ClassVar, Self, TypeVar

from django.apps import apps
from django.db import models

from accounts.rules import is_regulator
from accounts.signed_in import AnyUser, is_signed_in

_M = TypeVar("_M", bound=models.Model)


class FirmScopedQuerySet(models.QuerySet[_M]):
    """A QuerySet of rows owned by a firm, reached from the row by `firm_path` ("" for the firm itself)."""

    firm_path: ClassVar[str] = "firm"

    def of_member(self, user: AnyUser) -> Self:
        """The rows of the firms `user` is an active member of: what the applicant portal shows them."""
        if not is_signed_in(user):
            return self.none()
        if not self.firm_path:
            return self.filter(memberships__user=user)
        firms = apps.get_model("applications", "Firm").objects.filter(memberships__user=user)
        return self.filter(**{f"{self.firm_path}__in": firms})

    def visible_to(self, user: AnyUser) -> Self:
        """What `user` may read (the rules' `*.view`): regulator staff of any role every row, as the workspace
        shows every case; a firm's members their own firms' rows; anyone else nothing."""
        if is_signed_in(user) and is_regulator(user):
            return self.all()
        return self.of_member(user)
