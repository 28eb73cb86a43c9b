"""The networks of the release: sizes against SPARQL counts on the built graph, the known
merges, what edges and nodes carry (editions, years, costs, populations, corporate groups),
the networks by edition, the measures, the exports read back, determinism, the command and
the README guide."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections import defaultdict

import networkx as nx
import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from dxkg.cli import main
from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.analysis.export import write_analysis
from dxkg.pipeline.analysis.measures import LOUVAIN_SEED, analyse, project, side
from dxkg.pipeline.analysis.networks import build_networks

#: The networks of a release, written out here rather than read from the build
#: (``test_build`` and ``test_network_page`` check the published files against them).
NETWORKS = (
    "vendor-municipality",
    "technology-municipality",
    "shared-system-municipality",
    "vendor-group-municipality",
    "vendor-municipality-v2",
    "vendor-municipality-v4",
    "municipality-by-vendor",
    "vendor-by-municipality",
    "technology-by-municipality",
)

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
PREFIXES = f"""
PREFIX dxkg: <{BASE}ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
"""
#: One initiative per case lineage: the newest edition, along the whole chain, stands for it.
VENDOR_EDGES = """
  ?i a dxkg:Initiative ; dxkg:municipality ?g ; dxkg:provider|dxkg:participant ?v .
  ?v a dxkg:Vendor ."""
TECHNOLOGY_EDGES = "?i a dxkg:Initiative ; dxkg:municipality ?g ; dxkg:usesTechnology ?v ."
SYSTEM_EDGES = """
  { ?row a dxkg:SharedSystem OPTIONAL { ?joint dxkg:reportedAs ?row } }
  UNION { ?row a dxkg:JointSharedSystem }
  ?row dxkg:reportedBy|dxkg:usedBy ?g .
  BIND (COALESCE(?joint, ?row) AS ?v)"""
CYBOZU = BASE + "id/org/サイボウズ"  # printed サイボウズ株式会社 and サイボウズ: one vendor
NTT = BASE + "id/org/日本電信電話"  # the head of the NTT group: a parent company no case names
FUKUSHIMA = BASE + "id/municipality/070009"
TOHO = BASE + "id/org/東邦情報システム"
KITAMI = BASE + "id/municipality/012084"  # 北見市
KITAMI_VENDOR = BASE + "id/org/北見コンピュータービジネス"
KOBE = BASE + "id/municipality/281000"


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
    edge = graph[FUKUSHIMA][TOHO]
    assert edge["initiatives"] == BASE + "id/initiative/v2-1-4"
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


def rows(store: Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT, each as the lexical values of its terms."""
    results = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [tuple(term.value for term in row) for row in results]


def test_edges_name_the_editions_that_print_them(analysis, release_store):
    graph = analysis.bipartite["vendor-municipality"]
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for government, vendor, edition in rows(
        release_store,
        "SELECT ?g ?v ?e { ?case a dxkg:CaseStudy ; dxkg:edition ?e ; dxkg:municipality ?g ; "
        "dxkg:provider|dxkg:participant ?v . ?v a dxkg:Vendor }",
    ):
        expected[government, vendor].add(edition)
    assert {key: set(graph[key[0]][key[1]]["editions"].split()) for key in expected} == expected
    # 第2.0版 1-4 and 第4.0版 1-4 both print 福島県's initiative with 東邦情報システム
    assert graph[FUKUSHIMA][TOHO]["editions"] == "第2.0版 第4.0版"
    # the survey's rows are reported, and dated, by the 2020 survey
    technologies = analysis.bipartite["technology-municipality"]
    surveyed = [d for *_, d in technologies.edges(data=True) if "2020年調査" in d["editions"]]
    assert surveyed and all("2020" in data["years"].split() for data in surveyed)


