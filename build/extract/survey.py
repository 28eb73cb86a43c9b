"""Extract the four tables of the 2020 prefectural survey (document 003).

The text is a PDF table dump: one TAB-separated physical line per row, with
repeated page titles and column headers between pages. Header rows do not
give the data column positions (the empty note sub-column moves between
variants), so each data row is read by its cell count and by whether its row
number stands in a cell of its own. See ``../shared/notes`` for the layouts.

Any line that is neither blank, a page title, a column header, a category
row nor a data row of a known shape stops the extraction with a
SourceFormatError naming the file and line: a changed layout must not turn
into silently missing rows. So does a column-header row naming other columns
(or the same in another order), and a table with fewer rows than the cover's
contents state (a truncated document).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dxkg.pipeline.extract.records import (
    AiRpaUse,
    DigitalTalent,
    DxOrganisation,
    SharedSystemUse,
    SurveyCategory,
    SurveyExtract,
    SurveyRow,
    SurveyTable,
    TableId,
)
from dxkg.pipeline.extract.sourcetext import SourceFormatError, read_source_lines
from dxkg.pipeline.records import Anomaly, CodedValue, SourceSpan
from dxkg.pipeline.text import has_spaced_capitals, match_key, split_circled_number, strip_html

# Section headings open the table zones, in this order. Page titles such as
# 「①AI・RPA・チャットボット等」 or 「④組織」 repeat on every page and must not.
SECTION_HEADINGS: tuple[tuple[TableId, str], ...] = (
    ("1", "①AI・RPA・チャットボット等により業務を効率化している事務・手続"),
    ("2", "②情報システムを複数自治体で共同利用している業務システム"),
    ("3-1", "③DX推進体制(③-1"),
    ("3-2", "③DX推進体制(③-2"),
)
_HEADING_KEYS = tuple((table, match_key(heading)) for table, heading in SECTION_HEADINGS)
PAGE_TITLES = frozenset(
    match_key(title)
    for title in ("①AI・RPA・チャットボット等", "②システム共同利用", "③デジタル人材", "④組織")
)
HEADER_MARK = "都道府県"
# The labelled column headers of each table, in order (the empty note sub-column moves
# between the header variants and is left out). The rows are read by position, so a
# header that names other columns or another order means a layout this code does not know.
COLUMN_HEADERS: dict[TableId, tuple[str, ...]] = {
    "1": (
        "手続・事務の名称",
        "AI・RPAの活用方法",
        "導入状況",
        "共同利用・共同導入の可否",
        "都道府県",
    ),
    "2": (
        "情報システムの名称",
        "情報システムで処理している業務内容",
        "導入状況",
        "さらなる共同利用・共同導入の可否",
        "都道府県",
    ),
    "3-1": (
        "デジタル人材の役職名",
        "区分",
        "常勤/非常勤",
        "デジタル人材の技術分野",
        "デジタル人材の業務内容",
        "導入状況",
        "都道府県",
    ),
    "3-2": ("組織の名称", "組織の概要", "組織の業務内容", "導入状況", "都道府県"),
}
_HEADER_KEYS = {table: [match_key(h) for h in headers] for table, headers in COLUMN_HEADERS.items()}
TOC_LABELS: dict[str, TableId] = {"①": "1", "②": "2", "③-1": "3-1", "③-2": "3-2"}

_DATA_ROW = re.compile(r"^(\d+)[ \t]")
_NUMBER_AND_TEXT = re.compile(r"^(\d+) (.*)$", re.DOTALL)
# Take the last parenthesised number: 「組織（部・課・室等）（28）」 nests parentheses.
_CATEGORY = re.compile(r"^(.+?)\s*[（(](\d+)[）)]$")
_TOC_COUNT = re.compile(r"^[（(](\d+)[）)]$")
_PREFECTURE = re.compile(r"^(北海道|東京都|(?:京都|大阪)府|\S{2,3}県)$")
_FIELD_SUFFIX = "分野"
_PLACEHOLDERS = frozenset({"-", "特になし"})


@dataclass
class _Category:
    ordinal: int
    label: str
    level: int
    parent: int | None
    stated: int
    line: int
    text: str
    found: int = 0


@dataclass
class _TableState:
    table: TableId
    heading: str
    line: int
    categories: list[_Category] = field(default_factory=list)
    open_field: _Category | None = None
    current: _Category | None = None
    rows: list[SurveyRow] = field(default_factory=list)


class SurveyExtractor:
    """Reads document 003 line by line into survey records."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.document = path.name
        self.anomalies: list[Anomaly] = []
        self.stated_totals: dict[TableId, int] = {}
        self.tables: list[_TableState] = []

    def extract(self) -> SurveyExtract:
        """Parse the whole document; raise SourceFormatError on any unknown line."""
        lines = read_source_lines(self.path)
        for number, line in enumerate(lines, start=1):
            self._read_line(number, line)
        self._check_complete(len(lines))
        return self._result()

    # -- line dispatch ---------------------------------------------------------

    def _read_line(self, number: int, line: str) -> None:
        if not line.strip():
            return
        heading = self._section_heading(line)
        if heading is not None:
            self._open_table(heading, number, line)
        elif not self.tables:
            self._read_cover_line(number, line)
        elif match_key(line) in PAGE_TITLES:
            return
        else:
            self._read_table_line(self.tables[-1], number, line)

    def _section_heading(self, line: str) -> TableId | None:
        if "\t" in line:  # the cover's contents rows repeat the headings in cells
            return None
        key = match_key(line)
        for table, heading_key in _HEADING_KEYS:
            if key.startswith(heading_key):
                return table
        return None

    def _open_table(self, table: TableId, number: int, line: str) -> None:
        expected = SECTION_HEADINGS[len(self.tables)][0] if len(self.tables) < 4 else None
        if table != expected:
            raise SourceFormatError(self.path, number, f"table {table} heading out of order")
        self.tables.append(_TableState(table=table, heading=line.strip(), line=number))

    def _read_cover_line(self, number: int, line: str) -> None:
        """The cover's small table of contents states each table's total."""
        cells = line.split("\t")
        if len(cells) >= 3 and cells[0].strip() in TOC_LABELS:
            count = _TOC_COUNT.match(cells[2].strip())
            if not count:
                raise SourceFormatError(self.path, number, "table of contents row without a count")
            self.stated_totals[TOC_LABELS[cells[0].strip()]] = int(count.group(1))

    def _read_table_line(self, state: _TableState, number: int, line: str) -> None:
        cells = line.split("\t")
        if _DATA_ROW.match(line):
            self._read_data_row(state, number, line, cells)
        elif self._is_header(state, cells):
            self._check_header(state, number, cells)
        elif (category := _CATEGORY.match(cells[0].strip())) and not any(
            c.strip() for c in cells[1:]
        ):
            self._open_category(state, number, line, category.group(1), int(category.group(2)))
        else:
            raise SourceFormatError(
                self.path, number, f"unrecognised line in table {state.table}: {line[:60]!r}"
            )

    @staticmethod
    def _is_header(state: _TableState, cells: list[str]) -> bool:
        """A column-header row: it names 都道府県 or any other column of its table."""
        keys = {match_key(cell) for cell in cells}
        return HEADER_MARK in keys or bool(keys & set(_HEADER_KEYS[state.table]))

    def _check_header(self, state: _TableState, number: int, cells: list[str]) -> None:
        """A repeated column-header row must name the columns the rows are read as."""
        found = [match_key(cell) for cell in cells if cell.strip()]
        expected = _HEADER_KEYS[state.table]
        if found != expected:
            raise SourceFormatError(
                self.path,
                number,
                f"column headers of table {state.table} changed: "
                f"{' | '.join(found)} where {' | '.join(expected)} was expected",
            )

    # -- categories ------------------------------------------------------------

    def _open_category(
        self, state: _TableState, number: int, line: str, label: str, stated: int
    ) -> None:
        # Only a field (…分野) has sub-categories; ③-2's categories are all top level.
        is_field = (
            state.open_field is None
            or label.endswith(_FIELD_SUFFIX)
            or not state.open_field.label.endswith(_FIELD_SUFFIX)
        )
        parent = None if is_field else state.open_field.ordinal
        category = _Category(
            ordinal=len(state.categories) + 1,
            label=label,
            level=1 if is_field else 2,
            parent=parent,
            stated=stated,
            line=number,
            text=line,
        )
        state.categories.append(category)
        state.current = category
        if is_field:
            state.open_field = category

    # -- data rows -------------------------------------------------------------

    def _read_data_row(self, state: _TableState, number: int, line: str, cells: list[str]) -> None:
        if state.current is None:
            raise SourceFormatError(self.path, number, "data row before any category row")
        row_number, cells = self._split_row_number(number, cells)
        expected = len(state.rows) + 1
        if row_number != expected:
            raise SourceFormatError(
                self.path, number, f"row {row_number} where row {expected} was expected"
            )
        source = SourceSpan(document=self.document, first_line=number, last_line=number, text=line)
        row = self._build_row(state, number, row_number, cells, source)
        state.rows.append(row)
        state.current.found += 1
        if state.open_field is not state.current:
            state.open_field.found += 1
        self._flag_cell_anomalies(number, cells)

    def _split_row_number(self, number: int, cells: list[str]) -> tuple[int, list[str]]:
        """Return the row number and the remaining cells, first cell being the name."""
        first = cells[0].strip()
        if first.isdigit():
            return int(first), cells[1:]
        match = _NUMBER_AND_TEXT.match(cells[0])
        if not match:
            raise SourceFormatError(self.path, number, "data row without a row number")
        return int(match.group(1)), [match.group(2), *cells[1:]]

    def _build_row(
        self, state: _TableState, number: int, row_number: int, cells: list[str], source: SourceSpan
    ) -> SurveyRow:
        builders = {
            "1": self._ai_rpa_use,
            "2": self._shared_system,
            "3-1": self._digital_talent,
            "3-2": self._organisation,
        }
        common = {"table": state.table, "row": row_number, "category": state.current.ordinal}
        return builders[state.table](number, cells, common, source)

    def _ai_rpa_use(
        self, number: int, cells: list[str], common: dict, source: SourceSpan
    ) -> AiRpaUse:
        if len(cells) == 5 and _number_in_own_cell(source.text):
            # Rows 141–154: the shareability code and the note share one cell.
            name, method, status, code_and_note, prefecture = cells
            code, _, note = code_and_note.partition(" ")
            self._flag(
                number, "code-and-note-merged", f"split {code_and_note[:20]!r} at the first space"
            )
        else:
            name, method, status, code, note, prefecture = self._cells(number, cells, 6)
        return AiRpaUse(
            **common,
            name=self._text(number, name),
            method=self._text(number, method),
            status=self._coded(number, status),
            shareability=self._coded(number, code),
            note=self._optional(number, note),
            prefecture=self._prefecture(number, prefecture),
            source=source,
        )

    def _shared_system(
        self, number: int, cells: list[str], common: dict, source: SourceSpan
    ) -> SharedSystemUse:
        if len(cells) == 5:
            name, business, status, code, note_and_prefecture = cells
            note, _, prefecture = note_and_prefecture.rstrip().rpartition(" ")
            self._flag(number, "prefecture-glued-to-note", f"split {prefecture!r} off the note")
        else:
            name, business, status, code, note, prefecture = self._cells(number, cells, 6)
        return SharedSystemUse(
            **common,
            name=self._text(number, name),
            business=self._text(number, business),
            status=self._coded(number, status),
            further_shareability=self._coded(number, code),
            note=self._optional(number, note),
            prefecture=self._prefecture(number, prefecture),
            source=source,
        )

    def _digital_talent(
        self, number: int, cells: list[str], common: dict, source: SourceSpan
    ) -> DigitalTalent:
        title, category, employment, background, duties, status, prefecture = self._cells(
            number, cells, 7
        )
        return DigitalTalent(
            **common,
            title=self._text(number, title),
            talent_category=self._coded(number, category),
            employment=self._coded(number, employment),
            background=self._text(number, background),
            duties=self._text(number, duties),
            status=self._coded(number, status),
            prefecture=self._prefecture(number, prefecture),
            source=source,
        )

    def _organisation(
        self, number: int, cells: list[str], common: dict, source: SourceSpan
    ) -> DxOrganisation:
        name, composition, remit, status, prefecture = self._cells(number, cells, 5)
        return DxOrganisation(
            **common,
            name=self._text(number, name),
            composition=self._text(number, composition),
            remit=self._text(number, remit),
            status=self._coded(number, status),
            prefecture=self._prefecture(number, prefecture),
            source=source,
        )

    # -- cells -----------------------------------------------------------------

    def _cells(self, number: int, cells: list[str], count: int) -> list[str]:
        if len(cells) != count:
            raise SourceFormatError(
                self.path, number, f"data row with {len(cells)} cells where {count} were expected"
            )
        return cells

    def _text(self, number: int, cell: str) -> str:
        """A cell's text as published: verbatim but for stray HTML tags and outer spaces."""
        text, had_html = strip_html(cell)
        if had_html:
            self._flag(number, "html-fragment", f"removed an HTML tag from {cell[:40]!r}")
        return text.strip()

    def _optional(self, number: int, cell: str) -> str | None:
        text = self._text(number, cell)
        return text or None

    def _coded(self, number: int, cell: str) -> CodedValue:
        code, label = split_circled_number(cell)
        if code is None:
            raise SourceFormatError(
                self.path, number, f"coded cell without a circled number: {cell!r}"
            )
        return CodedValue(text=cell, number=code, label=match_key(label))

    def _prefecture(self, number: int, cell: str) -> str:
        prefecture = cell.strip()
        if not _PREFECTURE.match(prefecture):
            raise SourceFormatError(self.path, number, f"last cell is not a prefecture: {cell!r}")
        return prefecture

    # -- anomalies -------------------------------------------------------------

    def _flag(self, number: int, kind: str, detail: str) -> None:
        self.anomalies.append(
            Anomaly(kind=kind, document=self.document, line=number, detail=detail)
        )

    def _flag_cell_anomalies(self, number: int, cells: list[str]) -> None:
        if any(has_spaced_capitals(cell) for cell in cells):
            self._flag(number, "spaced-letters", "letters spaced out by the PDF conversion")
        if any(cell.strip().startswith("(例)") for cell in cells):
            self._flag(number, "template-text", "cell starts with the form's 「(例)」")
        for cell in cells:
            if cell.strip() in _PLACEHOLDERS:
                self._flag(number, "placeholder-cell", f"cell holds only {cell.strip()!r}")

    # -- completion ------------------------------------------------------------

    def _check_complete(self, last_line: int) -> None:
        if len(self.tables) != len(SECTION_HEADINGS):
            missing = [t for t, _ in SECTION_HEADINGS[len(self.tables) :]]
            raise SourceFormatError(self.path, last_line, f"tables {missing} not found")
        for state in self.tables:
            if not state.rows:
                raise SourceFormatError(self.path, state.line, f"table {state.table} has no rows")
            if state.table not in self.stated_totals:
                raise SourceFormatError(
                    self.path, state.line, f"table {state.table} not in the contents"
                )
        self._check_counts()

    def _check_counts(self) -> None:
        for state in self.tables:
            stated_total = self.stated_totals[state.table]
            if len(state.rows) < stated_total:
                # More rows than stated is the document's miscount (kept, flagged);
                # fewer is rows lost on the way here, e.g. a truncated file.
                raise SourceFormatError(
                    self.path,
                    state.rows[-1].source.last_line,
                    f"table {state.table} ends with row {len(state.rows)}, but the contents "
                    f"state {stated_total} rows: rows are missing (truncated document?)",
                )
            if stated_total != len(state.rows):
                self._flag(
                    state.line,
                    "table-total-mismatch",
                    f"table {state.table}: contents state {stated_total}, {len(state.rows)} rows found",
                )
            for category in state.categories:
                if category.stated != category.found:
                    self._flag(
                        category.line,
                        "category-count-mismatch",
                        f"table {state.table} 「{category.label}」 states {category.stated}, "
                        f"{category.found} rows found",
                    )
            fields_total = sum(c.stated for c in state.categories if c.level == 1)
            if fields_total != stated_total:
                self._flag(
                    state.line,
                    "category-sum-mismatch",
                    f"table {state.table}: field counts add up to {fields_total}, "
                    f"the contents state {stated_total}",
                )

    def _result(self) -> SurveyExtract:
        by_table = {state.table: state for state in self.tables}
        rows = {table: mark_duplicates(state.rows) for table, state in by_table.items()}
        self.anomalies.extend(self._duplicate_anomalies(rows))
        return SurveyExtract(
            document=self.document,
            tables=[self._table_record(state) for state in self.tables],
            categories=[c for state in self.tables for c in self._category_records(state)],
            ai_rpa_uses=rows["1"],
            shared_systems=rows["2"],
            digital_talent=rows["3-1"],
            organisations=rows["3-2"],
            anomalies=sorted(self.anomalies, key=lambda a: (a.line, a.kind, a.detail)),
        )

    def _table_record(self, state: _TableState) -> SurveyTable:
        span = SourceSpan(
            document=self.document,
            first_line=state.line,
            last_line=state.rows[-1].source.last_line,
            text=state.heading,
        )
        return SurveyTable(
            table=state.table,
            heading=state.heading,
            stated_total=self.stated_totals[state.table],
            source=span,
        )

    def _category_records(self, state: _TableState) -> Iterator[SurveyCategory]:
        for category in state.categories:
            yield SurveyCategory(
                table=state.table,
                ordinal=category.ordinal,
                label=category.label,
                level=category.level,
                parent=category.parent,
                stated_count=category.stated,
                found_count=category.found,
                source=SourceSpan(
                    document=self.document,
                    first_line=category.line,
                    last_line=category.line,
                    text=category.text,
                ),
            )

    def _duplicate_anomalies(self, rows: dict[TableId, list[SurveyRow]]) -> Iterator[Anomaly]:
        for table_rows in rows.values():
            for row in table_rows:
                if row.duplicate_of is not None:
                    yield Anomaly(
                        kind="duplicate-row",
                        document=self.document,
                        line=row.source.first_line,
                        detail=f"table {row.table} row {row.row} repeats row {row.duplicate_of}",
                    )


def _number_in_own_cell(line: str) -> bool:
    return line.split("\t", 1)[0].strip().isdigit()


def mark_duplicates(rows: list[SurveyRow]) -> list[SurveyRow]:
    """Mark rows whose every cell equals an earlier row's (after normalisation).

    Both rows are kept: the survey lists them twice, and the graph says so.
    """
    first_seen: dict[tuple, int] = {}
    marked = []
    for row in rows:
        content = row.model_dump(exclude={"row", "category", "source", "duplicate_of"})
        key = tuple(sorted((name, match_key(repr(value))) for name, value in content.items()))
        if key in first_seen:
            row = row.model_copy(update={"duplicate_of": first_seen[key]})
        else:
            first_seen[key] = row.row
        marked.append(row)
    return marked


def extract_survey(path: Path) -> SurveyExtract:
    """Extract every table of the survey document at ``path``."""
    return SurveyExtractor(path).extract()
