"""The SPARQL 1.1 Protocol endpoint: one route, read-only, over a pyoxigraph store."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    serialize,
)

blueprint = Blueprint("sparql", __name__)

RESULTS_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
    "application/json": QueryResultsFormat.JSON,
}
GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/trig": RdfFormat.TRIG,
    "application/n-quads": RdfFormat.N_QUADS,
}
# W3C's IRIs for result formats, for the service description.
FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
}
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
    "trig": "application/trig",
    "nquads": "application/n-quads",
}

# Strings, IRIs and comments are removed before looking for keywords, so that
# 「SERVICE」 inside a literal or an IRI does not count.
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![?$:\w])SERVICE\b", re.IGNORECASE)
_UPDATE = re.compile(
    r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE
)


class ProtocolError(Exception):
    """A request the protocol says to refuse, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@blueprint.errorhandler(ProtocolError)
def _protocol_error(error: ProtocolError) -> Response:
    return Response(str(error) + "\n", status=error.status, mimetype="text/plain")


@blueprint.after_request
def _allow_cross_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a SPARQL query sent by GET, form POST or direct POST; describe the service
    (SPARQL 1.1 Service Description) on a GET without a query."""
    if request.method == "GET" and not request.args:
        return service_description()
    query, default_graphs, named_graphs = read_request()
    check_query(query)
    store: Store = current_app.config["STORE"]
    try:
        result = store.query(
            query,
            use_default_graph_as_union=not default_graphs,
            default_graph=[NamedNode(g) for g in default_graphs] or None,
            named_graphs=[NamedNode(g) for g in named_graphs] or None,
        )
    except SyntaxError as error:
        raise ProtocolError(400, f"malformed query: {error}") from None
    except ValueError as error:
        raise ProtocolError(400, f"invalid request: {error}") from None
    return serialise(result)


def service_description() -> Response:
    """The endpoint, its languages and formats, and its dataset, in the RDF format asked for."""
    store: Store = current_app.config["STORE"]
    endpoint = request.base_url
    graphs = sorted(graph.value for graph in store.named_graphs())
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        f"<{endpoint}#service> a sd:Service ;",
        f"  sd:endpoint <{endpoint}> ;",
        "  sd:supportedLanguage sd:SPARQL11Query ;",
        "  sd:feature sd:UnionDefaultGraph ;",
        "  sd:resultFormat "
        + ", ".join(f"<{iri}>" for iri in FORMAT_IRIS.values())
        + " ;",
        "  sd:defaultDataset [ a sd:Dataset ;",
        f"    sd:defaultGraph [ a sd:Graph ; void:triples {len(store)} ] ;",
        *(f"    sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;" for g in graphs),
        "  ] .",
    ]
    media_type = choose_media_type(GRAPH_FORMATS)
    turtle = ("\n".join(lines) + "\n").encode("utf-8")
    body = serialize(parse(turtle, format=RdfFormat.TURTLE), format=GRAPH_FORMATS[media_type])
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
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
        try:
            queries = [request.get_data().decode("utf-8")]
        except UnicodeDecodeError:
            raise ProtocolError(400, "the query body is not UTF-8") from None
    else:
        raise ProtocolError(415, f"unsupported media type {request.mimetype!r} for a query")
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")
    if not queries:
        raise ProtocolError(400, "missing 'query' parameter")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one 'query' parameter")
    return queries[0], params.getlist("default-graph-uri"), params.getlist("named-graph-uri")


def check_query(query: str) -> None:
    """Refuse updates and federated queries before they reach the store."""
    code = _NOT_CODE.sub(" ", query)
    if _SERVICE.search(code):
        raise ProtocolError(403, "SERVICE (federated query) is not allowed on this endpoint")
    if _UPDATE.search(code) and not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", code, re.IGNORECASE):
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")


def serialise(result) -> Response:
    """Serialise a result in the format asked for by ``format`` or ``Accept``."""
    formats = RESULTS_FORMATS if isinstance(result, (QuerySolutions, QueryBoolean)) else GRAPH_FORMATS
    media_type = choose_media_type(formats)
    body = result.serialize(format=formats[media_type])
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    return response


def choose_media_type(formats: dict) -> str:
    """Negotiate with werkzeug's q-value parser; ``format=`` overrides ``Accept``."""
    requested = request.values.get("format")
    if requested:
        media_type = FORMAT_ALIASES.get(requested, requested)
        if media_type in formats:
            return media_type
        raise ProtocolError(406, f"format {requested!r} is not available for this result")
    if not request.accept_mimetypes or request.accept_mimetypes.best in ("*/*", None):
        return next(iter(formats))
    best = request.accept_mimetypes.best_match(list(formats))
    if best is None:
        offered = ", ".join(formats)
        raise ProtocolError(406, f"none of the accepted media types is available; offered: {offered}")
    return best
