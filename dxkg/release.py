"""The release contract: what a build publishes in ``dist/``, and how it is read back.

This module is the one place that names the release's files and gives the shape of the
JSON files that its readers use. The pipeline writes through these names and models
(:mod:`dxkg.pipeline.publish`, :mod:`dxkg.pipeline.analysis.export`). The server
(:func:`dxkg.web.app.create_app`) and every command that reads a release (``dxkg
serve``, ``stats``, ``validate``, ``network``…) read through :class:`Release`.

- File names are paths relative to the release folder, ``/``-separated, as
  ``SHA256SUMS`` lists them.
- Models: :class:`BuildReport` (``build-report.json``), :class:`NetworkSummary`
  (``network/summary.json``), :class:`NodeMeasures` (``network/measures.json``) and
  :class:`ExampleQuery` (``ontology/examples.json``). Each is written as
  :func:`json_text` writes it, so reading a file and writing it back gives the same
  bytes.
- :func:`read_checksums` reads ``SHA256SUMS``.
- :class:`Release` is one release folder, held for the life of the process.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, Self

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from rdflib import Graph
from rdflib.exceptions import ParserError

from dxkg.pipeline.link.records import (
    ReferenceDisagreement,
    TaggingEvaluation,
    UnresolvedName,
    VendorCounts,
)
from dxkg.pipeline.records import Anomaly, Record

#: Every other file of the release with its SHA-256, as ``sha256sum`` writes them. A
#: reader uses only the files listed here.
CHECKSUMS = "SHA256SUMS"
#: The dataset with its named graphs as N-Quads, uncompressed: the file the server loads.
NQUADS = "dxkg.nq"
NQUADS_GZ = "dxkg.nq.gz"
TRIG_GZ = "dxkg.trig.gz"
#: The merged graph: N-Triples, Turtle, and JSON-LD compacted with :data:`JSONLD_CONTEXT`.
NTRIPLES = "dxkg.nt"
NTRIPLES_GZ = "dxkg.nt.gz"
TURTLE = "dxkg.ttl"
JSONLD = "dxkg.jsonld"
JSONLD_CONTEXT = "context.jsonld"
#: The build report (:class:`BuildReport`) and its Markdown rendering.
REPORT_JSON = "build-report.json"
REPORT_MD = "build-report.md"
#: The DCAT-AP catalogue and the VoID description.
CATALOGUE = "catalog.ttl"
VOID_DESCRIPTION = "void.ttl"
#: The full-text index behind ``/search``.
SEARCH_INDEX = "search.sqlite"
#: One CSV table per main class, and a link table per relation between them.
CSV_FOLDER = "csv"
#: The tables described: a Frictionless data package and W3C CSVW metadata.
CSV_DATAPACKAGE = f"{CSV_FOLDER}/datapackage.json"
CSV_METADATA = f"{CSV_FOLDER}/csv-metadata.json"
#: The vocabulary: its documentation (pyLODE), its Turtle, and its example queries.
ONTOLOGY_FOLDER = "ontology"
ONTOLOGY_HTML = f"{ONTOLOGY_FOLDER}/index.html"
ONTOLOGY_TURTLE = f"{ONTOLOGY_FOLDER}/dxkg.ttl"
EXAMPLE_QUERIES = f"{ONTOLOGY_FOLDER}/examples.json"
#: The network analysis. The names below are relative to this folder, because
#: ``dxkg network --out`` writes the same files to another folder.
NETWORK_FOLDER = "network"
SUMMARY_FILE = "summary.json"
MEASURES_FILE = "measures.json"
#: The figures, in the order the network page shows them.
FIGURES = ("degree-distribution.svg", "top-vendors.svg", "community-sizes.svg")
#: The files of each network (``{stem}`` is its name), by format.
NETWORK_EXPORTS = {
    "gexf": "{stem}.gexf",
    "graphml": "{stem}.graphml",
    "nodes_csv": "{stem}-nodes.csv",
    "edges_csv": "{stem}-edges.csv",
    "cyjs": "{stem}.cyjs",
}
#: The network that the network page draws, the one a reader asks about first.
DRAWN_NETWORK = "vendor-municipality"
NETWORK_SUMMARY = f"{NETWORK_FOLDER}/{SUMMARY_FILE}"
NETWORK_MEASURES = f"{NETWORK_FOLDER}/{MEASURES_FILE}"

#: The files without which a folder is no release that can be served or inspected.
REQUIRED = (CHECKSUMS, REPORT_JSON, NQUADS)
#: A line of ``SHA256SUMS``: the hex digest, two spaces, the path.
CHECKSUM_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


def network_file(stem: str, export: str) -> str:
    """The release path of network ``stem`` in the format ``export`` (a key of
    :data:`NETWORK_EXPORTS`)."""
    return f"{NETWORK_FOLDER}/{NETWORK_EXPORTS[export].format(stem=stem)}"


NETWORK_DRAWING = network_file(DRAWN_NETWORK, "cyjs")


def json_text(data: object) -> str:
    """JSON as the release writes it: keys sorted, indented by one space, Japanese as
    is, a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class JsonFile(Record):
    """A JSON file of the release: written by :meth:`to_json`, read back by :meth:`read`."""

    def to_json(self) -> str:
        """The file's text (see :func:`json_text`)."""
        return json_text(self.model_dump(mode="json"))

    @classmethod
    def read(cls, path: Path) -> Self:
        """The file at ``path``; raises pydantic's ValidationError if it holds something else."""
        return cls.model_validate_json(path.read_bytes())


