"""What we serve is what we publish: /sparql and the dereferenced IRIs give the dump's
terms, term for term, with each engine (embedded, and a remote oxigraph).

The whole dataset is read through /sparql (one SELECT of every quad, the row limit raised
for the purpose) and compared with ``dxkg.nq`` as pyoxigraph reads it; the graph it makes
is validated with the shapes. Every named graph and a spread of things are dereferenced
as a linked-data client does (``Accept: application/n-triples``, following the 303), and
what comes back is compared with the dump.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
import requests
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from pyshacl import validate
from rdflib import Graph

from conftest import ENGINE_MODES
from dxkg.config import PROJECT_ROOT
from servers import endpoint_server

pytestmark = pytest.mark.e2e

ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
N_TRIPLES = "application/n-triples"
#: Things dereferenced per class: enough to meet every kind of term, few enough for CI.
PER_CLASS = 12


@pytest.fixture(scope="module")
def dump(release) -> set[Quad]:
    paths, _ = release
    return set(parse(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS))


@pytest.fixture(scope="module", params=ENGINE_MODES)
def unlimited(request, release) -> Iterator[str]:
    """A server whose row and byte limits hold the whole dataset in one answer."""
    paths, _ = release
    options = ("--row-limit", "1000000", "--byte-limit", str(1 << 30), "--query-timeout", "60")
    with endpoint_server(request.param, paths.dist, *options) as base:
        yield base


def test_sparql_gives_every_quad_of_the_dump_term_for_term(unlimited, dump):
    response = requests.post(
        unlimited + "/sparql",
        data={"query": ALL_QUADS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    assert response.status_code == 200 and response.headers["Result-Truncated"] == "false"
    served = {
        Quad(row["s"], row["p"], row["o"], row["g"])
        for row in parse_query_results(response.content, QueryResultsFormat.JSON)
    }
    assert served - dump == set(), "terms the dump does not hold"
    assert dump - served == set(), "terms of the dump not served"


def test_the_served_graph_conforms_to_the_shapes(unlimited):
    response = requests.post(
        unlimited + "/sparql",
        data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": N_TRIPLES},
        timeout=120,
    )
    assert response.status_code == 200 and response.headers["Result-Truncated"] == "false"
    data = Graph().parse(data=response.text, format="nt")
    shapes = Graph().parse(PROJECT_ROOT / "shapes" / "dxkg.shapes.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes, advanced=True)
    assert conforms, text[:2000]


def test_every_named_graph_dereferences_to_its_triples(server, dump):
    graphs = defaultdict(set)
    for quad in dump:
        graphs[quad.graph_name.value].add(quad.triple)
    for name, triples in graphs.items():
        assert dereference(server, name) == triples, name


def test_things_dereference_to_what_the_dump_says_of_them(server, dump, release):
    base = release[1].base_iri
    for thing in sample_things(dump, base + "id/"):
        expected = {
            quad.triple for quad in dump if thing in (quad.subject, quad.object)
        }  # what it says, and what points at it
        assert dereference(server, thing.value) == expected, thing.value


def dereference(server: str, iri: str) -> set[Triple]:
    """The triples a linked-data client gets for ``iri`` from ``server``: its path on the
    server, asked for as N-Triples, the 303 followed."""
    path = "/" + iri.split("/", 3)[3]
    response = requests.get(server + path, headers={"Accept": N_TRIPLES}, timeout=60)
    assert response.status_code == 200, (iri, response.status_code)
    assert response.history and response.history[0].status_code == 303
    return {quad.triple for quad in parse(response.content, format=RdfFormat.N_TRIPLES)}


def sample_things(dump: set[Quad], namespace: str) -> list[NamedNode]:
    """Up to :data:`PER_CLASS` things of each class under ``namespace``, the first by IRI."""
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    by_class = defaultdict(set)
    for quad in dump:
        subject = quad.subject
        typed = quad.predicate == rdf_type and isinstance(subject, NamedNode)
        if typed and subject.value.startswith(namespace):
            by_class[quad.object.value].add(subject)
    chosen = set()
    for things in by_class.values():
        chosen.update(sorted(things, key=lambda node: node.value)[:PER_CLASS])
    return sorted(chosen, key=lambda node: node.value)


def test_the_sample_meets_every_kind_of_term(dump, release):
    """The things dereferenced above carry literals of every datatype and language the
    dump has (so a form one route rewrites would show there)."""
    base = release[1].base_iri
    things = set(sample_things(dump, base + "id/"))
    forms = {_form(q.object) for q in dump if q.subject in things or q.object in things}
    every = {_form(q.object) for q in dump if q.subject.value.startswith(base + "id/")}
    assert len(forms) >= 0.8 * len(every), sorted(every - forms, key=str)


def _form(term) -> str:
    if hasattr(term, "datatype"):
        return term.language or term.datatype.value
    return type(term).__name__
