"""The checks a query passes before any engine sees it: how deep it nests and how long its
chains are (``server/complexity.py``), and the time box around rdflib's parser
(``server/timebox.py``). The fuzz tests (``tests/test_fuzz.py``) found why both exist."""

from __future__ import annotations

import threading
import time

import pytest

from dxkg.web import federation, sparql
from dxkg.web.complexity import MAX_NESTING, MAX_OPERATORS, check_complexity, nesting
from dxkg.web.editor import README, example_queries
from dxkg.web.errors import ProtocolError
from dxkg.web.federation import check_services
from dxkg.web.sparql import is_update
from dxkg.web.timebox import Expired, time_box


def test_the_vocabularys_example_queries_pass():
    for example in example_queries(README.read_text("utf-8")):
        check_complexity(example.query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * WHERE { BIND(" + "CONCAT(" * 1000 + '"a"' + ")" * 1000 + " AS ?x) }",
        "SELECT * WHERE { FILTER(" + "!" * 9000 + "true) }",
        "SELECT * WHERE { FILTER(1" + " + 1" * 7000 + ") }",
        "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(2700)) + " }",
        "SELECT * WHERE { {?s ?p ?o}" + " UNION {?s ?p ?o}" * 6500 + " }",
        "SELECT * WHERE { ?s ?p ?o" + ", ?o" * 10_000 + " }",
        "{" * (1 << 20),
    ],
)
def test_queries_that_overflow_oxigraphs_stack_are_refused(query):
    with pytest.raises(ProtocolError) as refused:
        check_complexity(query)
    assert refused.value.status == 400 and "the query" in str(refused.value)


def test_the_limits_themselves():
    check_complexity("ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING)
    with pytest.raises(ProtocolError, match="levels deep"):
        check_complexity("ASK " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1))
    chain = "SELECT * WHERE { FILTER(" + "!" * (MAX_OPERATORS - 3) + "true) }"
    check_complexity(chain)
    with pytest.raises(ProtocolError, match="too complex"):
        check_complexity(chain.replace("FILTER(", "FILTER(!"))


def test_literals_iris_comments_and_values_rows_do_not_count():
    literal = '"' + "({[" * 5000 + '"'
    iri = "<http://example.org/" + "/." * 5000 + ">"
    comment = "# " + "{" * 5000 + "\n"
    rows = " ".join(f'(<http://example.org/{n}> "{n}")' for n in range(20_000))
    check_complexity(f"SELECT * WHERE {{ {comment} ?s ?p {literal}, {iri} }}")
    check_complexity(f"SELECT * WHERE {{ VALUES (?s ?o) {{ {rows} }} ?s ?p ?o }}")
    check_complexity("SELECT * WHERE { ?s ?p '''" + "(" * 5000 + "''' }")


def test_hostile_text_is_checked_quickly():
    for text in ('SELECT """' + 'a"' * (1 << 19), "<" * (1 << 20), "'" * (1 << 20)):
        started = time.monotonic()
        check_complexity(text)
        assert time.monotonic() - started < 2


def test_nesting_is_the_deepest_bracket_level():
    assert nesting("{ ( [ ] ) }") == 3
    assert nesting("}}}{") == 1
    assert nesting(")" * 900 + "(" * 150) == 150
    assert nesting("") == 0


def test_the_time_box_stops_python_work_in_any_thread():
    # gunicorn's threaded workers run requests outside the main thread.
    outcomes = []

    def spin() -> None:
        started = time.monotonic()
        try:
            with time_box(0.2):
                while True:
                    pass
        except Expired:
            outcomes.append(time.monotonic() - started)

    spin()
    threading.Thread(target=spin, daemon=True).start()
    deadline = time.monotonic() + 3
    while len(outcomes) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(outcomes) == 2 and all(0.2 <= elapsed < 1 for elapsed in outcomes)


def test_a_time_box_that_ends_in_time_leaves_nothing_behind():
    for _ in range(200):  # ends as the timer fires, often enough to meet the race
        try:
            with time_box(0.001):
                sum(range(2000))
        except Expired:
            pass
    time.sleep(0.05)
    with time_box(5):
        pass  # finished in time: nothing raised, now or later
    for _ in range(100_000):  # bytecodes on which a stray Expired would strike
        pass


def test_rdflib_parses_within_the_query_time_limit(monkeypatch):
    # rdflib's parser takes seconds on some long queries (how long depends on the machine
    # and on pyparsing's caches); a parser that never finishes stands in for it here.
    def endless(*_args: object) -> None:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(federation, "service_endpoints", endless)
    monkeypatch.setattr(sparql, "parseUpdate", endless)
    started = time.monotonic()
    with pytest.raises(ProtocolError) as stopped:
        check_services("SELECT * WHERE { SERVICE <http://a/> { ?s ?p ?o } }", (), timeout=0.5)
    assert stopped.value.status == 503 and "time limit" in str(stopped.value)
    assert not is_update("INSERT DATA { <http://a> <http://b> <http://c> }", timeout=0.5)
    assert time.monotonic() - started < 3
    monkeypatch.undo()
    assert is_update("INSERT DATA { <http://a> <http://b> <http://c> }", timeout=0.5)
