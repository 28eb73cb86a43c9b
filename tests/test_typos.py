"""Suspected typos are found where they are printed and listed, never corrected."""

from __future__ import annotations

import json

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.sourcetext import read_source_lines
from dxkg.pipeline.extract.typos import load_suspected_typos, scan_document, unmatched

SOURCES = PROJECT_ROOT / "sources"
CURATED = load_suspected_typos(PROJECT_ROOT / "mappings" / "reference" / "suspected-typos.csv")


def test_every_curated_typo_occurs_in_its_document():
    texts = {path.name: path.read_text("utf-8") for path in SOURCES.glob("*.txt")}
    assert CURATED and unmatched(CURATED, texts) == []


def test_cyrillic_letters_and_kangxi_radicals_are_found_mechanically():
    document = "001_b7b77d4349d817ea.txt"
    found = scan_document(document, read_source_lines(SOURCES / document), [])
    assert [(a.kind, a.line) for a in found] == [("foreign-script", n) for n in (213, 275, 293)]
    radicals = scan_document("x.txt", ["「⼯夫している点」"], [])
    assert [a.kind for a in radicals] == ["kangxi-radical"]


def test_the_report_lists_typos_and_the_graph_keeps_the_printed_text(release):
    paths, report = release
    items = report.anomalies.items
    kuma = [a for a in items if a.kind == "suspected-typo" and "熊本縣" in a.detail]
    assert [(a.document, a.line) for a in kuma] == [("001_b7b77d4349d817ea.txt", 467)]
    published = json.loads((paths.dist / "build-report.json").read_text("utf-8"))
    assert published["anomalies"]["counts"]["suspected-typo"] >= len(CURATED)
    assert "デジタルデバйд" in (paths.dist / "dxkg.nt").read_text("utf-8")
