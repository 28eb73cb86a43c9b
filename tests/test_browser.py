"""The browser as a person uses it: Debian's Chromium against a real ``dxkg serve``.

Each test runs against both engines (``server``: the embedded store, and
dxkg in front of an oxigraph server). Without Chromium they skip with the reason;
``.ci/run`` installs it and makes them mandatory (``DXKG_REQUIRE_BROWSER=1``).
A failing test leaves a screenshot in ``$DXKG_REPORT_DIR/screenshots/``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Locator, Page, expect
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from browser import release_with
from conftest import ENGINE_MODES
from dxkg.web.views.i18n import MESSAGES
from servers import endpoint_server

pytestmark = pytest.mark.e2e

RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

#: A label that runs script wherever a page inserts it unescaped.
HOSTILE_LABEL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'

#: Far more Tab presses than the header has links before the search box.
MAX_TABS = 30


def class_row(page: Page, label: str) -> Locator:
    """The row of the home page's class table whose link reads ``label``."""
    link = page.get_by_role("link", name=label, exact=True)
    return page.get_by_role("row").filter(has=link)


def test_home_lists_the_classes_and_switches_to_english(page: Page, server: str):
    page.goto(server + "/")
    expect(page).to_have_title(re.compile("自治体DXナレッジグラフ"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(class_row(page, "取組").get_by_role("cell").last).to_have_text("448")

    page.get_by_role("link", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Municipal DX knowledge graph")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(class_row(page, "Initiative").get_by_role("cell").last).to_have_text("448")


def test_search_box_is_reached_by_keyboard_and_submits(page: Page, server: str):
    page.goto(server + "/")
    search_box = page.get_by_role("searchbox")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if search_box.evaluate("box => box === document.activeElement"):
            break
    expect(search_box).to_be_focused()

    page.keyboard.type("RPA")
    page.keyboard.press("Enter")

    # The search page itself is tested on its own; here only that the form leads there.
    expect(page).to_have_url(re.compile(r"/search\?q=RPA$"))


@pytest.fixture(scope="module", params=ENGINE_MODES)
def hostile_server(request, release, tmp_path_factory) -> Iterator[str]:
    """A server over a copy of the release where case v2-3-19 also has ``HOSTILE_LABEL``
    as a Japanese label, in the graph of its source document."""
    paths, _ = release
    report = json.loads((paths.dist / "build-report.json").read_text("utf-8"))
    base = report["base_iri"]
    quad = Quad(
        NamedNode(base + "id/case/v2-3-19"),
        RDFS_LABEL,
        Literal(HOSTILE_LABEL, language="ja"),
        NamedNode(base + "graph/source/001_b7b77d4349d817ea"),
    )
    dist = release_with(paths.dist, tmp_path_factory.mktemp("hostile") / "dist", [quad])
    with endpoint_server(request.param, dist) as url:
        yield url


def test_entity_page_shows_markup_in_labels_as_text(page: Page, hostile_server: str):
    """Needs the entity page (``/page/…``): it fails, rather than skips, without it."""
    response = page.goto(hostile_server + "/page/id/case/v2-3-19")
    assert response is not None and response.status == 200
    # The broken image's error handler, were it live, runs once the image has failed.
    page.wait_for_load_state("networkidle")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    expect(
        page.locator("main").get_by_text("<script>window.__pwned = 1</script>").first
    ).to_be_visible()


def test_graph_view_shows_markup_in_labels_as_text(page: Page, hostile_server: str):
    page.goto(hostile_server + "/view/id/case/v2-3-19")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_a_reader_goes_from_search_to_a_case_its_town_the_graph_and_a_query(
    page: Page, server: str
):
    """The journey of the issue: home, search 「RPA」, a case, its municipality, the
    graph view, an example SPARQL query, a download."""
    page.goto(server + "/")
    page.get_by_role("searchbox").fill("RPA")
    page.get_by_role("button", name="検索").first.click()
    expect(page).to_have_url(re.compile(r"/search\?q=RPA"))
    cases = page.get_by_role("region", name=re.compile("事例"))
    expect(cases.locator("mark").first).to_have_text(re.compile("RPA", re.IGNORECASE))

    page.goto(server + "/search?q=" + "RPA・AI-OCRにより100業務")
    page.get_by_role("link", name=re.compile("RPA・AI-OCRにより100業務")).first.click()
    expect(page).to_have_url(re.compile(r"/page/id/case/v2-3-19$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("RPA・AI-OCRにより100業務")

    page.locator("table.properties").get_by_role("link", name="長岡市", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/page/id/municipality/152021$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("長岡市")

    page.get_by_role("link", name="グラフ表示").click()
    expect(page).to_have_url(re.compile(r"/view/id/municipality/152021"))
    # cytoscape draws on canvases once it has the elements.
    expect(page.locator("#graph canvas").first).to_be_attached()
    drawn = page.evaluate("document.querySelectorAll('#graph canvas').length")
    assert drawn >= 1

    page.goto(server + "/query")
    page.locator("[data-example]").first.click()
    page.locator(".yasqe_queryButton").last.click()
    results = page.locator(".yasr table tbody tr")
    expect(results.first).to_be_visible(timeout=15_000)
    assert results.count() > 0

    page.goto(server + "/downloads")
    with page.expect_download() as download:
        page.get_by_role("link", name="dxkg.nt.gz", exact=True).click()
    assert download.value.suggested_filename == "dxkg.nt.gz"
    assert download.value.path().stat().st_size > 100_000


def drawn_counts(
    elements: dict, prefecture: str = "", technology: str = "", minimum: int = 1
) -> tuple[int, int]:
    """(nodes, edges) the network page draws for these filters, computed here from the
    release's ``.cyjs``: the edges that match every filter and the nodes they join."""
    nodes = {node["data"]["id"]: node["data"] for node in elements["nodes"]}
    kept = []
    for edge in (edge["data"] for edge in elements["edges"]):
        (government,) = (
            nodes[end] for end in (edge["source"], edge["target"]) if nodes[end]["bipartite"] == 0
        )
        if (
            (not prefecture or government["prefecture"] == prefecture)
            and (not technology or technology in edge.get("technologies", "").split())
            and edge["weight"] >= minimum
        ):
            kept.append(edge)
    return len({end for edge in kept for end in (edge["source"], edge["target"])}), len(kept)


def test_the_network_drawing_filters_by_prefecture_technology_and_weight(
    page: Page, server: str, release
):
    paths, _ = release
    cyjs = paths.dist / "network" / "vendor-municipality.cyjs"
    elements = json.loads(cyjs.read_text("utf-8"))["elements"]
    base = json.loads((paths.dist / "build-report.json").read_text("utf-8"))["base_iri"]
    totals = drawn_counts(elements)
    template = MESSAGES["network_status"][0]  # the page is Japanese

    def expect_shown(nodes: int, edges: int) -> None:
        expect(page.locator("#network-status")).to_have_text(
            template.format(nodes=nodes, edges=edges, total_nodes=totals[0], total_edges=totals[1])
        )
        # The list beside the drawing (for keyboards) holds the same nodes.
        expect(page.locator("#network-nodes li[data-node]:visible")).to_have_count(nodes)

    page.goto(server + "/network")
    expect(page.locator("#network-graph canvas").first).to_be_attached()
    expect_shown(*totals)

    tokyo = base + "id/municipality/130001"
    page.get_by_label("都道府県", exact=True).select_option(label="東京都")
    expect_shown(*drawn_counts(elements, prefecture=tokyo))
    assert drawn_counts(elements, prefecture=tokyo)[1] > 0

    page.get_by_label("最小の重み（取組数）").fill("2")
    expect_shown(*drawn_counts(elements, prefecture=tokyo, minimum=2))
    page.get_by_label("都道府県", exact=True).select_option(label="すべて")
    expect_shown(*drawn_counts(elements, minimum=2))
    assert drawn_counts(elements, minimum=2) != totals

    # The technology on the most edges (ties by IRI), with no minimum weight.
    counts: dict[str, int] = {}
    for edge in elements["edges"]:
        for technology in edge["data"].get("technologies", "").split():
            counts[technology] = counts.get(technology, 0) + 1
    technology = min(counts, key=lambda iri: (-counts[iri], iri))
    page.get_by_label("最小の重み（取組数）").fill("1")
    page.get_by_label("技術", exact=True).select_option(value=technology)
    expect_shown(*drawn_counts(elements, technology=technology))

    # The list is the keyboard's way into the drawing: its links open the pages.
    page.get_by_label("技術", exact=True).select_option(label="すべて")
    page.locator("#network-nodes").get_by_role("link", name="サイボウズ株式会社").click()
    expect(page).to_have_url(re.compile("/page/id/org/"))
    expect(page.get_by_role("heading", name="ネットワーク指標")).to_be_visible()


class _ElsewherePage(BaseHTTPRequestHandler):
    """A web application's page: any path is an empty HTML page."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>elsewhere</title><p>another origin</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet: the test reports what matters."""


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A second web server, on another port of 127.0.0.1: a page served from it is on
    another origin than dxkg's, as a web application using dxkg's data would be."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ElsewherePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


#: What the page on the other origin runs: it dereferences a case's IRI asking for
#: Turtle (the browser follows the 303 itself) and POSTs a query to the endpoint (a
#: preflighted request: application/sparql-query is not a simple content type).
CROSS_ORIGIN_SCRIPT = """async ([dxkg, path, query]) => {
    const thing = await fetch(dxkg + path, {headers: {Accept: "text/turtle"}});
    const answer = await fetch(dxkg + "/sparql", {
        method: "POST",
        headers: {
            "Content-Type": "application/sparql-query",
            Accept: "application/sparql-results+json",
        },
        body: query,
    });
    return {
        origin: window.location.origin,
        status: thing.status,
        redirected: thing.redirected,
        url: thing.url,
        type: thing.headers.get("Content-Type"),
        link: thing.headers.get("Link"),
        turtle: await thing.text(),
        queryStatus: answer.status,
        rows: answer.headers.get("Result-Rows"),
        results: await answer.json(),
    };
}"""


def test_a_page_on_another_origin_dereferences_an_iri_and_queries(
    page: Page, server: str, other_origin: str
):
    """A web application elsewhere reads dxkg's data as a linked-data client: the 303
    and the document both carry CORS headers, and the endpoint answers a preflighted POST."""
    page.goto(other_origin + "/")
    base = "https://dxkg.example.org/"
    case = base + "id/case/v2-3-19"
    query = (
        f"SELECT ?label WHERE {{ <{case}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    )

    got = page.evaluate(CROSS_ORIGIN_SCRIPT, [server, "/id/case/v2-3-19", query])

    assert got["origin"] == other_origin != server
    assert got["status"] == 200 and got["redirected"]
    assert got["url"] == server + "/data/id/case/v2-3-19.ttl"
    assert got["type"].startswith("text/turtle")
    assert "/page/id/case/v2-3-19" in got["link"]  # an exposed header
    described = {quad.triple for quad in parse(got["turtle"].encode(), format=RdfFormat.TURTLE)}
    types = {
        t.object.value
        for t in described
        if t.subject == NamedNode(case) and t.predicate.value.endswith("#type")
    }
    assert base + "ontology#CaseStudy" in types
    assert got["queryStatus"] == 200 and got["rows"] == "1"
    (binding,) = got["results"]["results"]["bindings"]
    assert binding["label"]["value"].startswith("RPA・AI-OCRにより100業務")
