"""Browser tests: Debian's Chromium driven by Playwright against real daphne processes.

They skip without Chromium, except under TETHER_REQUIRE_SERVICES=1 (CI), where they fail.
"""

import os
import shutil

import pytest

from tests.conftest import require
from tests.servers import tether_servers

CHROMIUM = os.environ.get("TETHER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def chromium():
    """One browser for the run; every test opens its own contexts (one per person)."""
    require(chromium_available(), f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def servers(chromium):
    """A fresh Tether for the browser tests, bursts allowed: two daphne processes on one
    database (and, with REDIS_URL, one channel layer). Pages use the first unless a test puts
    a person on the second (``Person(..., server=1)``). Attachments stop at 1 MiB, so that a file
    over the limit is small to make."""
    env = {"TETHER_THROTTLE": "off", "TETHER_MAX_UPLOAD_MB": "1"}
    with tether_servers(2, env=env) as started:
        yield started
