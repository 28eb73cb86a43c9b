"""The graph view: a resource's neighbourhood as Cytoscape.js elements and as a page."""

import json
import re

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Store

from dxkg.web.app import create_app
from dxkg.web.views.graphview import MAX_NODES

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
    assert data["truncated"] is True and len(nodes) == MAX_NODES
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
