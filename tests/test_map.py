"""The map page (``/map``, ``/map.json``) over real HTTP in front of both engines, and in
Debian's Chromium: points at the offices, the prefecture choropleth, its filters."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect
from pyoxigraph import Store

from dxkg.web.views.geo import small_map

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
TOKYO = BASE + "id/municipality/130001"
RPA = BASE + "id/concept/technology-rpa"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, headers={"Accept": "text/html"}, timeout=30)


def count(store: Store, query: str) -> int:
    """The single number a SELECT of ``?n`` over the release's every graph answers."""
    prologue = f"PREFIX dxkg: <{BASE}ontology#>\nPREFIX geo: <{GEO}>\n"
    solutions = store.query(prologue + query, use_default_graph_as_union=True)
    return int(next(iter(solutions))["n"].value)


def prefecture(data: dict, code: str) -> dict:
    return next(row for row in data["prefectures"] if row["code"] == code)


def test_every_government_with_coordinates_is_a_point_linking_to_its_page(
    server: str, release_store: Store
):
    data = get(server + "/map.json").json()
    located = count(
        release_store,
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a dxkg:Municipality ; geo:lat ?a ; geo:long ?b }",
    )
    assert located > 100
    assert len(data["points"]) == located
    assert len(data["prefectures"]) == 47
    for point in data["points"]:
        assert point["href"] == "/page/id/municipality/" + point["code"]
        assert 24 < point["lat"] < 46 and 122 < point["long"] < 146
    assert get(server + data["points"][0]["href"]).status_code == 200


def test_tokyo_counts_equal_sparql_counts(server: str, release_store: Store):
    tokyo = prefecture(get(server + "/map.json").json(), "13")
    in_tokyo = f"VALUES ?p {{ <{TOKYO}> }} ?g dxkg:inPrefecture? ?p ."
    initiatives = count(
        release_store,
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a dxkg:Initiative ; dxkg:municipality ?g ."
        f" {in_tokyo} }}",
    )
    survey = count(
        release_store,
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r dxkg:reportedBy ?g . {in_tokyo} }}",
    )
    assert initiatives > 0 and survey > 0
    assert (tokyo["name"], tokyo["href"]) == ("東京都", "/page/id/municipality/130001")
    assert (tokyo["initiatives"], tokyo["survey"]) == (initiatives, survey)


def test_a_technology_and_a_source_narrow_the_counts(server: str, release_store: Store):
    everything = get(server + "/map.json").json()
    rpa = get(server + "/map.json", technology=RPA).json()
    cases = get(server + "/map.json", source="cases").json()
    total = sum(row["initiatives"] for row in everything["prefectures"])
    with_rpa = sum(row["initiatives"] for row in rpa["prefectures"])
    assert total == count(release_store, "SELECT (COUNT(?i) AS ?n) WHERE { ?i a dxkg:Initiative }")
    assert 0 < with_rpa < total
    assert all(
        narrow["initiatives"] <= wide["initiatives"]
        for narrow, wide in zip(rpa["prefectures"], everything["prefectures"], strict=True)
    )
    assert sum(row["survey"] for row in cases["prefectures"]) == 0
    assert rpa["technology"] == RPA
    assert get(server + "/map.json", technology=BASE + "nothing").status_code == 400
    assert get(server + "/map", source="<script>").status_code == 400


def test_the_drawings_are_inline_svg_without_any_outside_url(server: str):
    page = get(server + "/map", lang="en")
    assert page.status_code == 200
    svgs = re.findall(r"<svg\b.*?</svg>", page.text, flags=re.DOTALL)
    assert len(svgs) >= 2
    for svg in svgs:
        urls = set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", svg))
        assert urls <= {"http://www.w3.org/2000/svg"}
    assert 'href="/page/id/municipality/130001"' in page.text
    assert "<script" not in page.text
    assert 'href="/map"' in get(server + "/").text


def test_small_map_escapes_its_label():
    drawn = str(small_map(35.68, 139.69, '<b>"x"</b>'))
    assert drawn.startswith("<svg") and "<circle" in drawn
    assert "<b>" not in drawn and "&lt;b&gt;" in drawn


def loneliest(points: list[dict]) -> dict:
    """The point farthest from any other: nothing drawn over it takes its click."""

    def room(point: dict) -> float:
        return min(
            (point["lat"] - other["lat"]) ** 2 + (point["long"] - other["long"]) ** 2
            for other in points
            if other is not point
        )

    return max(points, key=room)


def tile(page: Page, code: str):
    return page.locator(f'#choropleth .tile[data-code="{code}"]')


def test_a_reader_filters_the_choropleth_and_opens_a_point(page: Page, server: str):
    lone = loneliest(get(server + "/map.json").json()["points"])
    page.goto(server + "/map")
    expect(page.get_by_role("heading", level=1)).to_have_text("自治体の地図")
    before = int(tile(page, "13").get_attribute("data-count"))
    assert before > 0

    page.get_by_label("技術", exact=True).select_option(RPA)
    page.get_by_role("button", name="表示", exact=True).click()

    expect(page).to_have_url(re.compile("technology="))
    expect(tile(page, "13")).not_to_have_attribute("data-count", str(before))
    assert int(tile(page, "13").get_attribute("data-count")) < before

    page.locator(f'#points a[href="{lone["href"]}"] circle').click()
    expect(page).to_have_url(re.compile(re.escape(lone["href"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(lone["name"])
