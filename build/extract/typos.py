"""Suspected typos and OCR errors: found in the sources, listed, never corrected.

Two kinds are reported as anomalies. Characters from scripts that have no
place in Japanese text (Cyrillic, Greek) and KangXi radicals standing in for
kanji are found mechanically. Misspellings that only a reader can see are
listed in ``mappings/reference/suspected-typos.csv`` with the reading they
suggest and why; each listed string must occur in its document, so the table
cannot go stale unnoticed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from dxkg.pipeline.records import Anomaly

_FOREIGN_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]+")
_KANGXI_RADICAL = re.compile(r"[\u2f00-\u2fdf]")


@dataclass(frozen=True)
class SuspectedTypo:
    """A curated misspelling: where, as printed, what it presumably means, why."""

    document: str
    printed: str
    intended: str
    reason: str


def load_suspected_typos(path: Path) -> list[SuspectedTypo]:
    """The curated table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [SuspectedTypo(**row) for row in csv.DictReader(handle)]


def scan_document(document: str, lines: list[str], curated: list[SuspectedTypo]) -> list[Anomaly]:
    """Every suspected typo in one document, one anomaly per line it occurs on."""
    listed = [typo for typo in curated if typo.document == document]
    anomalies = []
    for number, line in enumerate(lines, 1):

        def found(kind: str, detail: str, line_number: int = number) -> None:
            anomalies.append(Anomaly(kind=kind, document=document, line=line_number, detail=detail))

        for typo in listed:
            if typo.printed in line:
                found(
                    "suspected-typo",
                    f"「{typo.printed}」 probably 「{typo.intended}」: {typo.reason}",
                )
        for match in _FOREIGN_SCRIPT.finditer(line):
            text = match.group(0)
            found("foreign-script", f"「{text}」 (U+{ord(text[0]):04X}…) inside Japanese text")
        for match in _KANGXI_RADICAL.finditer(line):
            radical = match.group(0)
            found(
                "kangxi-radical",
                f"KangXi radical 「{radical}」 U+{ord(radical):04X} used as a kanji",
            )
    return anomalies


def unmatched(curated: list[SuspectedTypo], texts: dict[str, str]) -> list[SuspectedTypo]:
    """Curated entries whose printed form no longer occurs in their document."""
    return [typo for typo in curated if typo.printed not in texts.get(typo.document, "")]
