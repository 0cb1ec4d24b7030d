"""Browser tests: pytest-playwright driving Debian's Chromium against the live server.

The browser is required, never skipped: `make test` installs Debian's chromium when it is missing,
and a missing /usr/bin/chromium fails these tests with the reason.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Playwright's sync API runs an event loop in the test's thread; Django refuses database calls from
# such a thread unless told that this is deliberate (the test, not a request, owns the loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` (make test does it).")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture
def screenshot(page):
    """Saves a full-page screenshot under artifacts/screenshots/ and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _configuration(transactional_db):
    """The live server needs committed data, so these tests run in transactions that are really committed;
    a transactional test before them on the same worker may have flushed the configuration rows the data
    migrations installed. Put them back (idempotent), as a deployment's migrate would."""
    from applications.configuration import install_default_configuration
    from applications.models import DocumentType, LicenceType, RequiredDocument

    install_default_configuration(DocumentType, LicenceType, RequiredDocument)


@pytest.fixture(autouse=True)
def _links_on_the_live_server(live_server, settings):
    """Links in e-mails are built on SITE_URL, as `make run` sets it to the host and port it serves on;
    here the server is pytest's live server, on a port chosen at random."""
    settings.SITE_URL = live_server.url
