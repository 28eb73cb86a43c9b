"""Debian's Chromium driven by Playwright, for the browser tests; and releases they tamper with.

Playwright's own browser builds are never installed (``playwright install``
downloads them, which this project's machines cannot): the tests launch the
system's Chromium (``$DXKG_CHROMIUM``, else ``/usr/bin/chromium``). Without it
they skip with the reason, unless ``DXKG_REQUIRE_BROWSER=1`` (set by ``.ci/run``)
makes them mandatory, in which case they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright
from pyoxigraph import Quad, RdfFormat, serialize

from dxkg.config import PROJECT_ROOT

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

#: Headless, and quiet on the network: the machines have no network beyond the
#: package registries, and without these flags Chromium keeps trying to reach its
#: update, sync and QUIC services, flooding the logs with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root in CI, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: How long a Playwright action or expectation waits (ms): a local server answers
#: in far less, so a broken page fails fast instead of after Playwright's 30 s.
TIMEOUT_MS = 10_000


def chromium_path() -> Path:
    """The Chromium executable the tests launch: ``$DXKG_CHROMIUM`` or Debian's."""
    return Path(os.environ.get("DXKG_CHROMIUM") or DEFAULT_CHROMIUM)


def require_chromium() -> Path:
    """The Chromium executable; skip the test (with the reason) when there is none,
    or fail it when ``DXKG_REQUIRE_BROWSER=1`` says the browser tests must run."""
    path = chromium_path()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    reason = f"Chromium not found at {path}: install Debian's chromium to run the browser tests"
    if os.environ.get("DXKG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DXKG_REQUIRE_BROWSER=1 makes them mandatory)", pytrace=False)
    pytest.skip(reason)


def launch(playwright: Playwright, executable: Path) -> Browser:
    """The Chromium at ``executable`` (see :func:`require_chromium`), headless, through
    ``playwright``."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def new_page(browser: Browser) -> Page:
    """A page in a fresh context (no cookies, so the interface starts in Japanese)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def report_dir() -> Path:
    """Where test artefacts go: ``$DXKG_REPORT_DIR`` (set by ``.ci/run``), else ``reports/``."""
    return Path(os.environ.get("DXKG_REPORT_DIR") or PROJECT_ROOT / "reports")


def save_screenshot(page: Page, test_name: str) -> Path:
    """A full-page PNG of ``page`` in ``<report dir>/screenshots/<test_name>.png``."""
    safe_name = re.sub(r"[^\w.\[\]-]+", "_", test_name)  # parameters may hold "/" or spaces
    path = report_dir() / "screenshots" / f"{safe_name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


def release_with(dist: Path, destination: Path, quads: Iterable[Quad]) -> Path:
    """A copy of the release ``dist`` at ``destination`` whose ``dxkg.nq`` (what the
    server loads, and what ``dxkg load`` sends to a remote store) also holds ``quads``.

    Only the dump changes: ``SHA256SUMS`` still lists the published checksums.
    """
    shutil.copytree(dist, destination)
    with (destination / "dxkg.nq").open("ab") as dump:
        dump.write(serialize(quads, format=RdfFormat.N_QUADS))
    return destination