# The build report (build-report.json), section by section.


class ReportedSource(Record):
    """A source document and the SHA-256 it was built from."""

    id: str
    sha256: str


class TableCount(Record):
    """A survey table: the row count its heading states and the count found."""

    table: str
    heading: str
    stated: int
    found: int


class CategoryCount(Record):
    """A survey category (``level`` 1, or 2 below one): stated and found counts."""

    table: str
    label: str
    level: int
    stated: int
    found: int


class SurveySummary(Record):
    """The survey's tables and categories against what it states, and its nodes by class."""

    tables: list[TableCount]
    categories: list[CategoryCount]
    entities: dict[str, int]


class CaseCollectionSummary(Record):
    """One case collection: its cases per chapter, and per field how many cases have it."""

    document: str
    edition: str
    cases: int
    chapters: dict[str, int]
    fields: dict[str, int]


class GovernmentLinking(Record):
    """Government names resolved to codes, the ones left unresolved, the kinds referred to."""

    resolved_names: int
    unresolved_names: list[UnresolvedName]
    referenced_by_kind: dict[str, int]
    #: Governments referred to that localgovjp gives a point and website for.
    with_localgovjp: int = 0
    #: Codes, names, readings and English names localgovjp and the code table disagree on.
    reference_disagreements: list[ReferenceDisagreement] = Field(default_factory=list)


class OrganisationLinking(VendorCounts):
    """How vendor names merged into organisations, the nodes by class, and departments."""

    nodes: dict[str, int]
    departments: int


class TechnologyLinking(Record):
    """Technology tags and how they compare with the hand-labelled sample."""

    records_tagged: int
    tags: int
    evaluation: TaggingEvaluation


class EditionLinking(Record):
    """Cases of the two editions paired, by rule, and those without a counterpart."""

    linked_pairs: int
    pairs_by_rule: dict[str, int]
    new_in_later_edition: list[str]
    earlier_without_counterpart: list[str]
    #: The initiatives the cases report: one per chain of editions.
    initiatives: int
    #: The edition changes (``dxkg:EditionChange``) by the field that changed.
    changes_by_field: dict[str, int]


class JointSystem(Record):
    """A shared system that several prefectures report, and how many rows report it."""

    id: str
    label: str
    rows: int


class LinkingSummary(Record):
    """What linking resolved, merged and tagged, and what it could not."""

    governments: GovernmentLinking
    organisations: OrganisationLinking
    technologies: TechnologyLinking
    editions: EditionLinking
    joint_systems: list[JointSystem]
    #: The records (initiatives, shared systems) linked to each item of the guide (004).
    guide_items: dict[str, int]


class AnomalySummary(Record):
    """The sources' anomalies: how many of each kind, and each one."""

    counts: dict[str, int]
    items: list[Anomaly]


