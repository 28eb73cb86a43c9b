"""The query process holds the endpoint's promises by construction.

- it cannot reach the network, by its seccomp filter alone and with its own network
  namespace: a SERVICE or LOAD that nothing refused still connects nowhere (a loopback
  listener counts the connections);
- it cannot outlive its worker or its server, nor run past its limits;
- the engine that runs a query is the only one that reads it: queries, updates and
  datasets (FROM, FROM NAMED) are what Oxigraph makes of them, also under concurrency;
- no query, valid or not, gets a 5xx but the limits' 503.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from pyoxigraph import Literal, NamedNode, Quad, Store

from dxkg.web.errors import ProtocolError
from dxkg.web.sparql.executor import Job, QueryProcess, union_default_graph
from servers import dxkg_server, endpoint_server, process_table
from test_endpoint_limits import server_pid

PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GRAPH = "https://dxkg.example.org/graph/"


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._count, daemon=True).start()

    def _count(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            client.close()


@pytest.fixture()
def listener():
    listening = Listener()
    yield listening
    listening.sock.close()


def small_store() -> Store:
    store = Store()
    for n in range(400):
        subject = NamedNode(f"https://example.org/s{n}")
        graph = NamedNode(f"https://example.org/g{n % 2}")
        store.add(Quad(subject, NamedNode("https://example.org/p"), Literal(n), graph))
    union_default_graph(store)
    return store


# -- no network, by construction -------------------------------------------------------------


@pytest.mark.parametrize("own_network", [False, True], ids=["seccomp only", "with namespace"])
def test_a_service_call_that_nothing_refused_cannot_connect(listener, own_network):
    process = QueryProcess(small_store(), own_network=own_network)
    try:
        for text in (
            f"SELECT * {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ #\rSERVICE <{listener.url}/x> {{ ?s ?p ?o }}\n}}",
            f"ASK {{ SERVICE SILENT <{listener.url}/s> {{ ?s ?p ?o }} }}",
            f"LOAD <{listener.url}/data.ttl>",
        ):
            try:
                process.run(Job(text), 5)
            except ProtocolError as refused:
                assert refused.status == 403, refused
        status = Path(f"/proc/{process.child_pid}/status").read_text()
        assert "Seccomp:\t2" in status, "the filter is loaded"
    finally:
        process.close()
    assert listener.connections == 0


def test_the_query_process_has_a_network_namespace_of_its_own_as_root():
    if os.geteuid() != 0:
        pytest.skip("a network namespace needs root here; the seccomp filter applies alone")
    process = QueryProcess(small_store())
    try:
        process.run(Job("ASK {}"), 5)
        ours, its = (os.readlink(f"/proc/{pid}/ns/net") for pid in (os.getpid(), process.child_pid))
        assert ours != its
    finally:
        process.close()


def test_the_engine_reads_the_dataset():
    process = QueryProcess(small_store())
    try:
        count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"

        def n(text: str, **dataset) -> int:
            answer = process.run(Job(text, results_media_type="text/csv", **dataset), 5)
            return int(answer.body.split()[1])

        assert n(count.format(**{"from": ""})) == 400
        assert n(count.format(**{"from": "FROM <https://example.org/g1>"})) == 200
        assert n(count.format(**{"from": "FROM <https://nonexistent.example/>"})) == 0
        named = (
            "SELECT (COUNT(*) AS ?n) FROM NAMED <https://example.org/g0> { GRAPH ?g { ?s ?p ?o } }"
        )
        assert n(named) == 200
        # the protocol's dataset replaces the query's
        only_g0 = count.format(**{"from": "FROM <https://example.org/g1>"})
        assert n(only_g0, default_graphs=("https://example.org/g0",)) == 200
    finally:
        process.close()


# -- contained processes ---------------------------------------------------------------------


def query_processes(server: int) -> set[int]:
    """The query processes of a server: the processes below its workers."""
    table = process_table()
    workers = {pid for pid, (parent, _) in table.items() if parent == server}
    return {pid for pid, (parent, _) in table.items() if parent in workers}


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still run (an ended process may wait as a zombie until
    whoever adopted it reaps it)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def start_slow_query(base: str) -> threading.Thread:
    def send() -> None:
        try:
            requests.post(base + "/sparql", data={"query": PATHOLOGICAL}, timeout=30)
        except requests.RequestException:
            pass  # the worker was killed under it

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.e2e
def test_no_query_process_outlives_a_killed_worker(release):
    paths, _ = release
    with dxkg_server(paths.dist, "--workers", "1", "--query-timeout", "20") as base:
        master = server_pid(base)
        start_slow_query(base)
        assert wait_for(lambda: query_processes(master), 5), "the query is running"
        running = query_processes(master)
        workers = {pid for pid, (parent, _) in process_table().items() if parent == master}
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        assert wait_for(lambda: not alive(running), 1.0), "orphans left"
        requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30).raise_for_status()


@pytest.mark.e2e
def test_no_query_process_outlives_its_server(release):
    paths, _ = release
    with dxkg_server(paths.dist, "--workers", "2", "--query-timeout", "20") as base:
        master = server_pid(base)
        for _ in range(2):
            start_slow_query(base)
        assert wait_for(lambda: len(query_processes(master)) >= 2, 5)
        running = query_processes(master)
        os.kill(master, signal.SIGTERM)
        assert wait_for(lambda: not alive(running), 10), "orphans left"


# -- over HTTP, with each engine -------------------------------------------------------------


def get(server: str, query: str, **headers: str) -> requests.Response:
    return requests.post(server + "/sparql", data={"query": query}, headers=headers, timeout=30)


def count(server: str, query: str, **params: str) -> int:
    response = requests.post(
        server + "/sparql", data={"query": query, **params}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    return int(response.text.split()[1])


def stored(release_store: Store, graph: str) -> int:
    """Triples in one graph of the release, counted apart from any server."""
    return len(list(release_store.quads_for_pattern(None, None, None, NamedNode(graph))))


def test_from_selects_graphs_of_the_store(server, release_store):
    municipalities = GRAPH + "municipalities"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = len({q.triple for q in release_store})
    assert count(server, everything) == union
    from_one = f"SELECT (COUNT(*) AS ?n) FROM <{municipalities}> WHERE {{ ?s ?p ?o }}"
    assert count(server, from_one) == stored(release_store, municipalities) > 0
    unknown = "SELECT (COUNT(*) AS ?n) FROM <http://nonexistent.example/> WHERE { ?s ?p ?o }"
    assert count(server, unknown) == 0
    named = (
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{municipalities}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert count(server, named) == stored(release_store, municipalities)
    protocol = {"default-graph-uri": municipalities}
    assert count(server, everything, **protocol) == stored(release_store, municipalities)


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("SELECT * WHERE { ?s ?p " + "(" * 5 + "?o }", 400, "malformed"),
        (
            "SELECT * { BIND(1 AS ?x) FILTER((1< " + "ABS(" * 5000 + "1" + ")" * 5000 + " >0)) }",
            400,
            "",
        ),
        # within the bounds, but deep enough to overflow the stack of oxigraph's server
        ("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(700)) + " }", None, ""),
        ("DESCRIBE " + " ".join(f"<urn:x{i}>" for i in range(800)), None, ""),
        ("INSERT DATA { <urn:a> <urn:b> 'service' }", 403, "read-only"),
        ("DELETE WHERE { ?s <urn:service> ?o }", 403, "read-only"),
    ],
)
def test_no_query_gets_a_5xx(server, query, status, message):
    """(``status`` None: answered 200 by dxkg's engine, refused 400 before a remote one.)"""
    response = get(server, query)
    if status is None:
        assert response.status_code in (200, 400), response.text
    else:
        assert response.status_code == status and message in response.text, response.text
    assert get(server, "ASK {}").status_code == 200, "the engine still answers"


#: A sort of every object of the release: numbers, strings, dates and IRIs together.
MIXED_SORT = "SELECT ?o { ?s ?p ?o } ORDER BY ?o LIMIT 1"
#: What oxigraph 0.5.13 says when its sort meets its own comparison of unlike literals (a
#: number and a string by their lexical forms), which is no total order.
NO_TOTAL_ORDER = "does not correctly implement a total order"


def test_a_sort_of_mixed_terms_never_ends_the_service(release):
    """oxigraph 0.5.13's sort may panic on unlike terms, depending on their order in the
    store (so on the data). dxkg's query process then dies: the answer is a 400 that says
    why, never a 5xx, and the next query is answered by a fresh query process."""
    paths, _ = release
    with dxkg_server(paths.dist) as base:
        sort = get(base, MIXED_SORT)
        answered = sort.status_code == 200
        assert answered or (sort.status_code == 400 and NO_TOTAL_ORDER in sort.text), sort.text
        assert get(base, "ASK {}").status_code == 200


@pytest.mark.xfail(
    strict=True,
    reason="defect: oxigraph 0.5.13's server aborts on this sort of the release's terms "
    f"('{NO_TOTAL_ORDER}'), and dxkg forwards it: one valid query ends the remote store",
)
def test_a_sort_of_mixed_terms_does_not_end_the_remote_store(release):
    paths, _ = release
    with endpoint_server("remote", paths.dist) as base:  # its own store
        for query in (MIXED_SORT, MIXED_SORT.replace("?o LIMIT", "DESC(?o) LIMIT")):
            sort = get(base, query)
            assert sort.status_code < 500 and get(base, "ASK {}").status_code == 200, sort.text


def test_queries_that_once_failed_are_answered(server):
    unknown = get(server, "SELECT ?x { BIND(<http://example.org/fn>(1) AS ?x) }")
    if unknown.status_code == 400:  # a remote store fails such a query: dxkg says why
        assert "does not know: <http://example.org/fn>" in unknown.text
    else:
        assert unknown.status_code == 200 and unknown.json()["results"]["bindings"] == [{}]
    bom = get(server, "\ufeffASK {}")
    assert bom.status_code == 200 and bom.json()["boolean"] is True


def test_a_large_update_is_refused_as_an_update(server):
    rows = " ".join(f"<urn:s{n}> <urn:p> {n} ." for n in range(25_000))
    body = f"INSERT DATA {{ {rows} }}".encode()
    assert 512 << 10 < len(body) < 1 << 20
    response = requests.post(
        server + "/sparql", data=body, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 403 and "read-only" in response.text


def test_the_decision_holds_under_concurrency(server):
    """Many clients at once get what one client gets, for the life of the workers."""
    literal = "SELECT ?x { BIND('a service desk' AS ?x) }"
    alone = get(server, literal).status_code  # 200, or 403 in front of a remote store
    expected = {
        literal: alone,
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }": 403,
        "SELEC ?x": 400,
        "ASK {}": 200,
    }

    def ask_all(_: int) -> list[tuple[str, int]]:
        return [(text, get(server, text).status_code) for text in expected]

    with ThreadPoolExecutor(16) as clients:
        answers = [pair for batch in clients.map(ask_all, range(64)) for pair in batch]
    wrong = [(text, status) for text, status in answers if status != expected[text]]
    assert not wrong, wrong[:5]
    assert ask_all(0) == list(expected.items())
