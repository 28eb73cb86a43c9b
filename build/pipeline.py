"""The build: extract → link → map → validate → publish.

Extract and link exchange files: each writes its records as JSON to the work folder
(``work/`` in the project, or a temporary one; see :mod:`dxkg.pipeline.workdir`) and the
next stage reads them from there, so either can be inspected and re-run on its own. Map,
validate and publish hand one copy of the named graphs on in memory: publish writes the
dumps from them, and writing them out only to parse them back would double the cost of the
largest stage. What is published after the dumps is read from the dump as published. The
release is assembled in a staging folder and published
(:mod:`dxkg.pipeline.publish.releases`: ``dist`` switched to it) only when every stage,
validation included, passed: a failed build leaves the previous release untouched.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, Store
from rdflib import Graph

from dxkg.config import DEFAULT_BASE_IRI, Paths
from dxkg.pipeline.analysis.export import write_network
from dxkg.pipeline.entailment import INFERRED, entailed
from dxkg.pipeline.extract.citations import check_cited_lines, named_documents
from dxkg.pipeline.extract.corpus import SourceDocument, of_kind, require_declared, verify_corpus
from dxkg.pipeline.extract.profiles import (
    check_profiles,
    extract_case_collection,
    extract_the_survey,
)
from dxkg.pipeline.extract.records import CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.extract.sourcetext import read_source_lines
from dxkg.pipeline.extract.typos import load_suspected_typos, scan_document
from dxkg.pipeline.link.focusareas import check_rule_citations, load_rule_rows
from dxkg.pipeline.link.government_codes import MUNICIPALITIES_FILE
from dxkg.pipeline.link.groups import check_group_citations, cited_documents, load_vendor_groups
from dxkg.pipeline.link.localgov import LOCALGOVJP_FILE, LOCALGOVJP_PREFECTURES_FILE
from dxkg.pipeline.link.records import LinkedCases, LinkedEntities, LinkedSurvey
from dxkg.pipeline.link.stage import ReferenceFiles, link_corpus
from dxkg.pipeline.map import case_nodes, link_nodes, load_context, map_records, survey_nodes
from dxkg.pipeline.publish import releases, report
from dxkg.pipeline.publish.catalogue import (
    AS_DECLARED,
    Overrides,
    licence_summary,
    load_settings,
    write_metadata,
)
from dxkg.pipeline.publish.docs import write_ontology_docs
from dxkg.pipeline.publish.dumps import write_checksums, write_dumps
from dxkg.pipeline.publish.examples import write_example_queries
from dxkg.pipeline.publish.searchindex import write_search_index
from dxkg.pipeline.publish.tables import write_csv_exports
from dxkg.pipeline.records import Anomaly
from dxkg.pipeline.validate.shacl import (
    ValidationReport,
    load_report_shapes,
    load_shapes,
    validate_graph,
)
from dxkg.pipeline.validate.storeforms import describe, rewritten_literals
from dxkg.pipeline.workdir import work_folder
from dxkg.release import NQUADS, BuildReport

SCHEMES_FILE = "schemes/survey-codes.ttl"
# Every SKOS concept scheme of the vocabulary, published in the "schemes" graph.
SCHEME_FILES = (
    SCHEMES_FILE,
    "schemes/case-codes.ttl",
    "schemes/technologies.ttl",
    "schemes/dx-guide.ttl",
)
ONTOLOGY_FILE = "dxkg.ttl"
SURVEY_CONTEXT = "survey.context.jsonld"
CASES_CONTEXT = "cases.context.jsonld"
LINKS_CONTEXT = "links.context.jsonld"
PREFECTURES_FILE = "reference/prefectures.csv"
VENDOR_ALIASES_FILE = "reference/vendor-aliases.csv"
VENDOR_GROUPS_FILE = "reference/vendor-groups.csv"
TECHNOLOGY_GOLD_FILE = "reference/technology-gold.csv"
TECHNOLOGIES_FILE = "schemes/technologies.ttl"
GUIDE_RULES_FILE = "reference/focus-area-rules.csv"
GUIDE_SCHEMES_FILE = "schemes/dx-guide.ttl"
CATALOGUE_FILE = "catalogue.toml"
SUSPECTED_TYPOS_FILE = "reference/suspected-typos.csv"
TYPOS_FILE = "suspected-typos.json"

Reporter = Callable[[str], None]


class BuildError(Exception):
    """The build stopped; ``dist/`` still holds the previous release."""


@dataclass(frozen=True)
class Build:
    """A finished build: the report it published and how long each stage took."""

    report: BuildReport
    timings: dict[str, float]


@dataclass
class StageTimer:
    """Reports each stage as it starts and ends, and keeps the timings."""

    echo: Reporter
    total: int = 5
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        number = len(self.timings) + 1
        self.echo(f"[{number}/{self.total}] {name} …")
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 3)
        self.echo(f"[{number}/{self.total}] {name} done in {self.timings[name]:.2f} s")


def extract_stage(
    sources: Path, documents: dict[str, SourceDocument], work: Path, typos: Path
) -> Path:
    """Sources → ``work/extract/``: the survey, one file per case collection (named by its
    short id), suspected typos; each document read by its manifest entry's profile."""
    out = work / "extract"
    out.mkdir(parents=True, exist_ok=True)
    curated = load_suspected_typos(typos)
    anomalies = [
        anomaly
        for document in documents
        for anomaly in scan_document(document, read_source_lines(sources / document), curated)
    ]
    (out / TYPOS_FILE).write_text(
        json.dumps([a.model_dump() for a in anomalies], ensure_ascii=False, indent=1), "utf-8"
    )
    survey = extract_the_survey(sources, documents)
    (out / "survey.json").write_text(survey.model_dump_json(indent=1), "utf-8")
    for document in of_kind(documents, "case-collection"):
        cases = extract_case_collection(sources, document)
        path = out / f"cases-{document.short_id}.json"
        path.write_text(cases.model_dump_json(indent=1), "utf-8")
    return out


