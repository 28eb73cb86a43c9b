"""Limits and security of /sparql over real HTTP, with each engine: time limit, row limit,
request sizes, the SERVICE allow-list, CORS preflight."""

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
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module", params=ENGINE_MODES)
def limited(request, release):
    """A server with a short time limit, a small row limit, and itself on the allow-list."""
    paths, _ = release
    port = free_port()
    own_endpoint = f"http://127.0.0.1:{port}/sparql"
    options = [
        "--workers",
        "2",
        "--query-timeout",
        str(TIMEOUT),
        "--row-limit",
        str(ROW_LIMIT),
        "--allow-service",
        own_endpoint,
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


def test_service_to_an_allowed_endpoint_runs_and_to_others_is_refused(limited):
    own = limited + "/sparql"
    query = f"SELECT ?n WHERE {{ SERVICE <{own}> {{ SELECT (COUNT(*) AS ?n) {{ ?s a ?c }} }} }}"
    allowed = requests.get(own, params={"query": query}, headers={"Accept": "text/csv"})
    assert allowed.status_code == 200 and int(allowed.text.split()[1]) > 1000
    refused = requests.get(own, params={"query": query.replace("127.0.0.1", "localhost")})
    assert refused.status_code == 403 and "not allowed" in refused.text


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
