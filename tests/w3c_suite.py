"""A runner for the W3C SPARQL 1.1 query and result-format tests, through dxkg's query path.

The suite is the W3C rdf-tests folder ``sparql/sparql11/``, kept outside the
repository in ``../shared/conformance/sparql11/`` (``$DXKG_W3C_SPARQL11`` names
another copy). Two of its manifests are run:

- ``manifest-sparql11-query.ttl``: the query-evaluation tests of SPARQL 1.1 Query
  (aggregates, bind, bindings, cast, construct, exists, functions, grouping,
  negation, project-expression, property-path, subquery) and its positive and
  negative syntax tests (``syntax-query/`` and a few elsewhere);
- ``manifest-sparql11-results.ttl``: the result-format tests (``csv-tsv-res/``,
  ``json-res/``).

Each evaluation test gets a fresh pyoxigraph store holding exactly the test's
dataset: ``qt:data`` in the default graph, each ``qt:graphData`` in a named graph
named by its file IRI. (The release store's default graph is the union of its named
graphs, see :func:`dxkg.web.sparql.executor.union_default_graph`; a W3C test's default
graph is only ``qt:data``, so that copy is not made here.) The query then takes the
endpoint's own path: a confined :class:`~dxkg.web.sparql.executor.QueryProcess` over that
store evaluates a :class:`~dxkg.web.sparql.executor.Job` with the query file's IRI as base
and serialises the answer with dxkg's capped serialisers
(:func:`dxkg.web.sparql.results.serialise_capped`, limits far above any test), in the
format the expected result is written in: SPARQL XML, JSON, CSV or TSV for ``.srx``,
``.srj``, ``.csv``, ``.tsv``, SPARQL JSON for a result set written in RDF
(``rs:ResultSet``), N-Triples or Turtle for a graph. Both sides are parsed and
compared as the suite asks:

- result sets as multisets of solutions, blank nodes up to a one-to-one renaming,
  literals by value within their datatype (the suite's rule since rdf-tests#59:
  numeric and boolean literals are compared in canonical form, "1.0"^^xsd:decimal
  equals "1"^^xsd:decimal); with ``ORDER BY`` in the query (outside any subquery),
  also the order of the ordering variables' values; the variables as a set (their
  order for CSV and TSV, which are compared as text would be);
- graphs up to blank-node renaming (RDFC-1.0 canonical forms);
- CSV, a lossy format, as rows of strings (an empty field is an unbound variable,
  ``_:x`` a blank node);
- syntax tests by the answer's status: a negative test passes when dxkg answers 400,
  a positive one when it does not.

The rest of the SPARQL 1.1 suite (``manifest-all.ttl``) needs what a read-only
endpoint does not offer, or is an HTTP test: it is reported ``earl:inapplicable`` or
``earl:untested`` with the reason (:data:`OUT_OF_SCOPE`). The protocol tests are
not reported here: ``tests/test_protocol_conformance.py`` runs them over HTTP.

The tests dxkg fails are listed in :data:`KNOWN_FAILURES` with their cause: the
engine (Oxigraph, as dxkg embeds it) or dxkg's own path. :class:`EngineAlone` runs
the same tests on pyoxigraph alone (its own query and serialisers, in this process),
which tells the two apart.

A test takes a few milliseconds, most of it forking the query process; the whole
suite about 5 s. The time limit of one query is :data:`TIMEOUT`.
"""

from __future__ import annotations

import csv
import decimal
import io
import math
import os
import re
import struct
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from dxkg.web.errors import ProtocolError
from dxkg.web.sparql.executor import Job, QueryProcess
from protocol_manifest import earl_report

SUITE = Path(
    os.environ.get("DXKG_W3C_SPARQL11")
    or Path(__file__).resolve().parents[2] / "shared" / "conformance" / "sparql11"
)
#: The manifests run here, by the name of their EARL report.
MANIFESTS = {
    "query": "manifest-sparql11-query.ttl",
    "results": "manifest-sparql11-results.ttl",
}
#: The manifest listing the whole SPARQL 1.1 suite.
ALL_MANIFEST = "manifest-all.ttl"
#: The test IRIs of the suite start with this; a test's id is the rest.
IRI_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
#: Time limit of one query, in seconds.
TIMEOUT = 10.0
#: Limits that no test reaches: a test result is never cut.
ROW_LIMIT = 1 << 40
BYTE_LIMIT = 1 << 40

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"

