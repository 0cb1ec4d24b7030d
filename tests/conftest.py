import os

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from applications.choices import ApplicationStatus as S
from applications.models import Licence
from tests.builders import Case, Regulators, advance, complete_draft

# The full search in CI's service pass (make test-services), a lighter one in make test and by hand.
hypothesis_settings.register_profile("ci", max_examples=100, stateful_step_count=30)
hypothesis_settings.register_profile("dev", max_examples=20, stateful_step_count=10)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test sees only the files it wrote (several count them). The rest of the test setup is
    vasp_licensing/settings/test.py."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(db) -> Regulators:
    return Regulators.create()


@pytest.fixture
def draft_case(staff) -> Case:
    return complete_draft(staff)


@pytest.fixture
def licensed_case(staff) -> Case:
    """A case approved through the services; its licence is `licensed_case.application.licence`."""
    case = advance(complete_draft(staff), S.APPROVED)
    case.application.refresh_from_db()
    return case


@pytest.fixture
def licence(licensed_case) -> Licence:
    """The licence of `licensed_case`, the same object as `licensed_case.application.licence`."""
    return licensed_case.application.licence


@pytest.fixture
def case_in(staff):
    """Factory fixture: case_in("pending_decision") gives a case driven there through the services."""

    def build(status: str) -> Case:
        return advance(complete_draft(staff), status)

    return build


# What the migrations put in each test database (configuration rows, role groups, the audit chain head),
# as Django serialized it for serialized_rollback, with the database's name; see pytest_runtest_teardown.
_MIGRATED_CONTENTS: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="session", autouse=True)
def _migrated_contents(django_db_setup, django_db_blocker):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            _MIGRATED_CONTENTS[alias] = (str(connections[alias].settings_dict["NAME"]), contents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing the database; put back what the migrations installed.

    Django runs transactional tests last for this reason, but pytest regroups tests by session-scoped
    fixtures (the browser's) and xdist hands them out in its own order, so a test on the ordinary
    rollback-per-test database may come after one. `serialized_rollback` restores only at the start of
    a transactional test (and a browser test's connection, made under Playwright's greenlets, does not
    even see the serialized data), so the restore after one is ours.
    """
    result = yield
    if _flushes_the_database(item):
        from django.core.management import call_command
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for alias, (test_name, contents) in _MIGRATED_CONTENTS.items():
                if str(connections[alias].settings_dict["NAME"]) != test_name:
                    continue  # never flush anything but the test database
                # Whatever the flush's post_migrate recreated goes too: the restore brings it all back.
                call_command(
                    "flush",
                    verbosity=0,
                    interactive=False,
                    database=alias,
                    inhibit_post_migrate=True,
                    reset_sequences=False,  # the restored rows keep their ids; new ones must not reuse them
                )
                connections[alias].creation.deserialize_db_from_string(contents)
    return result


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


def pytest_configure(config):
    from django.conf import settings

    settings.VAR_DIR.mkdir(exist_ok=True)  # the SQLite test database lives there


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
