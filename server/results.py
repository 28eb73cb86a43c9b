"""Query answers: the formats offered, the row limit, and serialisation by pyoxigraph.

Every engine (the embedded store, a remote endpoint) hands its raw result to
:func:`serialise_capped`, so the row limit and the output formats are the same
whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

#: Media types offered for SELECT and ASK results; the first is the default.
RESULTS_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
    "application/json": QueryResultsFormat.JSON,
}
#: Media types offered for CONSTRUCT and DESCRIBE results; the first is the default.
#: TriG and N-Quads carry no graph name here, but some clients only accept them.
GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/trig": RdfFormat.TRIG,
    "application/n-quads": RdfFormat.N_QUADS,
}
#: Short names accepted by the ``format`` parameter.
FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}


@dataclass(frozen=True)
class Answer:
    """A serialised query result and what the client should be told about it."""

    media_type: str
    body: bytes
    #: Solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) in the body; None for ASK.
    rows: int | None = None
    #: The limit that cut the result (ours, or a remote store's), None if complete.
    cut_at: int | None = None

    @property
    def truncated(self) -> bool:
        return self.cut_at is not None


@dataclass(frozen=True)
class Failure:
    """A query that could not be answered, with the HTTP status to report."""

    status: int
    message: str


class NotAcceptable(Exception):
    """The result kind (solutions, boolean, graph) has no format the client accepts."""


def serialise_capped(
    result: QuerySolutions | QueryBoolean | Iterable[Triple],
    results_media_type: str | None,
    graph_media_type: str | None,
    row_limit: int,
) -> Answer:
    """Serialise ``result`` in the negotiated media type, keeping at most ``row_limit`` rows.

    At most ``row_limit + 1`` rows are pulled from the result, so a limit also
    bounds the work of queries that stream their solutions.
    """
    if isinstance(result, QueryBoolean):
        media_type = _require(results_media_type)
        return Answer(media_type, result.serialize(format=RESULTS_FORMATS[media_type]))
    if isinstance(result, QuerySolutions):
        media_type = _require(results_media_type)
        variables = [variable.value for variable in result.variables]
        rows = list(islice(result, row_limit + 1))
        kept = rows[:row_limit]
        solutions = parse_query_results(_as_tsv(variables, kept), QueryResultsFormat.TSV)
        body = solutions.serialize(format=RESULTS_FORMATS[media_type])
        return Answer(media_type, body, len(kept), row_limit if len(rows) > row_limit else None)
    media_type = _require(graph_media_type)
    triples = list(islice(result, row_limit + 1))
    body = serialize(triples[:row_limit], format=GRAPH_FORMATS[media_type])
    cut_at = row_limit if len(triples) > row_limit else None
    return Answer(media_type, body, min(len(triples), row_limit), cut_at)


def _require(media_type: str | None) -> str:
    if media_type is None:
        raise NotAcceptable
    return media_type


def _as_tsv(variables: list[str], solutions: list) -> bytes:
    """The solutions in SPARQL TSV, whose cells are terms in N-Triples syntax.

    pyoxigraph serialises a whole result but not a prefix of one; writing the
    kept rows as TSV (the str() of a pyoxigraph term is its N-Triples form, with
    tabs and newlines escaped) and parsing that back gives a result of exactly
    those rows for pyoxigraph's serialisers.
    """
    lines = ["\t".join("?" + name for name in variables)]
    lines.extend("\t".join(_cells(solution, variables)) for solution in solutions)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cells(solution, variables: list[str]) -> Iterator[str]:
    for name in variables:
        term = solution[name]
        yield "" if term is None else str(term)