#: The parts of manifest-all.ttl not run here, by folder: (EARL outcome, reason).
OUT_OF_SCOPE = {
    **{
        folder: (
            "inapplicable",
            "SPARQL 1.1 Update: dxkg's endpoint is read-only (every update is refused, 403)",
        )
        for folder in (
            "add",
            "basic-update",
            "clear",
            "copy",
            "delete",
            "delete-data",
            "delete-insert",
            "delete-where",
            "drop",
            "move",
            "update-silent",
        )
    },
    **{
        folder: (
            "inapplicable",
            (
                "SPARQL 1.1 Update syntax: dxkg's endpoint is read-only and takes no update "
                "(every update is refused, 403)"
            ),
        )
        for folder in ("syntax-update-1", "syntax-update-2")
    },
    **{
        folder: (
            "inapplicable",
            (
                "SPARQL 1.1 Federated Query: dxkg's query processes make no outbound "
                "connection (SERVICE is refused, 403)"
            ),
        )
        for folder in ("service", "syntax-fed")
    },
    "entailment": (
        "inapplicable",
        "SPARQL 1.1 Entailment Regimes: dxkg evaluates under simple entailment only",
    ),
    "graph-store-protocol": (
        "inapplicable",
        "SPARQL 1.1 Graph Store HTTP Protocol: dxkg does not offer it (read-only endpoint)",
    ),
    "service-description": (
        "untested",
        (
            "HTTP tests of an endpoint's service description: not run by this runner "
            "(dxkg serves one on a GET of /sparql without a query)"
        ),
    ),
}
#: Folders of manifest-all.ttl that are reported elsewhere, not here.
REPORTED_ELSEWHERE = {
    "protocol": (
        "run over HTTP by tests/test_protocol_conformance.py (sparql11-protocol-*.earl.ttl)"
    ),
}

ENGINE = "engine"
DXKG = "dxkg"
#: Every test dxkg fails, by id: who causes it (ENGINE: Oxigraph as embedded, DXKG:
#: dxkg's own query path) and what. The test suite checks that exactly these fail.
KNOWN_FAILURES: dict[str, tuple[str, str]] = {
    "aggregates/manifest#agg-groupconcat-04": (
        ENGINE,
        (
            'GROUP_CONCAT of literals sharing a language tag keeps the tag ("1 2"@en), '
            'so the test\'s comparison with the simple literal "1 2" is false'
        ),
    ),
    "aggregates/manifest#agg-groupconcat-06": (
        ENGINE,
        (
            'GROUP_CONCAT of one literal keeps its language tag ("1"@en), '
            'so the comparison with the simple literal "1" is false'
        ),
    ),
    "aggregates/manifest#agg-empty-group-count-graph": (
        ENGINE,
        (
            "an aggregate subquery inside GRAPH ?g gives one row (?c 2, ?g unbound) instead of "
            "one count per named graph (0 and 2): GRAPH's variable scoping"
        ),
    ),
    "bindings/manifest#graph": (
        ENGINE,
        (
            "VALUES inside GRAPH ?g binding ?g itself: the row with ?g UNDEF comes out once with "
            "?g unbound instead of once per named graph: GRAPH's variable scoping"
        ),
    ),
    "negation/manifest#graph-minus": (
        ENGINE,
        (
            "MINUS inside GRAPH ?g: both sides get ?g, so they are not disjoint and the solution "
            "is removed (0 solutions, expected 1): GRAPH's variable scoping"
        ),
    ),
    "property-path/manifest#zero_or_more_set_start": (
        ENGINE,
        "?s :p* :o on an empty dataset gives nothing; the zero-length path binds ?s to :o",
    ),
    "property-path/manifest#zero_or_more_set_end": (
        ENGINE,
        ":s :p* ?o on an empty dataset gives nothing; the zero-length path binds ?o to :s",
    ),
    "property-path/manifest#zero_or_one_set_start": (
        ENGINE,
        "?s :p? :o on an empty dataset gives nothing; the zero-length path binds ?s to :o",
    ),
    "property-path/manifest#zero_or_one_set_end": (
        ENGINE,
        ":s :p? ?o on an empty dataset gives nothing; the zero-length path binds ?o to :s",
    ),
    "functions/manifest#bnode01": (
        ENGINE,
        (
            "BNODE(str) gives the same blank node (_:foo) for the same string in every solution, "
            "not a fresh one per solution"
        ),
    ),
    "csv-tsv-res/manifest#csv03": (
        ENGINE,
        (
            "the store keeps numbers as values: "
            '"1.0e6"^^xsd:double comes back as 1000000, and CSV has only the lexical form'
        ),
    ),
    "csv-tsv-res/manifest#tsv03": (
        ENGINE,
        (
            "the store keeps integers as xsd:integer: "
            '"-3"^^xsd:negativeInteger comes back as -3 (xsd:integer)'
        ),
    ),
}

