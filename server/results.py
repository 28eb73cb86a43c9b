"""Query answers: the formats offered, the row limit, and serialisation by pyoxigraph.

Every engine (the embedded store, a remote endpoint) hands its raw result to
:func:`serialise_capped`, so the row limit and the output formats are the same
whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        tsv, rows, cut = _capped_tsv(result, row_limit)
        results_format = RESULTS_FORMATS[media_type]
        if results_format != QueryResultsFormat.TSV:
            tsv = parse_query_results(tsv, QueryResultsFormat.TSV).serialize(format=results_format)
        return Answer(media_type, tsv, rows, row_limit if cut else None)
    media_type = _require(graph_media_type)
    triples = list(islice(result, row_limit + 1))
    body = serialize(triples[:row_limit], format=GRAPH_FORMATS[media_type])
    cut_at = row_limit if len(triples) > row_limit else None
    return Answer(media_type, body, min(len(triples), row_limit), cut_at)


def _require(media_type: str | None) -> str:
    if media_type is None:
        raise NotAcceptable
    return media_type


class _RowsCut(Exception):
    """Raised through pyoxigraph's serialiser to stop it once the row limit is passed."""


class _TsvRows:
    """A binary file for pyoxigraph's TSV serialiser that keeps the header and rows
    until more than ``limit`` rows arrived, then stops the serialisation."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.lines = 0
        self.cut = False

    def write(self, chunk: bytes) -> int:
        """Keep ``chunk``, or raise :class:`_RowsCut` once the limit is passed."""
        if self.cut:  # pyoxigraph flushes its buffer once more after the error
            raise _RowsCut
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:  # the header line, the limit, and one row more
            self.cut = True
            raise _RowsCut
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks are kept in memory."""


def _capped_tsv(solutions: QuerySolutions, row_limit: int) -> tuple[bytes, int, bool]:
    """The solutions in SPARQL TSV, at most ``row_limit`` of them; the rows kept, and
    whether more were cut.

    pyoxigraph serialises a whole result, not a prefix of one. Its TSV writer runs
    in native code and writes one line per solution (tabs and newlines in terms are
    escaped), so counting lines as it writes finds the limit, and stopping it there
    stops the evaluation. The TSV, parsed back, gives a result of exactly those rows
    to pyoxigraph's other serialisers.
    """
    target = _TsvRows(row_limit)
    try:
        solutions.serialize(target, format=QueryResultsFormat.TSV)
    except _RowsCut:
        pass
    tsv = b"".join(target.chunks)
    if not target.cut:
        return tsv, target.lines - 1, False
    lines = tsv.split(b"\n", row_limit + 1)[: row_limit + 1]
    return b"\n".join(lines) + b"\n", row_limit, True