class ShaclSummary(Record):
    """The data against ``shapes/``: a published release conforms, with no result."""

    conforms: bool
    counts: dict[str, int]


class ReportedFinding(Record):
    """A result of the report's checks: the node, the property and what was found."""

    focus: str
    path: str
    message: str


class ChecksSummary(Record):
    """The report's own checks (``shapes/report/``): worth telling, not violations."""

    counts: dict[str, int]
    warnings: list[ReportedFinding]
    info: list[ReportedFinding]


class Licence(Record):
    """The dataset's licence and the sources' attribution."""

    licence: str
    licence_name: str
    attribution_ja: str
    attribution_en: str


class NetworkSize(Record):
    """A network's size: nodes (governments and the others), edges and density,
    connected components and Louvain communities (their sizes, largest first)."""

    name: str
    nodes: int
    governments: int
    others: int
    edges: int
    density: float
    components: int
    largest_component: int
    communities: int
    community_sizes: list[int]


class BuildReport(JsonFile):
    """``build-report.json``: everything a reader needs to trust, or question, the release.

    The counts are checked against what the documents state. The report also holds
    the anomalies, the SHACL results (none: the release conforms), the report's own
    checks, the triples per named graph (with their ``total``), the instances of the main
    classes, the rows per CSV
    table, the licence, the network sizes, the release date and the base IRI.
    """

    sources: list[ReportedSource]
    survey: SurveySummary
    cases: list[CaseCollectionSummary]
    linking: LinkingSummary
    anomalies: AnomalySummary
    shacl: ShaclSummary
    checks: ChecksSummary
    triples: dict[str, int]
    #: Instances of each of the vocabulary's main classes, as ``?x a dxkg:C`` answers.
    classes: dict[str, int]
    csv_rows: dict[str, int]
    licence: Licence
    networks: list[NetworkSize]
    release_date: str
    base_iri: str


# The network analysis (network/).


class RankedNode(Record):
    """A vendor, corporate group or technology, ranked by the governments it reaches."""

    iri: str
    label: str
    label_en: str
    municipalities: int
    initiatives: int
    prefectures: int
    betweenness: float
    community: int


class PrefectureRow(Record):
    """A prefecture's counts in each bipartite network. For each partner (vendors,
    technologies, shared systems) there are ``governments_with_<partner>`` and
    ``<partner>``, and ``initiatives_with_<partner>`` where initiatives link them."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int]

    iri: str
    label: str


class EditionNetwork(Record):
    """The vendor–municipality network one edition of the case collection prints
    (``network`` is its file stem): its initiatives and edges, and how many of those
    edges the edition before it printed too (0 for the first)."""

    edition: str
    network: str
    initiatives: int
    edges: int
    edges_in_previous: int


class NetworkSummary(JsonFile):
    """``network/summary.json``. It holds the names of the per-node measures in the order
    to show them, the size of every network, the vendors, corporate groups and
    technologies that reach the most governments, the network of each edition, and a
    row per prefecture."""

    measures: list[str]
    networks: list[NetworkSize]
    top_vendors: list[RankedNode]
    top_vendor_groups: list[RankedNode]
    top_technologies: list[RankedNode]
    editions: list[EditionNetwork]
    prefectures: list[PrefectureRow]


class NodeMeasures(Record):
    """A node's measures in one network (``network/measures.json``)."""

    degree: int
    weighted_degree: float
    degree_centrality: float
    betweenness: float
    component: int
    community: int


class NetworkDrawing(NamedTuple):
    """The drawn network as its Cytoscape.js file holds it: each node's and edge's ``data``."""

    nodes: list[dict]
    edges: list[dict]


class ExampleQuery(Record):
    """An example of the vocabulary. ``title`` says what it asks (``title_ja`` and
    ``description_ja`` in Japanese, empty when the README gives none), and ``query``
    holds the whole query with its prefixes, under the release's base IRI."""

    title: str
    query: str
    title_ja: str = ""
    description_ja: str = ""


