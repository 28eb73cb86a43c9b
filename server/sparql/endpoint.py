"""The SPARQL 1.1 Protocol endpoint: one read-only WSGI application in front of an engine.

The endpoint reads the operation (GET, urlencoded POST or direct POST), refuses
what the protocol lets it refuse without reading the query (an ``update`` parameter,
an update media type, bodies too large), bounds how deep the query nests, negotiates
the output format for each kind of result (:func:`negotiate`), and hands a
:class:`~.executor.Job` to the engine. Everything that depends on what the query says
(query or update, its dataset, SERVICE; whether it is an ASK, where that matters to the
format) is decided by the engine that runs it, in its confined process, under the
time, memory, row and byte limits. Answers say in headers how many rows they hold and
whether a limit cut them.

It is the server's hot path, so :func:`mount` puts it in front of Flask, and it
answers with plain WSGI: Flask's request context, routing and hooks, and werkzeug's
response objects, cost more per request than evaluating a lookup. Requests are
still read by werkzeug, with its limits; what Flask's hooks give every answer (the
security and CORS headers) is added here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl

from flask import Flask
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import get_input_stream

from dxkg import media
from dxkg.namespaces import FORMATS, SD, VOID
from dxkg.web import cors
from dxkg.web.errors import ProtocolError
from dxkg.web.security import add_security_headers
from dxkg.web.settings import EndpointSettings
from dxkg.web.sparql.complexity import check_complexity
from dxkg.web.sparql.engines import Engine
from dxkg.web.sparql.executor import READ_ONLY, Job
from dxkg.web.sparql.results import (
    GRAPH_ALIASES,
    GRAPH_FORMATS,
    NO_BOOLEAN,
    RESULTS_ALIASES,
    RESULTS_FORMATS,
    Answer,
    choose,
    requested_format,
)

#: Where the endpoint answers.
PATH = "/sparql"
#: What an ``OPTIONS`` request (a CORS preflight) and a 405 are told, as Flask's routing did.
ALLOW = ("Allow", "GET, HEAD, OPTIONS, POST")
VARY = ("Vary", "Accept")
#: The parameters that name the output format, read in this order: dxkg's and Virtuoso's
#: ``format``, Fuseki's ``output`` and ``results`` (SPARQLWrapper sends all three).
FORMAT_PARAMETERS = ("format", "output", "results")


def mount(app: Flask) -> None:
    """Answer ``/sparql`` with a :class:`SparqlEndpoint` on ``app``'s engine, ahead of Flask.

    The path is matched exactly; anything else, ``/sparql/`` included, goes to Flask
    as before. ``url_for("sparql.sparql")`` still builds the endpoint's URL.
    """
    endpoint = SparqlEndpoint(app.config["ENGINE"], app.config["ENDPOINT"])
    flask_app = app.wsgi_app

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PATH:
            return endpoint(environ, start_response)
        return flask_app(environ, start_response)

    app.wsgi_app = dispatch
    app.add_url_rule(PATH, endpoint="sparql.sparql", build_only=True)


class Reply(NamedTuple):
    """An HTTP answer before the headers every answer gets."""

    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class Operation(NamedTuple):
    """A protocol request: the query, its dataset, and the ``format`` values given, in order
    (see :data:`FORMAT_PARAMETERS`)."""

    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: tuple[str, ...]


class Negotiated(NamedTuple):
    """The media types to answer in, by the kind of result; None where nothing fits."""

    #: For solutions (SELECT).
    solutions: str | None
    #: For a boolean (ASK): the same, unless that is CSV or TSV, which define no boolean
    #: (then the best other results type the client accepts, or None).
    boolean: str | None
    #: For a graph (CONSTRUCT, DESCRIBE).
    graph: str | None


class SparqlEndpoint:
    """The protocol's query operation and service description, as a WSGI application."""

    def __init__(self, engine: Engine, settings: EndpointSettings) -> None:
        self.engine = engine
        self.settings = settings
        self._graph_sizes: tuple[tuple[str, int], ...] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        try:
            reply = self.respond(request)
        except ProtocolError as error:
            reply = _plain(error.status, str(error))
        except HTTPException as error:
            # e.g. 413 from a body over the size limit: a one-line message, not an HTML page.
            reply = _plain(error.code, f"{error.name}: {error.description}")
        headers = [
            ("Content-Type", get_content_type(reply.media_type, "utf-8")),
            ("Content-Length", str(len(reply.body))),
            *reply.headers,
            *cors.HEADERS,
            *_security_headers(reply.media_type),
        ]
        start_response(f"{reply.status} {HTTP_STATUS_CODES[reply.status].upper()}", headers)
        return [] if request.method == "HEAD" else [reply.body]

    def respond(self, request: Request) -> Reply:
        """The answer to a protocol request, or a ProtocolError."""
        if request.method == "OPTIONS":  # a CORS preflight
            asked = request.headers.get("Access-Control-Request-Headers")
            return Reply(200, media.TEXT, b"", (ALLOW, *cors.preflight_headers(asked, ALLOW[1])))
        if request.method not in ("GET", "HEAD", "POST"):
            return _plain(405, f"{request.method} is not a SPARQL protocol operation", (ALLOW,))
        if request.method != "POST" and not request.args:
            return self.service_description(request)
        operation = read_request(request, self.settings.max_request_bytes)
        negotiated = negotiate(request, operation.format)
        job = Job(
            query=operation.query,
            base_iri=endpoint_url(request),
            default_graphs=operation.default_graphs,
            named_graphs=operation.named_graphs,
            results_media_type=negotiated.solutions,
            graph_media_type=negotiated.graph,
            row_limit=self.settings.row_limit,
            byte_limit=self.settings.byte_limit,
            from_client=True,
        )
        try:
            check_complexity(operation.query)
        except ProtocolError:
            # Too complex to evaluate; but an update is refused as an update, and the
            # engine, which alone reads the text, says which it is (in its process).
            self.engine.check(job, self.settings.query_timeout)
            raise
        # CSV or TSV was chosen, which an ASK cannot be written in, and the client accepts
        # another results format: the engine, which alone reads the query, says whether
        # it is an ASK (which is answered 406 where nothing else fits).
        if (
            negotiated.boolean not in (None, negotiated.solutions)
            and self.engine.check(job, self.settings.query_timeout) == "boolean"
        ):
            job = replace(job, results_media_type=negotiated.boolean)
        answer = self.engine.run(job, self.settings.query_timeout)
        return answer_reply(answer, self.settings)

    def service_description(self, request: Request) -> Reply:
        """The endpoint, its languages and formats, and its dataset, in the RDF format
        asked for (SPARQL 1.1 Service Description)."""
        media_type = negotiate(request, ()).graph
        if media_type is None:
            raise ProtocolError(
                406, f"the service description is offered as {', '.join(GRAPH_FORMATS)}"
            )
        turtle = _service_description_turtle(endpoint_url(request), self.graph_sizes())
        body = serialize(parse(turtle, format=RdfFormat.TURTLE), format=GRAPH_FORMATS[media_type])
        return Reply(200, media_type, body, (VARY,))

    def graph_sizes(self) -> tuple[tuple[str, int], ...]:
        """Triples per named graph, counted once by the engine."""
        if self._graph_sizes is None:
            answer = self.engine.run(Job(GRAPH_SIZES), self.settings.query_timeout)
            solutions = parse_query_results(answer.body, QueryResultsFormat.JSON)
            self._graph_sizes = tuple((row["g"].value, int(row["n"].value)) for row in solutions)
        return self._graph_sizes


