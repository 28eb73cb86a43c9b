"""Extraction time per source document, side by side, over several runs.

Run: .venv/bin/python benchmarks/extraction_time.py [--runs N]
Prints each extractor's median time, its lines per second, and its time
relative to the survey extractor (003), measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.corpus import load_manifest, of_kind
from dxkg.pipeline.extract.profiles import extract_case_collection, extract_the_survey

SOURCES = PROJECT_ROOT / "sources"


def median_seconds(extract: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def extractions() -> dict[str, Callable[[], object]]:
    """Each document's extraction by its manifest entry's profile, the survey first."""
    documents = load_manifest(SOURCES)
    (survey,) = of_kind(documents, "survey")
    return {
        survey.id: partial(extract_the_survey, SOURCES, documents),
        **{
            doc.id: partial(extract_case_collection, SOURCES, doc)
            for doc in of_kind(documents, "case-collection")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    results = {doc: median_seconds(extract, runs) for doc, extract in extractions().items()}
    baseline = next(iter(results.values()))
    print(f"median of {runs} runs per document")
    print(f"{'document':<28} {'lines':>6} {'median ms':>10} {'lines/s':>9} {'× survey':>9}")
    for document, seconds in results.items():
        lines = (SOURCES / document).read_text("utf-8").count("\n") + 1
        print(
            f"{document:<28} {lines:>6} {seconds * 1000:>10.1f} {lines / seconds:>9.0f}"
            f" {seconds / baseline:>9.2f}"
        )
    print(
        f"{'all case collections':<28} {'':>6} {sum(results.values()) * 1000 - baseline * 1000:>10.1f}"
    )


if __name__ == "__main__":
    main()
