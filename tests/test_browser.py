"""The browser as a person uses it: Debian's Chromium against a real ``dxkg serve``.

Each test runs against both engines (``server``: the embedded store, and
dxkg in front of an oxigraph server). Without Chromium they skip with the reason;
``.ci/run`` installs it and makes them mandatory (``DXKG_REQUIRE_BROWSER=1``).
A failing test leaves a screenshot in ``$DXKG_REPORT_DIR/screenshots/``.
"""

from __future__ import annotations

import csv
import io
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
    page.locator("details.generic > summary").click()  # every label is in the folded table
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

    # the initiative comes first (the entity the title names), then the reports of it
    page.goto(server + "/search?q=" + "RPA・AI-OCRにより100業務")
    page.get_by_role("link", name=re.compile("RPA・AI-OCRにより100業務")).first.click()
    expect(page).to_have_url(re.compile(r"/page/id/initiative/v2-3-19$"))
    page.locator("a[href$='/page/id/case/v2-3-19']").first.click()
    expect(page).to_have_url(re.compile(r"/page/id/case/v2-3-19$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("RPA・AI-OCRにより100業務")

    # The case reads like the document: its government heads it (the property table is folded).
    page.locator("dd.government").get_by_role("link", name="長岡市", exact=True).click()
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


def run_in_editor(page: Page, query: str) -> None:
    """Type ``query`` into the editor of the SPARQL page (replacing its text) and run it."""
    page.wait_for_function("document.querySelector('.CodeMirror') !== null")
    page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
    page.locator(".yasqe_queryButton").last.click()


#: A query without PREFIX lines: dxkg: and rdfs: are predeclared by the page.
PREFIXLESS = (
    "SELECT ?government ?population WHERE {\n"
    "  ?government a dxkg:Municipality ; dxkg:populationFigure/dxkg:persons ?population ;\n"
    '             rdfs:label "長岡市"@ja .\n'
    "} LIMIT 1"
)


def test_the_query_page_runs_a_query_without_prefixes_and_labels_the_results(
    page: Page, server: str
):
    """The page predeclares the vocabulary's prefixes, shows a label beside each IRI and
    a number without its datatype; the examples go by their Japanese titles."""
    page.goto(server + "/query")
    expect(page.locator("[data-example='1']")).to_have_text("版・章ごとの事例数")
    expect(page.locator("ol.examples .description").first).to_have_text(
        "各版の章ごとに、事例がいくつあるか。"
    )
    page.locator("#prefixes summary").click()
    expect(page.locator("#prefixes pre")).to_contain_text(
        "PREFIX concept: <https://dxkg.example.org/id/concept/>"
    )

    run_in_editor(page, PREFIXLESS)

    row = page.locator(".yasr table tbody tr").first
    expect(row.locator(".label")).to_have_text("長岡市", timeout=15_000)
    expect(row.locator("a.iri")).to_have_attribute("href", "/id/municipality/152021")
    population = row.locator(".nonIri")
    expect(population).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator(".yasr table")).not_to_contain_text("^^")
    expect(page.locator(".yasr table")).not_to_contain_text("XMLSchema")


def test_a_parse_error_says_where_in_the_query_as_written_with_a_hint(page: Page, server: str):
    """Line and column count from the query as typed (not the declarations put in front),
    and an undeclared prefix is named."""
    page.goto(server + "/query")
    run_in_editor(page, "SELECT ?s WHERE {\n  ?s a foo:Thing .\n}")

    problem = page.locator(".query-problem")
    expect(problem).to_be_visible(timeout=15_000)
    expect(problem).to_have_attribute("role", "alert")
    expect(problem.locator(".query-problem-position")).to_have_text(re.compile(r"^行 2, 列 \d+$"))
    expect(problem.locator(".query-problem-hint")).to_contain_text("「foo:」")
    expect(page.locator(".CodeMirror .query-error-line")).to_have_count(1)

    run_in_editor(page, "SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER (\n}")
    expect(problem.locator(".query-problem-position")).to_have_text(re.compile(r"^行 4, 列 \d+$"))
    expect(problem.locator(".query-problem-hint")).to_have_count(0)


def test_home_shows_entry_points_sources_by_title_and_a_favicon(page: Page, server: str):
    """Featured questions open their example on /query; the map, the network and the
    search are linked; sources are named by title; the icon loads."""
    page.goto(server + "/")
    for name, href in (("地図", "/map"), ("ネットワーク", "/network"), ("SPARQL", "/query")):
        expect(
            page.locator("ul.entry-points").get_by_role("link", name=name, exact=True)
        ).to_have_attribute("href", href)
    sources = page.locator("ul.sources")
    expect(sources.get_by_role("link", name="自治体DX推進参考事例集【第2.0版】")).to_have_attribute(
        "href", "/id/source/001_b7b77d4349d817ea"
    )
    expect(sources).to_contain_text("自治体DX推進手順書の概要について")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(server + icon).status == 200

    page.locator("ul.featured").get_by_role("link", name="RPAを使う取組とその費用").click()
    expect(page).to_have_url(re.compile(r"/query\?example=2$"))
    expect(page.locator(".CodeMirror-code").last).to_contain_text("concept:technology-rpa")


def test_the_class_table_takes_the_whole_width(page: Page, server: str):
    """The table fills its column beside the facets, and no heading wraps (「都道府県」
    once broke a character a line)."""
    page.goto(server + "/class/CaseStudy")
    table = page.locator("table.instances")
    section = page.locator("section[aria-labelledby=list-heading]")
    table_box, section_box = table.bounding_box(), section.bounding_box()
    assert table_box and section_box and table_box["width"] >= 0.98 * section_box["width"]
    assert section_box["width"] > 0.6 * page.viewport_size["width"]
    heading = table.locator("th[data-column=prefecture]")
    expect(heading).to_have_text("都道府県")
    line = page.locator("table.instances td").first.evaluate(
        "cell => parseFloat(getComputedStyle(cell).lineHeight)"
    )
    assert heading.locator("a").bounding_box()["height"] < 1.5 * line


def test_municipalities_sort_by_code_and_by_reading(page: Page, server: str):
    page.goto(server + "/class/Municipality")
    first_cells = page.locator("table.instances tbody tr").first.get_by_role("cell")
    expect(first_cells.first).to_have_text("北海道")  # 010006, first by code
    expect(page.locator("table.instances tbody tr").nth(1).get_by_role("cell").first).to_have_text(
        "北見市"
    )
    page.get_by_label("並べ替え").select_option(label="よみ（昇順）")
    page.get_by_role("button", name="並べ替え").click()
    expect(page).to_have_url(re.compile(r"sort=reading"))
    expect(first_cells.first).to_have_text("愛知県")  # あいちけん
    page.locator("th[data-column=code] a").click()
    expect(page.locator("th[data-column=code]")).to_have_attribute("aria-sort", "ascending")
    expect(first_cells.first).to_have_text("北海道")
    page.locator("th[data-column=code] a").click()
    expect(page.locator("th[data-column=code]")).to_have_attribute("aria-sort", "descending")
    expect(first_cells.first).not_to_have_text("北海道")


def test_the_case_table_shows_government_and_prefecture(page: Page, server: str):
    page.goto(server + "/class/CaseStudy")
    page.get_by_role("link", name="東京都").first.click()  # the prefecture facet
    row = (
        page.get_by_role("row")
        .filter(
            has=page.get_by_role("link", name=re.compile("AIの積極的な活用による区民サービス向上"))
        )
        .first
    )
    expect(row.locator("td[data-column=government]")).to_have_text("港区")
    expect(row.locator("td[data-column=prefecture]")).to_have_text("東京都")
    expect(row.locator("td[data-column=edition]")).to_have_text(re.compile("版"))


def test_the_csv_of_a_filtered_view_has_the_filtered_rows(page: Page, server: str):
    page.goto(server + "/class/CaseStudy")
    page.locator("#facet-edition ~ ul").get_by_role("link", name="第2.0版").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(82 件)")
    with page.expect_download() as download:
        page.get_by_role("link", name=MESSAGES["download_csv"][0]).click()
    assert download.value.suggested_filename == "CaseStudy.csv"
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert len(rows) == 82 and {row["edition"] for row in rows} == {"第2.0版"}


def test_the_views_by_kind_read_like_the_documents(page: Page, server: str):
    """A case laid out as printed (costs in yen, the schedule, the interview), its
    municipality's initiatives, a vendor's governments and a technology's chart."""
    page.goto(server + "/page/id/case/v4-1-4")
    costs = page.locator("table.costs")
    expect(costs.locator("tr[data-cost=initial] td.yen")).to_have_text("68,515,000円")
    expect(page.locator("ol.timeline > li")).to_have_count(3)
    expect(page.locator("ol.timeline > li").last).to_contain_text("事業開始")
    expect(page.locator(".interview dt").first).to_have_text("Q. 今後の展望を教えてください。")
    generic = page.locator("details.generic")
    expect(generic.locator("table.properties")).to_be_hidden()
    generic.locator("summary").click()
    expect(generic.locator("table.properties")).to_be_visible()

    page.locator("dd.government").get_by_role("link", name="福島県", exact=True).click()
    expect(page).to_have_url(re.compile(r"/page/id/municipality/070009$"))
    initiatives = page.get_by_role("region", name=re.compile("取組"))
    expect(
        initiatives.get_by_role("link", name=re.compile("ＩＣＴアドバイザー派遣"))
    ).to_be_visible()
    expect(page.locator("figure.entity-map")).to_be_visible()

    page.goto(
        server + "/page/id/org/%E6%9D%B1%E6%97%A5%E6%9C%AC%E9%9B%BB%E4%BF%A1%E9%9B%BB%E8%A9%B1"
    )
    governments = page.get_by_role("region", name=re.compile("取引のある団体"))
    expect(governments.get_by_role("link", name="福島県", exact=True)).to_be_visible()

    page.goto(server + "/page/id/concept/technology-rpa")
    chart = page.locator("svg.bar-chart")
    expect(chart).to_be_visible()
    assert chart.locator("g.bar").count() > 10
    expect(page.locator("p.repeated")).to_have_attribute("data-count", "238")
    page.locator("a.initiatives-link").click()
    expect(page).to_have_url(re.compile(r"/class/Initiative\?technology="))


#: The smallest label, in CSS pixels on screen, that reads without zooming.
READABLE_PX = 12


def test_the_graph_view_has_a_legend_readable_labels_and_collapsed_hubs(page: Page, server: str):
    page.goto(server + "/view/id/municipality/152021?hops=2")
    legend = page.locator("#legend")
    expect(legend).to_be_visible()
    expect(legend.locator("li.kind-municipality")).to_contain_text("自治体")
    expect(legend.locator("li.collapsed")).to_be_visible()
    expect(page.locator("#graph canvas").first).to_be_attached()
    page.wait_for_function("() => document.getElementById('graph').graph !== undefined")
    drawn = page.evaluate("""() => {
        const cy = document.getElementById('graph').graph;
        const centre = cy.nodes('[hop = 0]');
        const hub = cy.nodes('[more]').first();
        const swatch = document.querySelector('#legend li.kind-municipality .swatch');
        return {
            size: parseFloat(centre.renderedStyle('font-size')),
            label: centre.style('label'),
            hub: hub.style('label'),
            colour: centre.style('background-color'),
            swatch: getComputedStyle(swatch).backgroundColor,
        };
    }""")
    assert drawn["size"] >= READABLE_PX
    assert drawn["label"] == "長岡市"
    assert re.search(r"ほか\d+件", drawn["hub"])
    assert drawn["colour"].replace(" ", "") == drawn["swatch"].replace(" ", "")
