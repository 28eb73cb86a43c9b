"""The downloads page: every file of the release with its size, checksum and what it holds.

The list is the release's ``SHA256SUMS``, so the page shows exactly what
``/download/<file>`` serves, and its checksums are the published ones (a file is
never rehashed here: the page states what the release promised, and a reader
checks the download against it).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import NamedTuple

from flask import Blueprint, Response, url_for

from dxkg.pipeline.publish.tabledocs import TABLES
from dxkg.release import (
    CATALOGUE,
    CHECKSUMS,
    CSV_DATAPACKAGE,
    CSV_FOLDER,
    CSV_METADATA,
    EXAMPLE_QUERIES,
    FIGURES,
    JSONLD,
    JSONLD_CONTEXT,
    NETWORK_FOLDER,
    NETWORK_MEASURES,
    NETWORK_SUMMARY,
    NQUADS,
    NQUADS_GZ,
    NTRIPLES,
    NTRIPLES_GZ,
    ONTOLOGY_FOLDER,
    ONTOLOGY_HTML,
    ONTOLOGY_TURTLE,
    REPORT_JSON,
    REPORT_MD,
    SEARCH_INDEX,
    TRIG_GZ,
    TURTLE,
    VOID_DESCRIPTION,
    Release,
)
from dxkg.web.views import files as release
from dxkg.web.views import networkdata, pages
from dxkg.web.views.i18n import MESSAGES, filled, pick

blueprint = Blueprint("downloads", __name__)

#: The groups of the page, in their order, with their headings.
GROUPS = {
    "dumps": MESSAGES["group_dumps"],
    "csv": MESSAGES["group_csv"],
    "network": MESSAGES["group_network"],
    "metadata": MESSAGES["group_metadata"],
    "other": MESSAGES["group_other"],
}


class Kind(NamedTuple):
    """What a published file is: the page's group and a description in each language."""

    pattern: str  # matched against the path in dist/ (fnmatch, case-sensitive)
    group: str
    #: (Japanese, English): an interface message.
    description: tuple[str, str] | None


#: The CSV tables, described by their titles in the data package that describes them, in
#: its order (the home page's classes, then the link tables), and the descriptions.
CSV_FILES: tuple[Kind, ...] = (
    *(
        Kind(
            f"{CSV_FOLDER}/{table.name}.csv",
            "csv",
            filled(
                MESSAGES["file_csv_links"] if table.is_link_table else MESSAGES["file_csv_table"],
                (table.ja, table.en),
            ),
        )
        for table in TABLES
    ),
    Kind(f"{CSV_FOLDER}/*.csv", "csv", MESSAGES["file_csv"]),
    Kind(CSV_DATAPACKAGE, "csv", MESSAGES["file_csv_datapackage"]),
    Kind(CSV_METADATA, "csv", MESSAGES["file_csv_metadata"]),
)

#: The network analysis (``network/``): summary, measures, figures, then each network's
#: exports by format (one file per network and format: the name says which network).
NETWORK_FILES: tuple[Kind, ...] = (
    Kind(NETWORK_SUMMARY, "network", MESSAGES["file_network_summary"]),
    Kind(NETWORK_MEASURES, "network", MESSAGES["file_network_measures"]),
    *(
        Kind(
            f"{NETWORK_FOLDER}/{name}",
            "network",
            filled(MESSAGES["file_figure"], networkdata.FIGURE_CAPTIONS[name]),
        )
        for name in FIGURES
    ),
    Kind(f"{NETWORK_FOLDER}/*.svg", "network", MESSAGES["file_svg"]),
    Kind(f"{NETWORK_FOLDER}/*.gexf", "network", MESSAGES["file_gexf"]),
    Kind(f"{NETWORK_FOLDER}/*.graphml", "network", MESSAGES["file_graphml"]),
    Kind(f"{NETWORK_FOLDER}/*-nodes.csv", "network", MESSAGES["file_nodes_csv"]),
    Kind(f"{NETWORK_FOLDER}/*-edges.csv", "network", MESSAGES["file_edges_csv"]),
    Kind(f"{NETWORK_FOLDER}/*.cyjs", "network", MESSAGES["file_cyjs"]),
    Kind(f"{NETWORK_FOLDER}/*", "network", MESSAGES["file_network"]),
)

