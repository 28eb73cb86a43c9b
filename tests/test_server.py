"""The SPARQL endpoint over real HTTP, started with `dxkg serve` on 127.0.0.1."""

from collections import Counter
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

pytestmark = pytest.mark.e2e

PER_PREFECTURE = """
PREFIX dxkg: <https://dxkg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name (COUNT(?initiative) AS ?n) WHERE {
  ?initiative a dxkg:Initiative ; dxkg:reportedBy ?prefecture .
  ?prefecture rdfs:label ?name FILTER (lang(?name) = "ja")
} GROUP BY ?name ORDER BY ?name
"""


def test_rows_per_prefecture_match_the_extraction(server, survey):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(PER_PREFECTURE)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    over_http = {b["name"]["value"]: int(b["n"]["value"]) for b in bindings}
    assert over_http == dict(Counter(r.prefecture for r in survey.ai_rpa_uses))
    assert sum(over_http.values()) == 357
    assert "新潟県" not in over_http


def test_get_form_post_and_direct_post_agree(server):
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://dxkg.example.org/ontology#SharedSystem> }"
    )
    headers = {"Accept": "text/csv"}
    answers = [
        requests.get(server + "/sparql", params={"query": query}, headers=headers),
        requests.post(server + "/sparql", data={"query": query}, headers=headers),
        requests.post(
            server + "/sparql",
            data=query.encode(),
            headers={**headers, "Content-Type": "application/sparql-query"},
        ),
    ]
    assert [(a.status_code, a.text.split()) for a in answers] == [(200, ["n", "123"])] * 3
    assert answers[0].headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ],
)
def test_select_negotiation(server, accept, expected):
    # (An ASK is never answered in CSV or TSV, which define no boolean: test_clients.py.)
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    response = requests.get(server + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_construct_as_turtle_and_format_override(server):
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3"
    turtle = requests.get(
        server + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}
    )
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    ntriples = requests.get(server + "/sparql", params={"query": query, "format": "nt"})
    assert ntriples.headers["Content-Type"].startswith("application/n-triples")
    assert len(ntriples.text.strip().splitlines()) == 3


@pytest.mark.parametrize(
    "method, kwargs, status, message",
    [
        ("get", {"params": {"query": "SELEC ?x"}}, 400, "malformed query"),
        ("get", {"params": {"default-graph-uri": "urn:x"}}, 400, "missing 'query'"),
        ("get", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than one"),
        ("post", {"data": {"update": "INSERT DATA { <a:b> <a:b> <a:b> }"}}, 403, "read-only"),
        (
            "post",
            {"data": b"DROP ALL", "headers": {"Content-Type": "application/sparql-query"}},
            403,
            "read-only",
        ),
        (
            "post",
            {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "unsupported media type",
        ),
        (
            "post",
            {"data": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "not UTF-8",
        ),
        (
            "get",
            {
                "params": {
                    "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
                }
            },
            403,
            "SERVICE",
        ),
        (
            "get",
            {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}},
            406,
            "none of the accepted",
        ),
    ],
)
def test_bad_requests_get_4xx_with_a_message(server, method, kwargs, status, message):
    response = getattr(requests, method)(server + "/sparql", **kwargs)
    assert response.status_code == status
    assert message in response.text


def test_service_inside_a_literal_is_refused_only_in_front_of_a_remote_store(server):
    query = 'SELECT ?s WHERE { ?s ?p "SERVICE" }'
    response = requests.get(server + "/sparql", params={"query": query})
    if "remote" in _engine_mode(server):
        # dxkg cannot take the network from the store: the word is refused wherever it is.
        assert response.status_code == 403 and 'CONCAT("serv", "ice")' in response.text
    else:
        assert response.status_code == 200


def _engine_mode(server: str) -> str:
    """What the service description says of the engine behind ``server``."""
    from test_endpoint_limits import server_pid

    command = Path(f"/proc/{server_pid(server)}/cmdline").read_bytes()
    return "remote" if b"--sparql-endpoint" in command else "embedded"


def test_cors_header(server):
    response = requests.get(server + "/sparql", params={"query": "ASK {}"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_home_page_escapes_and_shows_counts(server):
    page = requests.get(server + "/")
    assert page.status_code == 200
    assert "Initiative" in page.text and "448" in page.text


def test_home_names_its_entry_points_and_sources_by_title(server):
    """What the dataset holds, where to start, the sources by their documents' titles."""
    page = requests.get(server + "/").text
    for href in (
        'href="/map"',
        'href="/network"',
        'href="/search?q=RPA"',
        'href="/query?example=2"',
    ):
        assert href in page
    assert ">RPAを使う取組とその費用</a>" in page
    assert '<a href="/id/source/001_b7b77d4349d817ea">自治体DX推進参考事例集【第2.0版】</a>' in page
    english = requests.get(server + "/", params={"lang": "en"}).text
    assert ">Reference case collection for local-government DX, 2nd edition</a>" in english
    data = requests.get(server + "/index.json").json()
    assert [item["number"] for item in data["featured"]] == [2, 5, 15, 18]
    assert all(source["title_ja"] and source["title_en"] for source in data["sources"])


def test_the_favicon_is_served_and_linked(server):
    icon = requests.get(server + "/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO's header
    page = requests.get(server + "/")
    assert '<link rel="icon" href="/favicon.ico"' in page.text
    assert "default-src" in page.headers["Content-Security-Policy"]
