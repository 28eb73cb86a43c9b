"""The query process: answers, errors, and a time limit that stops the work."""

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from dxkg.web.errors import ProtocolError
from dxkg.web.sparql import sandbox
from dxkg.web.sparql.executor import Job, QueryProcess

# A three-way cross product of 400 triples: 64 million rows to count, minutes of work.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture()
def process():
    store = Store()
    for n in range(400):
        store.add(
            Quad(
                NamedNode(f"https://example.org/s{n}"),
                NamedNode("https://example.org/p"),
                Literal(n),
            )
        )
    process = QueryProcess(store)
    yield process
    process.close()


def test_answers_come_from_the_child(process):
    answer = process.run(
        Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", results_media_type="text/csv"), 5
    )
    assert answer.body.split() == [b"n", b"400"]
    assert process.child_pid not in (None, os.getpid())


@pytest.mark.parametrize(
    "query, status, message",
    [("SELEC ?x", 400, "malformed query"), ("CONSTRUCT WHERE { ?s ?p ?o }", 406, "media types")],
)
def test_failures_carry_a_status(process, query, status, message):
    with pytest.raises(ProtocolError) as failure:
        process.run(Job(query, graph_media_type=None), 5)
    assert failure.value.status == status and message in str(failure.value)


def test_the_time_limit_kills_the_work_and_the_next_query_runs_at_once(process):
    process.run(Job("ASK {}"), 5)
    child = process.child_pid
    started = time.monotonic()
    with pytest.raises(ProtocolError) as stopped:
        process.run(Job(PATHOLOGICAL), timeout=0.5)
    assert stopped.value.status == 503 and "time limit" in str(stopped.value)
    assert time.monotonic() - started < 2
    assert not os.path.exists(f"/proc/{child}"), "the evaluating process is gone"
    started = time.monotonic()
    assert process.run(Job("ASK { ?s ?p 7 }"), 5).body == b'{"head":{},"boolean":true}'
    assert time.monotonic() - started < 1
    assert process.child_pid != child


def test_a_child_that_dies_is_replaced(process):
    process.run(Job("ASK {}"), 5)
    child = process.child_pid
    os.kill(child, 9)
    deadline = time.monotonic() + 5
    while not _ended(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.run(Job("ASK {}"), 5).body == b'{"head":{},"boolean":true}'
    assert process.child_pid != child


def _ended(pid: int) -> bool:
    """Whether ``pid`` has ended (gone, or a zombie waiting for its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_the_child_holds_no_file_of_its_parent_but_its_pipe(process):
    # e.g. a worker's listening socket, or the pipes of a browser driver in the tests
    read_end, write_end = os.pipe()
    try:
        process.run(Job("ASK {}"), 5)
        held = os.listdir(f"/proc/{process.child_pid}/fd")
    finally:
        os.close(read_end)
        os.close(write_end)
    assert str(write_end) not in held and str(read_end) not in held
    assert len([fd for fd in held if int(fd) > 2]) == 1, held  # the pipe to the worker


@pytest.mark.parametrize(
    "text, status, message",
    [
        ("INSERT DATA { <a> <b> <c> }", 403, "read-only"),  # relative IRIs, no base
        ("DELETE WHERE { ?s ?p 'a service' }", 403, "read-only"),
        ("CLEAR ALL", 403, "read-only"),
        ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, 400, "nests too deeply"),
    ],
)
def test_the_engine_decides_and_a_crash_is_a_400(process, text, status, message):
    with pytest.raises(ProtocolError) as refused:
        process.run(Job(text), 5)
    assert refused.value.status == status and message in str(refused.value)
    assert process.run(Job("ASK { ?s ?p 7 }"), 5).body == b'{"head":{},"boolean":true}'


def test_an_unknown_function_is_an_error_that_leaves_its_variable_unbound(process):
    text = (
        "SELECT ?x ?y ?z { BIND(<http://example.org/f>(1) AS ?x) BIND(2 AS ?y)"
        " BIND(<http://example.org/g>(?y) AS ?z) FILTER(!BOUND(?x) && !BOUND(?z)) }"
    )
    answer = process.run(Job(text, results_media_type="text/csv"), 5)
    assert answer.body.split() == [b"x,y,z", b",2,"]


def test_the_memory_limit_stops_the_query_and_the_next_runs():
    process = QueryProcess(Store(), memory_bytes=128 << 20)
    doubling = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(40))
    try:
        with pytest.raises(ProtocolError) as stopped:
            process.run(Job(f'SELECT ?v40 {{ BIND("{"x" * 64}" AS ?v0) {doubling} }}'), 10)
        assert stopped.value.status == 503 and "memory limit of 128 MiB" in str(stopped.value)
        assert process.run(Job("ASK {}"), 5).body == b'{"head":{},"boolean":true}'
    finally:
        process.close()


def test_the_kernel_stops_a_process_past_its_cpu_limit():
    # What stops a query process whose worker no longer watches it (limit_cpu runs
    # before each query): the kernel's SIGXCPU, not a timer of the worker's.
    def spin() -> None:
        sandbox.limit_cpu(0.5)
        while True:
            pass

    child = multiprocessing.get_context("fork").Process(target=spin)
    child.start()
    child.join(30)  # 0.5 s of CPU, however busy the machine is
    assert child.exitcode == -signal.SIGXCPU