_COLUMN_ORDER = (
    "SELECT * lists its columns alphabetically (o,p,s) in Oxigraph; dxkg orders them as the "
    "query first names its variables (the engine decides which columns there are)"
)
#: Engine deviations dxkg's query path corrects, by id: the test fails with Oxigraph
#: alone and passes through dxkg. The test suite checks that too.
WORKED_AROUND: dict[str, str] = {
    "csv-tsv-res/manifest#csv01": _COLUMN_ORDER,
    "csv-tsv-res/manifest#tsv01": _COLUMN_ORDER,
    "csv-tsv-res/manifest#csv02": _COLUMN_ORDER,
    "csv-tsv-res/manifest#tsv02": _COLUMN_ORDER,
}

_RESULTS_TYPES = {
    ".srx": ("application/sparql-results+xml", QueryResultsFormat.XML),
    ".srj": ("application/sparql-results+json", QueryResultsFormat.JSON),
    ".tsv": ("text/tab-separated-values", QueryResultsFormat.TSV),
    ".csv": ("text/csv", QueryResultsFormat.CSV),
}
_GRAPH_TYPES = {
    ".ttl": ("text/turtle", RdfFormat.TURTLE),
    ".nt": ("application/n-triples", RdfFormat.N_TRIPLES),
    ".rdf": ("application/rdf+xml", RdfFormat.RDF_XML),
}
_DATA_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".rdf": RdfFormat.RDF_XML,
}
#: Test types and the kind of run they get.
_KINDS = {
    MF.QueryEvaluationTest: "evaluation",
    MF.CSVResultFormatTest: "evaluation",
    MF.PositiveSyntaxTest11: "positive-syntax",
    MF.NegativeSyntaxTest11: "negative-syntax",
    MF.PositiveSyntaxTest: "positive-syntax",
    MF.NegativeSyntaxTest: "negative-syntax",
}


@dataclass(frozen=True)
class W3CTest:
    """One manifest entry: what to load, what to ask, and what to expect."""

    iri: str
    name: str
    manifest: str  # the report it goes to: "query", "results" or "out-of-scope"
    folder: str
    kind: str  # evaluation, positive-syntax, negative-syntax, or out-of-scope
    approval: str = ""
    query: Path | None = None
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None

    @property
    def id(self) -> str:
        """The IRI without the suite's common start, e.g. ``aggregates/manifest#agg01``."""
        return self.iri.removeprefix(IRI_BASE)


@dataclass
class Outcome:
    """What happened to a test: an EARL outcome (passed, failed, inapplicable,
    untested) and why; the shape :func:`protocol_manifest.earl_report` reads."""

    test: W3CTest
    outcome: str
    info: str = ""
    seconds: float = 0.0


@dataclass
class SuiteRun:
    """The outcomes of a whole run, in manifest order, and how long it took."""

    outcomes: list[Outcome]
    seconds: float
    #: Query processes started (one per test).
    processes: int = 0
    by_id: dict[str, Outcome] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {item.test.id: item for item in self.outcomes}

    def failed(self) -> dict[str, Outcome]:
        return {id_: item for id_, item in self.by_id.items() if item.outcome == "failed"}

    def tally(self, manifest: str | None = None) -> dict[str, int]:
        """Outcomes counted, for one report or all."""
        return dict(
            Counter(
                item.outcome
                for item in self.outcomes
                if manifest is None or item.test.manifest == manifest
            )
        )


# Manifests ---------------------------------------------------------------------------


def load_tests(suite: Path = SUITE) -> list[W3CTest]:
    """Every test of the suite in manifest order: the query and result-format tests,
    then the rest of manifest-all.ttl (out of scope), the protocol tests left out."""
    tests: list[W3CTest] = []
    run_folders: set[str] = set()
    for report, name in MANIFESTS.items():
        for manifest in _included(suite / name):
            run_folders.add(manifest.parent.name)
            tests.extend(_entries(manifest, report))
    for manifest in _included(suite / ALL_MANIFEST):
        folder = manifest.parent.name
        if folder in run_folders or folder in REPORTED_ELSEWHERE:
            continue
        if folder not in OUT_OF_SCOPE:
            raise ValueError(f"{manifest}: a part of the suite that this runner does not know")
        tests.extend(_entries(manifest, "out-of-scope"))
    return tests


def _included(path: Path) -> list[Path]:
    graph = _graph(path)
    manifest = graph.value(None, RDF.type, MF.Manifest)
    return [_path(item) for item in Collection(graph, graph.value(manifest, MF.include))]


def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _path(node) -> Path:
    """The file a ``file:`` IRI names (the manifests are read with their file IRI as base)."""
    return Path(url2pathname(urlparse(str(node)).path))