def _stem(document: str) -> str:
    return document.removesuffix(".txt")


def read_case_extracts(extracted: Path) -> list[CaseCollectionExtract]:
    """The case-collection extracts in ``work/extract/``, in document (file name) order."""
    extracts = [
        CaseCollectionExtract.model_validate_json(path.read_text("utf-8"))
        for path in extracted.glob("cases-*.json")
    ]
    return sorted(extracts, key=lambda extract: extract.document)


def reference_files(paths: Paths) -> ReferenceFiles:
    """The curated tables and schemes linking reads, under ``paths``."""
    return ReferenceFiles(
        code_lists=paths.ontology / SCHEMES_FILE,
        municipalities=paths.mappings / MUNICIPALITIES_FILE,
        prefectures=paths.mappings / PREFECTURES_FILE,
        vendor_aliases=paths.mappings / VENDOR_ALIASES_FILE,
        vendor_groups=paths.mappings / VENDOR_GROUPS_FILE,
        technologies=paths.ontology / TECHNOLOGIES_FILE,
        technology_gold=paths.mappings / TECHNOLOGY_GOLD_FILE,
        guide_rules=paths.mappings / GUIDE_RULES_FILE,
        guide_schemes=paths.ontology / GUIDE_SCHEMES_FILE,
        localgovjp=(
            paths.mappings / LOCALGOVJP_FILE,
            paths.mappings / LOCALGOVJP_PREFECTURES_FILE,
        ),
    )


def link_stage(
    extracted: Path, documents: dict[str, SourceDocument], paths: Paths, work: Path
) -> Path:
    """``work/extract`` → ``work/link/``: the survey, the cases, the cross-document entities."""
    out = work / "link"
    out.mkdir(parents=True, exist_ok=True)
    extract = SurveyExtract.model_validate_json((extracted / "survey.json").read_text("utf-8"))
    survey, cases, entities = link_corpus(
        extract, read_case_extracts(extracted), documents, reference_files(paths)
    )
    for name, records in (("survey", survey), ("cases", cases), ("entities", entities)):
        (out / f"{name}.json").write_text(records.model_dump_json(indent=1), "utf-8")
    return out


