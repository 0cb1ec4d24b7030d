import os

import pytest
from django.db import connection

from tests.builders import Case, Regulators, advance, complete_draft


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", settings.CLIENT_SECRET_HASHER]


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process after commit, even when a broker is configured (CI's Redis pass);
    the live_worker fixture is the one place where a real worker takes them from the broker."""
    from vasp_licensing.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)


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


def pytest_configure(config):
    from django.conf import settings

    settings.VAR_DIR.mkdir(exist_ok=True)  # the SQLite test database lives there
    # With Redis as the cache (CI's service pass), parallel test processes keep their keys apart.
    settings.CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")


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


@pytest.fixture
def live_worker(transactional_db, settings):
    """A real Celery worker thread on the configured broker (Redis in CI), or the in-memory broker.

    Each xdist worker uses its own Redis database, so parallel test processes never take each
    other's tasks (Celery caches its queue table, so a per-process queue name would not stick).
    """
    from celery.contrib.testing.worker import start_worker

    from vasp_licensing.celery import app

    broker = os.environ.get("CELERY_BROKER_URL") or "memory://"
    if broker.startswith("redis://"):
        worker_id = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # set by xdist in each test process
        process_number = int(worker_id.removeprefix("gw") or 0)
        broker = f"{broker.rsplit('/', 1)[0]}/{10 + process_number}"
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=broker)
    _forget_broker_connections(app)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield app
    finally:
        app.conf.update(previous)
        _forget_broker_connections(app)


def _forget_broker_connections(app) -> None:
    """Pools made before would still point at the old broker; Celery resets them the same way after a fork."""
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, *, timeout: float = 60.0, interval: float = 0.1):
    """Polls until condition() is truthy; the worker runs in another thread. The timeout is generous because
    in CI the other test process may be driving a browser on the same two cores."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