def test_edges_carry_the_years_and_costs_the_cases_print(analysis, release_store):
    edge = analysis.bipartite["vendor-municipality"][KITAMI][KITAMI_VENDOR]
    case = (
        f"?case a dxkg:CaseStudy ; dxkg:municipality <{KITAMI}> ; dxkg:provider <{KITAMI_VENDOR}>"
    )
    ((initial, running),) = rows(
        release_store,
        f"""SELECT ?initial ?running {{ {case} ; dxkg:cost ?a, ?b .
          ?a dxkg:costKind <{BASE}id/concept/cost-kind-initial> ; schema:value ?initial .
          ?b dxkg:costKind <{BASE}id/concept/cost-kind-running> ; schema:value ?running }}""",
    )
    assert (edge["initial_cost_yen"], edge["running_cost_yen"]) == (int(initial), int(running))
    assert (edge["initial_cost_yen"], edge["running_cost_yen"]) == (74_000_000, 4_400_000)
    dates = rows(release_store, f"SELECT ?d {{ {case} ; dxkg:milestone/(dxkg:start|dxkg:end) ?d }}")
    years = sorted({int(date[:4]) for (date,) in dates})
    assert edge["years"] == " ".join(map(str, years))
    assert edge["first_year"] == years[0] == 2011


#: A case printed in three editions, each naming the same vendor for the same town: one
#: initiative, described by each.
CHAIN = f"""
@prefix dxkg: <{BASE}ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@base <{BASE}id/> .
<municipality/014087> a dxkg:Town ; dxkg:localGovernmentCode "014087" ; rdfs:label "余市町"@ja .
<org/x> a dxkg:Vendor ; rdfs:label "株式会社エックス"@ja .
<initiative/v2-3-1> a dxkg:Initiative ; dxkg:municipality <municipality/014087> ;
    dxkg:provider <org/x> ; dxkg:participant <org/x> .
<case/v2-3-1> a dxkg:CaseStudy ; dxkg:edition "第2.0版"@ja ; dxkg:describes <initiative/v2-3-1> ;
    dxkg:municipality <municipality/014087> ; dxkg:provider <org/x> .
<case/v4-3-1> a dxkg:CaseStudy ; dxkg:edition "第4.0版"@ja ; prov:wasRevisionOf <case/v2-3-1> ;
    dxkg:describes <initiative/v2-3-1> ;
    dxkg:municipality <municipality/014087> ; dxkg:provider <org/x> .
<case/v5-3-1> a dxkg:CaseStudy ; dxkg:edition "第5.0版"@ja ; prov:wasRevisionOf <case/v4-3-1> ;
    dxkg:describes <initiative/v2-3-1> ;
    dxkg:municipality <municipality/014087> ; dxkg:participant <org/x> .
"""


def test_a_case_and_its_revisions_count_once_along_the_whole_chain():
    store = Store()
    store.load(CHAIN, format=RdfFormat.TURTLE, to_graph=NamedNode(BASE + "graph/test"))
    networks = build_networks(store, BASE)
    (edge,) = [data for *_, data in networks.vendor_municipality.edges(data=True)]
    assert (edge["weight"], edge["initiatives"]) == (1, BASE + "id/initiative/v2-3-1")
    assert edge["editions"] == "第2.0版 第4.0版 第5.0版"
    assert edge["roles"] == "participant provider"
    assert list(networks.by_edition) == ["第2.0版", "第4.0版", "第5.0版"]
    assert [stem for stem, _ in networks.items()][-3:] == [
        "vendor-municipality-v2",
        "vendor-municipality-v4",
        "vendor-municipality-v5",
    ]
    # the README's pattern reads the initiative: three reports, one edge of weight one
    assert count(store, f"SELECT (COUNT(DISTINCT ?i) AS ?n) {{ {VENDOR_EDGES} }}") == 1


def test_each_edition_has_the_network_it_prints(analysis, network_folder):
    whole = analysis.bipartite["vendor-municipality"]
    editions = {"第2.0版": "vendor-municipality-v2", "第4.0版": "vendor-municipality-v4"}
    printed = {}
    for edition, stem in editions.items():
        graph = analysis.bipartite[stem]
        for a, b, data in graph.edges(data=True):
            assert data["editions"] == edition
            assert edition in whole[a][b]["editions"].split()
        printed[edition] = {frozenset(edge) for edge in graph.edges}
    assert set.union(*printed.values()) == {frozenset(edge) for edge in whole.edges}
    summary = json.loads((network_folder / "summary.json").read_text("utf-8"))["editions"]
    assert [(row["edition"], row["network"]) for row in summary] == list(editions.items())
    first, second = summary
    assert first["edges_in_previous"] == 0
    assert second["edges_in_previous"] == len(printed["第2.0版"] & printed["第4.0版"]) == 4
    assert (second["initiatives"], second["edges"]) == (2, 8)  # 第4.0版 chapter 1 names vendors


