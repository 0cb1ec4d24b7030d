"""The test suite's settings: the embedded setup, with what only tests want."""

import os

from .local import *  # noqa: F403
from .local import CACHES, CLIENT_SECRET_HASHER, VAR_DIR

# Set by pytest-xdist in each test process before settings load; "main" without xdist.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# Hashing is not under test; PBKDF2 costs ~100 ms per user created or signed in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", CLIENT_SECRET_HASHER]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# With Redis as the cache (the service pass), parallel test processes keep their keys apart.
CACHES["default"]["KEY_PREFIX"] = f"test-{_WORKER}"
# Each test gets its own MEDIA_ROOT (tests/conftest.py); this is where files written outside one go.
MEDIA_ROOT = VAR_DIR / "test-media" / _WORKER
# Tasks run in-process, even when a broker is configured (the service pass); the live_worker fixture
# is the one place where a real worker takes them from the broker. Failures propagate to the test.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
