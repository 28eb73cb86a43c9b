"""The graph as a SPARQL store holds it: the release publishes no other form of a literal.

Stores keep values, not lexical forms. Oxigraph (dxkg's embedded store, and the remote
one the tests run) gives back ``"5"^^xsd:positiveInteger`` as ``"5"^^xsd:integer``,
``"P12M"^^xsd:duration`` as ``"P1Y"``, ``"1.50"^^xsd:decimal`` as ``"1.5"``,
``"1.0E6"^^xsd:double`` as ``"1000000"`` and the tag ``ja-Hira`` as ``ja-hira``; Virtuoso
does likewise. A dump that held such a literal would be another graph than the one every
client of ``/sparql`` receives, and fail its own shapes there. So the mapping states only
forms a store gives back unchanged (``xsd:integer`` with bounds in the shapes,
canonical numbers and dates, lower-case language tags), and the build stops on any
literal that the store would rewrite, naming it and the form the store gives back.

The mapped graphs are rdflib graphs; the release is written from the same triples as
pyoxigraph terms (:func:`dataset_quads`), serialised by pyoxigraph, the engine that
serves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.namespace import RDF, XSD

Term = NamedNode | BlankNode | Literal


def term(node) -> Term:
    """An rdflib term as the pyoxigraph term of the same IRI, blank node or literal."""
    if isinstance(node, URIRef):
        return NamedNode(str(node))
    if isinstance(node, BNode):
        return BlankNode(str(node))
    if isinstance(node, RdflibLiteral):
        if node.language:
            return Literal(str(node), language=node.language)
        if node.datatype:
            return Literal(str(node), datatype=NamedNode(str(node.datatype)))
        return Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def dataset_quads(graphs: Mapping[str, Graph], graph_base: str) -> list[Quad]:
    """Every triple of every graph, in the named graph ``graph_base + name``."""
    return [
        Quad(term(s), term(p), term(o), NamedNode(graph_base + name))
        for name, graph in graphs.items()
        for s, p, o in graph
    ]


def _as_mapped(literal: RdflibLiteral) -> tuple[str, str | None, str]:
    """Lexical form, language tag (as written) and datatype IRI of an rdflib literal."""
    if literal.language:
        return str(literal), literal.language, str(RDF.langString)
    return str(literal), None, str(literal.datatype or XSD.string)


def _as_stored(literal: Literal) -> tuple[str, str | None, str]:
    return literal.value, literal.language, literal.datatype.value


def rewritten_literals(graphs: Iterable[Graph]) -> list[tuple[str, str]]:
    """The literals a store gives back in another form than the graphs state, each as
    ``(as stated, as the store returns it)`` in N-Triples, sorted.

    Every distinct literal goes into an Oxigraph store and is read back with SPARQL, as
    any client of the endpoint reads it.
    """
    literals = sorted(
        {o for graph in graphs for o in graph.objects() if isinstance(o, RdflibLiteral)},
        key=lambda literal: literal.n3(),
    )
    store = Store()
    holds = NamedNode("urn:dxkg:holds")
    store.extend(
        Quad(NamedNode(f"urn:dxkg:literal:{index}"), holds, term(literal), DefaultGraph())
        for index, literal in enumerate(literals)
    )
    returned = {
        int(row["s"].value.rsplit(":", 1)[1]): row["o"]
        for row in store.query("SELECT ?s ?o WHERE { ?s <urn:dxkg:holds> ?o }")
    }
    return [
        (literal.n3(), str(returned[index]))
        for index, literal in enumerate(literals)
        if _as_stored(returned[index]) != _as_mapped(literal)
    ]


def describe(rewritten: list[tuple[str, str]], limit: int = 10) -> str:
    """The rewritten literals, one a line (the first ``limit``), for a build error."""
    lines = [f"  {stated} comes back as {stored}" for stated, stored in rewritten[:limit]]
    if len(rewritten) > limit:
        lines.append(f"  ... and {len(rewritten) - limit} more")
    return "\n".join(lines)