def _entries(path: Path, report: str) -> Iterator[W3CTest]:
    """The tests of a manifest and of the manifests it includes, in order."""
    graph = _graph(path)
    manifest = graph.value(None, RDF.type, MF.Manifest)
    folder = path.parent.name
    included = graph.value(manifest, MF.include)
    if included is not None:  # e.g. graph-store-protocol/: a manifest of manifests
        for part in Collection(graph, included):
            yield from _entries(_path(part), report)
    entries = graph.value(manifest, MF.entries)
    for entry in Collection(graph, entries) if entries is not None else ():
        test_type = graph.value(entry, RDF.type)
        approval = graph.value(entry, DAWGT.approval)
        common = {
            "iri": str(entry),
            "name": str(graph.value(entry, MF.name)),
            "manifest": report,
            "folder": folder,
            "approval": "" if approval is None else str(approval).rsplit("#", 1)[-1],
        }
        if report == "out-of-scope":
            yield W3CTest(kind="out-of-scope", **common)
            continue
        if test_type not in _KINDS:
            raise ValueError(f"{entry}: a test type this runner does not know: {test_type}")
        action = graph.value(entry, MF.action)
        result = graph.value(entry, MF.result)
        if isinstance(action, URIRef):  # a syntax test: the action is the query
            query, data, graph_data = _path(action), (), ()
        else:
            query = _path(graph.value(action, QT.query))
            data = tuple(sorted(_path(node) for node in graph.objects(action, QT.data)))
            graph_data = tuple(sorted(_path(n) for n in graph.objects(action, QT.graphData)))
        yield W3CTest(
            kind=_KINDS[test_type],
            query=query,
            data=data,
            graph_data=graph_data,
            result=None if result is None else _path(result),
            **common,
        )


# Running -----------------------------------------------------------------------------


def run_suite(
    tests: list[W3CTest], timeout: float = TIMEOUT, engine_alone: bool = False
) -> SuiteRun:
    """Run every test, each through a confined query process of its own (or, with
    ``engine_alone``, through :class:`EngineAlone`); time the whole run."""
    start = time.perf_counter()
    outcomes, processes = [], 0
    for test in tests:
        began = time.perf_counter()
        if test.kind == "out-of-scope":
            outcome, info = OUT_OF_SCOPE[test.folder]
        else:
            processes += not engine_alone
            outcome, info = run_test(test, timeout, engine_alone)
        outcomes.append(Outcome(test, outcome, info, time.perf_counter() - began))
    return SuiteRun(outcomes, time.perf_counter() - start, processes)


def run_test(
    test: W3CTest, timeout: float = TIMEOUT, engine_alone: bool = False
) -> tuple[str, str]:
    """The EARL outcome of one query or syntax test, and why it failed ('' if it passed)."""
    process = None
    try:
        store = load_dataset(test) if test.kind == "evaluation" else Store()
        process = EngineAlone(store) if engine_alone else QueryProcess(store)
        if test.kind == "evaluation":
            problem = _evaluation(test, process, timeout)
        else:
            problem = _syntax(test, process, timeout)
    except Exception as error:  # noqa: BLE001 - a file that does not parse, an odd answer
        problem = f"{type(error).__name__}: {_one_line(error)}"
    finally:
        if process is not None:
            process.close()
    return ("failed", problem) if problem else ("passed", "")


class EngineAlone:
    """Oxigraph without dxkg, for telling the engine's failures from dxkg's: the
    query evaluated in this process and serialised by pyoxigraph's own writers, a
    syntax error answered 400 and any other error 500 (no time limit)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def run(self, job: Job, timeout: float) -> EngineAnswer:
        """Like :meth:`QueryProcess.run`, with the same ``job`` (``timeout`` unused)."""
        try:
            result = self._store.query(job.query, base_iri=job.base_iri)
            if isinstance(result, (QuerySolutions, QueryBoolean)):
                if job.results_media_type is None:
                    raise ProtocolError(406, "solutions, not a graph")
                results_format = _BY_MEDIA_TYPE[job.results_media_type]
                return EngineAnswer(result.serialize(format=results_format))
            if job.graph_media_type is None:
                raise ProtocolError(406, "a graph, not solutions")
            graph_format = _BY_MEDIA_TYPE[job.graph_media_type]
            return EngineAnswer(serialize(list(result), format=graph_format))
        except SyntaxError as error:
            raise ProtocolError(400, f"malformed query: {_one_line(error)}") from None
        except ProtocolError:
            raise
        except Exception as error:  # noqa: BLE001 - an evaluation error, of any class
            raise ProtocolError(500, _one_line(error)) from None

    def close(self) -> None:
        """Nothing to stop."""


@dataclass(frozen=True)
class EngineAnswer:
    """What :class:`EngineAlone` answers: the body, never cut."""

    body: bytes
    truncated: bool = False


#: The pyoxigraph format of each media type asked for.
_BY_MEDIA_TYPE = dict(_RESULTS_TYPES.values()) | dict(_GRAPH_TYPES.values())


def load_dataset(test: W3CTest) -> Store:
    """A fresh store holding exactly the test's dataset."""
    store = Store()
    for path in test.data:
        store.load(path=path, format=_DATA_FORMATS[path.suffix], base_iri=path.as_uri())
    for path in test.graph_data:
        store.load(
            path=path,
            format=_DATA_FORMATS[path.suffix],
            base_iri=path.as_uri(),
            to_graph=NamedNode(path.as_uri()),
        )
    return store


