"""The network page (``/network``) and the network measures on entity pages, over real HTTP
in front of both engines; and releases that differ: one with markup in a label, one built
before the networks existed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from pyoxigraph import Literal, NamedNode, Quad

from browser import release_with
from dxkg.pipeline.analysis.plots import FIGURES
from dxkg.release import FIGURES as RELEASE_FIGURES
from dxkg.web.views.i18n import MESSAGES
from servers import dxkg_server
from test_network import NETWORKS

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
VENDOR = "id/org/サイボウズ"  # サイボウズ株式会社 serves 5 municipalities, the most of any vendor
MUNICIPALITY = "id/municipality/062090"  # 長井市: 10 vendors, the most of any government
CASE = "id/case/v4-1-4"  # a case: in no network
#: The media type each published network file is served with, by suffix.
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".gexf": "application/xml",
    ".graphml": "application/xml",
    ".csv": "text/csv",
    ".cyjs": "application/json",
    ".json": "application/json",
}
HOSTILE_LABEL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, headers={"Accept": "text/html"}, timeout=30)


def page_path(path: str) -> str:
    """The URL path of an entity page, percent-encoded as a browser sends it."""
    return quote(f"/page/{path}")


@pytest.fixture(scope="module")
def network_dir(release) -> Path:
    paths, _ = release
    return paths.dist / "network"


@pytest.fixture(scope="module")
def summary(network_dir) -> dict:
    return json.loads((network_dir / "summary.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def measures(network_dir) -> dict:
    return json.loads((network_dir / "measures.json").read_text("utf-8"))


class Links(HTMLParser):
    """The link targets and image sources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[tuple[str, str]] = []  # (src, alt)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        elif tag == "img":
            self.images.append((attributes.get("src") or "", attributes.get("alt") or ""))


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_page_is_japanese_by_default(server, summary):
    response = get(f"{server}/network")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert '<html lang="ja">' in html
    assert "<h1>ネットワーク分析</h1>" in html
    assert '<a href="/network">ネットワーク</a>' in html  # the site navigation
    assert '<a href="/page/id/org/サイボウズ">サイボウズ株式会社</a>' in html
    for heading in ("ネットワークの規模", "都道府県別", "コミュニティ（Louvain法）", "図"):
        assert f">{heading}</h2>" in html
    captions = [alt for _, alt in parsed(html).images]
    assert captions == [japanese for japanese, _ in FIGURES.values()]
    # The drawing's script and data, the filters and the list of nodes for keyboards.
    assert "/static/network.js" in html
    assert 'data-src="/download/network/vendor-municipality.cyjs"' in html
    assert 'id="filter-prefecture"' in html and 'id="filter-weight"' in html
    assert html.count('<li data-node="') == summary["networks"][0]["nodes"]


def test_the_page_switches_to_english(server):
    html = get(f"{server}/network", lang="en").text
    assert '<html lang="en">' in html
    assert "<h1>Network analysis</h1>" in html and ">Network sizes</h2>" in html
    assert [alt for _, alt in parsed(html).images] == [english for _, english in FIGURES.values()]
    # Labels in English where the graph has them: the prefectures have.
    assert ">Tokyo Metropolis</a>" in html
    assert ">Vendor–municipality</th>" in html


def test_the_json_form_is_the_summary_with_links(server, summary):
    response = get(f"{server}/network.json")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    data = response.json()
    for key in ("networks", "top_vendors", "top_technologies", "prefectures"):
        assert len(data[key]) == len(summary[key]), key
        for shown, published in zip(data[key], summary[key], strict=True):
            assert {name: shown[name] for name in published} == published, key
    top = data["top_vendors"][0]
    assert (top["iri"], top["href"], top["municipalities"]) == (
        BASE + VENDOR,
        f"/page/{VENDOR}",
        5,
    )
    assert {row["network"] for row in data["exports"]} == set(NETWORKS)
    assert data["drawing"]["src"] == "/download/network/vendor-municipality.cyjs"
    assert data["drawing"]["nodes_total"] == summary["networks"][0]["nodes"]


def test_figures_and_exports_resolve_with_their_media_types(server):
    page = parsed(get(f"{server}/network").text)
    downloads = sorted(
        {href for href in page.links if href.startswith("/download/network/")}
        | {src for src, _ in page.images}
    )
    # Five formats per network, three figures, the summary and the measures.
    assert len(downloads) == 5 * len(NETWORKS) + 3 + 2
    for href in downloads:
        response = requests.get(server + href, timeout=30)
        assert response.status_code == 200, href
        assert response.headers["Content-Type"].split(";")[0] == MEDIA_TYPES[Path(href).suffix]
        assert response.content, href


