"""Build time of `dxkg build` on the corpus, per stage, over several runs.

Run: .venv/bin/python benchmarks/build_time.py [--runs N]
Prints the median time of each stage and its share of the whole build.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dxkg.config import Paths
from dxkg.pipeline.pipeline import run_build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    timings: list[dict[str, float]] = []
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            built = run_build(Paths(dist=Path(tmp) / "dist"), echo=lambda _: None)
            walls.append(time.perf_counter() - start)
            timings.append(built.timings)
    wall = statistics.median(walls)
    triples = built.report.triples["total"]
    print(f"dxkg build, {runs} runs, {triples} triples; median wall {wall:.2f} s")
    print(f"{'stage':<10} {'median s':>9} {'share':>7}")
    for stage in timings[0]:
        median = statistics.median(t[stage] for t in timings)
        print(f"{stage:<10} {median:>9.2f} {median / wall:>7.1%}")


if __name__ == "__main__":
    main()
