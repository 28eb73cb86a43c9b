"""Limits of /sparql over real HTTP, with each engine: time, memory, row and byte limits,
request sizes, CORS preflight; and what the query process does when a query kills it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

from conftest import ENGINE_MODES
from servers import endpoint_server, free_port, process_table

pytestmark = pytest.mark.e2e

TIMEOUT = 1.0
ROW_LIMIT = 50
BYTE_LIMIT = 20_000
MEMORY_MIB = 256
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module", params=ENGINE_MODES)
def limited(request, release):
    """A server with a short time limit, a small row limit and a small byte limit."""
    paths, _ = release
    port = free_port()
    options = [
        "--workers",
        "2",
        "--query-timeout",
        str(TIMEOUT),
        "--row-limit",
        str(ROW_LIMIT),
        "--byte-limit",
        str(BYTE_LIMIT),
        "--query-memory",
        str(MEMORY_MIB),
    ]
    with endpoint_server(request.param, paths.dist, *options, port=port) as base:
        yield base


def tree_cpu_seconds(root: int) -> float:
    """CPU time used so far by ``root`` and every process below it."""
    parents = process_table()
    tree = {root}
    for _ in range(5):  # deep enough for gunicorn → worker → query process
        tree |= {pid for pid, (ppid, _) in parents.items() if ppid in tree}
    total = sum(ticks for pid, (_, ticks) in parents.items() if pid in tree)
    return total / os.sysconf("SC_CLK_TCK")


def server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and port.encode() in command:
                return int(entry.name)
    raise LookupError(base)


def test_a_pathological_query_is_stopped_and_the_workers_are_free(limited):
    started = time.monotonic()
    response = requests.post(limited + "/sparql", data={"query": PATHOLOGICAL}, timeout=30)
    assert response.status_code == 503 and "time limit of 1 s" in response.text
    assert time.monotonic() - started < TIMEOUT + 1.5
    pid = server_pid(limited)
    before = tree_cpu_seconds(pid)
    time.sleep(1.0)
    assert tree_cpu_seconds(pid) - before < 0.3, "no process of the server is still working"
    for _ in range(4):  # every worker answers at once
        started = time.monotonic()
        answer = requests.get(limited + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
        assert answer.status_code == 200 and time.monotonic() - started < 0.5


def test_the_row_limit_is_announced(limited):
    response = requests.get(
        limited + "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == ROW_LIMIT + 1
    assert response.headers["Result-Truncated"] == "true"
    assert response.headers["Result-Row-Limit"] == response.headers["X-SPARQL-MaxRows"] == "50"
    small = requests.get(limited + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
    assert (small.headers["Result-Rows"], small.headers["Result-Truncated"]) == ("3", "false")
    assert "X-SPARQL-MaxRows" not in small.headers


def test_a_service_call_to_the_server_itself_is_refused(limited):
    own = limited + "/sparql"
    query = f"SELECT ?n WHERE {{ SERVICE <{own}> {{ SELECT (COUNT(*) AS ?n) {{ ?s a ?c }} }} }}"
    refused = requests.get(own, params={"query": query})
    assert refused.status_code == 403 and "SERVICE" in refused.text


def test_the_byte_limit_cuts_whole_rows_and_says_so(limited):
    text = (
        'SELECT ?v { VALUES ?i { 1 2 3 4 5 6 7 8 9 } BIND(CONCAT(STR(?i), "'
        + "x" * 3000
        + '") AS ?v) }'
    )
    for accept in ("text/csv", "application/sparql-results+json", "application/sparql-results+xml"):
        response = requests.get(
            limited + "/sparql", params={"query": text}, headers={"Accept": accept}
        )
        assert response.status_code == 200 and len(response.content) <= BYTE_LIMIT
        assert response.headers["Result-Truncated"] == "true"
        assert response.headers["Result-Truncated-By"] == "byte-limit"
        assert 0 < int(response.headers["Result-Rows"]) < 9
    graph = (
        'CONSTRUCT { ?s ?p ?v } WHERE { ?s ?p ?o BIND(CONCAT(STR(?o), "'
        + "y" * 3000
        + '") AS ?v) } LIMIT 60'
    )
    response = requests.get(
        limited + "/sparql", params={"query": graph}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200 and len(response.content) <= BYTE_LIMIT
    assert response.headers["Result-Truncated-By"] == "byte-limit"


def test_the_memory_limit_stops_a_query_that_doubles_a_string(limited):
    doubling = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(40))
    text = f'SELECT (STRLEN(?v40) AS ?n) {{ BIND("{"x" * 64}" AS ?v0) {doubling} }}'
    started = time.monotonic()
    response = requests.post(limited + "/sparql", data={"query": text}, timeout=30)
    # A remote store does the work with its own memory: dxkg's time limit ends the wait.
    assert response.status_code == 503 and "limit of" in response.text
    assert time.monotonic() - started < TIMEOUT + 1.5
    assert requests.get(limited + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_request_size_limits(limited):
    padding = "#" + "x" * (2 << 20) + "\nASK {}"
    too_big = requests.post(
        limited + "/sparql",
        data=padding.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert too_big.status_code == 413 and "Too Large" in too_big.text
    too_long = requests.get(limited + "/sparql", params={"query": "ASK {} #" + "x" * 9000})
    assert too_long.status_code == 414
    by_post = requests.post(limited + "/sparql", data={"query": "ASK {} #" + "x" * 9000})
    assert by_post.status_code == 200


def test_cors_preflight_for_a_direct_post(limited):
    response = requests.options(
        limited + "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" in response.headers["Allow"]
