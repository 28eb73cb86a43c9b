"""The graph view: a resource's neighbourhood as Cytoscape.js elements and as a page."""

import json
import re

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Store

from dxkg.web.app import create_app
from dxkg.web.views.graphview import HUB_THRESHOLD, KIND_NAMES, MAX_NODES

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
CASE = "id/case/v2-3-19"
NAGAOKA = BASE + "id/municipality/152021"
MUNICIPALITY = BASE + "ontology#municipality"
#: A code-list concept with hundreds of cases and survey rows.
HUB = "id/concept/implementation-status-implemented"


@pytest.fixture(scope="module")
def client(release) -> FlaskClient:
    paths, _ = release
    return create_app(paths.dist).test_client(use_cookies=False)


def neighbourhood(client: FlaskClient, path: str, **args: str) -> dict:
    response = client.get(f"/view/{path}.json", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def nodes_of(data: dict) -> dict[str, dict]:
    return {node["data"]["id"]: node["data"] for node in data["elements"]["nodes"]}


def edges_of(data: dict) -> list[dict]:
    return [edge["data"] for edge in data["elements"]["edges"]]


def japanese_label(release_store: Store, resource: str) -> str:
    labels = [
        quad.object
        for quad in release_store.quads_for_pattern(NamedNode(resource), None, None)
        if quad.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
        and isinstance(quad.object, Literal)
        and quad.object.language == "ja"
    ]
    return labels[0].value


def test_a_case_is_linked_to_its_municipality(client, release_store):
    data = neighbourhood(client, CASE)
    nodes = nodes_of(data)
    assert nodes[BASE + CASE]["hop"] == 0
    assert nodes[NAGAOKA] == {
        "id": NAGAOKA,
        "label": "長岡市",
        "class": "dxkg:City",
        "class_label": "市",
        "kind": "municipality",
        "href": "/page/id/municipality/152021",
        "hop": 1,
    }
    [edge] = [e for e in edges_of(data) if (e["source"], e["target"]) == (BASE + CASE, NAGAOKA)]
    assert edge["property"] == MUNICIPALITY
    assert edge["label"] == japanese_label(release_store, MUNICIPALITY)
    assert data["truncated"] is False


def test_labels_follow_the_interface_language(client):
    nodes = nodes_of(neighbourhood(client, CASE, lang="en"))
    assert nodes[BASE + "id/municipality/150002"]["label"] == "Niigata Prefecture"
    assert nodes[NAGAOKA]["class_label"] == "City"


def test_only_resources_and_no_evidence_nodes_or_type_edges(client):
    data = neighbourhood(client, CASE, hops="2")
    nodes = nodes_of(data)
    assert len(nodes) == len(data["elements"]["nodes"])
    assert all(node.startswith(("http://", "https://")) for node in nodes)
    assert not {"dxkg:SourceExcerpt", "dxkg:TechnologyTag"} & {n["class"] for n in nodes.values()}
    edges = edges_of(data)
    assert len({edge["id"] for edge in edges}) == len(edges)
    assert all(edge["source"] in nodes and edge["target"] in nodes for edge in edges)
    assert all(not edge["property"].endswith("#type") for edge in edges)


def test_two_hops_reach_further_within_the_cap(client):
    one = nodes_of(neighbourhood(client, CASE))
    data = neighbourhood(client, CASE, hops="2")
    two = nodes_of(data)
    assert set(one) < set(two)
    assert len(two) <= MAX_NODES
    assert {n["hop"] for n in two.values()} == {0, 1, 2}
    assert [n for n in two if two[n]["hop"] == 1] == [n for n in one if one[n]["hop"] == 1]
    assert isinstance(data["truncated"], bool)


def test_a_hub_does_not_take_the_whole_second_hop(client):
    data = neighbourhood(client, CASE, hops="2")
    nodes = nodes_of(data)
    assert data["truncated"] is False and len(nodes) < MAX_NODES
    via = {
        edge["source"] if nodes[edge["target"]]["hop"] == 2 else edge["target"]
        for edge in edges_of(data)
        if {nodes[edge["source"]]["hop"], nodes[edge["target"]]["hop"]} == {1, 2}
    }
    assert len(via) >= 5


def test_a_large_neighbourhood_is_cut_and_says_so(client):
    data = neighbourhood(client, HUB)
    assert data["truncated"] is True
    assert len(data["elements"]["nodes"]) == MAX_NODES


def test_external_resources_are_not_links(client):
    nodes = nodes_of(neighbourhood(client, "id/municipality/152021"))
    external = [n for n in nodes.values() if n["id"].startswith("http://data.e-stat.go.jp/")]
    assert external and all(n["href"] is None for n in external)


def test_an_unknown_resource_is_not_found(client):
    response = client.get("/view/id/case/no-such-case.json")
    assert response.status_code == 404
    assert "id/case/no-such-case" in response.get_json()["error"]
    page = client.get("/view/id/case/no-such-case", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "id/case/no-such-case" in page.get_data(as_text=True)


def test_only_one_or_two_hops(client):
    assert client.get(f"/view/{CASE}.json?hops=3").status_code == 400


def test_the_page_draws_the_graph_and_lists_the_neighbours(client):
    response = client.get(f"/view/{CASE}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<a href="/page/id/municipality/152021">長岡市</a>' in page
    assert '<a href="?hops=2">' in page
    assert f'href="/view/{CASE}.json"' in page
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page)
    assert json.loads(block.group(1)) == neighbourhood(client, CASE)["elements"]
    [script] = re.findall(r'src="(/static/vendor/[^"]+)"', page)
    assert script == "/static/vendor/cytoscape.min.js"
    assert client.get(script).status_code == 200


def test_a_municipality_at_two_hops_collapses_its_hubs_within_the_cap(client):
    data = neighbourhood(client, "id/municipality/152021", hops="2")
    nodes = nodes_of(data)
    assert data["truncated"] is False and len(nodes) < MAX_NODES
    assert data["hub_threshold"] == HUB_THRESHOLD
    hubs = {node: n for node, n in nodes.items() if "more" in n}
    assert BASE + "id/municipality/150002" in hubs  # 新潟県 and its many governments
    for hub in hubs.values():
        assert hub["hop"] == 1 and hub["more"] > 0
        assert hub["more_label"] == f"ほか{hub['more']}件"
        assert hub["view_href"] == hub["href"].replace("/page/", "/view/")
    # The second hop is reached through the nodes that are expanded, never only a hub.
    expanded = {node for node, n in nodes.items() if n["hop"] == 1 and node not in hubs}
    pairs = {(e["source"], e["target"]) for e in edges_of(data)}
    pairs |= {(target, source) for source, target in pairs}
    second = [node for node, n in nodes.items() if n["hop"] == 2]
    assert second and all(any((node, via) in pairs for via in expanded) for node in second)


def test_one_hop_collapses_nothing(client):
    nodes = nodes_of(neighbourhood(client, "id/municipality/152021"))
    assert not [n for n in nodes.values() if "more" in n]


def test_the_legend_lists_the_kinds_present_with_the_nodes_colours(client):
    data = neighbourhood(client, "id/municipality/152021", hops="2")
    kinds = [node["kind"] for node in nodes_of(data).values()]
    assert [item["kind"] for item in data["legend"]] == [k for k in KIND_NAMES if k in kinds]
    assert {"case", "municipality", "other"} <= set(kinds)
    assert sum(item["count"] for item in data["legend"]) == len(kinds)
    page = client.get("/view/id/municipality/152021?hops=2").get_data(as_text=True)
    legend = re.search(r'<ul class="legend".*?</ul>', page, re.DOTALL).group(0)
    assert re.findall(r'<li class="kind-(\w+)">', legend) == [i["kind"] for i in data["legend"]]
    assert "自治体 (" in legend and '<li class="collapsed">' in legend
    assert ' style="' not in legend and "<script" not in legend
