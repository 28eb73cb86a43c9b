"""The release's network analysis (``dist/network/``) as the pages read it.

The build writes the files (``dxkg.pipeline.analysis.export``): ``summary.json`` for
the network page, ``measures.json`` for the measures on entity pages, and per network
its exports and a Cytoscape.js drawing. They are read once per worker and kept,
keyed by the release folder, as :mod:`.files` keeps its checksums: a release never
changes under a running server. A release built before the networks existed has no
``network/`` folder; the loaders then answer None (or nothing) instead of failing.

The files are read only if the release lists them in ``SHA256SUMS``, so the pages
never link to a download the server would refuse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from dxkg.web.views import files as release
from dxkg.web.views.i18n import MESSAGES, translate

FOLDER = "network"
SUMMARY = f"{FOLDER}/summary.json"
MEASURES = f"{FOLDER}/measures.json"
#: The network drawn on the page: the one a reader asks about first.
DRAWN = "vendor-municipality"


#: The export formats of each network: (key, file name pattern, format name).
EXPORTS = (
    ("gexf", "{stem}.gexf", "GEXF"),
    ("graphml", "{stem}.graphml", "GraphML"),
    ("nodes_csv", "{stem}-nodes.csv", "CSV (nodes)"),
    ("edges_csv", "{stem}-edges.csv", "CSV (edges)"),
    ("cyjs", "{stem}.cyjs", "Cytoscape.js JSON"),
)

#: The figures, in the order the page shows them; captions are ``figure_<name>`` in i18n
#: (the same as ``dxkg.pipeline.analysis.plots.FIGURES``, which imports matplotlib, so is
#: not imported by the server; a test keeps the two equal).
FIGURES = ("degree-distribution.svg", "top-vendors.svg", "community-sizes.svg")


def published(dist: Path, name: str) -> bool:
    """Whether the release in ``dist`` publishes the file ``name`` (and it is there)."""
    return name in release.published_files(dist) and (dist / name).is_file()


def _read(dist: Path, name: str) -> object | None:
    """The JSON file ``name`` of the release, or None when it does not publish it."""
    if not published(dist, name):
        return None
    return json.loads((dist / name).read_text("utf-8"))


@cache
def summary(dist: Path) -> Mapping | None:
    """``network/summary.json``: sizes, top vendors and technologies, prefectures.

    Shared between requests: the views copy what they change.
    """
    found = _read(dist, SUMMARY)
    return MappingProxyType(found) if isinstance(found, dict) else None


@cache
def measures(dist: Path) -> Mapping[str, dict]:
    """``network/measures.json``: {node IRI: {network: measures}}; empty without it."""
    found = _read(dist, MEASURES)
    return MappingProxyType(found) if isinstance(found, dict) else MappingProxyType({})


@cache
def drawing(dist: Path) -> Mapping | None:
    """The Cytoscape.js elements of the drawn network (nodes and edges), or None."""
    found = _read(dist, drawing_file())
    if not isinstance(found, dict) or "elements" not in found:
        return None
    return MappingProxyType(found["elements"])


def drawing_file() -> str:
    """The release path of the drawn network's Cytoscape.js file."""
    return f"{FOLDER}/{DRAWN}.cyjs"


def network_label(name: str) -> str:
    """A network's name in the interface language (its file stem if i18n lacks it)."""
    key = f"network_{name}"
    return translate(key) if key in MESSAGES else name


def network_order(dist: Path) -> list[str]:
    """The networks in the summary's order (bipartite first), else none."""
    found = summary(dist)
    return [row["name"] for row in found["networks"]] if found else []


def entity_measures(dist: Path, resource: str) -> list[dict]:
    """The measures of ``resource`` in each network it is part of, in the summary's order:
    ``[{"network", "label", "degree", …}]``; empty when it is in none (or no release
    data)."""
    found = measures(dist).get(resource, {})
    order = network_order(dist)
    # The summary names the measures in the order the tables show them.
    measure_names = (summary(dist) or {}).get("measures", [])
    names = sorted(
        found, key=lambda name: (order.index(name) if name in order else len(order), name)
    )
    return [
        {
            "network": name,
            "label": network_label(name),
            **{measure: found[name].get(measure) for measure in measure_names},
        }
        for name in names
    ]
