"""Write the networks into the release's ``network/`` folder, in the formats tools open.

Per network (``<stem>`` = ``vendor-municipality``, ``municipality-by-vendor``, ...):

- ``<stem>.gexf`` (GEXF 1.2, Gephi) and ``<stem>.graphml`` (GraphML, Cytoscape, igraph);
- ``<stem>-nodes.csv`` and ``<stem>-edges.csv``: UTF-8 without a byte-order mark, headed
  ``id``/``source``/``target``/``weight`` as Gephi's spreadsheet import expects;
- ``<stem>.cyjs``: Cytoscape.js JSON (``elements`` with ``data``), which Cytoscape
  desktop also imports.

Besides: ``summary.json`` (sizes, top vendors, prefectures:
:class:`~dxkg.release.NetworkSummary`), ``measures.json`` (every node's measures per
network) and the figures of :mod:`.plots`. The file names are those of
:mod:`dxkg.release`. The output is deterministic: nodes, edges and keys are sorted, and
the GEXF header carries the release date instead of the day of the build.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
from pyoxigraph import Store

from dxkg.pipeline.analysis.measures import Analysis, analyse
from dxkg.pipeline.analysis.networks import build_networks
from dxkg.pipeline.analysis.plots import write_plots
from dxkg.pipeline.analysis.summary import node_measures, summarise
from dxkg.release import (
    MEASURES_FILE,
    NETWORK_EXPORTS,
    NETWORK_FOLDER,
    SUMMARY_FILE,
    NetworkSummary,
    json_text,
)

#: Node columns first in the CSV (the rest follow sorted): Gephi reads ``id`` and ``label``.
NODE_COLUMNS = ("id", "label", "label_en", "kind", "bipartite", "code", "prefecture")
EDGE_COLUMNS = ("source", "target", "weight")

GEXF_DATE = re.compile(r'lastmodifieddate="[0-9-]+"')


def write_network(store: Store, folder: Path, base_iri: str, release_date: str) -> NetworkSummary:
    """Build, analyse and export the networks of the release in ``store`` into
    ``folder/network``; return the summary."""
    analysis = analyse(build_networks(store, base_iri))
    out = folder / NETWORK_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    return write_analysis(analysis, out, release_date)


def write_analysis(analysis: Analysis, out: Path, release_date: str) -> NetworkSummary:
    """Every export, the summary, the per-node measures and the figures into ``out``;
    return the summary."""
    for stem, graph in analysis.graphs():
        files = {key: out / name.format(stem=stem) for key, name in NETWORK_EXPORTS.items()}
        write_gexf(graph, files["gexf"], release_date)
        nx.write_graphml(graph, files["graphml"], infer_numeric_types=True)
        write_csv(graph, files["nodes_csv"], files["edges_csv"])
        write_json(nx.cytoscape_data(graph, name="label"), files["cyjs"])
    summary = summarise(analysis)
    (out / SUMMARY_FILE).write_text(summary.to_json(), "utf-8")
    write_json(node_measures(analysis), out / MEASURES_FILE)
    write_plots(analysis, out)
    return summary


def write_gexf(graph: nx.Graph, path: Path, release_date: str) -> None:
    """GEXF 1.2 dated with the release, not with the day the build ran."""
    text = "\n".join(nx.generate_gexf(graph, prettyprint=True))
    path.write_text(GEXF_DATE.sub(f'lastmodifieddate="{release_date}"', text) + "\n", "utf-8")


def write_csv(graph: nx.Graph, nodes_path: Path, edges_path: Path) -> None:
    """A node table and an edge table, columns in a fixed order."""
    node_rows = [{"id": node, **data} for node, data in graph.nodes(data=True)]
    edge_rows = [{"source": a, "target": b, **data} for a, b, data in graph.edges(data=True)]
    _write_table(nodes_path, node_rows, NODE_COLUMNS)
    _write_table(edges_path, edge_rows, EDGE_COLUMNS)


def _write_table(path: Path, rows: list[dict], first: tuple[str, ...]) -> None:
    keys = {key for row in rows for key in row}
    columns = [c for c in first if c in keys] + sorted(keys - set(first))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_json(data: object, path: Path) -> None:
    """JSON with sorted keys and the Japanese text as is (see :func:`~dxkg.release.json_text`)."""
    path.write_text(json_text(data), "utf-8")
