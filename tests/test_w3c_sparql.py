"""The W3C SPARQL 1.1 query and result-format tests, through dxkg's query path; EARL reports.

Every query-evaluation, syntax and result-format test of the suite runs through a
confined query process over a store holding exactly its dataset, its answer
serialised by dxkg (see :mod:`w3c_suite`). The tests dxkg fails are listed, with
their cause, in ``w3c_suite.KNOWN_FAILURES``: a new failure fails here, and so does
a known one that now passes (remove it from the list). Every failure is also run
against the engine alone (pyoxigraph in this process, its own serialisers), which
tells an Oxigraph deviation from one of dxkg's own.

The suite is read from ``../shared/conformance/sparql11/`` beside the repository
(``$DXKG_W3C_SPARQL11`` names another copy). The EARL reports
(``earl-sparql11-query.ttl``, ``earl-sparql11-results.ttl``,
``earl-sparql11-out-of-scope.ttl``) and ``sparql11-query.json`` (counts, failures,
time) go to ``$DXKG_REPORT_DIR`` (``.ci/run`` sets ``reports/``) or a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from protocol_manifest import EARL
from reporting import keep, show
from w3c_suite import (
    DXKG,
    ENGINE,
    KNOWN_FAILURES,
    REPORTS,
    SUITE,
    WORKED_AROUND,
    XSD,
    ResultSet,
    canonical_value,
    load_tests,
    order_by_variables,
    run_suite,
    summary,
    summary_text,
    write_reports,
)

#: Tests per report: a manifest read wrong (tests lost or added) shows here.
TESTS_PER_REPORT = {"query": 328, "results": 10, "out-of-scope": 253}
#: The whole run must fit in CI.
MOST_SECONDS = 60


@pytest.fixture(scope="module")
def suite(request, tmp_path_factory):
    """The suite run once through dxkg and once through the engine alone; reports written."""
    if not (SUITE / "manifest-all.ttl").is_file():
        pytest.fail(
            f"the W3C SPARQL 1.1 test suite is not at {SUITE}: it is expected in "
            "../shared/conformance/sparql11/ beside the repository, or where "
            "$DXKG_W3C_SPARQL11 says"
        )
    tests = load_tests()
    run = run_suite(tests)
    alone = run_suite(tests, engine_alone=True)
    folder = Path(os.environ.get("DXKG_REPORT_DIR") or tmp_path_factory.mktemp("w3c-sparql11"))
    paths = write_reports(run, folder)
    keep("sparql11-query", summary(run))
    show(request.config, summary_text(run))
    return tests, run, alone, paths


def test_exactly_the_known_tests_fail(suite):
    _, run, _, _ = suite
    failed = run.failed()
    new = {id_: failed[id_].info for id_ in sorted(set(failed) - set(KNOWN_FAILURES))}
    fixed = sorted(set(KNOWN_FAILURES) - set(failed))
    message = []
    if new:
        message.append("new failures (fix them, or add them with their cause to KNOWN_FAILURES):")
        message += [f"  {id_}: {info}" for id_, info in new.items()]
    if fixed:
        message.append("known failures that now pass (remove them from KNOWN_FAILURES):")
        message += [f"  {id_}" for id_ in fixed]
    assert not message, "\n".join(message)


def test_each_known_failure_says_who_causes_it(suite):
    tests, _, _, _ = suite
    ids = {test.id for test in tests}
    for id_, (kind, cause) in KNOWN_FAILURES.items():
        assert id_ in ids, f"{id_} is not a test of the suite"
        assert kind in (ENGINE, DXKG), id_
        assert cause.strip(), id_


def test_the_engine_alone_tells_engine_failures_from_dxkg_ones(suite):
    """An engine failure fails without dxkg too; a dxkg failure passes without it; an
    engine deviation dxkg works around fails without dxkg and passes with it; and dxkg's
    path changes no other test's outcome."""
    _, run, alone, _ = suite
    for id_, (kind, _) in KNOWN_FAILURES.items():
        outcome = alone.by_id[id_].outcome
        assert outcome == ("failed" if kind == ENGINE else "passed"), f"{id_} ({kind}): {outcome}"
    for id_ in WORKED_AROUND:
        assert (alone.by_id[id_].outcome, run.by_id[id_].outcome) == ("failed", "passed"), id_
    differ = {id_ for id_, item in run.by_id.items() if alone.by_id[id_].outcome != item.outcome}
    dxkg_failures = {id_ for id_, (kind, _) in KNOWN_FAILURES.items() if kind == DXKG}
    assert differ == dxkg_failures | set(WORKED_AROUND)


