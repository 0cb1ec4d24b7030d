import os

import pytest
from django.db import connection

from tests.builders import Case, Regulators, advance, complete_draft


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db) -> Regulators:
    return Regulators.create()


@pytest.fixture
def draft_case(staff) -> Case:
    return complete_draft(staff)


@pytest.fixture
def case_in(staff):
    """Factory fixture: case_in("pending_decision") gives a case driven there through the services."""

    def build(status: str) -> Case:
        return advance(complete_draft(staff), status)

    return build


def pytest_sessionstart(session):
    """CI's service pass sets REQUIRE_SERVICES=1: then a missing PostgreSQL is an error, never a skip."""
    if os.environ.get("REQUIRE_SERVICES") == "1" and not _on_postgres():
        raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL.")


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass; on the embedded SQLite pass they are skipped."""
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the DATABASE_URL=postgres://... pass of make test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