def map_stage(
    linked_path: Path, documents: dict[str, SourceDocument], paths: Paths
) -> dict[str, Graph]:
    """``work/link`` → the named graphs, by name: one per source document that has records
    (the survey, each case collection), then the shared graphs, and last what they entail
    (:mod:`dxkg.pipeline.entailment`)."""
    linked = LinkedSurvey.model_validate_json((linked_path / "survey.json").read_text("utf-8"))
    cases = LinkedCases.model_validate_json((linked_path / "cases.json").read_text("utf-8"))
    entities = LinkedEntities.model_validate_json(
        (linked_path / "entities.json").read_text("utf-8")
    )
    context = load_context(paths.mappings / SURVEY_CONTEXT)
    cases_context = load_context(paths.mappings / CASES_CONTEXT)
    links_context = load_context(paths.mappings / LINKS_CONTEXT)
    schemes = Graph()
    for scheme_file in SCHEME_FILES:
        schemes.parse(paths.ontology / scheme_file, format="turtle")
    (survey,) = of_kind(documents, "survey")
    graphs = {
        f"source/{_stem(survey.id)}": map_records(survey_nodes(linked), context),
        **{
            f"source/{_stem(doc.id)}": map_records(case_nodes(cases, doc.id), cases_context)
            for doc in of_kind(documents, "case-collection")
        },
        "municipalities": map_records(entities.governments, links_context),
        "organisations": map_records(
            [*entities.organisations, *entities.departments], links_context
        ),
        "links": map_records(link_nodes(entities), links_context),
        "metadata": map_records(linked.documents, context),
        "ontology": Graph().parse(paths.ontology / ONTOLOGY_FILE, format="turtle"),
        "schemes": schemes,
    }
    graphs[INFERRED] = entailed(
        {name: graph for name, graph in graphs.items() if name != "ontology"}, graphs["ontology"]
    )
    return graphs


def _data_graph(graphs: dict[str, Graph]) -> Graph:
    """The data graphs with the schemes they link to (the ontology is given apart): what
    the sources state; the shapes judge that, not what it entails."""
    data = Graph()
    for name, graph in graphs.items():
        if name not in ("ontology", INFERRED):
            data += graph
    return data


def validate_stage(graphs: dict[str, Graph], paths: Paths) -> ValidationReport:
    """Validate the data graphs (with the schemes they link to) against ``shapes/``."""
    return validate_graph(_data_graph(graphs), load_shapes(paths.shapes), graphs["ontology"])


def check_stage(graphs: dict[str, Graph], paths: Paths) -> ValidationReport:
    """The build report's checks: the data graphs against ``shapes/report/``."""
    shapes = load_report_shapes(paths.shapes)
    if not len(shapes):
        return ValidationReport()
    return validate_graph(_data_graph(graphs), shapes, graphs["ontology"])


def check_store_forms(graphs: dict[str, Graph]) -> None:
    """Stop the build on any literal that a SPARQL store would give back in another form
    (see :mod:`dxkg.pipeline.validate.storeforms`): the release publishes what its clients receive."""
    rewritten = rewritten_literals(graphs.values())
    if rewritten:
        raise BuildError(
            f"{len(rewritten)} literals would read otherwise from a SPARQL store than the "
            "dumps state them; state the form the store returns (mappings/*.context.jsonld, "
            "ontology/):\n" + describe(rewritten)
        )


def check_corpus(paths: Paths) -> dict[str, SourceDocument]:
    """The manifest's documents, once every one is present and unmodified, every ``.txt``
    and every document a curated file names (the schemes' ``dct:source``, the
    suspected-typo table, the vendor groups' sources) is declared, and each is read by a
    known profile; else CorpusError."""
    documents = verify_corpus(paths.sources)
    table = paths.mappings / SUSPECTED_TYPOS_FILE
    groups = paths.mappings / VENDOR_GROUPS_FILE
    named = {
        **{typo.document: table for typo in load_suspected_typos(table)},
        **dict.fromkeys(cited_documents(load_vendor_groups(groups)), groups),
        **named_documents(paths.ontology / name for name in SCHEME_FILES),
    }
    require_declared(paths.sources, documents, named)
    check_profiles(paths.sources, documents)
    return documents


def run_build(
    paths: Paths,
    echo: Reporter = print,
    base_iri: str = DEFAULT_BASE_IRI,
    overrides: Overrides = AS_DECLARED,
) -> Build:
    """Build the release into ``paths.dist``, the stages' records in ``paths.work``
    (emptied first; a temporary folder if None, see :mod:`dxkg.pipeline.workdir`); return
    the build: its published report and the stages' timings. ``overrides`` name the
    catalogue's publisher and contact in place of ``mappings/catalogue.toml``'s.

    Raises CorpusError, SourceFormatError, LinkError, WorkFolderError or BuildError; in
    every case the previous ``dist/`` is left as it was.
    """
    timer = StageTimer(echo)
    documents = check_corpus(paths)
    try:
        releases.check_replaceable(paths.dist)  # before the stages, not after them
    except releases.NotARelease as error:
        raise BuildError(str(error)) from None
    with work_folder(paths) as work:
        with timer.stage("extract"):
            extracted = extract_stage(
                paths.sources, documents, work, paths.mappings / SUSPECTED_TYPOS_FILE
            )
            # the hand-read schemes cite documents no extractor reads: check those lines too
            check_cited_lines([paths.ontology / name for name in SCHEME_FILES], paths.sources)
            groups = load_vendor_groups(paths.mappings / VENDOR_GROUPS_FILE)
            check_group_citations(groups, paths.sources)
            check_rule_citations(load_rule_rows(paths.mappings / GUIDE_RULES_FILE), paths.sources)
        return build_from_extracts(extracted, documents, paths, work, timer, base_iri, overrides)


