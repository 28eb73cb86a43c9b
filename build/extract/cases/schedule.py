"""The スケジュール block: time from study to launch, and the dated steps."""

from __future__ import annotations

import re
from pathlib import Path

from dxkg.pipeline.extract.cases.fields import clean_line, duration_months, nfkc, parse_date_prefix
from dxkg.pipeline.extract.records import Milestone, Schedule
from dxkg.pipeline.extract.sourcetext import SourceFormatError

_DURATION_LABEL = "検討開始から導入までの期間"
_STEPS_LABEL = re.compile(r"^スケジュールの内[訳容]\s*")


def parse_schedule_block(path: Path, lines: list[tuple[int, str]]) -> Schedule | None:
    """Read a スケジュール section; None when the case has none.

    The duration value follows its label on the same line or on the next
    non-blank one (1-7, 2-3). Steps are the lines after スケジュールの内訳; those
    that start with a date become milestones, all are kept as text.
    """
    if not lines:
        return None
    label_index = next(
        (i for i, (_, line) in enumerate(lines) if _DURATION_LABEL in nfkc(line).replace(" ", "")),
        None,
    )
    if label_index is None:
        raise SourceFormatError(path, lines[0][0], f"スケジュール without {_DURATION_LABEL}")
    label_line, label_text = lines[label_index]
    raw = (
        clean_line(label_text.split(_DURATION_LABEL, 1)[-1])
        if _DURATION_LABEL in label_text
        else ""
    )
    rest = lines[label_index + 1 :]
    if not raw and rest:
        raw, rest = clean_line(rest[0][1]), rest[1:]
    steps = [
        (n, line)
        for n, line in rest
        if not _STEPS_LABEL.match(clean_line(line)) or _inline_steps(line)
    ]
    steps = [(n, _STEPS_LABEL.sub("", clean_line(line))) for n, line in steps]
    steps = [(n, line) for n, line in steps if line]
    return Schedule(
        duration_raw=raw,
        duration_months=duration_months(raw),
        milestones=[m for m in (_milestone(n, line) for n, line in steps) if m],
        steps_text="\n".join(line for _, line in steps) or None,
        line=label_line,
    )


def _inline_steps(line: str) -> bool:
    """``スケジュールの内訳 —``: the label with its value on the same line (1-2)."""
    return bool(_STEPS_LABEL.sub("", clean_line(line)).strip())


def _milestone(number: int, line: str) -> Milestone | None:
    parsed = parse_date_prefix(line)
    if parsed is None:
        return None
    raw_date, start, end, text = parsed
    return Milestone(raw_date=raw_date, start=start, end=end, text=text.strip(), line=number)