#: The reader of ``network/measures.json``: {node IRI: {network: its measures}}.
MEASURES_JSON = TypeAdapter(dict[str, dict[str, NodeMeasures]])
#: The reader of ``ontology/examples.json``: the examples in the README's order.
EXAMPLES_JSON = TypeAdapter(tuple[ExampleQuery, ...])


class ReleaseError(Exception):
    """No complete release is there, or it is one that this dxkg cannot read. The
    message is one line, for the command line and the server's log."""


def read_checksums(path: Path) -> Mapping[str, str]:
    """The SHA-256 (hex) of each file that the checksum file ``path`` lists, by its path
    relative to the release folder. The mapping is read-only, because requests share
    it. Raises ReleaseError on a line that ``sha256sum -c`` would not read."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise ReleaseError(
            f"{path}: not UTF-8 (byte {error.start}): not a checksum file `dxkg build` writes"
        ) from None
    checksums = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = CHECKSUM_LINE.fullmatch(line)
        if found is None:
            raise ReleaseError(f"{path}, line {number}: not a SHA-256 and a file name")
        checksums[found[2]] = found[1]
    return MappingProxyType(checksums)


def read_report(path: Path) -> BuildReport:
    """The build report at ``path``; ReleaseError if it is not one this dxkg reads."""
    try:
        return BuildReport.read(path)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"])) or "the file"
        raise ReleaseError(
            f"{path} is not a build report this dxkg reads ({where}: {first['msg']}); "
            "run `dxkg build`"
        ) from None


class Release:
    """One published release, which never changes while it is open.

    :meth:`open` reads the checksums and the build report. They are small, and every
    reader needs them, so a folder that holds no release fails at once instead of on
    some later page. The rest is read the first time it is asked for, and then kept: the
    network summary, the measures and the drawing, the example queries, the ontology,
    and where each graph lies in the dump. Most uses need only part of it (``dxkg
    stats`` needs none, and an entity page needs only the measures). A file is read only
    if ``SHA256SUMS`` lists it (:meth:`publishes`), so a release built before the
    networks or the examples existed just lacks them.
    """

    def __init__(self, folder: Path, checksums: Mapping[str, str], report: BuildReport) -> None:
        self.folder = folder
        self.checksums = checksums
        self.report = report

    @classmethod
    def open(cls, dist: Path) -> Release:
        """The release that ``dist`` names now. It is resolved once, to the release's
        own absolute folder, and held (:func:`~dxkg.pipeline.publish.releases.hold`), so
        that no build removes it while this process runs and a rebuild does not change
        what it reads.

        Raises ReleaseError when there is no release, or it is incomplete or unreadable.
        """
        # Imported here: the releases module names its files from this one.
        from dxkg.pipeline.publish.releases import hold

        try:
            folder = hold(dist)
        except FileNotFoundError:
            raise ReleaseError(f"no release in {dist}: run `dxkg build` first") from None
        missing = [name for name in REQUIRED if not (folder / name).is_file()]
        if missing:
            raise ReleaseError(
                f"no complete release in {dist} ({', '.join(missing)} missing): "
                "run `dxkg build` first"
            )
        checksums = read_checksums(folder / CHECKSUMS)
        listed = sorted(name for name in checksums if not (folder / name).is_file())
        if listed:
            more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
            raise ReleaseError(
                f"incomplete release in {dist}: {', '.join(listed[:5])}{more} listed in "
                f"{CHECKSUMS} but missing; run `dxkg build`"
            )
        return cls(folder, checksums, read_report(folder / REPORT_JSON))

    def path(self, name: str) -> Path:
        """The file ``name`` of the release (a path as ``SHA256SUMS`` lists it)."""
        return self.folder / name

    @contextmanager
    def parsing_dump(self) -> Iterator[Path]:
        """The dump's path, for a reader that parses it: a parse failure (pyoxigraph's
        SyntaxError, rdflib's ParserError) becomes a one-line ReleaseError saying whether
        the dump still has the SHA-256 that ``SHA256SUMS`` lists. Hashing is left to a
        failure, so a release whose dump is changed on purpose (the tests add quads) is
        still read."""
        try:
            yield self.path(NQUADS)
        except (SyntaxError, ParserError) as error:
            raise ReleaseError(self._unparsable_dump(error)) from None

    def _unparsable_dump(self, error: Exception) -> str:
        """The message for a dump that does not parse (see :meth:`parsing_dump`)."""
        dump = self.path(NQUADS)
        reason = " ".join(str(error).split())[:200]
        sha = hashlib.sha256(dump.read_bytes()).hexdigest()
        if sha != self.checksums.get(NQUADS):
            state = f"its SHA-256 is not the one {CHECKSUMS} lists: truncated or modified"
        else:
            state = f"though its SHA-256 is the one {CHECKSUMS} lists"
        return f"{dump} does not parse as N-Quads ({reason}); {state}; run `dxkg build`"

    def publishes(self, name: str) -> bool:
        """Whether the release lists the file ``name`` in ``SHA256SUMS``, and it is there."""
        return name in self.checksums and self.path(name).is_file()

    @cached_property
    def network_summary(self) -> NetworkSummary | None:
        """``network/summary.json``, or None for a release without the networks."""
        if not self.publishes(NETWORK_SUMMARY):
            return None
        return NetworkSummary.read(self.path(NETWORK_SUMMARY))

    @cached_property
    def network_measures(self) -> Mapping[str, Mapping[str, NodeMeasures]]:
        """``network/measures.json``: {node IRI: {network: its measures}}; empty without it."""
        if not self.publishes(NETWORK_MEASURES):
            return MappingProxyType({})
        return MappingProxyType(
            MEASURES_JSON.validate_json(self.path(NETWORK_MEASURES).read_bytes())
        )

    @cached_property
    def network_drawing(self) -> NetworkDrawing | None:
        """The nodes and edges of the drawn network (:data:`DRAWN_NETWORK`), or None."""
        if not self.publishes(NETWORK_DRAWING):
            return None
        elements = json.loads(self.path(NETWORK_DRAWING).read_bytes())["elements"]
        return NetworkDrawing(
            [node["data"] for node in elements["nodes"]],
            [edge["data"] for edge in elements["edges"]],
        )

    @cached_property
    def example_queries(self) -> tuple[ExampleQuery, ...]:
        """The vocabulary's example queries (``ontology/examples.json``); none without it."""
        if not self.publishes(EXAMPLE_QUERIES):
            return ()
        return EXAMPLES_JSON.validate_json(self.path(EXAMPLE_QUERIES).read_bytes())

    @cached_property
    def ontology(self) -> Graph:
        """The published ontology (``ontology/dxkg.ttl``), parsed (a reader that serves
        it checks first that the release lists it)."""
        return Graph().parse(self.path(ONTOLOGY_TURTLE), format="turtle")

    @cached_property
    def graph_spans(self) -> Mapping[str, tuple[tuple[int, int], ...]]:
        """Where the lines of each named graph lie in the dump (see :func:`graph_spans`)."""
        return graph_spans(self.path(NQUADS))


