"""dxkg on Virtuoso (Debian's virtuoso-opensource): publish through the Graph Store
Protocol with digest authentication, then serve from it.

Opt-in: set DXKG_VIRTUOSO=1 (``.ci/run`` installs Virtuoso and sets it). The
server runs from ``scripts/virtuoso`` in a temporary folder on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter

import pytest
import requests
from pyoxigraph import RdfFormat, parse

from dxkg.config import PROJECT_ROOT
from servers import dxkg_server, free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("DXKG_VIRTUOSO") != "1", reason="Virtuoso tests are opt-in: DXKG_VIRTUOSO=1"
    ),
]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A fresh Virtuoso on loopback; yields its base URL."""
    assert shutil.which("virtuoso-t"), "DXKG_VIRTUOSO=1 but virtuoso-t is not installed"
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    script = str(PROJECT_ROOT / "scripts" / "virtuoso")
    subprocess.run([script, "start", str(folder), str(http_port), str(sql_port)], check=True)
    try:
        yield f"http://127.0.0.1:{http_port}"
    finally:
        subprocess.run([script, "stop", str(folder)], check=False)


@pytest.fixture(scope="module")
def published(release, virtuoso):
    paths, _ = release
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxkg",
            "publish",
            "--dist",
            str(paths.dist),
            "--endpoint",
            virtuoso + "/sparql-graph-crud-auth",
            "--query-endpoint",
            virtuoso + "/sparql",
            "--user",
            "dba",
            "--auth",
            "digest",
        ],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "DXKG_STORE_PASSWORD": "dba"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_publish_loads_and_verifies_every_graph(release, virtuoso, published):
    paths, _ = release
    dump = Counter(
        q.graph_name.value
        for q in parse(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    )
    assert f"published and verified: {len(dump)} graphs" in published
    for graph, size in dump.items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        answer = requests.get(virtuoso + "/sparql", params={"query": query, "format": "text/csv"})
        assert int(answer.text.split()[1]) == size, graph


def test_served_from_virtuoso_with_its_row_cap_announced(release, virtuoso, published):
    paths, _ = release
    with dxkg_server(
        paths.dist, "--sparql-endpoint", virtuoso + "/sparql", "--row-limit", "50000"
    ) as base:
        everything = requests.post(base + "/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert everything.status_code == 200
        assert everything.headers["Result-Truncated"] == "true"
        assert everything.headers["X-SPARQL-MaxRows"] == "10000", "Virtuoso's own silent cap"
        query = "SELECT (COUNT(?i) AS ?n) WHERE { GRAPH ?g { ?i a <https://dxkg.example.org/ontology#Initiative> } }"
        count = requests.post(
            base + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}
        )
        assert count.text.split() == ["n", "448"]  # 357 survey rows, 91 cases' initiatives
        assert count.headers["Result-Truncated"] == "false"