def test_vendors_are_grouped_as_the_curated_table_says(analysis, release_store):
    stated = rows(
        release_store,
        "SELECT ?a ?b { VALUES ?c { dxkg:Vendor dxkg:ParentCompany } "
        "?a a ?c ; org:subOrganizationOf ?b }",
    )
    table = (PROJECT_ROOT / "mappings" / "reference" / "vendor-groups.csv").read_text("utf-8")
    assert len(stated) == len(table.splitlines()) - 1 == 17
    vendors = analysis.bipartite["vendor-municipality"]
    groups = analysis.bipartite["vendor-group-municipality"]
    members = {
        group: data["members"].split()
        for group, data in groups.nodes(data=True)
        if data["bipartite"]
    }
    assert sorted(m for found in members.values() for m in found) == sorted(side(vendors, 1))
    for group, found in members.items():
        assert all(vendors.nodes[vendor]["group"] == group for vendor in found)
        served = {government for vendor in found for government in vendors[vendor]}
        assert set(groups[group]) == served
    ntt = members[NTT]
    assert {BASE + "id/org/東日本電信電話", BASE + "id/org/西日本電信電話"} < set(ntt)
    assert BASE + "id/org/エヌティティデータ経営研究所" in ntt  # through 株式会社NTTデータ
    assert (len(ntt), groups.degree(NTT), groups.nodes[NTT]["label"]) == (
        9,
        11,
        "日本電信電話株式会社",
    )
    microsoft = BASE + "id/org/microsoft"
    assert vendors.nodes[BASE + "id/org/日本マイクロソフト"]["group"] == microsoft
    assert (
        groups.nodes[microsoft]["member_labels"]
        == "Microsoft Corporation / 日本マイクロソフト株式会社"
    )


def test_governments_carry_kind_prefecture_and_the_latest_population(analysis, release_store):
    graph = analysis.bipartite["vendor-municipality"]
    nagai = graph.nodes[BASE + "id/municipality/062090"]
    assert (nagai["kind"], nagai["code"], nagai["prefecture_label"]) == ("City", "062090", "山形県")
    latest: dict[str, tuple[str, int]] = {}
    for government, date, persons in rows(
        release_store,
        "SELECT ?g ?date ?persons { ?case a dxkg:CaseStudy ; dxkg:municipality ?g ; "
        "dxkg:populationFigure ?f . ?f dxkg:referenceDate ?date ; dxkg:persons ?persons }",
    ):
        figure = (date, int(persons))
        latest[government] = max(figure, latest.get(government, figure))
    shown = {
        node: (data["population_date"], data["population"])
        for node, data in graph.nodes(data=True)
        if "population" in data
    }
    assert shown == {
        government: figure for government, figure in latest.items() if government in graph
    }
    assert len(shown) == 49
    assert shown[KOBE] == ("2024-01-01", 1_500_000)  # two figures of that date: the larger


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
    groups = summary["top_vendor_groups"]
    assert (groups[0]["iri"], groups[0]["label"], groups[0]["municipalities"]) == (
        NTT,
        "日本電信電話株式会社",
        11,
    )
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
    assert dict(graph.nodes(data="label")) == dict(expected.nodes(data="label"))
    assert weights(graph) == weights(expected)
    lines = printed.getvalue().splitlines()
    assert lines[0] == f"{expected.number_of_nodes()} nodes, {expected.number_of_edges()} edges"
    assert lines[1] == "サイボウズ株式会社 5"  # labels, not IRIs


def weights(graph: nx.Graph) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): weight for a, b, weight in graph.edges(data="weight")}