def _job(test: W3CTest, results_media_type: str | None, graph_media_type: str | None) -> Job:
    return Job(
        test.query.read_text("utf-8"),
        base_iri=test.query.as_uri(),
        results_media_type=results_media_type,
        graph_media_type=graph_media_type,
        row_limit=ROW_LIMIT,
        byte_limit=BYTE_LIMIT,
    )


def _syntax(test: W3CTest, process: QueryProcess | EngineAlone, timeout: float) -> str:
    """A negative syntax test must be refused 400; a positive one must not."""
    try:
        process.run(_job(test, "application/sparql-results+json", "text/turtle"), timeout)
    except ProtocolError as error:
        if test.kind == "positive-syntax" and error.status == 400:
            return f"refused {error.status}: {error}"
        if test.kind == "negative-syntax" and error.status != 400:
            return f"refused {error.status}, not 400: {error}"
        return ""
    if test.kind == "negative-syntax":
        return "answered, not refused 400"
    return ""


def _evaluation(test: W3CTest, process: QueryProcess | EngineAlone, timeout: float) -> str:
    expected = expected_result(test.result)
    suffix = test.result.suffix
    if isinstance(expected, GraphResult):
        graph_type, graph_format = _GRAPH_TYPES[suffix]
        job = _job(test, None, graph_type)
    else:
        # A result set written in RDF (rs:ResultSet) is asked for in SPARQL JSON.
        results_type = suffix if suffix in _RESULTS_TYPES else ".srj"
        media_type, results_format = _RESULTS_TYPES[results_type]
        job = _job(test, media_type, None)
    try:
        answer = process.run(job, timeout)
    except ProtocolError as error:
        return f"refused {error.status}: {error}"
    if answer.truncated:
        return f"the answer was cut: {answer}"
    if isinstance(expected, GraphResult):
        return expected.compare(GraphResult.parse(answer.body, graph_format))
    if results_type == ".csv":
        actual = ResultSet.from_csv(answer.body.decode("utf-8"))
    else:
        actual = ResultSet.parse(answer.body, results_format)
    # CSV and TSV are compared as their text would be: the columns in their order.
    ordered_header = results_type in (".csv", ".tsv")
    return expected.compare(actual, order_by_variables(job.query), ordered_header)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# Expected and actual results ---------------------------------------------------------


#: A term as compared: ("iri", value), ("bnode", label), ("literal", value, datatype
#: IRI, language tag in lower case), or ("csv", field) from CSV. The suite compares
#: literals by value: a literal of a numeric or boolean datatype has its value as
#: its canonical lexical form ("1.0"^^xsd:decimal and "1"^^xsd:decimal are equal;
#: "1"^^xsd:integer and "1.0"^^xsd:decimal are not: their datatypes differ).
Key = tuple

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    XSD + name
    for name in (
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    )
}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FLOATING = re.compile(
    r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
)


def canonical_value(lexical: str, datatype: str) -> str:
    """The canonical lexical form of a numeric or boolean literal, so that equal
    values compare equal; any other literal (or an ill-typed one) as it is."""
    text = lexical.strip()
    if datatype in _INTEGERS and _INTEGER.fullmatch(text):
        return str(int(text))
    if datatype == XSD + "decimal" and _DECIMAL.fullmatch(text):
        value = decimal.Decimal(text)
        return "0.0" if value == 0 else format(value.normalize(), "f")
    if datatype in (XSD + "double", XSD + "float") and _FLOATING.fullmatch(text):
        value = float(text)
        if datatype == XSD + "float":
            value = struct.unpack("f", struct.pack("f", value))[0]
        return "NaN" if math.isnan(value) else repr(value)
    if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
        return "true" if text in ("true", "1") else "false"
    return lexical


def term_key(term) -> Key:
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    if isinstance(term, BlankNode):
        return ("bnode", term.value)
    if isinstance(term, Literal):
        language = term.language.lower() if term.language else None
        datatype = term.datatype.value
        return ("literal", canonical_value(term.value, datatype), datatype, language)
    if isinstance(term, Triple):
        return ("triple", term_key(term.subject), term_key(term.predicate), term_key(term.object))
    raise TypeError(f"not a term: {term!r}")


def show(key: Key | None) -> str:
    """A key in SPARQL-like notation, for messages."""
    if key is None:
        return "UNDEF"
    kind = key[0]
    if kind == "iri":
        return f"<{key[1]}>"
    if kind == "bnode":
        return f"_:{key[1]}"
    if kind == "literal":
        text = '"' + key[1].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if key[3]:
            return f"{text}@{key[3]}"
        if key[2] != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^<{key[2]}>"
        return text
    if kind == "csv":
        return repr(key[1])
    return repr(key)


