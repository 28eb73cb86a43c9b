"""Plausibility of what an extractor read: dates that exist and fall in the document's window.

The field parsers keep the printed text and convert it; these checks run over a
document's cases once they are read and stop the build, with the line, at a
value no correct source can give (``R5.13`` → month 13, ``R55.6`` → 2073).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import Case
from dxkg.pipeline.extract.sourcetext import SourceFormatError

#: No case of the collections starts before this (the earliest schedule step is 2011).
EARLIEST = date(1990, 1, 1)
#: How far past its issue date a document may plan (the latest step of 001 is 11 months on).
YEARS_AHEAD = 5

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


def check_case_dates(path: Path, cases: list[Case], document: SourceDocument) -> None:
    """Every schedule and population date of ``cases`` exists and lies in the window:
    from 1990 to ``YEARS_AHEAD`` years after the manifest's ``issued`` date (with no
    ``issued``, only the lower bound applies)."""
    latest = _years_after(document.issued, YEARS_AHEAD) if document.issued else None
    for line, iso in _case_dates(cases):
        first = _first_day(path, line, iso)
        if first < EARLIEST or (latest and first > latest):
            window = f"{EARLIEST.isoformat()} to {latest.isoformat() if latest else '…'}"
            message = f"date {iso} outside the document's plausible window {window}"
            raise SourceFormatError(path, line, message)


def _case_dates(cases: list[Case]) -> Iterator[tuple[int, str]]:
    """(line, ISO date) of every milestone start and end and population date."""
    for case in cases:
        for milestone in case.schedule.milestones if case.schedule else []:
            yield milestone.line, milestone.start
            if milestone.end:
                yield milestone.line, milestone.end
        if case.population:
            yield case.population.line, case.population.as_of


def _first_day(path: Path, line: int, iso: str) -> date:
    """The first day an ISO year, year-month or date stands for; an impossible one stops."""
    match = _ISO.match(iso)
    try:
        if not match:
            raise ValueError("not an ISO date")
        year, month, day = (int(match.group(g) or 1) for g in ("year", "month", "day"))
        return date(year, month, day)
    except ValueError as error:
        raise SourceFormatError(path, line, f"invalid date {iso}: {error}") from error


def _years_after(issued: str, years: int) -> date:
    """The manifest's ``issued`` (a date or a year-month) plus ``years`` years."""
    first = date.fromisoformat(issued if len(issued) > 7 else f"{issued}-01")
    return first.replace(year=first.year + years, day=min(first.day, 28))
