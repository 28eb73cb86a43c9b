"""Query answers: the formats offered, the row limit, and serialisation by pyoxigraph.

Every engine (the embedded store, a remote endpoint) hands its raw result to
:func:`serialise_capped`, so the row limit and the output formats are the same
whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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

#: Most bytes in one answer by default: 10,000 rows of ordinary terms take a few MB.
DEFAULT_BYTE_LIMIT = 16 << 20


@dataclass(frozen=True)
class Answer:
    """A serialised query result and what the client should be told about it."""

    media_type: str
    body: bytes
    #: Solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) in the body; None for ASK.
    rows: int | None = None
    #: The row limit that cut the result (ours, or a remote store's), None if complete.
    cut_at: int | None = None
    #: The byte limit that cut the result, None if it did not.
    cut_at_bytes: int | None = None

    @property
    def truncated(self) -> bool:
        return self.cut_at is not None or self.cut_at_bytes is not None


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
    byte_limit: int = DEFAULT_BYTE_LIMIT,
) -> Answer:
    """Serialise ``result`` in the negotiated media type, keeping at most ``row_limit``
    rows and ``byte_limit`` bytes (whole rows are dropped from the end to fit).

    At most ``row_limit + 1`` rows are pulled from the result, so a limit also
    bounds the work of queries that stream their solutions.
    """
    if isinstance(result, QueryBoolean):
        media_type = _require(results_media_type)
        return Answer(media_type, result.serialize(format=RESULTS_FORMATS[media_type]))
    if isinstance(result, QuerySolutions):
        media_type = _require(results_media_type)
        tsv, rows, cut = _capped_tsv(result, row_limit, byte_limit)
        cut_at = row_limit if cut == "rows" else None
        return _fit(
            media_type,
            _solutions_writer(tsv, RESULTS_FORMATS[media_type]),
            rows,
            cut_at,
            byte_limit,
            cut == "bytes",
        )
    media_type = _require(graph_media_type)
    triples, cut = _capped_triples(result, row_limit, byte_limit)
    cut_at = row_limit if cut == "rows" else None
    graph_format = GRAPH_FORMATS[media_type]
    return _fit(
        media_type,
        lambda rows: serialize(triples[:rows], format=graph_format),
        len(triples),
        cut_at,
        byte_limit,
        cut == "bytes",
    )


def _fit(
    media_type: str,
    write: Callable[[int], bytes],
    rows: int,
    cut_at: int | None,
    byte_limit: int,
    cut_by_bytes: bool,
) -> Answer:
    """The answer of the first ``rows`` rows as ``write`` serialises them, with rows
    dropped from the end until it fits in ``byte_limit`` (formats differ in size)."""
    body = write(rows)
    while len(body) > byte_limit and rows > 0:
        rows = min(rows - 1, int(rows * byte_limit / len(body) * 0.95))
        body, cut_by_bytes = write(rows), True
    return Answer(media_type, body, rows, cut_at, byte_limit if cut_by_bytes else None)


def _solutions_writer(tsv: bytes, results_format: QueryResultsFormat) -> Callable[[int], bytes]:
    """A function giving the first n solutions of ``tsv`` in ``results_format``."""
    lines = tsv.split(b"\n")

    def write(rows: int) -> bytes:
        head = b"\n".join(lines[: rows + 1]) + b"\n"
        if results_format == QueryResultsFormat.TSV:
            return head
        return parse_query_results(head, QueryResultsFormat.TSV).serialize(format=results_format)

    return write


def _capped_triples(
    result: Iterable[Triple], row_limit: int, byte_limit: int
) -> tuple[list[Triple], str | None]:
    """At most ``row_limit`` triples of ``result`` whose N-Triples fit in ``byte_limit``;
    and what cut them ("rows", "bytes"), if anything did."""
    triples, size = [], 0
    for triple in islice(result, row_limit + 1):
        size += len(str(triple)) + 3
        if size > byte_limit:
            return triples, "bytes"
        triples.append(triple)
    if len(triples) > row_limit:
        return triples[:row_limit], "rows"
    return triples, None


def _require(media_type: str | None) -> str:
    if media_type is None:
        raise NotAcceptable
    return media_type


class _RowsCut(Exception):
    """Raised through pyoxigraph's serialiser to stop it once a limit is passed."""


class _TsvRows:
    """A binary file for pyoxigraph's TSV serialiser that keeps the header and rows
    until more than ``limit`` rows arrived, then stops the serialisation."""

    def __init__(self, limit: int, byte_limit: int) -> None:
        self.limit = limit
        self.byte_limit = byte_limit
        self.chunks: list[bytes] = []
        self.lines = 0
        self.bytes = 0
        self.cut: str | None = None

    def write(self, chunk: bytes) -> int:
        """Keep ``chunk``, or raise :class:`_RowsCut` once a limit is passed."""
        if self.cut:  # pyoxigraph flushes its buffer once more after the error
            raise _RowsCut
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        self.bytes += len(chunk)
        if self.lines > self.limit + 1:  # the header line, the limit, and one row more
            self.cut = "rows"
        elif self.bytes > self.byte_limit:
            self.cut = "bytes"
        if self.cut:
            raise _RowsCut
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks are kept in memory."""


def _capped_tsv(
    solutions: QuerySolutions, row_limit: int, byte_limit: int
) -> tuple[bytes, int, str | None]:
    """The solutions in SPARQL TSV, at most ``row_limit`` of them in about
    ``byte_limit`` bytes; the rows kept, and what cut the rest ("rows", "bytes"), if
    anything did.

    pyoxigraph serialises a whole result, not a prefix of one. Its TSV writer runs
    in native code and writes one line per solution (tabs and newlines in terms are
    escaped), so counting lines and bytes as it writes finds a limit, and stopping it
    there stops the evaluation. The TSV, parsed back, gives a result of exactly those
    rows to pyoxigraph's other serialisers.
    """
    target = _TsvRows(row_limit, byte_limit)
    try:
        solutions.serialize(target, format=QueryResultsFormat.TSV)
    except _RowsCut:
        pass
    tsv = b"".join(target.chunks)
    if not target.cut:
        return tsv, target.lines - 1, None
    complete = tsv[: tsv.rfind(b"\n") + 1]  # whole lines only: the last may be cut
    lines = complete.split(b"\n")[:-1][: row_limit + 1]
    return b"\n".join(lines) + b"\n", len(lines) - 1, target.cut
