"""The networks of the release: sizes against SPARQL counts on the built graph, the known
merges, the measures, the exports read back, determinism, the command and the README guide."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner
from pyoxigraph import Store
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from dxkg.cli import main
from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.analysis.export import write_analysis
from dxkg.pipeline.analysis.measures import LOUVAIN_SEED, analyse, project, side
from dxkg.pipeline.analysis.networks import build_networks

#: The six networks of a release, written out here rather than read from the build
#: (``test_build`` and ``test_network_page`` check the published files against them).
NETWORKS = (
    "vendor-municipality",
    "technology-municipality",
    "shared-system-municipality",
    "municipality-by-vendor",
    "vendor-by-municipality",
    "technology-by-municipality",
)

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
PREFIXES = f"""
PREFIX dxkg: <{BASE}ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
#: One initiative per case lineage: the newest edition stands for the case.
INITIATIVE = "OPTIONAL { ?newer prov:wasRevisionOf ?case } BIND (COALESCE(?newer, ?case) AS ?i)"
VENDOR_EDGES = f"""
  ?case a dxkg:CaseStudy ; dxkg:municipality ?g ; dxkg:provider|dxkg:participant ?v .
  ?v a dxkg:Vendor . {INITIATIVE}"""
TECHNOLOGY_EDGES = (
    """
  { ?case a dxkg:CaseStudy } UNION { ?case a dxkg:Initiative }
  ?case dxkg:municipality ?g ; dxkg:usesTechnology ?v . """
    + INITIATIVE
)
SYSTEM_EDGES = """
  { ?row a dxkg:SharedSystem OPTIONAL { ?joint dxkg:reportedAs ?row } }
  UNION { ?row a dxkg:JointSharedSystem }
  ?row dxkg:reportedBy|dxkg:usedBy ?g .
  BIND (COALESCE(?joint, ?row) AS ?v)"""
CYBOZU = BASE + "id/org/サイボウズ"  # printed サイボウズ株式会社 and サイボウズ: one vendor


def count(store: Store, query: str) -> int:
    results = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return int(next(iter(results))[0].value)


@pytest.fixture(scope="module")
def analysis(release_store):
    return analyse(build_networks(release_store, BASE))


@pytest.fixture(scope="module")
def network_folder(release):
    paths, _ = release
    return paths.dist / "network"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("vendor-municipality", VENDOR_EDGES),
        ("technology-municipality", TECHNOLOGY_EDGES),
        ("shared-system-municipality", SYSTEM_EDGES),
    ],
)
def test_bipartite_sizes_equal_sparql_counts(analysis, release_store, name, pattern):
    graph = analysis.bipartite[name]
    assert len(side(graph, 0)) == count(
        release_store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) {{ {pattern} }}"
    )
    assert len(side(graph, 1)) == count(
        release_store, f"SELECT (COUNT(DISTINCT ?v) AS ?n) {{ {pattern} }}"
    )
    pairs = f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?g ?v {{ {pattern} }} }}"
    assert graph.number_of_edges() == count(release_store, pairs)
    assert graph.number_of_nodes() == len(side(graph, 0)) + len(side(graph, 1))
    assert nx.is_bipartite(graph)


def test_vendor_edge_weights_count_initiatives_not_editions(analysis, release_store):
    graph = analysis.bipartite["vendor-municipality"]
    weights = f"""SELECT ?g ?v (COUNT(DISTINCT ?i) AS ?w) {{ {VENDOR_EDGES} }} GROUP BY ?g ?v"""
    results = release_store.query(PREFIXES + weights, use_default_graph_as_union=True)
    expected = {(row[0].value, row[1].value): int(row[2].value) for row in results}
    assert {(g, v): graph[g][v]["weight"] for g, v in expected} == expected
    # v2-1-4 (第2.0版) and v4-1-4 (第4.0版) are one initiative of 福島県 with 東邦情報システム
    edge = graph[BASE + "id/municipality/070009"][BASE + "id/org/東邦情報システム"]
    assert edge["initiatives"] == BASE + "id/case/v4-1-4"
    assert edge["weight"] == 1