def test_the_page_answers_conditional_requests(server):
    first = get(f"{server}/network")
    again = requests.get(
        f"{server}/network", headers={"If-None-Match": first.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304


def test_a_vendor_page_shows_its_measures(server, measures):
    data = get(server + page_path(VENDOR) + ".json").json()
    rows = {row["network"]: row for row in data["network_measures"]}
    assert set(rows) == set(measures[BASE + VENDOR])
    assert rows["vendor-municipality"]["degree"] == 5
    assert rows["vendor-municipality"]["label"] == "ベンダー–自治体"
    html = get(server + page_path(VENDOR)).text
    assert ">ネットワーク指標</h2>" in html and '<a href="/network">' in html
    start = html.index('<tr data-network="vendor-municipality">')
    row = html[start : html.index("</tr>", start)]
    assert '<th scope="row">ベンダー–自治体</th>' in row
    assert '<td class="number" data-measure="degree">5</td>' in row


def test_a_municipality_page_shows_its_measures(server, measures):
    published = measures[BASE + MUNICIPALITY]
    data = get(server + page_path(MUNICIPALITY) + ".json", lang="en").json()
    rows = {row["network"]: row for row in data["network_measures"]}
    assert set(rows) == set(published)
    for network, values in published.items():
        assert {name: rows[network][name] for name in values} == values, network
    assert rows["vendor-municipality"]["label"] == "Vendor–municipality"
    html = get(server + page_path(MUNICIPALITY), lang="en").text
    assert ">Network measures</h2>" in html and ">Betweenness</th>" in html


def test_a_resource_in_no_network_has_no_measures(server):
    assert get(server + page_path(CASE) + ".json").json()["network_measures"] == []
    assert "ネットワーク指標" not in get(server + page_path(CASE)).text


def test_the_captions_are_the_builds():
    """The server keeps its own copy of the captions (the build's module imports
    matplotlib); they must not drift apart, nor from the release's figures."""
    assert RELEASE_FIGURES == tuple(FIGURES)
    for name, captions in FIGURES.items():
        assert MESSAGES[f"figure_{name}"] == captions, name


# The releases that differ are served by their own ``dxkg serve`` (the embedded engine),
# not in this process: a query child forked here would hold the pipes of the browser tests'
# Playwright driver open, and its shutdown would wait for it.


@pytest.fixture(scope="module")
def hostile_server(release, tmp_path_factory) -> Iterator[str]:
    """A server over a release where サイボウズ (top vendor, in the drawing, in the largest
    community) also has markup as its English label."""
    paths, _ = release
    quad = Quad(
        NamedNode(BASE + VENDOR),
        RDFS_LABEL,
        Literal(HOSTILE_LABEL, language="en"),
        NamedNode(BASE + "graph/organisations"),
    )
    dist = release_with(paths.dist, tmp_path_factory.mktemp("hostile") / "dist", [quad])
    with dxkg_server(dist) as url:
        yield url


def test_labels_are_escaped(hostile_server):
    html = get(f"{hostile_server}/network", lang="en").text
    escaped = "&lt;script&gt;window.__pwned = 1&lt;/script&gt;"
    assert HOSTILE_LABEL not in html and "<script>window" not in html
    assert "<img src=x" not in html
    assert html.count(escaped) >= 3  # top vendors, largest community, list of nodes
    assert f'data-label="{escaped}&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;"' in html


@pytest.fixture(scope="module")
def old_server(release, tmp_path_factory) -> Iterator[str]:
    """A server over the release as a build from before the networks: no network/ folder,
    and a SHA256SUMS without its files."""
    paths, _ = release
    dist = tmp_path_factory.mktemp("old") / "dist"
    shutil.copytree(paths.dist, dist, ignore=shutil.ignore_patterns("network"))
    sums = dist / "SHA256SUMS"
    lines = sums.read_text("utf-8").splitlines(keepends=True)
    sums.write_text("".join(line for line in lines if "  network/" not in line), "utf-8")
    with dxkg_server(dist) as url:
        yield url


def test_a_release_without_networks_answers_404(old_server):
    response = get(f"{old_server}/network")
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("text/html")
    assert "network/summary.json" in response.text
    response = get(f"{old_server}/network.json", lang="en")
    assert response.status_code == 404
    assert response.json()["error"].startswith("This release has no network analysis")
    # The rest of the browser does not need the networks.
    vendor = get(old_server + page_path(VENDOR) + ".json")
    assert vendor.status_code == 200 and vendor.json()["network_measures"] == []
    groups = [group["id"] for group in get(f"{old_server}/downloads.json").json()["groups"]]
    assert "network" not in groups
