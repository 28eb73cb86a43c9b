"""Projections and measures of the networks: what a researcher computes first.

**Projections** of a bipartite network onto one side link two nodes that share a
neighbour. Each projected edge carries three weightings, so that a study can pick
its own without recomputing: ``shared`` (the number of shared neighbours),
``jaccard`` (shared ÷ the union of both nodes' neighbours) and ``newman`` (Newman's
collaboration weighting, Σ 1/(k−1) over the shared neighbours of degree k, which
discounts a neighbour tied to many nodes). ``weight``, the one the measures use, is:

- municipalities that share vendors: ``jaccard`` (small towns with one vendor are not
  swamped by cities with many);
- vendors that co-occur in municipalities: ``newman`` (a city working with twenty
  vendors says less about each pair than a town working with two);
- technologies that co-occur in municipalities: ``shared``.

**Measures** per node: degree, weighted degree (the sum of edge weights),
degree centrality and betweenness centrality (the bipartite versions, normalised by
the size of the other side, for the bipartite networks), connected component and
Louvain community (weighted, fixed seed). Components and communities are numbered
from 0 by size, largest first, ties broken by their smallest node id, so the numbers
are stable for the same release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms import bipartite

from dxkg.pipeline.analysis.networks import Networks

#: The seed of the Louvain community detection: the same release gives the same communities.
LOUVAIN_SEED = 20201225
DIGITS = 6  # measures are rounded so that the exports read well and compare exactly

PROJECTIONS: dict[str, tuple[str, int, str]] = {
    # name: (bipartite network, side projected onto, the weighting used as ``weight``)
    "municipality-by-vendor": ("vendor-municipality", 0, "jaccard"),
    "vendor-by-municipality": ("vendor-municipality", 1, "newman"),
    "technology-by-municipality": ("technology-municipality", 1, "shared"),
}


@dataclass(frozen=True)
class Analysis:
    """The bipartite networks and their projections, every node carrying its measures, and
    the editions of the case collection (oldest first) that have a network of their own."""

    bipartite: dict[str, nx.Graph]
    projections: dict[str, nx.Graph]
    editions: list[str]

    def graphs(self) -> list[tuple[str, nx.Graph]]:
        """Every network, bipartite ones first, by file stem."""
        return [*self.bipartite.items(), *self.projections.items()]


def analyse(networks: Networks) -> Analysis:
    """Project the networks and attach each node's measures as node attributes."""
    bipartite_graphs = dict(networks.items())
    for graph in bipartite_graphs.values():
        add_measures(graph, side(graph, 0))
    projections = {
        name: project(
            bipartite_graphs[source], side(bipartite_graphs[source], onto), weighting, name
        )
        for name, (source, onto, weighting) in PROJECTIONS.items()
    }
    for graph in projections.values():
        add_measures(graph)
    return Analysis(bipartite_graphs, projections, list(networks.by_edition))


def side(graph: nx.Graph, number: int) -> list[str]:
    """The nodes of one side (``bipartite`` attribute) of a bipartite graph, in graph order."""
    return [node for node, value in graph.nodes(data="bipartite") if value == number]


def project(graph: nx.Graph, nodes: list[str], weighting: str, name: str = "") -> nx.Graph:
    """The projection onto ``nodes`` with the three weightings; ``weight`` is ``weighting``."""
    shared = bipartite.weighted_projected_graph(graph, nodes)
    jaccard = bipartite.overlap_weighted_projected_graph(graph, nodes, jaccard=True)
    newman = bipartite.collaboration_weighted_projected_graph(graph, nodes)
    projection = nx.Graph(name=name)
    projection.add_nodes_from((node, dict(graph.nodes[node])) for node in nodes)
    for a, b in sorted(tuple(sorted(edge)) for edge in shared.edges):
        weights = {
            "shared": shared[a][b]["weight"],
            "jaccard": round(jaccard[a][b]["weight"], DIGITS),
            "newman": round(newman[a][b]["weight"], DIGITS),
        }
        projection.add_edge(a, b, weight=weights[weighting], **weights)
    return projection


def add_measures(graph: nx.Graph, top_nodes: list[str] | None = None) -> None:
    """Attach degree, weighted degree, centralities, component and community to each node.

    ``top_nodes`` (one side) marks a bipartite graph, whose centralities are normalised
    per side as networkx's bipartite module does.
    """
    if top_nodes is None:
        centrality = nx.degree_centrality(graph)
        betweenness = nx.betweenness_centrality(graph)
    else:
        centrality = bipartite.degree_centrality(graph, top_nodes)
        betweenness = bipartite.betweenness_centrality(graph, top_nodes)
    components = numbered(nx.connected_components(graph))
    communities = numbered(
        nx.community.louvain_communities(graph, weight="weight", seed=LOUVAIN_SEED)
    )
    for node, data in graph.nodes(data=True):
        data["degree"] = graph.degree(node)
        data["weighted_degree"] = round(float(graph.degree(node, weight="weight")), DIGITS)
        data["degree_centrality"] = round(centrality[node], DIGITS)
        data["betweenness"] = round(betweenness[node], DIGITS)
        data["component"] = components[node]
        data["community"] = communities[node]


def numbered(groups: Iterable[set[str]]) -> dict[str, int]:
    """{node: group number}, groups numbered by size (largest first), then smallest member."""
    ordered = sorted((sorted(group) for group in groups), key=lambda g: (-len(g), g[0]))
    return {node: number for number, group in enumerate(ordered) for node in group}
