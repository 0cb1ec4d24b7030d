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
    """CI's service pass sets REQUIRE_SERVICES=1: then a missing PostgreSQL or Redis is an error, never a skip."""
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    if not _on_postgres():
        raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL.")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        raise pytest.UsageError("REQUIRE_SERVICES=1 but CELERY_BROKER_URL does not point at Redis.")
    import redis

    try:
        redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise pytest.UsageError(f"REQUIRE_SERVICES=1 but Redis at {broker} does not answer: {error}") from error


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass; on the embedded SQLite pass they are skipped."""
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass, make test-services")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def postgres_only():
    assert connection.vendor == "postgresql", "this test needs PostgreSQL"
