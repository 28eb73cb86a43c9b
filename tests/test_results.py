"""Serialising answers under a row limit: what pyoxigraph writes, cut at the limit."""

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    Store,
    parse_query_results,
)

from dxkg.web.sparql.results import RESULTS_FORMATS, NotAcceptable, serialise_capped

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
AWKWARD = [
    Literal('tab\there, newline\nthere, "quoted" and \\ backslash'),
    Literal("自治体ＤＸ推進", language="ja"),
    Literal("42", datatype=XSD_INTEGER),
    BlankNode("b7"),
    NamedNode("https://example.org/市/é"),
]
SELECT = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.fixture()
def store() -> Store:
    store = Store()
    for n, term in enumerate(AWKWARD):
        store.add(
            Quad(NamedNode(f"https://example.org/s{n}"), NamedNode("https://example.org/p"), term)
        )
    return store


@pytest.mark.parametrize("media_type", list(RESULTS_FORMATS))
def test_under_the_limit_the_bytes_are_pyoxigraphs_own(store, media_type):
    answer = serialise_capped(store.query(SELECT), media_type, None, row_limit=100)
    expected = store.query(SELECT).serialize(format=RESULTS_FORMATS[media_type])
    assert answer.body == expected
    assert (answer.rows, answer.truncated) == (5, False)


def test_at_the_limit_the_answer_is_cut_and_says_so(store):
    answer = serialise_capped(store.query(SELECT), "text/csv", None, row_limit=2)
    assert (answer.rows, answer.truncated) == (2, True)
    assert answer.body.count(b"\r\n") == 3  # header and two rows
    exact = serialise_capped(store.query(SELECT), "text/csv", None, row_limit=5)
    assert (exact.rows, exact.truncated) == (5, False)


def test_graph_results_are_cut_by_triples(store):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    answer = serialise_capped(store.query(query), None, "application/n-triples", row_limit=3)
    assert (answer.rows, answer.truncated) == (3, True)
    assert len(answer.body.decode().strip().splitlines()) == 3


def test_ask_has_no_row_count(store):
    answer = serialise_capped(
        store.query("ASK { ?s ?p 42 }"), "application/sparql-results+json", None, 1
    )
    assert answer.body == store.query("ASK { ?s ?p 42 }").serialize(format=QueryResultsFormat.JSON)
    assert answer.rows is None


def test_a_kind_without_an_accepted_format_is_not_acceptable(store):
    with pytest.raises(NotAcceptable):
        serialise_capped(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "text/csv", None, 10)
    with pytest.raises(NotAcceptable):
        serialise_capped(store.query(SELECT), None, "text/turtle", 10)


@pytest.mark.parametrize("media_type", list(RESULTS_FORMATS))
def test_the_byte_limit_keeps_whole_rows_in_every_format(media_type):
    store = Store()
    for n in range(50):
        subject = NamedNode(f"https://example.org/s{n}")
        store.add(Quad(subject, NamedNode("https://example.org/p"), Literal("x" * 200)))
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    answer = serialise_capped(store.query(query), media_type, None, 100, byte_limit=2000)
    assert len(answer.body) <= 2000 and answer.truncated and answer.cut_at_bytes == 2000
    results_format = RESULTS_FORMATS[media_type]
    if results_format == QueryResultsFormat.CSV:  # pyoxigraph does not read CSV back
        assert answer.body.count(b"\r\n") == answer.rows + 1 and answer.body.endswith(b"\r\n")
    else:  # the body parses: no row was cut in half
        assert len(list(parse_query_results(answer.body, results_format))) == answer.rows > 0


def test_the_byte_limit_cuts_graphs_too():
    store = Store()
    for n in range(50):
        subject = NamedNode(f"https://example.org/s{n}")
        store.add(Quad(subject, NamedNode("https://example.org/p"), Literal("y" * 200)))
    result = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    answer = serialise_capped(result, None, "text/turtle", 100, byte_limit=3000)
    assert len(answer.body) <= 3000 and answer.cut_at_bytes == 3000 and 0 < answer.rows < 50
