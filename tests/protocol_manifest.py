"""A runner for the W3C SPARQL 1.1 Protocol test manifest, over real HTTP, with an EARL report.

The manifest (``tests/conformance/sparql11-protocol/manifest.ttl``) describes each
test as HTTP requests (``ht:Request``) with the expected status class, result
format and ASK value. The runner sends them in order and compares.

dxkg's endpoint is read-only: the tests that update the store cannot pass as
written. For them the runner checks that the first request is refused with 403
and a message, and reports the test as ``earl:inapplicable``.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import requests
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

MANIFEST = Path(__file__).parent / "conformance" / "sparql11-protocol" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
EARL = Namespace("http://www.w3.org/ns/earl#")
DOAP = Namespace("http://usefulinc.com/ns/doap#")

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}
SPARQL_RESULTS_XML = "{http://www.w3.org/2005/sparql-results#}boolean"


@dataclass(frozen=True)
class ProtocolRequest:
    """One HTTP request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[int, ...]  # accepted status classes: 2, 3, 4 or 5
    result_format: str | None = None
    boolean: bool | None = None


@dataclass(frozen=True)
class ProtocolTest:
    """A manifest entry: its IRI, name, the graphs it expects loaded, and its requests."""

    iri: str
    name: str
    graph_data: dict[str, Path]
    requests: tuple[ProtocolRequest, ...]

    @property
    def id(self) -> str:
        return self.iri.rsplit("#", 1)[1]

    @property
    def updates(self) -> bool:
        """True for the tests that need SPARQL Update to succeed."""
        return self.id.startswith("update_")


@dataclass
class Outcome:
    """What happened when a test ran: an EARL outcome and the reason."""

    test: ProtocolTest
    outcome: str  # passed, failed or inapplicable
    info: str = ""
    responses: list[str] = field(default_factory=list)


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """The tests of the manifest, in its order."""
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = graph.value(None, RDF.type, MF.Manifest)
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return [_test(graph, entry, path.parent) for entry in entries]


def _test(graph: Graph, entry: URIRef, folder: Path) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    graph_data = {
        str(graph.value(data, RDFS.label)): folder / Path(str(graph.value(data, UT.graph))).name
        for data in graph.objects(entry, UT.graphData)
    }
    steps = Collection(graph, graph.value(action, HT.requests))
    return ProtocolTest(
        iri=str(entry),
        name=str(graph.value(entry, MF.name)),
        graph_data=graph_data,
        requests=tuple(_request(graph, step) for step in steps),
    )


def _request(graph: Graph, node: BNode) -> ProtocolRequest:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(
                graph.value(header, HT.fieldValue)
            )
    body = graph.value(node, HT.body)
    data = None
    if body is not None:
        encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(graph.value(body, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = tuple(
        sorted(
            int(str(status).rsplit("StatusCode", 1)[1][0])
            for status in graph.objects(response, MF.expectedStatus)
        )
    )
    result_format = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    return ProtocolRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=data,
        statuses=statuses,
        result_format=None if result_format is None else str(result_format),
        boolean=None if boolean is None else bool(boolean.toPython()),
    )


def run(test: ProtocolTest, endpoint: str) -> Outcome:
    """Send the test's requests to ``endpoint`` (which replaces the manifest's ``/sparql/``)."""
    outcome = Outcome(test, "passed")
    for step in test.requests:
        response = send(step, endpoint)
        outcome.responses.append(f"{step.method} {response.status_code}")
        if test.updates:
            return _update_refused(outcome, response)
        problem = check(step, response)
        if problem:
            outcome.outcome, outcome.info = "failed", problem
            return outcome
    return outcome


def send(step: ProtocolRequest, endpoint: str) -> requests.Response:
    """Send one request; the manifest's path prefix ``/sparql/`` becomes ``endpoint``."""
    url = endpoint + step.path.removeprefix("/sparql/")
    return requests.request(step.method, url, headers=step.headers, data=step.body, timeout=30)


def check(step: ProtocolRequest, response: requests.Response) -> str:
    """Why ``response`` does not meet ``step``'s expectations ('' if it does)."""
    if response.status_code // 100 not in step.statuses:
        return f"status {response.status_code}, expected {step.statuses}xx: {response.text[:200]}"
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if step.result_format and media_type not in RESULT_TYPES[step.result_format]:
        return f"{media_type!r} is not a {step.result_format} result format"
    if step.boolean is not None and _boolean(media_type, response.content) != step.boolean:
        return f"the ASK result is not {step.boolean}"
    return ""


def _boolean(media_type: str, body: bytes) -> bool | None:
    if media_type == "application/sparql-results+json":
        return json.loads(body).get("boolean")
    element = ElementTree.fromstring(body).find(SPARQL_RESULTS_XML)
    return None if element is None else element.text.strip() == "true"


def _update_refused(outcome: Outcome, response: requests.Response) -> Outcome:
    if response.status_code == 403 and "read-only" in response.text:
        outcome.outcome = "inapplicable"
        outcome.info = "dxkg's endpoint is read-only: the update was refused with 403"
    else:
        outcome.outcome = "failed"
        outcome.info = f"an update was not refused: {response.status_code} {response.text[:200]}"
    return outcome


def earl_report(outcomes: list[Outcome], subject: str, description: str) -> Graph:
    """The outcomes as an EARL 1.0 report about ``subject`` (the software tested)."""
    graph = Graph()
    graph.bind("earl", EARL)
    graph.bind("doap", DOAP)
    graph.bind("dct", DCTERMS)
    software = URIRef(subject)
    graph.add((software, RDF.type, EARL.TestSubject))
    graph.add((software, RDF.type, DOAP.Project))
    graph.add((software, DOAP.name, Literal("dxkg")))
    graph.add((software, DCTERMS.description, Literal(description, lang="en")))
    now = Literal(
        datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime
    )
    for item in outcomes:
        assertion, result = BNode(), BNode()
        graph.add((assertion, RDF.type, EARL.Assertion))
        graph.add((assertion, EARL.assertedBy, software))
        graph.add((assertion, EARL.subject, software))
        graph.add((assertion, EARL.test, URIRef(item.test.iri)))
        graph.add((assertion, EARL.mode, EARL.automatic))
        graph.add((assertion, EARL.result, result))
        graph.add((result, RDF.type, EARL.TestResult))
        graph.add((result, EARL.outcome, EARL[item.outcome]))
        graph.add((result, DCTERMS.date, now))
        if item.info:
            graph.add((result, EARL.info, Literal(item.info, lang="en")))
    return graph
