"""A screenshot of every kind of page, ``<report dir>/screenshots/page_<name>.png`` (``.ci/run``
keeps them as artefacts), each taken once the page shows what makes it that page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser import save_screenshot

pytestmark = pytest.mark.e2e

#: (name, path, a selector that shows once the page has its content)
PAGES = [
    ("home", "/", "table"),
    ("class-municipalities", "/class/Municipality", "table"),
    ("class-case-studies", "/class/CaseStudy", "table"),
    ("case", "/page/id/case/v2-1-4", "[data-kind=case]"),
    ("initiative", "/page/id/initiative/v2-1-4", "[data-kind=initiative]"),
    ("municipality", "/page/id/municipality/152021", "[data-kind=municipality] svg"),
    ("vendor", "/page/id/org/サイボウズ", "[data-kind=vendor]"),
    ("technology", "/page/id/concept/technology-rpa", "[data-kind=technology] svg"),
    ("search", "/search?q=RPA+長岡", "mark"),
    ("map", "/map", "svg a"),
    ("query", "/query", "form"),
    ("network", "/network", "table"),
    ("graph-view", "/view/id/municipality/152021", "canvas"),
]


@pytest.mark.parametrize(("name", "path", "shown"), PAGES, ids=[name for name, *_ in PAGES])
def test_every_kind_of_page_is_drawn(page: Page, server: str, name: str, path: str, shown: str):
    response = page.goto(server + path)
    assert response is not None and response.status == 200, path
    expect(page.locator(shown).first).to_be_visible()
    assert save_screenshot(page, f"page_{name}").stat().st_size > 10_000
