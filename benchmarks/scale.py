"""How build time grows: every stage on the corpus and on a synthetic corpus N times larger.

Run: .venv/bin/python benchmarks/scale.py [--copies 10]

The synthetic corpus replicates every document's records with renamed identifiers:
copy k (k = 0 … N−1) numbers its cases ``100·k + n`` and its survey rows
``1000·k + n``, so every copy mints its own IRIs, vendor mentions, departments,
tags and edition pairs, and the graph is N times larger. Extraction is timed by
extracting the whole corpus N times; the later stages run on the replicated
records through the same code as ``dxkg build`` (``build_from_extracts``).
Both builds run in one process, one after the other, and the table gives their
ratio per stage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from dxkg.config import Paths
from dxkg.pipeline.extract.corpus import verify_corpus
from dxkg.pipeline.extract.records import CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.pipeline import (
    SUSPECTED_TYPOS_FILE,
    TYPOS_FILE,
    StageTimer,
    build_from_extracts,
    extract_stage,
)


def replicate(extracted: Path, out: Path, copies: int) -> None:
    """Write ``copies`` renamed copies of every record of ``extracted`` into ``out``."""
    out.mkdir(parents=True)
    shutil.copy(extracted / TYPOS_FILE, out / TYPOS_FILE)
    survey = SurveyExtract.model_validate_json((extracted / "survey.json").read_text("utf-8"))
    tables = ("ai_rpa_uses", "shared_systems", "digital_talent", "organisations")
    update = {
        table: [
            row.model_copy(update=_renumbered_row(row, 1000 * k))
            for k in range(copies)
            for row in getattr(survey, table)
        ]
        for table in tables
    }
    (out / "survey.json").write_text(survey.model_copy(update=update).model_dump_json(), "utf-8")
    for path in sorted(extracted.glob("cases-*.json")):
        cases = CaseCollectionExtract.model_validate_json(path.read_text("utf-8"))
        copied = [
            case.model_copy(update={"number": 100 * k + case.number})
            for k in range(copies)
            for case in cases.cases
        ]
        (out / path.name).write_text(
            cases.model_copy(update={"cases": copied}).model_dump_json(), "utf-8"
        )


def _renumbered_row(row, offset: int) -> dict:
    return {
        "row": offset + row.row,
        "duplicate_of": offset + row.duplicate_of if row.duplicate_of else None,
    }


def temporary_paths(folder: Path) -> Paths:
    """The real corpus, built into ``folder`` (its release and work folder)."""
    return Paths(dist=folder / "dist", work=folder / "work")


def build(paths: Paths, copies: int) -> tuple[dict[str, float], int]:
    """Time every stage for a corpus ``copies`` times the real one; return timings, triples."""
    documents = verify_corpus(paths.sources)
    timer = StageTimer(echo=lambda _: None)
    work = paths.work
    start = time.perf_counter()
    for _ in range(copies):
        shutil.rmtree(work, ignore_errors=True)
        typos = paths.mappings / SUSPECTED_TYPOS_FILE
        extracted = extract_stage(paths.sources, documents, work, typos)
    extract_time = time.perf_counter() - start
    replicated = work.parent / "replicated"
    shutil.rmtree(replicated, ignore_errors=True)
    replicate(extracted, replicated, copies)
    built = build_from_extracts(replicated, documents, paths, work, timer)
    timings = {"extract": extract_time, **timer.timings}
    return timings, built.report.triples["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    copies = parser.parse_args().copies
    with tempfile.TemporaryDirectory() as tmp:
        small, small_triples = build(temporary_paths(Path(tmp) / "one"), 1)
        large, large_triples = build(temporary_paths(Path(tmp) / "many"), copies)
    print(
        f"corpus: {small_triples} triples; ×{copies}: {large_triples} triples "
        f"({large_triples / small_triples:.1f}×)"
    )
    print(f"{'stage':<10} {'×1 s':>8} {f'×{copies} s':>9} {'ratio':>7}")
    for stage in small:
        print(
            f"{stage:<10} {small[stage]:>8.2f} {large[stage]:>9.2f} {large[stage] / small[stage]:>7.1f}"
        )
    total_small, total_large = sum(small.values()), sum(large.values())
    print(
        f"{'total':<10} {total_small:>8.2f} {total_large:>9.2f} {total_large / total_small:>7.1f}"
    )
    print(json.dumps({"small": small, "large": large}))


if __name__ == "__main__":
    main()
