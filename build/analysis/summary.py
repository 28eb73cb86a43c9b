"""What the networks say in a few tables: sizes, top vendors, prefectures, communities.

The summary (:class:`~dxkg.release.NetworkSummary`) is ``network/summary.json`` in the
release: the ``dxkg network`` command
prints it, the network page shows it, and the measures of every node
(``network/measures.json``) appear on the vendor and municipality pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from dxkg.pipeline.analysis.measures import DIGITS, Analysis, side
from dxkg.pipeline.analysis.networks import edition_stem
from dxkg.release import EditionNetwork, NetworkSize, NetworkSummary, PrefectureRow, RankedNode

MEASURES = (
    "degree",
    "weighted_degree",
    "degree_centrality",
    "betweenness",
    "component",
    "community",
)
TOP = 20  # rows of the ranked tables

#: What each bipartite network links governments to: the column names of the prefecture table.
PARTNERS = {
    "vendor-municipality": "vendors",
    "technology-municipality": "technologies",
    "shared-system-municipality": "shared_systems",
}


def summarise(analysis: Analysis) -> NetworkSummary:
    """Sizes of every network, the top vendors, corporate groups and technologies, the
    network of each edition, a row per prefecture, and the names of the per-node measures
    (``measures.json``) in the order to show them."""
    return NetworkSummary(
        measures=list(MEASURES),
        networks=[network_size(name, graph) for name, graph in analysis.graphs()],
        top_vendors=top_by_reach(analysis.bipartite["vendor-municipality"]),
        top_vendor_groups=top_by_reach(analysis.bipartite["vendor-group-municipality"]),
        top_technologies=top_by_reach(analysis.bipartite["technology-municipality"]),
        editions=edition_networks(analysis),
        prefectures=prefecture_rows(analysis),
    )


def edition_networks(analysis: Analysis) -> list[EditionNetwork]:
    """Per edition, oldest first: the initiatives and edges of its network, and the edges
    the edition before it printed too."""
    rows = []
    previous: set[frozenset[str]] = set()
    for edition in analysis.editions:
        graph = analysis.bipartite[edition_stem(edition)]
        edges = {frozenset(edge) for edge in graph.edges}
        initiatives = {i for *_, found in graph.edges(data="initiatives") for i in found.split()}
        rows.append(
            EditionNetwork(
                edition=edition,
                network=edition_stem(edition),
                initiatives=len(initiatives),
                edges=len(edges),
                edges_in_previous=len(edges & previous),
            )
        )
        previous = edges
    return rows


def network_size(name: str, graph: nx.Graph) -> NetworkSize:
    """Nodes (per side for a bipartite network), edges, density, components, communities."""
    governments = side(graph, 0)
    components = Counter(component for _, component in graph.nodes(data="component"))
    communities = Counter(community for _, community in graph.nodes(data="community"))
    return NetworkSize(
        name=name,
        nodes=graph.number_of_nodes(),
        governments=len(governments),
        others=graph.number_of_nodes() - len(governments),
        edges=graph.number_of_edges(),
        density=round(nx.density(graph), DIGITS),
        components=len(components),
        largest_component=max(components.values(), default=0),
        communities=len(communities),
        community_sizes=[communities[number] for number in sorted(communities)],
    )


def top_by_reach(graph: nx.Graph, limit: int = TOP) -> list[RankedNode]:
    """The non-government nodes by governments reached, then initiatives, then label."""
    rows = []
    for node in side(graph, 1):
        data = graph.nodes[node]
        initiatives = {
            initiative
            for neighbour in graph[node]
            for initiative in graph[node][neighbour].get("initiatives", "").split()
        }
        prefectures = {graph.nodes[neighbour]["prefecture"] for neighbour in graph[node]}
        rows.append(
            RankedNode(
                iri=node,
                label=data["label"],
                label_en=data.get("label_en", ""),
                municipalities=graph.degree(node),
                initiatives=len(initiatives),
                prefectures=len(prefectures),
                betweenness=data["betweenness"],
                community=data["community"],
            )
        )
    rows.sort(key=lambda r: (-r.municipalities, -r.initiatives, r.label, r.iri))
    return rows[:limit]


def prefecture_rows(analysis: Analysis) -> list[PrefectureRow]:
    """Per prefecture and network: its governments in the network, their partners (vendors,
    technologies, shared systems) and the initiatives behind the edges."""
    labels: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for name, partner in PARTNERS.items():
        graph = analysis.bipartite[name]
        governments: dict[str, set[str]] = defaultdict(set)
        partners: dict[str, set[str]] = defaultdict(set)
        initiatives: dict[str, set[str]] = defaultdict(set)
        for government in side(graph, 0):
            prefecture = graph.nodes[government]["prefecture"]
            labels[prefecture] = graph.nodes[government]["prefecture_label"]
            governments[prefecture].add(government)
            for neighbour, edge in graph[government].items():
                partners[prefecture].add(neighbour)
                initiatives[prefecture].update(edge.get("initiatives", "").split())
        for prefecture, members in governments.items():
            counts[prefecture][f"governments_with_{partner}"] = len(members)
            counts[prefecture][partner] = len(partners[prefecture])
            if any(initiatives.values()):  # shared systems are linked without initiatives
                counts[prefecture][f"initiatives_with_{partner}"] = len(initiatives[prefecture])
    columns = sorted({column for row in counts.values() for column in row})
    return [
        PrefectureRow(iri=iri, label=labels[iri], **{c: counts[iri].get(c, 0) for c in columns})
        for iri in sorted(counts)
    ]


def node_measures(analysis: Analysis) -> dict[str, dict[str, dict]]:
    """{node IRI: {network: its measures}} over every network the node is in."""
    measures: dict[str, dict[str, dict]] = defaultdict(dict)
    for name, graph in analysis.graphs():
        for node, data in graph.nodes(data=True):
            measures[node][name] = {key: data[key] for key in MEASURES}
    return dict(sorted(measures.items()))
