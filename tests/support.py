"""Helpers shared by the tests: signing in, and rows built once for a whole module."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from accounts.mfa import has_totp, mfa_required, totp_enrol
from tests.factories import TEST_TOTP_SECRET


@contextmanager
def rows_for_the_module(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture: what it writes inside stays for the module's tests, then rolls back.

    Each test runs in pytest-django's own atomic block, now a savepoint inside this one, so a test's
    writes roll back to what the fixture built and the next test starts from the same rows.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def sign_in(client, user):
    """A session for `user`, as after a real sign-in: first the TOTP factor when accounts.mfa requires
    one (regulators, firm admins) and the user has none yet."""
    if mfa_required(user) and not has_totp(user):
        totp_enrol(user=user, secret=TEST_TOTP_SECRET)
    client.force_login(user)
    return client