def answer_reply(answer: Answer, settings: EndpointSettings) -> Reply:
    """The HTTP answer for a query's answer, with its limit headers."""
    headers = [VARY]
    if answer.rows is not None:
        headers += [
            ("Result-Rows", str(answer.rows)),
            ("Result-Row-Limit", str(settings.row_limit)),
            ("Result-Byte-Limit", str(settings.byte_limit)),
            ("Result-Truncated", "true" if answer.truncated else "false"),
        ]
        if answer.cut_at_bytes is not None:
            headers.append(("Result-Truncated-By", "byte-limit"))
        elif answer.cut_at is not None:
            headers.append(("Result-Truncated-By", "row-limit"))
        if answer.truncated:
            # The header Virtuoso sends on a cut result, which some clients look for.
            cut_at = answer.rows if answer.cut_at_bytes is not None else answer.cut_at
            headers.append(("X-SPARQL-MaxRows", str(cut_at)))
    return Reply(200, answer.media_type, answer.body, tuple(headers))


def read_request(request: Request, max_bytes: int) -> Operation:
    """The operation of a protocol request, or a ProtocolError (an HTTPException for a
    body over ``max_bytes``)."""
    if request.method != "POST":
        params = request.args
        queries = params.getlist("query")
    elif request.mimetype == media.FORM:
        params = _form(_body(request, max_bytes))
        queries = params.getlist("query")
    elif request.mimetype == media.SPARQL_QUERY:
        params = request.args
        queries = [_utf8_query(request, max_bytes)]
    elif request.mimetype == media.SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY)
    else:
        raise ProtocolError(415, f"unsupported media type {request.mimetype!r} for a query")
    if "update" in params or "update" in request.args:
        raise ProtocolError(403, READ_ONLY)
    if not queries:
        raise ProtocolError(400, "missing 'query' parameter")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one 'query' parameter")
    sources = (request.args,) if params is request.args else (request.args, params)
    return Operation(
        # A byte-order mark is the encoding's, not the query's (else: "expected CONSTRUCT").
        queries[0].removeprefix("\ufeff"),
        tuple(params.getlist("default-graph-uri")),
        tuple(params.getlist("named-graph-uri")),
        tuple(
            value
            for name in FORMAT_PARAMETERS
            for source in sources
            for value in source.getlist(name)
            if value.strip()  # SPARQLWrapper sends an empty one beside some
        ),
    )


