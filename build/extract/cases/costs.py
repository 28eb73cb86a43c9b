"""The コスト table of a case: イニシャルコスト and ランニングコスト, in every printed layout.

The slide table has two columns (initial, running), each with a value, a
(内訳) breakdown and (備考) remarks. The PDF conversion flattened it in four
ways (§4.5 of the 001 note): both columns side by side in TSV rows, a header
row then value rows, one cell per line, or the initial block then the
running block. Cells are read into a stream and assigned to a column by
the layout that the position of the two labels reveals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dxkg.pipeline.extract.cases.fields import clean_line, nfkc, parse_cost_value, tax_basis
from dxkg.pipeline.extract.records import Cost, CostKind
from dxkg.pipeline.extract.sourcetext import SourceFormatError
from dxkg.pipeline.text import strip_html

_VALUE = r"(?:約\s*)?[\d,]+(?:\.\d+)?\s*千円?|[－—-]\s*円?|[（(]\s*(?:非公表|算定不可)\s*[）)]"
_VALUE_CELL = re.compile(rf"^(?:{_VALUE})$")
_LABEL_WITH_VALUE = re.compile(
    rf"^(?P<label>(?:イニシャル|ランニング)コスト.*?(?:※\s*税[抜込]額?)?)\s+(?P<value>{_VALUE})$"
)
_BOILERPLATE = ("※主にシステム導入等", "に係るコストを記載")


@dataclass(frozen=True)
class Cell:
    """One table cell with its row (source line), column and line number."""

    text: str
    row: int
    column: int

    @property
    def key(self) -> str:
        return re.sub(r"\s+", "", nfkc(self.text))

    @property
    def label(self) -> CostKind | None:
        if self.key.startswith("イニシャルコスト"):
            return "initial"
        if self.key.startswith("ランニングコスト"):
            return "running"
        return None

    @property
    def is_value(self) -> bool:
        return bool(_VALUE_CELL.match(nfkc(self.text).strip()))

    @property
    def marker(self) -> str | None:
        for name in ("内訳", "備考"):
            if re.match(rf"^[（(]{name}[）)]", self.key):
                return name
        return None


def _cells(lines: list[tuple[int, str]]) -> list[Cell]:
    cells = []
    for number, line in lines:
        if clean_line(line).replace(" ", "").startswith(_BOILERPLATE):
            continue
        for column, raw in enumerate(line.rstrip().split("\t")):
            # HTML lists inside cells are conversion artefacts, not text
            text = clean_line(strip_html(raw)[0]) if raw.strip() else ""
            if match := _LABEL_WITH_VALUE.match(text):
                cells.append(Cell(match.group("label"), number, column))
                cells.append(Cell(match.group("value"), number, column))
            elif text:
                cells.append(Cell(text, number, column))
    return cells


def _split_columns(cells: list[Cell]) -> dict[CostKind, list[Cell]]:
    """Assign each cell to the initial or the running column, by layout."""
    labels = {cell.label: cell for cell in cells if cell.label}
    initial, running = labels["initial"], labels["running"]
    first_marker = next((c for c in cells if c.marker), None)
    if first_marker and cells.index(first_marker) < cells.index(running):
        # initial block, then running block
        split = cells.index(running)
        return {"initial": cells[:split], "running": cells[split:]}
    if initial.row == running.row:
        # side by side: the running column starts where its label is
        boundary = running.column
        return {
            "initial": [c for c in cells if c.column < boundary],
            "running": [c for c in cells if c.column >= boundary],
        }
    # one cell per line: the n-th value, 内訳 and 備考 belong to the n-th column
    columns: dict[CostKind, list[Cell]] = {"initial": [], "running": []}
    seen: dict[str, int] = {}
    current: CostKind = "initial"
    for cell in cells:
        kind = cell.label or ("value" if cell.is_value else cell.marker) or "text"
        if kind in ("initial", "running"):
            current = kind
        elif kind in ("value", "内訳", "備考"):
            seen[kind] = seen.get(kind, 0) + 1
            current = "initial" if seen[kind] == 1 else "running"
        columns[current].append(cell)
    return columns


def _cost(kind: CostKind, column: list[Cell], path: Path) -> Cost:
    label = next(cell for cell in column if cell.label == kind)
    value, breakdown, remarks, part = None, [], [], "value"
    for cell in column:
        if cell is label:
            continue
        if cell.marker:
            part = cell.marker
            rest = re.sub(r"^\s*[（(](?:内訳|備考)[）)]\s*", "", cell.text)
            if rest:
                (breakdown if part == "内訳" else remarks).append(rest)
        elif part == "value" and value is None and cell.is_value:
            value = cell
        elif part == "内訳" or (part == "value" and value is not None):
            breakdown.append(cell.text)
        elif part == "備考":
            remarks.append(cell.text)
    if value is None:
        raise SourceFormatError(path, label.row, f"no value for {label.text}")
    try:
        status, amount, approximate = parse_cost_value(value.text)
    except ValueError as error:
        raise SourceFormatError(path, value.row, str(error)) from error
    return Cost(
        kind=kind,
        raw=value.text,
        status=status,
        amount_yen=amount,
        approximate=approximate,
        tax=tax_basis(label.text),
        breakdown="\n".join(breakdown) or None,
        remarks="\n".join(remarks) or None,
        line=value.row,
    )


def parse_cost_block(path: Path, lines: list[tuple[int, str]]) -> tuple[Cost, Cost] | None:
    """The initial and running cost of a コスト section; None when the case has none."""
    if not lines:
        return None
    cells = _cells(lines)
    kinds = {cell.label for cell in cells if cell.label}
    if kinds != {"initial", "running"}:
        raise SourceFormatError(path, lines[0][0], "コスト without both イニシャル and ランニング")
    columns = _split_columns(cells)
    return _cost("initial", columns["initial"], path), _cost("running", columns["running"], path)
