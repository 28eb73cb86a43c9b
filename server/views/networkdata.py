"""The release's network analysis (``dist/network/``) as the pages show it.

The build writes the files (:mod:`dxkg.pipeline.analysis.export`): ``summary.json`` for
the network page, ``measures.json`` for the measures on entity pages, and per network
its exports and a Cytoscape.js drawing. The release that the server opened reads them
once and keeps them (:class:`dxkg.release.Release`), and only if ``SHA256SUMS`` lists
them, so the pages never link to a download the server would refuse. A release built
before the networks existed has none of them, and the pages then show nothing of them
instead of failing.
"""

from __future__ import annotations

from dxkg.pipeline.records import edition_label, slug_edition
from dxkg.release import Release
from dxkg.web.views.i18n import MESSAGES, filled, pick

#: The name of each network export format (by its key in ``dxkg.release.NETWORK_EXPORTS``).
EXPORT_NAMES = {
    "gexf": MESSAGES["export_gexf"],
    "graphml": MESSAGES["export_graphml"],
    "nodes_csv": MESSAGES["export_nodes_csv"],
    "edges_csv": MESSAGES["export_edges_csv"],
    "cyjs": MESSAGES["export_cyjs"],
}
#: The name of each network the build analyses, by its file stem.
NETWORK_NAMES = {
    "vendor-municipality": MESSAGES["network_vendor-municipality"],
    "technology-municipality": MESSAGES["network_technology-municipality"],
    "shared-system-municipality": MESSAGES["network_shared-system-municipality"],
    "municipality-by-vendor": MESSAGES["network_municipality-by-vendor"],
    "vendor-by-municipality": MESSAGES["network_vendor-by-municipality"],
    "technology-by-municipality": MESSAGES["network_technology-by-municipality"],
    "vendor-group-municipality": MESSAGES["network_vendor-group-municipality"],
}
#: The stem of an edition's vendor–municipality network: this, then the edition (``v4``).
EDITION_NETWORK = "vendor-municipality-v"
#: The caption of each figure, by its file name (the names of ``dxkg.release.FIGURES``;
#: tests/test_registry_names.py keeps them the same).
FIGURE_CAPTIONS = {
    "degree-distribution.svg": MESSAGES["figure_degree-distribution.svg"],
    "top-vendors.svg": MESSAGES["figure_top-vendors.svg"],
    "community-sizes.svg": MESSAGES["figure_community-sizes.svg"],
}


def network_label(name: str) -> str:
    """A network's name in the interface language (its file stem for one it does not know);
    an edition's network is named with the edition (``ベンダー–自治体（第4.0版）``)."""
    if name in NETWORK_NAMES:
        return pick(NETWORK_NAMES[name])
    if name.startswith(EDITION_NETWORK):
        edition = slug_edition(name.removeprefix(EDITION_NETWORK))
        parts = (edition_label(edition), f"edition {edition}")
        return pick(filled(MESSAGES["network_vendor-municipality-edition"], parts))
    return name


def entity_measures(release: Release, resource: str) -> list[dict]:
    """The measures of ``resource`` in each network it is part of, in the summary's order:
    ``[{"network", "label", "degree", …}]``; empty when it is in none (or no release
    data)."""
    summary = release.network_summary
    found = release.network_measures.get(resource, {})
    # The summary orders the networks (bipartite first) and the measures as the tables show them.
    order = [row.name for row in summary.networks] if summary else []
    measure_names = summary.measures if summary else []
    names = sorted(
        found, key=lambda name: (order.index(name) if name in order else len(order), name)
    )
    return [
        {
            "network": name,
            "label": network_label(name),
            **{measure: getattr(found[name], measure, None) for measure in measure_names},
        }
        for name in names
    ]
