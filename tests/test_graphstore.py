"""`dxkg load` (alias `dxkg publish`): the release into a real oxigraph server through the Graph Store Protocol."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
import requests
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from dxkg.pipeline.load import canonical_lines
from servers import OXIGRAPH, free_port, running

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_graphs_compare_term_for_term_blank_nodes_aside():
    subject, predicate = NamedNode("https://example.org/s"), NamedNode("https://example.org/p")
    five = Literal("5", datatype=NamedNode(XSD + "integer"))
    assert canonical_lines([Triple(BlankNode("a"), predicate, five)]) == canonical_lines(
        [Triple(BlankNode("b"), predicate, five)]
    )
    # no type is read as another: the release holds only forms a store gives back unchanged
    derived = Triple(subject, predicate, Literal("5", datatype=NamedNode(XSD + "positiveInteger")))
    assert canonical_lines([derived]) != canonical_lines([Triple(subject, predicate, five)])


@pytest.fixture()
def oxigraph():
    """An empty read-write oxigraph server; yields its base URL."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [str(OXIGRAPH), "serve", "--bind", base.removeprefix("http://")]
    with running(command, base + "/query?query=ASK%7B%7D"):
        yield base


def dxkg_publish(dist, base: str, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dxkg", "publish", "--dist", str(dist)]
    command += ["--endpoint", base + "/store", *options]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def graph_sizes(base: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = requests.post(
        base + "/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = response.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.mark.e2e
def test_dry_run_publish_verify_and_republish(release, oxigraph):
    paths, _ = release
    dump_sizes = Counter(
        quad.graph_name.value
        for quad in parse(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    )
    dry = dxkg_publish(paths.dist, oxigraph, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    graphs = len(dump_sizes)  # the documents', the shared ones, the ontology, the inferred
    assert graphs == 11
    assert f"would change: {graphs} graphs, +{sum(dump_sizes.values())} −0 triples" in dry.stdout
    assert graph_sizes(oxigraph) == {}, "a dry run writes nothing"

    first = dxkg_publish(paths.dist, oxigraph, "--query-endpoint", oxigraph + "/query")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("replaced") == graphs and "published and verified" in first.stdout
    assert graph_sizes(oxigraph) == dict(dump_sizes)

    again = dxkg_publish(paths.dist, oxigraph)
    assert again.stdout.count("kept") == graphs and "+0 −0 triples" in again.stdout


@pytest.mark.e2e
def test_a_changed_graph_is_shown_and_replaced(release, oxigraph):
    paths, report = release
    graphs = len(report.triples) - 1  # less the total
    assert dxkg_publish(paths.dist, oxigraph).returncode == 0
    graph = "https://dxkg.example.org/graph/metadata"
    stale = '<https://example.org/s> <https://example.org/p> "stale" .\n'
    requests.post(
        oxigraph + "/store",
        params={"graph": graph},
        data=stale.encode(),
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()
    dry = dxkg_publish(paths.dist, oxigraph, "--dry-run")
    assert f"would  <{graph}>" in dry.stdout and "(+0 −1)" in dry.stdout
    assert "+0 −1 triples" in dry.stdout
    fixed = dxkg_publish(paths.dist, oxigraph)
    assert f"replaced  <{graph}>" in fixed.stdout and fixed.stdout.count("kept") == graphs - 1
    assert dxkg_publish(paths.dist, oxigraph, "--dry-run").stdout.count("same") == graphs


@pytest.mark.e2e
def test_a_store_that_refuses_gives_a_clear_error(release, oxigraph):
    paths, _ = release
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxkg",
            "publish",
            "--dist",
            str(paths.dist),
            "--endpoint",
            oxigraph + "/no-such-service",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert "Error: PUT <https://dxkg.example.org/graph/" in refused.stderr
    assert "/no-such-service: 404" in refused.stderr