def test_a_vendor_printed_several_ways_is_one_node_with_its_reach(analysis, release_store):
    graph = analysis.bipartite["vendor-municipality"]
    labels = [data["label"] for _, data in graph.nodes(data=True)]
    assert len(labels) == len(set(zip(labels, graph.nodes, strict=True)))
    assert sum(1 for label in labels if label.startswith("サイボウズ")) == 1
    served = count(
        release_store,
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) {{ ?case dxkg:municipality ?g ; "
        f"dxkg:provider|dxkg:participant <{CYBOZU}> }}",
    )
    assert graph.degree(CYBOZU) == served == 5
    assert graph.nodes[CYBOZU]["label"] == "サイボウズ株式会社"


def test_node_attributes_are_writable_and_labelled(analysis):
    for _, graph in analysis.graphs():
        for node, data in graph.nodes(data=True):
            assert node.startswith(BASE)
            assert data["label"]
            assert all(isinstance(v, str | int | float) for v in data.values()), node
        for *_, data in graph.edges(data=True):
            assert all(isinstance(v, str | int | float) for v in data.values())
    technologies = analysis.bipartite["technology-municipality"]
    assert (
        technologies.nodes[BASE + "id/concept/technology-rpa"]["label_en"]
        == "Robotic process automation"
    )


def test_projections_weigh_shared_neighbours_three_ways():
    graph = nx.Graph()
    graph.add_nodes_from(["m1", "m2", "m3"], bipartite=0)
    graph.add_nodes_from(["v1", "v2"], bipartite=1)
    graph.add_edges_from([("m1", "v1"), ("m2", "v1"), ("m2", "v2"), ("m3", "v2"), ("m1", "v2")])
    projection = project(graph, ["m1", "m2", "m3"], "jaccard")
    edge = projection["m1"]["m2"]  # share v1 and v2, each has both: Jaccard 1
    assert (edge["shared"], edge["jaccard"], edge["weight"]) == (2, 1.0, 1.0)
    # Newman: Σ 1/(k−1) over shared neighbours; v1 has degree 2 (1/1), v2 degree 3 (1/2)
    assert edge["newman"] == 1.5
    assert projection["m1"]["m3"]["jaccard"] == 0.5


def test_measures_and_summary(analysis, network_folder):
    graph = analysis.bipartite["vendor-municipality"]
    cybozu = graph.nodes[CYBOZU]
    assert cybozu["degree"] == 5
    assert cybozu["weighted_degree"] == 5.0
    assert cybozu["degree_centrality"] == round(5 / len(side(graph, 0)), 6)
    assert 0 < cybozu["betweenness"] < 1
    components = list(nx.connected_components(graph))
    assert {data["component"] for _, data in graph.nodes(data=True)} == set(range(len(components)))
    largest = max(components, key=len)
    assert all(graph.nodes[node]["component"] == 0 for node in largest)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=LOUVAIN_SEED)
    assert len({data["community"] for _, data in graph.nodes(data=True)}) == len(communities)

    summary = json.loads((network_folder / "summary.json").read_text("utf-8"))
    top = summary["top_vendors"]
    assert top[0]["iri"] == CYBOZU and top[0]["municipalities"] == 5
    assert [row["municipalities"] for row in top] == sorted(
        (row["municipalities"] for row in top), reverse=True
    )
    sizes = {row["name"]: row for row in summary["networks"]}
    assert sizes["vendor-municipality"]["edges"] == graph.number_of_edges()
    fukushima = next(row for row in summary["prefectures"] if row["label"] == "福島県")
    fukushima_govts = {n for n in side(graph, 0) if graph.nodes[n]["prefecture_label"] == "福島県"}
    assert fukushima["governments_with_vendors"] == len(fukushima_govts)
    measures = json.loads((network_folder / "measures.json").read_text("utf-8"))
    assert measures[CYBOZU]["vendor-municipality"]["degree"] == 5


@pytest.mark.parametrize("stem", NETWORKS)
def test_every_export_loads_back(analysis, network_folder, stem):
    graph = dict(analysis.graphs())[stem]
    loaded = {
        "gexf": nx.read_gexf(network_folder / f"{stem}.gexf"),
        "graphml": nx.read_graphml(network_folder / f"{stem}.graphml"),
        "cyjs": nx.cytoscape_graph(
            json.loads((network_folder / f"{stem}.cyjs").read_text("utf-8")), name="label"
        ),
        "csv": graph_from_csv(
            network_folder / f"{stem}-nodes.csv", network_folder / f"{stem}-edges.csv"
        ),
    }
    node, data = next(iter(graph.nodes(data=True)))
    for form, copy in loaded.items():
        assert set(copy.nodes) == set(graph.nodes), form
        assert {frozenset(e) for e in copy.edges} == {frozenset(e) for e in graph.edges}, form
        assert copy.nodes[node]["label"] == data["label"], form
        a, b, weight = next(iter(graph.edges(data="weight")))
        assert float(copy[a][b]["weight"]) == weight, form
    assert 'lastmodifieddate="2026-11-21"' in (network_folder / f"{stem}.gexf").read_text("utf-8")


def graph_from_csv(nodes_path, edges_path) -> nx.Graph:
    graph = nx.Graph()
    with nodes_path.open(encoding="utf-8", newline="") as nodes:
        for row in csv.DictReader(nodes):
            graph.add_node(row.pop("id"), **row)
    with edges_path.open(encoding="utf-8", newline="") as edges:
        for row in csv.DictReader(edges):
            graph.add_edge(row.pop("source"), row.pop("target"), **row)
    return graph


def test_same_release_gives_the_same_files(release_store, network_folder, tmp_path):
    write_analysis(analyse(build_networks(release_store, BASE)), tmp_path, "2026-11-21")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in network_folder.iterdir()
    )
    for path in sorted(network_folder.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_catalogue_lists_the_network_exports(network_folder):
    catalogue = Graph().parse(network_folder.parent / "catalog.ttl")
    networks = URIRef(BASE + "dataset/network")
    urls = {
        str(catalogue.value(d, DCAT.downloadURL)).removeprefix(BASE + "download/")
        for d in catalogue.objects(networks, DCAT.distribution)
    }
    files = {f"network/{path.name}" for path in network_folder.iterdir()}
    assert urls == files
    assert (URIRef(BASE + "catalog"), DCAT.dataset, networks) in catalogue


def test_network_command_writes_the_exports_and_prints_a_summary(release, tmp_path):
    paths, _ = release
    out = tmp_path / "network"
    result = CliRunner().invoke(main, ["network", "--dist", str(paths.dist), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"vendor-municipality\s+159\s+51\s+108\s+127", result.output)
    assert "1. サイボウズ株式会社  municipalities 5" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (paths.dist / "network").iterdir()
    )


def test_readme_snippet_rebuilds_the_network_from_the_endpoint(server, analysis):
    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Network analysis", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(snippet.replace("http://127.0.0.1:8080", server), namespace)  # noqa: S102
    graph, expected = namespace["graph"], analysis.bipartite["vendor-municipality"]
    assert set(graph.nodes) == set(expected.nodes)
    assert weights(graph) == weights(expected)
    assert printed.getvalue().startswith(f"{expected.number_of_nodes()} nodes,")


def weights(graph: nx.Graph) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): weight for a, b, weight in graph.edges(data="weight")}
