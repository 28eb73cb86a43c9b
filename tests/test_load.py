"""The production server under a short burst of mixed traffic: no errors, stable memory.

``benchmarks/load.py`` runs the same load for a minute and prints its figures; this
is its short form: ``dxkg serve`` (gunicorn, default workers) over the release, four
clients sending entity pages, class pages with facets, searches and SPARQL queries at
once for :data:`SECONDS` after a warm-up. Every request must be answered 200 (no
other status, no connection error), and no worker or query process may grow by more than
:data:`MAX_GROWTH_MIB` during the run. The figures (requests, p50/p95/p99 per kind,
the memory of each process) are printed and, when ``DXKG_REPORT_DIR`` is set, written
to ``load.json`` there. Latency is measured here, never asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reporting import keep, show

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from load import KINDS, growth, report, run_load

pytestmark = pytest.mark.e2e

CLIENTS = 4
WARM_UP = 3.0
SECONDS = 8.0
#: Most a worker or a query process may grow (VmRSS) during the measured run.
#: After the warm-up a process grows by well under 1 MiB in such a run (some 200
#: requests each), from allocator noise; a leak of a page (25 KiB) per request adds
#: about 5 MiB, of a query's result or of a template's render more. The bound is
#: generous, as the task asked: it catches a leak of some 80 KiB per request, not less,
#: and never fails on noise, whatever else shares the machine.
MAX_GROWTH_MIB = 16


@pytest.fixture(scope="module")
def load(release, request) -> dict:
    """One run of the mixed load; its figures, reported at the end of the module."""
    paths, _ = release
    result = run_load(paths.dist, CLIENTS, SECONDS, warm_up=WARM_UP)
    written = keep("load", result)
    show(request.config, report(result) + (f"\nwritten to {written}" if written else ""))
    return result


def test_every_request_of_every_kind_is_answered(load):
    assert load["errors"] == 0, load["statuses"]  # status 0: no answer, a connection error
    for kind in KINDS:
        assert load["per_kind"][kind]["requests"] > 0, kind


def test_the_workers_memory_is_stable(load):
    before, after = load["memory"]["before"], load["memory"]["after"]
    assert before, "no server process found"
    # Every process is still there: none ended or was replaced (a query process is
    # replaced only when a query overruns the time limit, which none of these does).
    assert {p["pid"] for p in before} <= {p["pid"] for p in after}
    grown = growth(before, after)
    assert max(grown.values()) < MAX_GROWTH_MIB, grown
