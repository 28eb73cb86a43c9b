"""The network page: the release's network analysis in tables, figures and one drawing.

``/network`` (and ``/network.json``) shows what ``network/summary.json`` says (the size
of each network, the vendors, corporate groups and technologies reaching the most
municipalities, the communities, a row per prefecture), the build's figures, a link to
every export, and
the vendor–municipality network drawn with Cytoscape.js and filtered by prefecture,
technology and minimum weight (``static/network.js``, which fetches the release's own
``.cyjs`` file). The tables and the list of nodes are the page without JavaScript.

Labels come from the graph in the interface language (the files hold the Japanese
ones), in one query for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from flask import Blueprint, Response, abort, g, url_for

from dxkg.release import (
    FIGURES,
    NETWORK_DRAWING,
    NETWORK_EXPORTS,
    NETWORK_FOLDER,
    NETWORK_MEASURES,
    NETWORK_SUMMARY,
    NetworkSize,
    NetworkSummary,
    PrefectureRow,
    RankedNode,
    Release,
    network_file,
)
from dxkg.web.views import entity, graphdata, networkdata, pages
from dxkg.web.views import files as release
from dxkg.web.views.graphdata import Labels
from dxkg.web.views.i18n import MESSAGES, pick, translate

blueprint = Blueprint("network", __name__)

#: Communities of the drawn network listed with their members (the largest ones).
LISTED_COMMUNITIES = 5
#: Community sizes shown per network before the rest is summed up.
SHOWN_SIZES = 12


@blueprint.get("/network")
@blueprint.get("/network.json")
def network() -> Response:
    """The network page, or its data for ``/network.json``; 404 for a release without it."""
    served = release.current()
    summary = served.network_summary
    if summary is None:
        abort(404, description=translate("network_missing"))
    drawn = served.network_drawing
    nodes, edges = drawn if drawn is not None else ([], [])
    names = Names(graphdata.labels_of(wanted(summary, nodes, edges)))
    return pages.render(
        "network.html",
        {
            "networks": [
                {**row.model_dump(), "label": networkdata.network_label(row.name)}
                for row in summary.networks
            ],
            "top_vendors": linked(summary.top_vendors, names),
            "top_vendor_groups": linked(summary.top_vendor_groups, names),
            "top_technologies": linked(summary.top_technologies, names),
            "prefectures": linked(summary.prefectures, names),
            "communities": communities(summary.networks),
            "largest_communities": largest_communities(nodes, names),
            "figures": figures(served),
            "exports": exports(served, [row.name for row in summary.networks]),
            "data_files": data_files(served),
            "drawing": drawing(nodes, edges, names) if drawn is not None else None,
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


def wanted(summary: NetworkSummary, nodes: list[dict], edges: list[dict]) -> set[str]:
    """Every resource the page names: ranked rows, prefectures, the drawing's nodes and the
    technologies of its edges."""
    ranked = [*summary.top_vendors, *summary.top_vendor_groups, *summary.top_technologies]
    found = {row.iri for row in ranked}
    found |= {row.iri for row in summary.prefectures}
    found |= {node["id"] for node in nodes}
    found |= {node["prefecture"] for node in nodes if node.get("prefecture")}
    found |= {iri for edge in edges for iri in edge.get("technologies", "").split()}
    return found


def linked(rows: Iterable[RankedNode | PrefectureRow], names: Names) -> list[dict]:
    """Summary rows as published, each with its page (``href``) and its label in the
    interface language (``name``)."""
    return [
        {
            **row.model_dump(),
            "href": entity.page_href(row.iri),
            "name": names.of(row.iri, row.label),
        }
        for row in rows
    ]


def communities(networks: Iterable[NetworkSize]) -> list[dict]:
    """Per network: how many communities, the largest sizes and how many more there are."""
    return [
        {
            "network": row.name,
            "label": networkdata.network_label(row.name),
            "communities": row.communities,
            "sizes": row.community_sizes[:SHOWN_SIZES],
            "more": len(row.community_sizes[SHOWN_SIZES:]),
            "singletons": row.community_sizes.count(1),
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


def figures(served: Release) -> list[dict]:
    """The published figures with their captions in the interface language."""
    return [
        {
            "file": name,
            "href": url_for("release.download", name=f"{NETWORK_FOLDER}/{name}"),
            "caption": pick(networkdata.FIGURE_CAPTIONS[name]),
        }
        for name in FIGURES
        if served.publishes(f"{NETWORK_FOLDER}/{name}")
    ]


def exports(served: Release, networks: list[str]) -> list[dict]:
    """Per network, its published export files by format."""
    rows = []
    for stem in networks:
        files = [
            {
                "format": key,
                "format_name": pick(networkdata.EXPORT_NAMES[key]),
                "file": network_file(stem, key),
            }
            for key in NETWORK_EXPORTS
        ]
        rows.append(
            {
                "network": stem,
                "label": networkdata.network_label(stem),
                "files": [
                    {**file, "href": url_for("release.download", name=file["file"])}
                    for file in files
                    if served.publishes(file["file"])
                ],
            }
        )
    return rows


def data_files(served: Release) -> list[dict]:
    """The summary and the per-node measures, as published."""
    return [
        {"file": name, "href": url_for("release.download", name=name), "label": pick(label)}
        for name, label in (
            (NETWORK_SUMMARY, MESSAGES["network_summary_file"]),
            (NETWORK_MEASURES, MESSAGES["network_measures_file"]),
        )
        if served.publishes(name)
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
        "src": url_for("release.download", name=NETWORK_DRAWING),
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
