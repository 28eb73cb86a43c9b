"""Clients as they come, over real HTTP against both engines: SPARQLWrapper and rdflib's
SPARQLStore with their defaults, media types with parameters, scripts on other origins
(CORS), complete graph documents, and the columns of ``SELECT *`` in the query's order.

(A browser on another origin dereferencing an IRI: ``tests/test_browser.py``.)
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from urllib.error import HTTPError
from xml.dom.minidom import Document, parseString

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from dxkg.web.sparql.results import query_order

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
CASE = BASE + "id/case/v4-1-4"
CASE_STUDY = URIRef(BASE + "ontology#CaseStudy")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = Literal("全59市町村へのＩＣＴアドバイザー派遣等により市町村のＤＸを推進", lang="ja")
PREFIXES = f"""PREFIX dxkg: <{BASE}ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SELECT = PREFIXES + "SELECT ?case ?label WHERE { ?case a dxkg:CaseStudy ; rdfs:label ?label } "
SELECT += "ORDER BY ?case ?label LIMIT 5"
ASK = PREFIXES + f"ASK {{ <{CASE}> a dxkg:CaseStudy }}"
CONSTRUCT = PREFIXES + f"CONSTRUCT {{ <{CASE}> rdfs:label ?l }} WHERE {{ <{CASE}> rdfs:label ?l }}"
DESCRIBE = f"DESCRIBE <{CASE}>"
GRAPH_003 = "graph/source/003_e1df6aa27dfcbdad"  # 13,333 triples: more than the row limit
RESULTS_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