def graph_spans(dump: Path) -> Mapping[str, tuple[tuple[int, int], ...]]:
    """Where the lines of each named graph lie in the N-Quads file ``dump``. For each
    graph IRI, it gives the byte spans of the graph's runs of consecutive lines, found
    in one pass that reads the last term of each line.

    A line of N-Quads as pyoxigraph writes it ends with its graph, `` <graph> .``. An IRI
    holds no space, so the last ``" <"`` starts it. A line of the default graph is taken
    for the graph that its object names, and a reader that parses the spans and keeps
    the graph's quads leaves it out. So a graph's own lines are never missed.
    """
    spans: dict[str, list[list[int]]] = {}
    offset, previous = 0, None
    with dump.open("rb") as lines:
        for line in lines:
            end = offset + len(line)
            text = line.rstrip()
            start = text.rfind(b" <")
            graph = text[start + 2 : -3].decode("utf-8", "replace") if start > 0 else None
            if graph is not None and text.endswith(b"> ."):
                runs = spans.setdefault(graph, [])
                if graph == previous:
                    runs[-1][1] = end
                else:
                    runs.append([offset, end])
            else:
                graph = None
            offset, previous = end, graph
    return MappingProxyType({graph: tuple(map(tuple, runs)) for graph, runs in spans.items()})
