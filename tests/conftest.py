"""Shared fixtures: the real corpus, one real build, real servers, and a headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pyoxigraph import RdfFormat, Store

from browser import launch, new_page, require_chromium, save_screenshot
from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.extract.corpus import load_manifest, of_kind
from dxkg.pipeline.extract.profiles import extract_case_collection, extract_the_survey
from dxkg.pipeline.extract.records import CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.pipeline import run_build
from dxkg.release import BuildReport
from servers import endpoint_server

SOURCES = PROJECT_ROOT / "sources"
#: The engines the endpoint tests run against: the release in dxkg's own store,
#: and the same release in an oxigraph server that dxkg queries as a remote endpoint.
ENGINE_MODES = ["embedded", "remote"]


@pytest.fixture(scope="session")
def survey() -> SurveyExtract:
    """The survey document extracted from the real corpus."""
    return extract_the_survey(SOURCES, load_manifest(SOURCES))


@pytest.fixture(scope="session")
def case_extracts() -> list[CaseCollectionExtract]:
    """Every case-collection document extracted from the real corpus, in manifest order."""
    documents = of_kind(load_manifest(SOURCES), "case-collection")
    return [extract_case_collection(SOURCES, document) for document in documents]


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> tuple[Paths, BuildReport]:
    """One full build of the real corpus into a temporary dist/, and its build report."""
    paths = Paths(dist=tmp_path_factory.mktemp("release") / "dist")
    return paths, run_build(paths, echo=lambda _: None).report


@pytest.fixture(scope="session")
def release_store(release) -> Store:
    """The release's dump loaded once into a pyoxigraph store, for tests that query it."""
    paths, _ = release
    store = Store()
    store.bulk_load(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="session", params=ENGINE_MODES)
def server(request, release) -> Iterator[str]:
    """``dxkg serve`` on 127.0.0.1 over the release, once with the embedded store and
    once in front of an oxigraph server; stopped after the tests that use it."""
    paths, _ = release
    with endpoint_server(request.param, paths.dist) as base:
        yield base


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Paths:
    """A project root whose sources/ is a private copy; the rest links to the real files."""
    root = tmp_path / "project"
    (root / "sources").mkdir(parents=True)
    for path in SOURCES.iterdir():
        (root / "sources" / path.name).write_bytes(path.read_bytes())
    for folder in ("ontology", "shapes", "mappings"):
        (root / folder).symlink_to(PROJECT_ROOT / folder)
    return Paths(root=root, dist=root / "dist")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium; skipped with the reason when it is not installed
    (failed instead under ``DXKG_REQUIRE_BROWSER=1``, as in CI)."""
    executable = require_chromium()  # before starting Playwright's driver, which a skip wastes
    with sync_playwright() as playwright:
        chromium = launch(playwright, executable)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies and storage) for one test."""
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """When a test that uses ``page`` fails, keep a full-page screenshot of what the
    browser showed and name its file in the report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    opened = getattr(item, "funcargs", {}).get("page")
    if report.failed and isinstance(opened, Page) and not opened.is_closed():
        try:
            note = f"saved to {save_screenshot(opened, item.name)}"
        except PlaywrightError as error:  # a crashed page must not hide the test's own failure
            note = f"could not be taken: {error}"
        report.sections.append(("screenshot", note))
