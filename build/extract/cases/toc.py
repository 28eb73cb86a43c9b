"""The table of contents of a 第2.0版 chapter: categories, TOC titles and population labels.

Categories and population labels exist only in the TOC (on the case pages
they were images), so every case takes them from its TOC row, by number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dxkg.pipeline.extract.cases.fields import nfkc
from dxkg.pipeline.extract.records import PopulationClass
from dxkg.pipeline.extract.sourcetext import SourceFormatError

# A TOC row: number, title, 【organisation】, an optional label, the page number.
# Rows come as markdown cells, TAB-separated cells or plain text (§2.4 of the note).
_ROW = re.compile(
    r"^[-|\s]*(?P<number>\d{1,2})\s*\|?\s*(?P<title>.+?)\s*\|?\s*【(?P<org>[^】]+)】"
    r"(?P<after>.*?)(?:…|\.\.\.)\s*\|?\s*(?P<page>\d{1,3})\s*\|?\s*$"
)
_SUPER_GROUP = re.compile(r"^【(?P<label>[^】]+)】$")
_CIRCLED_HEADING = re.compile(r"^(?P<mark>[\u2460-\u2473])\s*(?P<label>.+?)(?:\s*\(つづき\))?$")
_BULLET_HEADING = re.compile(r"^●\s*(?P<label>.+)$")
_LABEL = re.compile(r"③⑩|③①|-30|-10|-5|-1|[①⑤⑩]")

POPULATION_CLASSES: dict[str, PopulationClass] = {
    "①": "under-10k",
    "-1": "under-10k",
    "⑤": "10k-50k",
    "-5": "10k-50k",
    "⑩": "50k-100k",
    "-10": "50k-100k",
    "③⑩": "100k-300k",
    "③①": "100k-300k",
    "-30": "100k-300k",
}


@dataclass(frozen=True)
class TocEntry:
    """One TOC row: where the case sits and what the TOC says of it."""

    number: int
    title: str
    organisation: str
    category_path: tuple[str, ...]
    population_class: PopulationClass
    population_label: str | None
    page: int
    line: int


def _population(after: str) -> tuple[PopulationClass, str | None]:
    """The label between 】 and the page number; two spaces and no label mean it was lost."""
    cells = after.replace("|", " ")
    label = _LABEL.search(cells)
    if label:
        return POPULATION_CLASSES[label.group(0)], label.group(0)
    # The converter left the space the label glyph took: 「】  …」 against 「】 …」.
    if re.match(r"^ {2}(?!\S*\s*\|)", after) or after.startswith("  |"):
        return "unknown", None
    return "300k-plus-or-prefecture", None


def parse_toc(path: Path, lines: list[str], first: int, last: int, chapter: str) -> list[TocEntry]:
    """The TOC rows between 1-based lines ``first`` and ``last`` (inclusive)."""
    entries: list[TocEntry] = []
    # Chapter 3 nests 【super-group】 > ①section > ●sub-section; chapters 1–2 have sections only.
    super_group = section = sub_section = None
    for number in range(first, last + 1):
        line = lines[number - 1].rstrip()
        text = nfkc(line).strip()
        if not text or ("人口" in text and " : " in text) or text.startswith(("【凡例】", "|---")):
            continue
        if match := _ROW.match(line):
            population_class, label = _population(match.group("after"))
            path_parts = (super_group, section, sub_section)
            entries.append(
                TocEntry(
                    number=int(match.group("number")),
                    title=match.group("title").strip(" |\t"),
                    organisation=match.group("org"),
                    category_path=(chapter, *(part for part in path_parts if part)),
                    population_class=population_class,
                    population_label=label,
                    page=int(match.group("page")),
                    line=number,
                )
            )
        elif match := _SUPER_GROUP.match(line.strip()):
            super_group, section, sub_section = match.group("label"), None, None
        elif match := _CIRCLED_HEADING.match(line.strip()):
            section, sub_section = match.group("label"), None
        elif match := _BULLET_HEADING.match(line.strip()):
            sub_section = match.group("label")
    if not entries:
        raise SourceFormatError(path, first, f"no table-of-contents rows in lines {first}–{last}")
    return entries