Row = dict[str, Key]


@dataclass
class ResultSet:
    """A SELECT result (variables, rows) or an ASK result (boolean)."""

    variables: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None

    @classmethod
    def parse(cls, data: bytes | None, results_format: QueryResultsFormat, path=None):
        result = (
            parse_query_results(path=path, format=results_format)
            if path is not None
            else parse_query_results(data, format=results_format)
        )
        if isinstance(result, QueryBoolean):
            return cls(boolean=bool(result))
        return cls.from_solutions(result)

    @classmethod
    def from_solutions(cls, solutions: QuerySolutions) -> ResultSet:
        variables = tuple(variable.value for variable in solutions.variables)
        rows = []
        for solution in solutions:
            row = {}
            for index, name in enumerate(variables):
                value = solution[index]
                if value is not None:
                    row[name] = term_key(value)
            rows.append(row)
        return cls(variables, rows)

    @classmethod
    def from_csv(cls, text: str) -> ResultSet:
        """SPARQL CSV as strings: an empty field is unbound, ``_:x`` a blank node."""
        lines = list(csv.reader(io.StringIO(text, newline="")))
        if not lines:
            return cls()
        variables = tuple(lines[0])
        rows = []
        for line in lines[1:]:
            row = {}
            for name, value in zip(variables, line, strict=True):
                if value.startswith("_:"):
                    row[name] = ("bnode", value[2:])
                elif value:
                    row[name] = ("csv", value)
            rows.append(row)
        return cls(variables, rows)

    @classmethod
    def from_rdf(cls, triples: list[Triple]) -> ResultSet:
        """A result set written in the suite's RDF vocabulary (``rs:ResultSet``)."""
        by_subject: dict = {}
        for triple in triples:
            by_subject.setdefault(triple.subject, []).append(triple)

        def values(subject, name: str) -> list:
            return [t.object for t in by_subject.get(subject, []) if t.predicate.value == RS + name]

        result_set = next(
            t.subject
            for t in triples
            if t.predicate.value == str(RDF.type) and t.object.value == RS + "ResultSet"
        )
        boolean = values(result_set, "boolean")
        if boolean:
            return cls(boolean=boolean[0].value == "true")
        variables = tuple(sorted(v.value for v in values(result_set, "resultVariable")))
        indexed = []
        for solution in values(result_set, "solution"):
            row = {}
            for binding in values(solution, "binding"):
                name = values(binding, "variable")[0].value
                row[name] = term_key(values(binding, "value")[0])
            index = values(solution, "index")
            indexed.append((int(index[0].value) if index else 0, row))
        indexed.sort(key=lambda item: item[0])
        return cls(variables, [row for _, row in indexed])

    def compare(
        self, actual: ResultSet, ordering: tuple[str, ...] = (), ordered_header: bool = False
    ) -> str:
        """Why ``actual`` is not this result ('' if it is)."""
        if self.boolean is not None or actual.boolean is not None:
            if self.boolean != actual.boolean:
                return f"boolean {actual.boolean}, expected {self.boolean}"
            return ""
        if set(self.variables) != set(actual.variables):
            return f"variables {sorted(actual.variables)}, expected {sorted(self.variables)}"
        problems = []
        if ordered_header and self.variables != actual.variables:
            problems.append(
                f"columns {' '.join(actual.variables)}, expected {' '.join(self.variables)}"
            )
        mapping = match_rows(self.rows, actual.rows)
        if mapping is None:
            problems.append(_rows_difference(self.rows, actual.rows))
            return "; ".join(problems)
        keys = [name for name in ordering if name in self.variables]
        if keys:
            expected_order = [
                tuple(_rename(row.get(name), mapping) for name in keys) for row in self.rows
            ]
            actual_order = [tuple(row.get(name) for name in keys) for row in actual.rows]
            if expected_order != actual_order:
                problems.append(f"the solutions are not in the order of ORDER BY {' '.join(keys)}")
        return "; ".join(problems)


@dataclass
class GraphResult:
    """A CONSTRUCT or DESCRIBE result."""

    triples: list[Triple]

    @classmethod
    def parse(cls, data: bytes, rdf_format: RdfFormat, base_iri: str | None = None):
        return cls(list(parse(data, format=rdf_format, base_iri=base_iri)))

    def canonical(self) -> set[str]:
        dataset = Dataset(Quad(t.subject, t.predicate, t.object) for t in self.triples)
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
        return {str(quad) for quad in dataset}

    def compare(self, actual: GraphResult) -> str:
        expected, got = self.canonical(), actual.canonical()
        if expected == got:
            return ""
        missing, extra = sorted(expected - got), sorted(got - expected)
        return (
            f"the graph is not isomorphic: {len(got)} triples, expected {len(expected)}; "
            f"missing {missing[:3]}, unexpected {extra[:3]}"
        )