def sparql(server: str, query: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return requests.get(server + "/sparql", params={"query": query, **params}, headers=headers)


def media_type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def wrapper(server: str, query: str, method: str = GET, return_format: str | None = None):
    """A SPARQLWrapper as a user makes one: the URL, the query, maybe a return format."""
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod(method)
    client.setQuery(query)
    if return_format is not None:
        client.setReturnFormat(return_format)
    return client


def has_case_label(graph: Graph) -> bool:
    return (URIRef(CASE), RDFS.label, LABEL) in graph


# SPARQLWrapper with its defaults: format=xml (and output=, results=) and an Accept for
# the query form; for CONSTRUCT and DESCRIBE that is RDF/XML.


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_defaults_for_every_query_form(server, method):
    document = wrapper(server, SELECT, method).queryAndConvert()
    assert isinstance(document, Document)
    names = [v.getAttribute("name") for v in document.getElementsByTagName("variable")]
    assert names == ["case", "label"]
    assert len(document.getElementsByTagName("result")) == 5

    document = wrapper(server, ASK, method).queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"

    for query in (CONSTRUCT, DESCRIBE):
        result = wrapper(server, query, method).query()
        assert result.info()["content-type"].startswith("application/rdf+xml")
        graph = result.convert()
        assert has_case_label(graph), query
    assert (URIRef(CASE), RDF_TYPE, CASE_STUDY) in graph  # DESCRIBE tells the type too


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_each_results_format(server, return_format):
    result = wrapper(server, SELECT, return_format=return_format).query()
    converted = result.convert()
    if return_format == JSON:
        assert converted["head"]["vars"] == ["case", "label"]
        assert len(converted["results"]["bindings"]) == 5
    elif return_format == XML:
        assert len(converted.getElementsByTagName("result")) == 5
    else:
        delimiter = "," if return_format == CSV else "\t"
        rows = list(csv.reader(io.StringIO(converted.decode()), delimiter=delimiter))
        assert rows[0] == (["case", "label"] if return_format == CSV else ["?case", "?label"])
        assert len(rows) == 6


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask_in_each_results_format(server, return_format):
    converted = wrapper(server, ASK, return_format=return_format).queryAndConvert()
    if return_format == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("return_format", [CSV, TSV])
def test_sparqlwrapper_ask_in_csv_or_tsv_alone_is_not_acceptable(server, return_format):
    # SPARQL's CSV and TSV formats define no boolean, and the client accepts nothing else.
    with pytest.raises(HTTPError) as refused:
        wrapper(server, ASK, return_format=return_format).query()
    assert refused.value.code == 406


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("return_format", [XML, RDFXML, RDF, TURTLE, N3, JSONLD, JSON])
def test_sparqlwrapper_graphs_in_each_rdf_format(server, query, return_format):
    with warnings.catch_warnings():
        # For RDF and JSON SPARQLWrapper warns that it sends Accept: */*; format= decides.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = wrapper(server, query, return_format=return_format).query()
        converted = result.convert()
    expected = {
        TURTLE: "text/turtle",
        N3: "text/turtle",
        JSONLD: "application/ld+json",
        JSON: "application/ld+json",
    }.get(return_format, "application/rdf+xml")
    assert result.info()["content-type"].startswith(expected)
    if isinstance(converted, bytes):  # Turtle and N3 come back as text
        converted = Graph().parse(data=converted, format="turtle")
    assert has_case_label(converted)


@pytest.mark.parametrize("return_format", [TURTLE, N3, RDF, RDFXML, JSONLD])
def test_sparqlwrapper_select_in_an_rdf_format_is_not_acceptable(server, return_format):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(HTTPError) as refused:
            wrapper(server, SELECT, return_format=return_format).query()
    assert refused.value.code == 406


# rdflib's SPARQLStore: a Graph over the endpoint.


@pytest.mark.parametrize("method", ["GET", "POST_FORM"])
def test_rdflib_sparqlstore_round_trip(server, method):
    graph = Graph(SPARQLStore(server + "/sparql", method=method))
    rows = list(graph.query(SELECT))
    assert len(rows) == 5 and all(isinstance(row[0], URIRef) for row in rows)
    assert graph.query(ASK).askAnswer is True
    assert has_case_label(graph.query(CONSTRUCT).graph)
    triples = set(graph.triples((URIRef(CASE), None, None)))
    assert (URIRef(CASE), RDFS.label, LABEL) in triples
    assert (URIRef(CASE), RDF_TYPE, CASE_STUDY) in triples


# The format parameter by query form, as SPARQLWrapper, Virtuoso and Fuseki use it.


@pytest.mark.parametrize(
    "value, for_select, for_construct",
    [
        ("xml", "application/sparql-results+xml", "application/rdf+xml"),
        ("json", "application/sparql-results+json", "application/ld+json"),
        ("n3", None, "text/turtle"),
        ("turtle", None, "text/turtle"),
        ("ttl", None, "text/turtle"),
        ("rdf", None, "application/rdf+xml"),
        ("rdf+xml", None, "application/rdf+xml"),
        ("csv", "text/csv", None),
        ("tsv", "text/tab-separated-values", None),
        ("nt", None, "application/n-triples"),
        ("ntriples", None, "application/n-triples"),
        ("jsonld", None, "application/ld+json"),
        ("json-ld", None, "application/ld+json"),
        ("application/sparql-results+json", "application/sparql-results+json", None),
        ("text/turtle", None, "text/turtle"),
        ("text/turtle; charset=utf-8", None, "text/turtle"),
        ("application/sparql-results+xml;charset=UTF-8", "application/sparql-results+xml", None),
        ("XML", "application/sparql-results+xml", "application/rdf+xml"),
        ("html", None, None),
    ],
)
def test_the_format_parameter_names_a_format_for_the_query_form(
    server, value, for_select, for_construct
):
    for query, expected in ((SELECT, for_select), (CONSTRUCT, for_construct)):
        response = sparql(server, query, format=value)
        if expected is None:
            assert response.status_code == 406, (value, query)
        else:
            assert response.status_code == 200, (value, query, response.text)
            assert media_type(response) == expected


def test_format_values_are_tried_in_order_and_survive_an_unescaped_plus(server):
    # SPARQLWrapper's JSONLD: format=json-ld&format=application/ld+json (and output=...).
    params = [("query", CONSTRUCT), ("format", "json-ld"), ("format", "application/ld+json")]
    response = requests.get(server + "/sparql", params=params)
    assert media_type(response) == "application/ld+json"
    response = requests.get(server + "/sparql", params={"query": CONSTRUCT, "output": "ttl"})
    assert media_type(response) == "text/turtle"
    # A "+" typed in a URL arrives as a space.
    url = requests.Request("GET", server + "/sparql", params={"query": CONSTRUCT}).prepare().url
    response = requests.get(url + "&format=application/ld+json")
    assert response.status_code == 200 and media_type(response) == "application/ld+json"


# Media types with parameters, and q-values, on the endpoint and when dereferencing.


@pytest.mark.parametrize(
    "query, accept, expected",
    [
        (
            SELECT,
            "application/sparql-results+json; charset=UTF-8",
            "application/sparql-results+json",
        ),
        (SELECT, "text/csv;charset=utf-8;header=present", "text/csv"),
        (SELECT, "text/tab-separated-values; charset=utf-8", "text/tab-separated-values"),
        (
            SELECT,
            'application/sparql-results+xml;charset="utf-8";q=0.9, text/csv;q=0.1',
            "application/sparql-results+xml",
        ),
        (SELECT, "text/csv; charset=iso-8859-1", None),  # every answer is UTF-8
        (ASK, "application/sparql-results+json;charset=utf-8", "application/sparql-results+json"),
        (CONSTRUCT, "text/turtle; charset=utf-8", "text/turtle"),
        (
            CONSTRUCT,
            'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
            "application/ld+json",
        ),
        (
            CONSTRUCT,
            "application/n-triples;charset=UTF-8, text/turtle;q=0.5",
            "application/n-triples",
        ),
        (CONSTRUCT, "text/turtle;q=0, application/rdf+xml;q=0.2, */*;q=0.1", "application/rdf+xml"),
    ],
)
def test_media_type_parameters_on_the_endpoint(server, query, accept, expected):
    response = sparql(server, query, accept)
    if expected is None:
        assert response.status_code == 406
    else:
        assert response.status_code == 200, response.text
        assert media_type(response) == expected


@pytest.mark.parametrize("query", [SELECT, ASK, CONSTRUCT], ids=["select", "ask", "construct"])
def test_the_content_type_dxkg_sends_is_an_accept_it_honours(server, query):
    for accept in (None, "text/csv", "application/n-triples", "application/ld+json"):
        first = sparql(server, query, accept)
        if first.status_code != 200:
            continue
        again = sparql(server, query, first.headers["Content-Type"])
        assert again.status_code == 200, first.headers["Content-Type"]
        assert again.headers["Content-Type"] == first.headers["Content-Type"]


@pytest.mark.parametrize(
    "accept, suffix",
    [
        ("text/turtle; charset=utf-8", "ttl"),
        ("application/n-triples;charset=UTF-8", "nt"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "jsonld"),
        ("application/rdf+xml; charset=utf-8; q=0.9, text/html; q=0.2", "rdf"),
    ],
)
def test_media_type_parameters_when_dereferencing(server, accept, suffix):
    for path in ("id/case/v4-1-4", GRAPH_003):
        thing = requests.get(f"{server}/{path}", headers={"Accept": accept}, allow_redirects=False)
        assert thing.status_code == 303, (path, accept)
        assert thing.headers["Location"].endswith(f"/data/{path}.{suffix}")
    data = requests.get(f"{server}/data/id/case/v4-1-4", headers={"Accept": accept})
    assert data.status_code == 200 and data.headers["Content-Location"].endswith(f".{suffix}")
    # The Content-Type of the answer, sent back as Accept, names the same document.
    again = requests.get(
        f"{server}/data/id/case/v4-1-4", headers={"Accept": data.headers["Content-Type"]}
    )
    assert again.headers["Content-Location"] == data.headers["Content-Location"]


def test_a_charset_other_than_utf8_is_not_acceptable_when_dereferencing(server):
    response = requests.get(
        f"{server}/id/case/v4-1-4",
        headers={"Accept": "text/turtle; charset=iso-8859-1"},
        allow_redirects=False,
    )
    assert response.status_code == 406


# CORS: a script on another origin can follow the 303s and read the answers.

ORIGIN = {"Origin": "https://app.example"}


def exposed(response: requests.Response) -> set[str]:
    header = response.headers.get("Access-Control-Expose-Headers", "")
    return {name.strip().lower() for name in header.split(",")}


@pytest.mark.parametrize("path", ["id/case/v4-1-4", GRAPH_003])
def test_redirects_carry_cors_headers(server, path):
    response = requests.get(
        f"{server}/{path}",
        headers={**ORIGIN, "Accept": "text/turtle"},
        allow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {"location", "link", "vary"} <= exposed(response)
    described = requests.get(server + response.headers["Location"], headers=ORIGIN)
    assert described.headers["Access-Control-Allow-Origin"] == "*"
    assert {"content-location", "link"} <= exposed(described)


@pytest.mark.parametrize("path", ["id/case/v4-1-4", GRAPH_003, "data/id/case/v4-1-4"])
def test_preflights_are_answered_on_the_dereferencing_routes(server, path):
    response = requests.options(
        f"{server}/{path}",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept, if-none-match, x-client",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"accept", "if-none-match", "x-client"} <= allowed


def test_errors_carry_cors_headers(server):
    for url, accept, status in (
        (f"{server}/id/case/v9-9-9", "text/turtle", 404),
        (f"{server}/id/case/v4-1-4", "image/png", 406),
        (f"{server}/sparql?query=SELEC", "*/*", 400),
    ):
        response = requests.get(url, headers={**ORIGIN, "Accept": accept}, allow_redirects=False)
        assert response.status_code == status, url
        assert response.headers["Access-Control-Allow-Origin"] == "*", url


def test_the_endpoint_exposes_its_result_headers(server):
    response = sparql(server, SELECT, "text/csv")
    assert {"result-rows", "result-truncated", "x-sparql-maxrows"} <= exposed(response)


# Named graph documents are complete.


def dump_graph(release, graph: str) -> set:
    """The triples of ``graph`` in the release's dump, as pyoxigraph reads them."""
    paths, _ = release
    name = NamedNode(BASE + graph)
    quads = parse(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return {quad.triple for quad in quads if quad.graph_name == name}


@pytest.mark.parametrize(
    "accept, rdf_format",
    [
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_a_graph_document_holds_every_triple_of_the_graph(server, release, accept, rdf_format):
    expected = dump_graph(release, GRAPH_003)
    assert len(expected) > 10_000  # more than the endpoint's row limit
    response = requests.get(f"{server}/{GRAPH_003}", headers={"Accept": accept})
    assert [r.status_code for r in response.history] == [303] and response.status_code == 200
    assert "Result-Truncated" not in response.headers
    got = {quad.triple for quad in parse(response.content, format=rdf_format)}
    assert got == expected


def test_a_graph_document_without_suffix_is_complete_too(server, release):
    response = requests.get(f"{server}/data/{GRAPH_003}", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Location"] == f"/data/{GRAPH_003}.ttl"
    got = {quad.triple for quad in parse(response.content, format=RdfFormat.TURTLE)}
    assert got == dump_graph(release, GRAPH_003)


# SELECT * columns in the query's order; ASK in CSV and TSV.

ORDER_QUERIES = [
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3", ["s", "p", "o"]),
    (
        PREFIXES
        + "SELECT * WHERE { ?case a dxkg:CaseStudy ; rdfs:label ?zlabel ; dxkg:edition ?edition }"
        " ORDER BY ?case ?zlabel LIMIT 3",
        ["case", "zlabel", "edition"],
    ),
    (
        # A comment, a string and an IRI holding "?name" name no column.
        (
            "SELECT DISTINCT * WHERE { # ?comment\n"
            ' ?zebra <http://www.w3.org/2000/01/rdf-schema#label> ?apple FILTER (?apple != "?str")'
            " FILTER (?zebra != <http://example.org/?iri>) } ORDER BY ?zebra ?apple LIMIT 3"
        ),
        ["zebra", "apple"],
    ),
    ("SELECT * { { SELECT ?y ?x { ?x a ?y } ORDER BY ?x ?y LIMIT 2 } }", ["y", "x"]),
    # An explicit projection keeps its order, whatever the pattern's.
    ("SELECT ?o ?s WHERE { ?s a ?o } ORDER BY ?s ?o LIMIT 3", ["o", "s"]),
]


def columns(response: requests.Response) -> list[str]:
    body = response.content
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        return json.loads(body)["head"]["vars"]
    if kind == "application/sparql-results+xml":
        return [v.getAttribute("name") for v in parseString(body).getElementsByTagName("variable")]
    header = body.decode().splitlines()[0]
    if kind == "text/csv":
        return header.split(",")
    return [name.removeprefix("?") for name in header.split("\t")]


@pytest.mark.parametrize("accept", RESULTS_TYPES)
@pytest.mark.parametrize("query, expected", ORDER_QUERIES)
def test_select_star_columns_come_in_the_order_of_the_query(server, query, expected, accept):
    assert query_order(query) in (expected, None)
    response = sparql(server, query, accept)
    assert response.status_code == 200, response.text
    assert columns(response) == expected


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_select_star_rows_match_the_explicit_projection(server, accept):
    star = sparql(server, "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 20", accept)
    explicit = sparql(
        server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 20", accept
    )
    assert star.content == explicit.content


def test_query_order_is_lexical_and_only_for_select_star():
    assert query_order("SELECT * { ?b ?a ?c }") == ["b", "a", "c"]
    assert query_order("select reduced * { $b ?a ?b }") == ["b", "a"]
    assert query_order("PREFIX select: <http://x/> SELECT * { ?s select:p ?o }") == ["s", "o"]
    assert query_order("SELECT * { ?s <http://x/?q> '''?long\n''' }") == ["s"]
    assert query_order('SELECT * { ?s ?p "a\\"?quoted" }') == ["s", "p"]
    assert query_order("SELECT * { ?s ex:p\\?x ?o }") == ["s", "o"]  # an escape in a name
    assert query_order("SELECT * { ?a ?p ?b FILTER (?a <?b) }") == ["a", "p", "b"]
    assert query_order("SELECT ?b ?a { ?a ?p ?b }") is None
    assert query_order("ASK { ?s ?p ?o }") is None
    assert query_order("CONSTRUCT WHERE { ?s ?p ?o }") is None
    assert query_order("# SELECT *\nDESCRIBE ?x WHERE { ?x ?p ?o }") is None


@pytest.mark.parametrize("query_params", [{}, {"format": "csv"}, {"format": "tsv"}])
@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_in_csv_or_tsv_alone_is_not_acceptable(server, accept, query_params):
    response = sparql(server, ASK, accept, **query_params)
    assert response.status_code == 406
    assert "none of the accepted media types" in response.text


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/csv, application/sparql-results+json;q=0.5", "application/sparql-results+json"),
        ("text/tab-separated-values, */*;q=0.1", "application/sparql-results+json"),
        ("text/csv, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ],
)
def test_ask_falls_back_to_another_accepted_results_format(server, accept, expected):
    response = sparql(server, ASK, accept)
    assert response.status_code == 200 and media_type(response) == expected
    assert response.text.count("true") == 1
    # A SELECT under the same Accept is still CSV or TSV.
    assert media_type(sparql(server, SELECT, accept)) in ("text/csv", "text/tab-separated-values")
    # As with format= values: the first that can hold a boolean.
    both = requests.get(
        server + "/sparql", params=[("query", ASK), ("format", "csv"), ("format", "json")]
    )
    assert media_type(both) == "application/sparql-results+json"