#: The known files in the order the page lists them; the first matching pattern wins.
KNOWN_FILES: tuple[Kind, ...] = (
    Kind(TRIG_GZ, "dumps", MESSAGES["file_trig_gz"]),
    Kind(NQUADS_GZ, "dumps", MESSAGES["file_nquads_gz"]),
    Kind(NQUADS, "dumps", MESSAGES["file_nquads"]),
    Kind(NTRIPLES_GZ, "dumps", MESSAGES["file_ntriples_gz"]),
    Kind(NTRIPLES, "dumps", MESSAGES["file_ntriples"]),
    Kind(TURTLE, "dumps", MESSAGES["file_turtle"]),
    Kind(JSONLD, "dumps", MESSAGES["file_jsonld"]),
    Kind(JSONLD_CONTEXT, "dumps", MESSAGES["file_jsonld_context"]),
    *CSV_FILES,
    *NETWORK_FILES,
    Kind(CATALOGUE, "metadata", MESSAGES["file_catalogue"]),
    Kind(VOID_DESCRIPTION, "metadata", MESSAGES["file_void"]),
    Kind(REPORT_JSON, "metadata", MESSAGES["file_report_json"]),
    Kind(REPORT_MD, "metadata", MESSAGES["file_report_md"]),
    Kind(ONTOLOGY_TURTLE, "other", MESSAGES["file_ontology_turtle"]),
    Kind(ONTOLOGY_HTML, "other", MESSAGES["file_ontology_html"]),
    Kind(EXAMPLE_QUERIES, "other", MESSAGES["file_example_queries"]),
    Kind(f"{ONTOLOGY_FOLDER}/*", "other", MESSAGES["file_ontology"]),
    Kind(SEARCH_INDEX, "other", MESSAGES["file_search_index"]),
)

#: A file no pattern knows: listed last, without a description.
UNKNOWN = Kind("*", "other", None)

#: Binary units, as ``ls -h`` and ``du -h`` print sizes.
UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


@blueprint.get("/downloads")
@blueprint.get("/downloads.json")
def downloads() -> Response:
    """The release's files by group, with links to the catalogue, VoID and SHA256SUMS."""
    served = release.current()
    names = sorted(served.checksums, key=lambda name: (kind_of(name)[0], name))
    groups = [
        {
            "id": group,
            "title": pick(title),
            "files": [describe(served, name) for name in names if kind_of(name)[1].group == group],
        }
        for group, title in GROUPS.items()
    ]
    return pages.render(
        "downloads.html",
        {
            "groups": [group for group in groups if group["files"]],
            "links": {
                "catalogue": url_for("release.catalogue"),
                "void": url_for("release.void"),
                "checksums": url_for("release.download", name=CHECKSUMS),
            },
            "json_href": pages.json_link(),
        },
    )


def kind_of(name: str) -> tuple[int, Kind]:
    """The first known kind the published path ``name`` matches, with its position."""
    for position, kind in enumerate(KNOWN_FILES):
        if fnmatchcase(name, kind.pattern):
            return position, kind
    return len(KNOWN_FILES), UNKNOWN


def describe(served: Release, name: str) -> dict:
    """The published file ``name`` of the release, with the SHA-256 that ``SHA256SUMS``
    lists for it, as the page lists it."""
    kind = kind_of(name)[1]
    japanese, english = kind.description or (None, None)
    size = served.path(name).stat().st_size
    return {
        "name": name,
        "href": url_for("release.download", name=name),
        "media_type": release.media_type(name),
        "bytes": size,
        "size": human_size(size),
        "sha256": served.checksums[name],
        "description_ja": japanese,
        "description_en": english,
    }


def human_size(size: int) -> str:
    """``size`` bytes in binary units with one decimal: ``512 B``, ``3.4 KiB``, ``12.0 MiB``."""
    exponent = min((size.bit_length() - 1) // 10, len(UNITS) - 1) if size else 0
    if exponent == 0:
        return f"{size} B"
    return f"{size / 1024**exponent:.1f} {UNITS[exponent]}"