def expected_result(path: Path) -> ResultSet | GraphResult:
    """The expected result of a test, by its file's extension and content."""
    if path.suffix in (".srx", ".srj", ".tsv"):
        return ResultSet.parse(None, _RESULTS_TYPES[path.suffix][1], path=path)
    if path.suffix == ".csv":
        return ResultSet.from_csv(path.read_text("utf-8"))
    triples = list(parse(path=path, format=_DATA_FORMATS[path.suffix], base_iri=path.as_uri()))
    if any(
        t.predicate.value == str(RDF.type) and t.object.value == RS + "ResultSet" for t in triples
    ):
        return ResultSet.from_rdf(triples)
    return GraphResult(triples)


# Comparison --------------------------------------------------------------------------


def _bnodes(row: Row) -> set[str]:
    found = set()
    for key in row.values():
        _collect_bnodes(key, found)
    return found


def _collect_bnodes(key: Key, found: set[str]) -> None:
    if key[0] == "bnode":
        found.add(key[1])
    elif key[0] == "triple":
        for part in key[1:]:
            _collect_bnodes(part, found)


def _rename(key: Key | None, mapping: dict[str, str]) -> Key | None:
    if key is None:
        return None
    if key[0] == "bnode":
        return ("bnode", mapping.get(key[1], key[1]))
    if key[0] == "triple":
        return ("triple", *(_rename(part, mapping) for part in key[1:]))
    return key


def _shape(row: Row) -> frozenset:
    """The row with blank nodes made anonymous: rows that may match have the same shape."""
    return frozenset((name, _anonymous(key)) for name, key in row.items())


def _anonymous(key: Key) -> Key:
    if key[0] == "bnode":
        return ("bnode",)
    if key[0] == "triple":
        return ("triple", *(_anonymous(part) for part in key[1:]))
    return key


class _Budget(Exception):
    """The blank-node search took too many steps."""


def match_rows(expected: list[Row], actual: list[Row], budget: int = 200_000) -> dict | None:
    """A one-to-one renaming of ``expected``'s blank nodes under which the two
    multisets of rows are equal (an empty one if none are needed); None if there is none."""
    if len(expected) != len(actual):
        return None
    if Counter(map(_shape, expected)) != Counter(map(_shape, actual)):
        return None
    plain_expected = [row for row in expected if not _bnodes(row)]
    plain_actual = [row for row in actual if not _bnodes(row)]
    freeze = lambda row: frozenset(row.items())
    if Counter(map(freeze, plain_expected)) != Counter(map(freeze, plain_actual)):
        return None
    blank_expected = [row for row in expected if _bnodes(row)]
    blank_actual = [row for row in actual if _bnodes(row)]
    # The most constrained rows first: fewest candidates of the same shape.
    shapes = Counter(map(_shape, blank_actual))
    blank_expected.sort(key=lambda row: shapes[_shape(row)])
    steps = [0]

    def extend(index: int, used: list[bool], forward: dict, backward: dict) -> dict | None:
        if index == len(blank_expected):
            return dict(forward)
        steps[0] += 1
        if steps[0] > budget:
            raise _Budget
        row = blank_expected[index]
        shape = _shape(row)
        for position, candidate in enumerate(blank_actual):
            if used[position] or _shape(candidate) != shape:
                continue
            added = _unify(row, candidate, forward, backward)
            if added is None:
                continue
            used[position] = True
            found = extend(index + 1, used, forward, backward)
            if found is not None:
                return found
            used[position] = False
            for label in added:
                del backward[forward.pop(label)]
        return None

    try:
        return extend(0, [False] * len(blank_actual), {}, {})
    except _Budget:
        return None


def _unify(row: Row, candidate: Row, forward: dict, backward: dict) -> list[str] | None:
    """Extend the renaming so that ``row`` becomes ``candidate``: the labels added, or
    None (the renaming left as it was) if it cannot."""
    added: list[str] = []

    def pair(mine: Key, theirs: Key) -> bool:
        if mine[0] == "bnode":
            label, other = mine[1], theirs[1]
            if label in forward:
                return forward[label] == other
            if other in backward:
                return False
            forward[label], backward[other] = other, label
            added.append(label)
            return True
        if mine[0] == "triple":
            return all(pair(a, b) for a, b in zip(mine[1:], theirs[1:], strict=True))
        return mine == theirs

    for name, key in row.items():
        if not pair(key, candidate[name]):
            for label in added:
                del backward[forward.pop(label)]
            return None
    return added