def _body(request: Request, max_bytes: int) -> bytes:
    # werkzeug's input stream with its limit (413 past ``max_bytes``), read at once:
    # werkzeug's form parser around it costs more than parsing the form.
    return get_input_stream(request.environ, max_content_length=max_bytes).read()


def _form(body: bytes) -> MultiDict:
    """An urlencoded body as werkzeug parses it: invalid percent-escapes stay escaped,
    and a body that is not UTF-8 is an empty form."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return MultiDict()
    return MultiDict(parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"))


def _utf8_query(request: Request, max_bytes: int) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the query must be sent in UTF-8, not {charset}")
    try:
        return _body(request, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the query body is not UTF-8") from None


def endpoint_url(request: Request) -> str:
    """The endpoint's URL as the client addressed it: the base IRI of its queries."""
    environ = request.environ
    return _endpoint_url(
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME", ""),
    )


@lru_cache(maxsize=64)
def _endpoint_url(scheme: str, host: str | None, server: str, port: str, script_name: str) -> str:
    # werkzeug's URL of a request on the endpoint's path; cached, as a client's requests
    # all name the same host, and working it out costs as much as parsing the form.
    environ = {
        "wsgi.url_scheme": scheme,
        "SERVER_NAME": server,
        "SERVER_PORT": port,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": PATH,
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    return Request(environ).base_url


def negotiate(request: Request, requested: tuple[str, ...]) -> Negotiated:
    """The media types to answer in, by the kind of result (see :class:`Negotiated`).

    ``requested`` (the ``format`` values) overrides ``Accept``: the first value that
    names a format of the kind (:data:`~.results.RESULTS_ALIASES` for solutions and
    booleans, :data:`~.results.GRAPH_ALIASES` for graphs) is chosen, so ``format=xml``
    is SPARQL XML for a SELECT and RDF/XML for a CONSTRUCT, and a kind none names gets
    nothing (406). Else ``Accept`` decides, with its q-values and whatever parameters
    its media types carry (:func:`~.results.acceptable`).
    """
    return _negotiate(request.environ.get("HTTP_ACCEPT"), requested)


@lru_cache(maxsize=256)
def _negotiate(accept: str | None, requested: tuple[str, ...]) -> Negotiated:
    # Cached: clients send the same few headers, and werkzeug's q-value parser costs
    # more than the rest of a request's handling here.
    if requested:
        solutions = requested_format(RESULTS_ALIASES, requested)
        boolean = requested_format(_BOOLEAN_ALIASES, requested)
        graph = requested_format(GRAPH_ALIASES, requested)
    else:
        solutions = choose(RESULTS_FORMATS, accept)
        boolean = choose(_BOOLEAN_FORMATS, accept)
        graph = choose(GRAPH_FORMATS, accept)
    return Negotiated(solutions, solutions if solutions not in NO_BOOLEAN else boolean, graph)


# The results formats, and the names of results formats, that can hold a boolean.
_BOOLEAN_FORMATS = [media_type for media_type in RESULTS_FORMATS if media_type not in NO_BOOLEAN]
_BOOLEAN_ALIASES = {
    name: type_ for name, type_ in RESULTS_ALIASES.items() if type_ in _BOOLEAN_FORMATS
}


def _plain(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    """A refusal or failure as one line of text."""
    return Reply(status, media.TEXT, (message + "\n").encode("utf-8"), headers)


@lru_cache(maxsize=32)
def _security_headers(media_type: str) -> tuple[tuple[str, str], ...]:
    # What the application's security hook adds to an answer of this media type, which
    # is all it looks at: worked out once per type, on a werkzeug response.
    response = add_security_headers(Response(mimetype=media_type))
    return tuple(
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Content-Type", "Content-Length")
    )


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@lru_cache(maxsize=16)  # keyed by the endpoint's URL, whose host the client names
def _service_description_turtle(endpoint: str, graph_sizes: tuple[tuple[str, int], ...]) -> bytes:
    result_formats = [RESULTS_FORMATS[m] for m in RESULTS_FORMATS if m != media.JSON]
    iris = [f.iri for f in result_formats] + [_format_iri(f) for f in GRAPH_FORMATS.values()]
    lines = [
        f"@prefix sd: <{SD}> .",
        f"@prefix void: <{VOID}> .",
        f"<{endpoint}#service> a sd:Service ;",
        f"  sd:endpoint <{endpoint}> ;",
        "  sd:supportedLanguage sd:SPARQL11Query ;",
        "  sd:feature sd:UnionDefaultGraph ;",
        "  sd:resultFormat " + ", ".join(f"<{iri}>" for iri in iris) + " ;",
        "  sd:defaultDataset [ a sd:Dataset ;",
        f"    sd:defaultGraph [ a sd:Graph ; void:triples {sum(n for _, n in graph_sizes)} ] ;",
        *(
            f"    sd:namedGraph [ a sd:NamedGraph ; sd:name <{graph}> ;"
            f" sd:graph [ a sd:Graph ; void:triples {n} ] ] ;"
            for graph, n in graph_sizes
        ),
        "  ] .",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _format_iri(graph_format: RdfFormat) -> str:
    """The W3C format IRI of ``graph_format`` (pyoxigraph names JSON-LD with an IRI of
    its own, ``https://www.w3.org/ns/formats/data/JSON-LD``)."""
    if graph_format == RdfFormat.JSON_LD:
        return str(FORMATS["JSON-LD"])
    return graph_format.iri
