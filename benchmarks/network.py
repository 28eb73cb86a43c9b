"""The networks: what `dxkg network` spends its time on, against the README's route over HTTP.

Run: .venv/bin/python benchmarks/network.py [--runs N]

In one run, on the same release: the stages of `dxkg network` in-process (read the graph
with SPARQL, measure, write the exports and figures), and the README's SPARQLWrapper +
networkx snippet against a started `dxkg serve`, which builds the vendor–municipality
network only. Prints the median of each and the ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.analysis.export import write_analysis
from dxkg.pipeline.analysis.measures import analyse
from dxkg.pipeline.analysis.networks import build_networks
from dxkg.release import NQUADS, Release

sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from servers import dxkg_server  # the test helpers: they start and stop servers


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``work``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def readme_snippet() -> str:
    """The Python block of the README's network-analysis section."""
    section = (PROJECT_ROOT / "README.md").read_text("utf-8").split("## Network analysis", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    dist = Paths().dist
    release = Release.open(dist)
    report = release.report
    store = Store()
    store.bulk_load(path=str(release.path(NQUADS)), format=RdfFormat.N_QUADS)
    base = report.base_iri

    with tempfile.TemporaryDirectory() as out:
        stages = {
            "read (SPARQL → networkx)": lambda: build_networks(store, base),
            "measure (projections, centralities, Louvain)": lambda: analyse(
                build_networks(store, base)
            ),
            "whole dxkg network (read, measure, write 35 files)": lambda: write_analysis(
                analyse(build_networks(store, base)), Path(out), report.release_date
            ),
        }
        timings = {name: median_seconds(work, runs) for name, work in stages.items()}

    snippet = readme_snippet()
    with dxkg_server(dist) as url:
        code = compile(snippet.replace("http://127.0.0.1:8080", url), "README", "exec")
        timings["README snippet over HTTP (vendor network only)"] = median_seconds(
            lambda: exec(code, {"print": lambda *_: None}),  # noqa: S102
            runs,
        )

    whole = timings["whole dxkg network (read, measure, write 35 files)"]
    print(f"networks of {dist}, median of {runs} runs")
    print(f"{'step':<52} {'ms':>9} {'÷ whole':>8}")
    for name, seconds in timings.items():
        print(f"{name:<52} {seconds * 1000:>9.1f} {seconds / whole:>8.2f}")


if __name__ == "__main__":
    main()