def _rows_difference(expected: list[Row], actual: list[Row]) -> str:
    def text(row: Row) -> str:
        return "{" + ", ".join(f"?{n}={show(row[n])}" for n in sorted(row)) + "}"

    wanted = Counter(text(row) for row in expected)
    got = Counter(text(row) for row in actual)
    missing, extra = list((wanted - got).elements()), list((got - wanted).elements())
    if not missing and not extra:
        return f"{len(actual)} solutions, expected {len(expected)}: the blank nodes differ"
    return (
        f"{len(actual)} solutions, expected {len(expected)}; "
        f"missing {missing[:3]}{' …' if len(missing) > 3 else ''}, "
        f"unexpected {extra[:3]}{' …' if len(extra) > 3 else ''}"
    )


# ORDER BY ----------------------------------------------------------------------------

_STRINGS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'",
    re.DOTALL,
)
_IRIS = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_COMMENTS = re.compile(r"#[^\n]*")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_AFTER_ORDER = re.compile(r"\b(?:LIMIT|OFFSET|VALUES)\b", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)")


def order_by_variables(query: str) -> tuple[str, ...]:
    """The variables of the query's own ``ORDER BY`` (not a subquery's), in order."""
    text = _COMMENTS.sub(" ", _IRIS.sub("<>", _STRINGS.sub('""', query)))
    depth, top = 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        top.append(char if depth == 0 and char != "}" else " ")
    outer = "".join(top)
    found = list(_ORDER_BY.finditer(outer))
    if not found:
        return ()
    clause = outer[found[-1].end() :]
    end = _AFTER_ORDER.search(clause)
    if end:
        clause = clause[: end.start()]
    names: list[str] = []
    for match in _VARIABLE.finditer(clause):
        if match.group(1) not in names:
            names.append(match.group(1))
    return tuple(names)


# Reports -----------------------------------------------------------------------------

#: The EARL reports written, by the manifest whose tests they hold.
REPORTS = {
    "query": "earl-sparql11-query.ttl",
    "results": "earl-sparql11-results.ttl",
    "out-of-scope": "earl-sparql11-out-of-scope.ttl",
}
REPORT_DESCRIPTIONS = {
    "query": (
        "dxkg's query path (a confined query process, dxkg's serialisers) on the W3C "
        "SPARQL 1.1 Query tests (manifest-sparql11-query.ttl)"
    ),
    "results": (
        "dxkg's query path on the W3C SPARQL 1.1 result-format tests "
        "(manifest-sparql11-results.ttl: CSV, TSV, JSON)"
    ),
    "out-of-scope": (
        "the rest of the W3C SPARQL 1.1 suite (manifest-all.ttl, but the protocol tests): "
        "what a read-only endpoint without federation does not offer"
    ),
}
SUBJECT = "https://dxkg.example.org/software/dxkg"


def annotated(run: SuiteRun) -> list[Outcome]:
    """The outcomes with each known failure's cause in front of what was seen."""
    result = []
    for item in run.outcomes:
        known = KNOWN_FAILURES.get(item.test.id)
        if item.outcome == "failed" and known:
            kind, cause = known
            item = Outcome(item.test, item.outcome, f"[{kind}] {cause}. Seen: {item.info}")
        result.append(item)
    return result


def write_reports(run: SuiteRun, folder: Path) -> dict[str, Path]:
    """One EARL report (Turtle) per manifest in ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = annotated(run)
    paths = {}
    for manifest, name in REPORTS.items():
        report = earl_report(
            [item for item in outcomes if item.test.manifest == manifest],
            subject=SUBJECT,
            description=REPORT_DESCRIPTIONS[manifest],
        )
        paths[manifest] = folder / name
        report.serialize(paths[manifest], format="turtle")
    return paths


def summary(run: SuiteRun) -> dict:
    """The run's figures: counts per manifest, failures with their causes, time."""
    failed = run.failed()
    return {
        "suite": str(SUITE),
        "seconds": round(run.seconds, 2),
        "query_processes": run.processes,
        "manifests": {manifest: run.tally(manifest) for manifest in REPORTS},
        "failures": {
            id_: {
                "kind": KNOWN_FAILURES.get(id_, ("unknown", ""))[0],
                "cause": KNOWN_FAILURES.get(id_, ("", "not a known failure"))[1],
                "seen": item.info,
            }
            for id_, item in sorted(failed.items())
        },
    }


def summary_text(run: SuiteRun) -> str:
    """A few lines for the terminal: the counts per manifest and the time taken."""
    head = f"W3C SPARQL 1.1 tests through dxkg's query path: {run.seconds:.1f} s, "
    lines = [head + f"{run.processes} query processes"]
    for manifest in REPORTS:
        tally = run.tally(manifest)
        kinds = Counter(
            KNOWN_FAILURES.get(item.test.id, ("unknown",))[0]
            for item in run.outcomes
            if item.test.manifest == manifest and item.outcome == "failed"
        )
        counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(tally.items()))
        causes = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        lines.append(f"  {manifest}: {counts}" + (f" ({causes})" if causes else ""))
    return "\n".join(lines)