def build_from_extracts(
    extracted: Path,
    documents: dict[str, SourceDocument],
    paths: Paths,
    work: Path,
    timer: StageTimer,
    base_iri: str = DEFAULT_BASE_IRI,
    overrides: Overrides = AS_DECLARED,
) -> Build:
    """The stages after extraction, from the records in ``extracted``, theirs written into
    ``work``; see :func:`run_build`.

    Separate so that a benchmark can feed the same stages a synthetic, larger extract.
    """
    with timer.stage("link"):
        linked = link_stage(extracted, documents, paths, work)
    with timer.stage("map"):
        graphs = map_stage(linked, documents, paths)
    with timer.stage("validate"):
        check_store_forms(graphs)
        validation = validate_stage(graphs, paths)
        if not validation.conforms:
            raise BuildError("the graph does not conform to the shapes\n" + validation.summary())
        checks = check_stage(graphs, paths)
    with timer.stage("publish"), releases.staging_folder(paths.dist) as staging:
        build_report = write_release(
            staging,
            graphs,
            extracted,
            linked,
            documents,
            validation,
            checks,
            paths,
            base_iri,
            overrides,
        )
        try:
            releases.publish(staging, paths.dist)
        except (releases.ReleaseInUse, releases.NotARelease) as error:
            raise BuildError(str(error)) from None
    # Timings stay out of the published report: two builds must give identical files.
    return Build(build_report, timer.timings)


#: The product's classes: each answers a plain ``?x a dxkg:C`` (the inferred graph states the
#: types its subclasses entail).
MAIN_CLASSES = (
    "Municipality",
    "Initiative",
    "Technology",
    "Vendor",
    "Role",
    "Organization",
    "SharedSystem",
)


def class_counts(release: Store, base_iri: str) -> dict[str, int]:
    """The instances of each of :data:`MAIN_CLASSES` in the release as published."""
    counts = {}
    for name in MAIN_CLASSES:
        query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{base_iri}ontology#{name}> }}"
        (row,) = release.query(query, use_default_graph_as_union=True)
        counts[name] = int(row[0].value)
    return counts


def write_release(
    out: Path,
    graphs: dict[str, Graph],
    extracted: Path,
    linked: Path,
    documents: dict[str, SourceDocument],
    validation: ValidationReport,
    checks: ValidationReport,
    paths: Paths,
    base_iri: str,
    overrides: Overrides = AS_DECLARED,
) -> BuildReport:
    """Write every file of the release into ``out`` (dumps, CSV, search index, networks,
    catalogue, documentation and example queries, build report, checksums); return the
    build report.

    ``validation`` is the data's against ``shapes/``, ``checks`` the report's own."""
    triples = write_dumps(graphs, out, base_iri)
    release = Store()  # the release as published: CSV, search, networks and VoID read it
    release.bulk_load(path=str(out / NQUADS), format=RdfFormat.N_QUADS)
    settings = overrides.applied(load_settings(paths.mappings / CATALOGUE_FILE))
    csv_rows = write_csv_exports(release, out, base_iri, licence_summary(settings))
    write_search_index(release, out, base_iri)
    network = write_network(release, out, base_iri, settings["release_date"])
    write_metadata(settings, out, base_iri, documents, release)
    write_ontology_docs(graphs["ontology"], out, base_iri)
    write_example_queries(paths.ontology, out, base_iri)
    build_report = report.build_report(
        documents,
        SurveyExtract.model_validate_json((extracted / "survey.json").read_text("utf-8")),
        LinkedSurvey.model_validate_json((linked / "survey.json").read_text("utf-8")),
        read_case_extracts(extracted),
        LinkedEntities.model_validate_json((linked / "entities.json").read_text("utf-8")),
        [Anomaly(**a) for a in json.loads((extracted / TYPOS_FILE).read_text("utf-8"))],
        validation,
        checks,
        triples,
        class_counts(release, base_iri),
        csv_rows,
        licence=licence_summary(settings),
        networks=network.networks,
        release_date=settings["release_date"],
        base_iri=base_iri,
    )
    report.write(build_report, out)
    write_checksums(out)
    return build_report
