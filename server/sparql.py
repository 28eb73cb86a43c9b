"""The SPARQL 1.1 Protocol endpoint: one read-only route in front of an engine.

The route reads the operation (GET, urlencoded POST or direct POST), refuses
updates and SERVICE calls outside the allow-list, negotiates the output format
for each kind of result, and hands a :class:`~.executor.Job` to the engine,
which applies the time and row limits. Answers say in headers how many rows
they hold and whether the row limit cut them.
"""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, current_app, request
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseUpdate
from werkzeug.exceptions import HTTPException

from .engines import Engine
from .errors import ProtocolError
from .executor import Job
from .federation import check_services
from .results import FORMAT_ALIASES, GRAPH_FORMATS, RESULTS_FORMATS, Answer
from .settings import EndpointSettings

blueprint = Blueprint("sparql", __name__)

#: Response headers about the row limit, readable by scripts in browsers too.
ROW_HEADERS = ("Result-Rows", "Result-Row-Limit", "Result-Truncated", "X-SPARQL-MaxRows")


@blueprint.errorhandler(ProtocolError)
def _protocol_error(error: ProtocolError) -> Response:
    return Response(str(error) + "\n", status=error.status, mimetype="text/plain")


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    # e.g. 413 from a body over the size limit: a one-line message, not an HTML page.
    return Response(
        f"{error.name}: {error.description}\n", status=error.code, mimetype="text/plain"
    )


@blueprint.after_request
def _allow_cross_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = ", ".join(ROW_HEADERS)
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a SPARQL query sent by GET, form POST or direct POST; describe the service
    (SPARQL 1.1 Service Description) on a GET without a query."""
    if request.method == "GET" and not request.args:
        return service_description()
    settings: EndpointSettings = current_app.config["ENDPOINT"]
    query, default_graphs, named_graphs = read_request()
    check_services(query, settings.allowed_services)
    job = Job(
        query=query,
        base_iri=request.base_url,
        default_graphs=tuple(default_graphs),
        named_graphs=tuple(named_graphs),
        results_media_type=negotiate(RESULTS_FORMATS),
        graph_media_type=negotiate(GRAPH_FORMATS),
        row_limit=settings.row_limit,
    )
    try:
        answer = engine().run(job, settings.query_timeout)
    except ProtocolError as error:
        if error.status == 400 and is_update(query):
            raise ProtocolError(403, "this endpoint is read-only: updates are refused") from None
        raise
    return answer_response(answer, settings.row_limit)


def engine() -> Engine:
    """The application's query engine."""
    return current_app.config["ENGINE"]


def answer_response(answer: Answer, row_limit: int) -> Response:
    """The HTTP response for an answer, with its row-limit headers."""
    response = Response(answer.body, mimetype=answer.media_type)
    response.vary.add("Accept")
    if answer.rows is not None:
        response.headers["Result-Rows"] = str(answer.rows)
        response.headers["Result-Row-Limit"] = str(row_limit)
        response.headers["Result-Truncated"] = "true" if answer.truncated else "false"
        if answer.truncated:
            # The header Virtuoso sends on a cut result, which some clients look for.
            response.headers["X-SPARQL-MaxRows"] = str(answer.cut_at)
    return response


def read_request() -> tuple[str, list[str], list[str]]:
    """The query and dataset IRIs of a protocol request, or a ProtocolError."""
    if request.method == "GET":
        params = request.args
        queries = params.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        params = request.form
        queries = params.getlist("query")
    elif request.mimetype == "application/sparql-query":
        params = request.args
        queries = [_utf8_body()]
    elif request.mimetype == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")
    else:
        raise ProtocolError(415, f"unsupported media type {request.mimetype!r} for a query")
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")
    if not queries:
        raise ProtocolError(400, "missing 'query' parameter")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one 'query' parameter")
    return queries[0], params.getlist("default-graph-uri"), params.getlist("named-graph-uri")


def _utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the query must be sent in UTF-8, not {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the query body is not UTF-8") from None


def is_update(text: str) -> bool:
    """True if ``text`` parses as SPARQL Update (asked only after it failed as a query)."""
    try:
        parseUpdate(text)
    except (ParseException, ValueError, RecursionError):
        return False
    return True


def negotiate(formats: dict) -> str | None:
    """The media type to answer in (werkzeug's q-value parser), or None if none fits.

    ``format=`` overrides ``Accept``; an unknown ``format`` fits nothing.
    """
    requested = request.values.get("format")
    if requested:
        media_type = FORMAT_ALIASES.get(requested, requested)
        return media_type if media_type in formats else None
    accept = request.accept_mimetypes
    if not accept or accept.best in ("*/*", None):
        return next(iter(formats))
    return accept.best_match(list(formats))


def service_description() -> Response:
    """The endpoint, its languages and formats, and its dataset, in the RDF format asked for."""
    media_type = negotiate(GRAPH_FORMATS)
    if media_type is None:
        raise ProtocolError(
            406, f"the service description is offered as {', '.join(GRAPH_FORMATS)}"
        )
    turtle = _service_description_turtle(request.base_url, _graph_sizes())
    body = serialize(parse(turtle, format=RdfFormat.TURTLE), format=GRAPH_FORMATS[media_type])
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    return response


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _graph_sizes() -> tuple[tuple[str, int], ...]:
    sizes = current_app.config.get("GRAPH_SIZES")
    if sizes is None:
        settings: EndpointSettings = current_app.config["ENDPOINT"]
        answer = engine().run(Job(GRAPH_SIZES), settings.query_timeout)
        solutions = parse_query_results(answer.body, QueryResultsFormat.JSON)
        sizes = tuple((row["g"].value, int(row["n"].value)) for row in solutions)
        current_app.config["GRAPH_SIZES"] = sizes
    return sizes


@cache
def _service_description_turtle(endpoint: str, graph_sizes: tuple[tuple[str, int], ...]) -> bytes:
    result_formats = [RESULTS_FORMATS[m] for m in RESULTS_FORMATS if m != "application/json"]
    iris = [f.iri for f in result_formats] + [f.iri for f in GRAPH_FORMATS.values()]
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
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
