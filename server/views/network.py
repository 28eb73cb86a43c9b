"""The network page: the release's network analysis in tables, figures and one drawing.

``/network`` (and ``/network.json``) shows what ``network/summary.json`` says (the size
of each network, the vendors and technologies reaching the most municipalities, the
communities, a row per prefecture), the build's figures, a link to every export, and
the vendor–municipality network drawn with Cytoscape.js and filtered by prefecture,
technology and minimum weight (``static/network.js``, which fetches the release's own
``.cyjs`` file). The tables and the list of nodes are the page without JavaScript.

Labels come from the graph in the interface language (the files hold the Japanese
ones), in one query for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, url_for

from dxkg.web.views import entity, graphdata, networkdata, pages
from dxkg.web.views.graphdata import Labels
from dxkg.web.views.i18n import MESSAGES, translate

blueprint = Blueprint("network", __name__)
blueprint.after_request(pages.conditional)

#: Communities of the drawn network listed with their members (the largest ones).
LISTED_COMMUNITIES = 5
#: Community sizes shown per network before the rest is summed up.
SHOWN_SIZES = 12


@blueprint.get("/network")
@blueprint.get("/network.json")
def network() -> Response:
    """The network page, or its data for ``/network.json``; 404 for a release without it."""
    dist: Path = current_app.config["DIST"]
    summary = networkdata.summary(dist)
    if summary is None:
        abort(404, description=translate("network_missing"))
    elements = networkdata.drawing(dist)
    nodes = [node["data"] for node in elements["nodes"]] if elements else []
    edges = [edge["data"] for edge in elements["edges"]] if elements else []
    names = Names(graphdata.labels_of(wanted(summary, nodes, edges)))
    return pages.render(
        "network.html",
        {
            "networks": [
                {**row, "label": networkdata.network_label(row["name"])}
                for row in summary["networks"]
            ],
            "top_vendors": linked(summary["top_vendors"], names),
            "top_technologies": linked(summary["top_technologies"], names),
            "prefectures": linked(summary["prefectures"], names),
            "communities": communities(summary["networks"]),
            "largest_communities": largest_communities(nodes, names),
            "figures": figures(dist),
            "exports": exports(dist, [row["name"] for row in summary["networks"]]),
            "data_files": data_files(dist),
            "drawing": drawing(nodes, edges, names) if elements else None,
            "json_href": pages.json_link(),
        },
    )


class Names:
    """Labels of the page's resources in the interface language, with the files' label
    (Japanese) when the graph has none."""

    def __init__(self, labels: Mapping[str, Labels]) -> None:
        self.labels = labels

    def of(self, resource: str, fallback: str = "") -> str:
        """The label of ``resource``, else ``fallback``, else its IRI."""
        return self.labels.get(resource, Labels()).best(g.lang) or fallback or resource


def wanted(summary: Mapping, nodes: list[dict], edges: list[dict]) -> set[str]:
    """Every resource the page names: ranked rows, prefectures, the drawing's nodes and the
    technologies of its edges."""
    found = {row["iri"] for key in ("top_vendors", "top_technologies") for row in summary[key]}
    found |= {row["iri"] for row in summary["prefectures"]}
    found |= {node["id"] for node in nodes}
    found |= {node["prefecture"] for node in nodes if node.get("prefecture")}
    found |= {iri for edge in edges for iri in edge.get("technologies", "").split()}
    return found


def linked(rows: Iterable[Mapping], names: Names) -> list[dict]:
    """Summary rows as published, each with its page (``href``) and its label in the
    interface language (``name``)."""
    return [
        {**row, "href": entity.page_href(row["iri"]), "name": names.of(row["iri"], row["label"])}
        for row in rows
    ]


def communities(networks: Iterable[Mapping]) -> list[dict]:
    """Per network: how many communities, the largest sizes and how many more there are."""
    return [
        {
            "network": row["name"],
            "label": networkdata.network_label(row["name"]),
            "communities": row["communities"],
            "sizes": row["community_sizes"][:SHOWN_SIZES],
            "more": len(row["community_sizes"][SHOWN_SIZES:]),
            "singletons": row["community_sizes"].count(1),
        }
        for row in networks
    ]


def largest_communities(nodes: list[dict], names: Names) -> list[dict]:
    """The largest communities of the drawn network with their vendors and governments.

    The build numbers communities by size, largest first, so the first numbers are these.
    """
    members: dict[int, list[dict]] = defaultdict(list)
    for node in nodes:
        members[node["community"]].append(node)
    return [
        {
            "community": number,
            "size": len(members[number]),
            "governments": sorted_nodes(members[number], names, side=0),
            "vendors": sorted_nodes(members[number], names, side=1),
        }
        for number in sorted(members)[:LISTED_COMMUNITIES]
    ]


def sorted_nodes(nodes: Iterable[dict], names: Names, side: int) -> list[dict]:
    """The nodes of one side (0 governments, 1 vendors) as links, by label."""
    found = [
        {
            "iri": node["id"],
            "href": entity.page_href(node["id"]),
            "name": names.of(node["id"], node.get("label", "")),
            "degree": node.get("degree"),
        }
        for node in nodes
        if node.get("bipartite") == side
    ]
    return sorted(found, key=lambda node: (node["name"], node["iri"]))


def figures(dist: Path) -> list[dict]:
    """The published figures with their captions in the interface language."""
    return [
        {
            "file": name,
            "href": url_for("release.download", name=f"{networkdata.FOLDER}/{name}"),
            "caption": translate(f"figure_{name}"),
        }
        for name in networkdata.FIGURES
        if networkdata.published(dist, f"{networkdata.FOLDER}/{name}")
    ]


def exports(dist: Path, networks: list[str]) -> list[dict]:
    """Per network, its published export files by format."""
    rows = []
    for stem in networks:
        files = [
            {
                "format": key,
                "format_name": export_name(key, format_name),
                "file": f"{networkdata.FOLDER}/{pattern.format(stem=stem)}",
            }
            for key, pattern, format_name in networkdata.EXPORTS
        ]
        rows.append(
            {
                "network": stem,
                "label": networkdata.network_label(stem),
                "files": [
                    {**file, "href": url_for("release.download", name=file["file"])}
                    for file in files
                    if networkdata.published(dist, file["file"])
                ],
            }
        )
    return rows


def export_name(key: str, fallback: str) -> str:
    """The name of an export format in the interface language (only the CSVs need one)."""
    return translate(f"export_{key}") if f"export_{key}" in MESSAGES else fallback


def data_files(dist: Path) -> list[dict]:
    """The summary and the per-node measures, as published."""
    return [
        {"file": name, "href": url_for("release.download", name=name), "label": translate(key)}
        for name, key in (
            (networkdata.SUMMARY, "network_summary_file"),
            (networkdata.MEASURES, "network_measures_file"),
        )
        if networkdata.published(dist, name)
    ]


def drawing(nodes: list[dict], edges: list[dict], names: Names) -> dict:
    """What the drawing's filters offer and its list of nodes (the drawing itself is
    fetched by the page's script from ``src``)."""
    prefectures = {
        node["prefecture"]: node.get("prefecture_label", "")
        for node in nodes
        if node.get("prefecture")
    }
    technologies = {iri for edge in edges for iri in edge.get("technologies", "").split()}
    return {
        "src": url_for("release.download", name=networkdata.drawing_file()),
        "nodes_total": len(nodes),
        "edges_total": len(edges),
        "max_weight": max((edge.get("weight", 1) for edge in edges), default=1),
        # Prefectures in code order (north to south), as Japanese lists have them.
        "prefectures": [
            {"iri": iri, "name": names.of(iri, label)} for iri, label in sorted(prefectures.items())
        ],
        "technologies": sorted(
            ({"iri": iri, "name": names.of(iri)} for iri in technologies),
            key=lambda row: (row["name"], row["iri"]),
        ),
        "governments": sorted_nodes(nodes, names, side=0),
        "vendors": sorted_nodes(nodes, names, side=1),
    }
