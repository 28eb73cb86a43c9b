"""Query answers: the formats offered, the row and byte limits, and serialisation by
pyoxigraph.

Every engine (the embedded store, a remote endpoint) hands its raw result to
:func:`serialise_capped`, so the limits and the output formats are the same whichever
engine answered.

The formats are chosen by :func:`choose` (``Accept``, media-type parameters and q-values)
or named by a client (``format=``) through the alias registries, one per kind of result:
the same name means a results format for SELECT and ASK and an RDF format for
CONSTRUCT and DESCRIBE, as SPARQLWrapper, Virtuoso and Fuseki use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
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
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header

from dxkg import media
from dxkg.media import (
    CSV,
    JSON,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    TURTLE,
    XML,
)

#: Media types offered for SELECT and ASK results; the first is the default.
RESULTS_FORMATS = {
    **{media.of(form): form for form in media.RESULTS_FORMATS},
    JSON: QueryResultsFormat.JSON,
}
#: Results formats that define no boolean (SPARQL 1.1 CSV and TSV are for solutions only):
#: an ASK answer is never written in them (see :func:`serialise_capped`).
NO_BOOLEAN = frozenset({CSV, TSV})
#: Media types offered for CONSTRUCT and DESCRIBE results; the first is the default.
#: TriG and N-Quads carry no graph name here, but some clients only accept them.
GRAPH_FORMATS = {
    media.of(form): form
    for form in (
        RdfFormat.TURTLE,
        RdfFormat.N_TRIPLES,
        RdfFormat.RDF_XML,
        RdfFormat.JSON_LD,
        RdfFormat.TRIG,
        RdfFormat.N_QUADS,
    )
}

#: What a client may name (``format=``, ``output=``, ``results=``) for SELECT and ASK
#: results: short names (each format's file extension among them), and media types (each
#: format's own, and a few it is known by).
RESULTS_ALIASES: Mapping[str, str] = {
    **{media_type: media_type for media_type in RESULTS_FORMATS},
    **{form.file_extension: media.of(form) for form in RESULTS_FORMATS.values()},
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    XML: SPARQL_XML,
    "text/xml": SPARQL_XML,
}
#: The same for CONSTRUCT and DESCRIBE results: ``xml`` is RDF/XML and ``json`` JSON-LD
#: here; N3 is answered in Turtle, which is N3 too.
GRAPH_ALIASES: Mapping[str, str] = {
    **{media_type: media_type for media_type in GRAPH_FORMATS},
    **{form.file_extension: media.of(form) for form in GRAPH_FORMATS.values()},
    "turtle": TURTLE,
    "n3": TURTLE,
    "text": TURTLE,  # Fuseki's name
    "application/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "text/n3": TURTLE,
    "text/rdf+n3": TURTLE,
    "application/n3": TURTLE,
    "ntriples": N_TRIPLES,
    "n-triples": N_TRIPLES,
    "xml": RDF_XML,
    "rdfxml": RDF_XML,
    "rdf+xml": RDF_XML,  # SPARQLWrapper's
    "rdf/xml": RDF_XML,
    XML: RDF_XML,
    "text/xml": RDF_XML,
    "json": JSON_LD,
    "json-ld": JSON_LD,
    JSON: JSON_LD,
    "application/x-json+ld": JSON_LD,
    "nquads": N_QUADS,
    "n-quads": N_QUADS,
}
#: The short names of both registries, each with the media type it means for the kind of
#: query it is usually given with (``json`` and ``xml``: SELECT and ASK); for display only.
FORMAT_ALIASES: Mapping[str, str] = {
    name: media_type
    for name, media_type in {**GRAPH_ALIASES, **RESULTS_ALIASES}.items()
    if "/" not in name
}


def requested_format(aliases: Mapping[str, str], values: Iterable[str]) -> str | None:
    """The media type of the first of ``values`` (``format`` parameters, in order) that
    ``aliases`` knows, or None. A value is read as ``Accept`` is (:func:`acceptable`):
    case and parameters (``text/turtle; charset=utf-8``) do not matter, but a charset
    other than UTF-8 does; and a ``+`` that arrived as a space (``format=application/
    ld+json`` typed unescaped in a URL) is a ``+``."""
    for value in values:
        name, _, parameters = value.partition(";")
        name = name.strip().lower().replace(" ", "+")
        if name in aliases and _is_utf8(parse_options_header("x/x;" + parameters)[1]):
            return aliases[name]
    return None


def _is_utf8(parameters: Mapping[str, str]) -> bool:
    """Whether media-type ``parameters`` allow UTF-8, the encoding of every answer."""
    return parameters.get("charset", "utf-8").strip().lower() in ("utf-8", "utf8")


def acceptable(accept: str | None) -> MIMEAccept | None:
    """The media ranges of an ``Accept`` header with their q-values; None without one
    (or with one that names no media range at all).

    werkzeug matches a range that has parameters only against an offer with the same
    parameters, so ``text/turtle; charset=utf-8`` (or the very ``Content-Type`` dxkg
    sends) would match nothing. Parameters are therefore dropped here, after one check:
    every answer is UTF-8, so a range naming another ``charset`` is left out. Other
    parameters (JSON-LD's ``profile``, CSV's ``header``) ask for nothing dxkg can miss.
    """
    ranges = parse_accept_header(accept or "", MIMEAccept)
    if not ranges:
        return None
    kept = []
    for value, quality in ranges:
        media_range, parameters = parse_options_header(value)
        if _is_utf8(parameters):
            kept.append((media_range.lower(), quality))
    return MIMEAccept(kept)


#: Media types a client may name in ``Accept`` for a format besides the format's own:
#: older or unregistered names, each of one format in :data:`GRAPH_ALIASES`. (Not the
#: generic ``application/xml`` and ``application/json``, which browsers' and scripts'
#: ``Accept`` headers carry for other things; they are only read from ``format=``.)
ACCEPTED_SYNONYMS = (
    "application/x-turtle",
    "application/turtle",
    "text/n3",
    "text/rdf+n3",
    "application/n3",
    "application/x-json+ld",
)


def choose(offered: Iterable[str], accept: str | None) -> str | None:
    """The offered media type to answer in by ``accept`` (see :func:`acceptable`): the
    first offered without ``Accept``, else the best match by q-value (an offer named by
    a synonym, :data:`ACCEPTED_SYNONYMS`, too), or None when nothing offered is
    acceptable."""
    offered = list(offered)
    accepted = acceptable(accept)
    if accepted is None:
        return offered[0]
    synonyms = [name for name in ACCEPTED_SYNONYMS if GRAPH_ALIASES[name] in offered]
    match = accepted.best_match(offered + synonyms)
    return GRAPH_ALIASES[match] if match in synonyms else match


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
    query: str | None = None,
) -> Answer:
    """Serialise ``result`` in the negotiated media type, keeping at most ``row_limit``
    rows and ``byte_limit`` bytes (whole rows are dropped from the end to fit).

    At most ``row_limit + 1`` rows are pulled from the result, so a limit also
    bounds the work of queries that stream their solutions.

    An ASK answer in CSV or TSV, which define no boolean, is NotAcceptable. Given the
    text of the ``query``, the columns of a ``SELECT *`` are put in the order the query
    names its variables (see :func:`query_order`).
    """
    if isinstance(result, QueryBoolean):
        media_type = _require(results_media_type)
        if media_type in NO_BOOLEAN:
            raise NotAcceptable
        return Answer(media_type, result.serialize(format=RESULTS_FORMATS[media_type]))
    if isinstance(result, QuerySolutions):
        media_type = _require(results_media_type)
        tsv, rows, cut = _capped_tsv(result, row_limit, byte_limit)
        if query is not None:
            tsv = _in_query_order(tsv, query)
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
    complete = tsv[: tsv.rfind(b"\n") + 1] or tsv + b"\n"  # whole lines (the header always)
    lines = complete.split(b"\n")[:-1][: row_limit + 1]
    return b"\n".join(lines) + b"\n", len(lines) - 1, target.cut


# SELECT * columns in the query's order. The engine decides which columns a result has
# (pyoxigraph, like Oxigraph's server, lists those of ``SELECT *`` sorted by name); the
# order they are shown in is presentation, so a lexical scan of the query may set it:
# the variables in order of first appearance, as the W3C's expected results, Jena and
# rdflib show them. The scan only orders the columns the engine returned, never adds or
# drops one, and decides nothing else. It skips what may hold a "?" or a keyword that is
# not one (strings, IRIs, comments, prefixed names and their escapes); each token is
# matched once from where the last ended, with possessive patterns, so it runs in time
# linear in the query: an IRI stops at the first character an IRI cannot hold (a "<"
# among them, so a "<" that is an operator costs no rescan), and the engine has already
# accepted the query, so every string in it is closed.
_QUERY_TOKENS = re.compile(
    r"""
      \#[^\n\r]*+                                             # comment
    | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"                  # long strings
    | '''(?:[^'\\]++|\\.|'(?!''))*+'''
    | "(?:[^"\\\n\r]++|\\.)*+"                                # strings
    | '(?:[^'\\\n\r]++|\\.)*+'
    | <[^<>"{}|^`\\\x00-\x20]*+>                              # IRI
    | [?$](?P<variable>[\w\u00b7\u0300-\u036f\u203f\u2040]++) # variable
    | (?P<word>[^\W\d][\w-]*+)(?![\w\-.:\u00b7])             # keyword (or a name)
    | (?:[\w\-.:%\u00b7\u0300-\u036f\u203f\u2040]++|\\.)++   # prefixed name, number
    | (?P<star>\*)
    """,
    re.VERBOSE,
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


def query_order(query: str) -> list[str] | None:
    """The variables of a ``SELECT *`` query in order of first appearance after the
    ``*``; None for any other query, whose columns the engine already orders as the
    query projects them."""
    tokens = _QUERY_TOKENS.finditer(query)
    for token in tokens:  # the query form is the first of these keywords
        form = (token.group("word") or "").upper()
        if form in _FORMS:
            break
    else:
        return None
    if form != "SELECT":
        return None
    star = None
    for token in tokens:
        if (token.group("word") or "").upper() not in ("DISTINCT", "REDUCED"):
            star = token.group("star")
            break
    if star is None:
        return None
    order: dict[str, int] = {}
    for token in tokens:
        name = token.group("variable")
        if name is not None:
            order.setdefault(name, len(order))
    return list(order)


def _in_query_order(tsv: bytes, query: str) -> bytes:
    """``tsv`` (SPARQL TSV, whole lines) with its columns in :func:`query_order`; a column
    the scan did not find keeps the engine's order, after the others."""
    order = query_order(query)
    if not order:
        return tsv
    lines = tsv.split(b"\n")[:-1]  # the text ends with a newline
    if not lines:
        return tsv
    columns = [name.removeprefix(b"?").decode() for name in lines[0].split(b"\t")]
    rank = {name: n for n, name in enumerate(order)}
    permutation = sorted(range(len(columns)), key=lambda n: (rank.get(columns[n], len(rank)), n))
    if permutation == list(range(len(columns))):
        return tsv
    reordered = []
    for line in lines:
        fields = line.split(b"\t")  # a tab in a term is escaped: every tab separates
        reordered.append(b"\t".join(fields[n] for n in permutation))
    return b"\n".join(reordered) + b"\n"