def test_the_reports_hold_every_test(suite):
    tests, run, _, paths = suite
    assert {manifest: sum(run.tally(manifest).values()) for manifest in REPORTS} == (
        TESTS_PER_REPORT
    )
    for manifest, path in paths.items():
        report = Graph().parse(path, format="turtle")
        assertions = set(report.subjects(RDF.type, EARL.Assertion))
        tested = {str(report.value(assertion, EARL.test)) for assertion in assertions}
        assert tested == {test.iri for test in tests if test.manifest == manifest}
        outcomes = [report.value(report.value(a, EARL.result), EARL.outcome) for a in assertions]
        assert {str(o).rsplit("#", 1)[1] for o in outcomes} <= {
            "passed",
            "failed",
            "inapplicable",
            "untested",
        }
    assert run.tally("out-of-scope").get("passed", 0) == 0


def test_the_run_fits_in_ci(suite):
    _, run, _, _ = suite
    assert run.seconds < MOST_SECONDS, f"{run.seconds:.1f} s for {run.processes} processes"


# The comparison itself -------------------------------------------------------------


def test_blank_nodes_are_renamed_one_to_one_across_solutions():
    one = ("bnode", "a")
    same = ResultSet(("x", "y"), [{"x": one, "y": one}])
    assert same.compare(ResultSet(("x", "y"), [{"x": ("bnode", "b"), "y": ("bnode", "b")}])) == ""
    assert same.compare(ResultSet(("x", "y"), [{"x": ("bnode", "b"), "y": ("bnode", "c")}]))
    shared = ResultSet(("x",), [{"x": one}, {"x": one}])
    assert shared.compare(ResultSet(("x",), [{"x": ("bnode", "b")}, {"x": ("bnode", "b")}])) == ""
    assert shared.compare(ResultSet(("x",), [{"x": ("bnode", "b")}, {"x": ("bnode", "c")}]))


def test_literals_are_compared_by_value_within_their_datatype():
    def literal(lexical: str, datatype: str) -> ResultSet:
        return ResultSet(
            ("v",),
            [{"v": ("literal", canonical_value(lexical, XSD + datatype), XSD + datatype, None)}],
        )

    assert literal("1.0", "decimal").compare(literal("1", "decimal")) == ""
    assert literal("3.0E4", "double").compare(literal("30000", "double")) == ""
    assert literal("0", "boolean").compare(literal("false", "boolean")) == ""
    assert literal("1", "integer").compare(literal("1.0", "decimal"))
    assert literal("1", "string").compare(literal("1.0", "string"))


def test_only_the_outer_order_by_orders_the_solutions():
    assert order_by_variables("SELECT * { ?s ?p ?o } ORDER BY DESC(?o) ?s LIMIT 2") == ("o", "s")
    inner = "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }"
    assert order_by_variables(inner) == ()
    assert order_by_variables('SELECT * { ?s ?p "ORDER BY ?o" }') == ()
    ordered = ResultSet(("n",), [{"n": ("iri", "a")}, {"n": ("iri", "b")}])
    reversed_ = ResultSet(("n",), [{"n": ("iri", "b")}, {"n": ("iri", "a")}])
    assert ordered.compare(reversed_) == ""
    assert ordered.compare(reversed_, ordering=("n",))


def test_csv_and_tsv_columns_keep_their_order():
    rows = [{"a": ("csv", "1"), "b": ("csv", "2")}]
    assert ResultSet(("a", "b"), rows).compare(ResultSet(("b", "a"), rows)) == ""
    assert ResultSet(("a", "b"), rows).compare(ResultSet(("b", "a"), rows), ordered_header=True)
