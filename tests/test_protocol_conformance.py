"""The W3C SPARQL 1.1 Protocol tests, over HTTP, against both engines; an EARL report each.

The server holds the release plus the three graphs the manifest's tests load
(``data1.nt``–``data3.nt`` under their ``kasei.us`` names). Policy for the
unknown ``default-graph-uri`` the tests send (``…/data0.rdf``): a graph IRI that
is not in the store is an empty graph; it is never fetched from the web.

The EARL reports are written to ``$DXKG_REPORT_DIR`` (``.ci/run`` sets
``reports/``) or to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize
from rdflib import Graph
from rdflib.namespace import RDF

from conftest import ENGINE_MODES
from protocol_manifest import EARL, earl_report, load_manifest, run
from servers import endpoint_server

pytestmark = pytest.mark.e2e

TESTS = load_manifest()


def conformance_release(dist: Path, folder: Path) -> Path:
    """A copy of the release (files linked) whose dump also holds the manifest's graphs."""
    folder.mkdir()
    for path in dist.iterdir():
        if path.name != "dxkg.nq":
            (folder / path.name).symlink_to(path)
    graphs = {name: source for test in TESTS for name, source in test.graph_data.items()}
    quads = [
        Quad(triple.subject, triple.predicate, triple.object, NamedNode(name))
        for name, source in sorted(graphs.items())
        for triple in parse(path=str(source), format=RdfFormat.N_TRIPLES)
    ]
    dump = (dist / "dxkg.nq").read_bytes() + serialize(quads, format=RdfFormat.N_QUADS)
    (folder / "dxkg.nq").write_bytes(dump)
    return folder


@pytest.fixture(scope="module", params=ENGINE_MODES)
def outcomes(request, release, tmp_path_factory):
    """Every manifest test run once against one engine; the EARL report written."""
    mode = request.param
    paths, _ = release
    workdir = tmp_path_factory.mktemp(f"protocol-{mode}")
    dist = conformance_release(paths.dist, workdir / "dist")
    with endpoint_server(mode, dist) as base:
        results = {test.id: run(test, base + "/sparql") for test in TESTS}
    report_dir = Path(os.environ.get("DXKG_REPORT_DIR") or workdir)
    report_dir.mkdir(parents=True, exist_ok=True)
    report = earl_report(
        list(results.values()),
        subject="https://dxkg.example.org/software/dxkg",
        description=f"dxkg's /sparql endpoint with the {mode} engine",
    )
    path = report_dir / f"sparql11-protocol-{mode}.earl.ttl"
    report.serialize(path, format="turtle")
    return mode, results, path


@pytest.mark.parametrize("test", [t for t in TESTS if not t.updates], ids=lambda t: t.id)
def test_query_and_bad_request_tests_pass(outcomes, test):
    _, results, _ = outcomes
    outcome = results[test.id]
    assert outcome.outcome == "passed", f"{test.name}: {outcome.info} ({outcome.responses})"


@pytest.mark.parametrize("test", [t for t in TESTS if t.updates], ids=lambda t: t.id)
def test_update_tests_are_refused_as_read_only(outcomes, test):
    _, results, _ = outcomes
    outcome = results[test.id]
    assert outcome.outcome == "inapplicable", outcome.info
    assert outcome.responses == ["POST 403"]


def test_the_earl_report_records_every_test(outcomes):
    _, _, path = outcomes
    report = Graph().parse(path, format="turtle")
    assertions = list(report.subjects(RDF.type, EARL.Assertion))
    assert len(assertions) == len(TESTS) == 34
    tally = {
        outcome.rsplit("#", 1)[1]: len(list(report.subjects(EARL.outcome, outcome)))
        for outcome in set(report.objects(None, EARL.outcome))
    }
    assert tally == {"passed": 27, "inapplicable": 7}
