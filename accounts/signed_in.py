"""Types for who is acting: a signed-in person, or whoever opened a page.

Services take `actor: User`; the pages that call them sit behind sign-in (LoginRequiredMixin, the admin),
which is what `SignedInRequest` states to the type checker (django-stubs' own pattern).
Rules and lookups that anyone may reach take `AnyUser`.
"""

from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User

AnyUser: TypeAlias = User | AnonymousUser


class SignedInRequest(HttpRequest):
    """A request past sign-in: its user is a User, not AnonymousUser."""

    user: User


def is_signed_in(user: AnyUser | None) -> TypeGuard[User]:
    """An active, authenticated user (None and AnonymousUser are not)."""
    return user is not None and user.is_authenticated and user.is_active


def signed_in_user(request: HttpRequest) -> User:
    """The user of a page behind sign-in whose request cannot be annotated as such (ModelAdmin methods)."""
    user = request.user
    if not user.is_authenticated:  # unreachable behind the admin's own sign-in
        raise PermissionDenied
    return user
