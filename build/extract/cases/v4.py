"""Extract the 第4.0版 case collection: chapter 1 in full (002), chapters 2–3 as titles (000).

002 is the PDF text layer of 「1. 体制整備参考事例集」: a legend page, then 13
cases on 34 pages, with each page's text out of reading order. Every page
carries exactly one running header (``＜１．体制整備＞ ① <subsection>``), often
with the population label (``都道府県``, ``人口：…``) after it or on a line of
its own; a case's title line (``１ <title> 【<団体>】``) can be at the top, in
the middle or at the end of its page. The extractor therefore

1. classifies every line by its own shape (``_classify``),
2. cuts the text into cases at the title lines, giving the lines between two
   cases to one or the other by the rule of ``_gap_cut``,
3. reads each case with a small state machine (``_CaseReader``) that knows
   which lines each kind of page (事業概要, 事業効果・コスト, インタビュー, 参考資料)
   may hold; a line that fits nowhere raises SourceFormatError.

000 is one running-title line per page of chapters 2 and 3 and nothing else
(``extract_v4_titles``). See ``../shared/notes/source-000-002-case-collection-v4.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from dxkg.pipeline.extract.cases.fields import (
    EMAIL,
    PHONE,
    bracket_depth,
    clean_line,
    duration_months,
    is_placeholder,
    nfkc,
    parse_cost_value,
    parse_date_prefix,
    parse_operation_modes,
    parse_population,
    split_organisation,
    split_organisations,
    split_service_names,
    tax_basis,
)
from dxkg.pipeline.extract.cases.plausible import check_case_dates
from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import (
    Case,
    CaseCollectionExtract,
    Cost,
    CostKind,
    Department,
    InterviewAnswer,
    Milestone,
    Population,
    PopulationClass,
    RelatedUrl,
    Schedule,
    ServiceBlock,
)
from dxkg.pipeline.extract.sourcetext import SourceFormatError, read_source_lines
from dxkg.pipeline.records import Anomaly, SourceSpan

# 000 names no chapter: it starts in 人材確保・育成 and its numbering restarts
# once, where 内部DX begins (the note, §1.1).
TITLE_CHAPTERS: tuple[tuple[int, str], ...] = ((2, "人材確保・育成"), (3, "内部DX"))

_DIGITS = "0-9０-９"
_TITLE = re.compile(rf"^(?P<number>[{_DIGITS}]{{1,2}})\s+(?P<title>\S.*?)\s*【(?P<org>[^】]+)】$")
_HEADER = re.compile(
    r"^＜(?P<chapter>[^．＞]+)．(?P<chapter_label>[^＞]+)＞\s*(?P<marker>[①-⑳])\s*"
    r"(?P<heading>\S+?)(?:\s+(?P<label>都道府県|人口[：:]\S+))?$"
)
_LABEL = re.compile(r"^(?P<label>都道府県|人口[：:]\S+)$")
_LABEL_TAIL = re.compile(rf"^[{_DIGITS}]+万人未満$")
_LEGEND_END = re.compile(rf"^[{_DIGITS}]+．\S+参考事例集の構成$")
_URL = r"https?://[^\s（）()<>]+"
_URL_ENTRY = re.compile(rf"^(?!※)(?P<title>.*?)\s*（\s*(?P<url>{_URL})\s*）$")
_BARE_URL = re.compile(rf"^(?P<url>{_URL})$")
_URL_TAIL = re.compile(r"^[A-Za-z0-9._~%/?#=&+-]+$")
_DEPARTMENT = re.compile(
    r"^(?:【担当部署】)?\s*(?P<name>[^（]+?)\s*（電話[：:](?P<phone>[^、]+)、メール[：:](?P<email>[^）]+)）$"
)
_QUESTION_END = ("てください。", "て下さい。", "？", "ましたか。")
_SENTENCE_END = ("。", "？", "！")
_SUB_HEADING = re.compile(r"^[＜【][^＞】]+[＞】]$")

# (kind, pattern) in the order they are tried on a stripped line; the named
# group ``value`` (where there is one) is the text after the label.
_LINE_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("title", _TITLE),
    ("header", _HEADER),
    ("label", _LABEL),
    ("page-number", re.compile(r"^\d+-\d+$")),
    ("population", re.compile(r"^【参考情報】\s*(?P<value>.+)$")),
    ("url-head", re.compile(r"^関連(?:ＵＲＬ|URL)\s*[：:]\s*(?P<value>.*)$")),
    ("url", _URL_ENTRY),
    ("bare-url", _BARE_URL),
    ("department", _DEPARTMENT),
    ("department-run", re.compile(r"^担当部署\s+メール\s*電話\s+(?P<value>.+)$")),
    ("footer", re.compile(r"^☆担当[：:].*☆$")),
    ("award", re.compile(r"^受賞歴等\s*[：:]\s*(?P<value>.+)$")),
    ("cross-reference", re.compile(r"^※.*事例集.*に(?:掲載|記載)")),
    ("boilerplate", re.compile(r"^(?:※主にシステム導入等|に係るコストを記載)$")),
    ("overview", re.compile(r"^事業の概要$")),
    ("effects", re.compile(r"^事業効果(?:\s+(?P<value>○.*))?$")),
    ("references", re.compile(r"^参考資料(?:\s+(?P<value>.+))?$")),
    ("cost", re.compile(r"^コスト(?:\s+(?P<value>.+))?$")),
    ("schedule-head", re.compile(r"^サービス提供事業者等\s+スケジュール$")),
    ("point", re.compile(r"^\uf0d8")),
    ("bullet", re.compile(r"^○")),
)
# Lines that close a page's text in the dump or stand inside it, but never
# open the page of a following case: the running header and the label.
_PAGE_END_KINDS = frozenset({"header", "label", "label-tail"})
# Lines that are fields of their own wherever they stand on a page.
_FIELD_KINDS = frozenset(
    {
        "title",
        "header",
        "label",
        "label-tail",
        "page-number",
        "population",
        "url-head",
        "url",
        "bare-url",
        "url-tail",
        "department",
        "department-run",
        "department-tail",
        "footer",
        "award",
        "cross-reference",
        "boilerplate",
    }
)


@dataclass(frozen=True)
class _Line:
    """One physical line with the kind its shape gives it and the groups it matched."""

    number: int
    text: str
    kind: str
    groups: dict[str, str | None] = field(default_factory=dict)

    @property
    def value(self) -> str:
        return (self.groups.get("value") or "").strip()


def _classify(number: int, text: str) -> _Line:
    stripped = text.strip()
    if not stripped:
        return _Line(number, text, "blank")
    for kind, pattern in _LINE_KINDS:
        if match := pattern.match(stripped):
            return _Line(number, text, kind, match.groupdict())
    if stripped.endswith(_QUESTION_END) and len(stripped) <= 80:
        return _Line(number, text, "question")
    return _Line(number, text, "text")


def _classify_all(numbered: list[tuple[int, str]]) -> list[_Line]:
    """Classify lines, then the continuations that only their predecessor identifies."""
    lines = [_classify(number, text) for number, text in numbered]
    for index, line in enumerate(lines[1:], start=1):
        previous = lines[index - 1]
        if line.kind != "text":
            continue
        stripped = line.text.strip()
        if previous.kind in ("header", "label") and _LABEL_TAIL.match(stripped):
            # 人口：10万人以上 / 30万人未満: the label wraps onto the next line
            lines[index] = _Line(line.number, line.text, "label-tail")
        elif previous.kind == "bare-url" and _URL_TAIL.match(stripped):
            lines[index] = _Line(line.number, line.text, "url-tail")
    return _mark_department_tails(lines)


def _mark_department_tails(lines: list[_Line]) -> list[_Line]:
    """A run-together department whose name breaks inside brackets continues below."""
    for index, line in enumerate(lines):
        if line.kind == "department-run" and bracket_depth(line.value) > 0:
            tail = next(i for i in range(index + 1, len(lines)) if lines[i].kind != "blank")
            lines[tail] = _Line(lines[tail].number, lines[tail].text, "department-tail")
    return lines


# -- organisation names ---------------------------------------------------------


def _organisation(path: Path, line: int, text: str) -> tuple[str, str | None]:
    try:
        return split_organisation(text)
    except ValueError as error:
        raise SourceFormatError(path, line, str(error)) from error


# -- population labels ------------------------------------------------------------

_LABEL_BOUNDS = re.compile(r"^人口:(?:(?P<low>\d+)万人以上)?(?:(?P<high>\d+)万人未満)?$")
_CLASS_BY_BOUNDS: dict[tuple[int | None, int | None], PopulationClass] = {
    (None, 1): "under-10k",
    (1, 5): "10k-50k",
    (5, 10): "50k-100k",
    (10, 30): "100k-300k",
    (30, None): "300k-plus-or-prefecture",
}


def population_class(label: str) -> PopulationClass | None:
    """``人口：１万人以上５万人未満`` → 10k-50k; ``都道府県`` → 300k-plus-or-prefecture."""
    key = nfkc(label).replace(" ", "")
    if key == "都道府県":
        return "300k-plus-or-prefecture"
    match = _LABEL_BOUNDS.match(key)
    if not match or not any(match.groups()):
        return None
    low, high = (int(g) if g else None for g in match.group("low", "high"))
    return _CLASS_BY_BOUNDS.get((low, high))


# == 002: chapter 1 in full =========================================================


def extract_v4_chapter1(path: Path, document: SourceDocument) -> CaseCollectionExtract:
    """Every case of one chapter laid out as 002 is (the 13 体制整備 cases of 第4.0版), each with
    every field its pages print, as the edition the manifest entry ``document`` names."""
    lines = read_source_lines(path)
    start = _legend_end(path, lines) + 1
    classified = _classify_all([(n, lines[n - 1]) for n in range(start + 1, len(lines) + 1)])
    drafts = _segment(path, classified)
    _check_count(path, len(drafts), document, len(lines))
    anomalies: list[Anomaly] = []
    cases = [_CaseReader(path, draft, anomalies, document).read() for draft in drafts]
    check_case_dates(path, cases, document)
    return CaseCollectionExtract(
        document=path.name, edition=document.edition_number, cases=cases, anomalies=anomalies
    )


def _check_count(path: Path, found: int, document: SourceDocument, line: int) -> None:
    """Stop unless the document has as many cases as its manifest entry's ``cases`` states."""
    expected = sum((document.cases or {}).values())
    if found != expected:
        message = f"{found} cases where {expected} were expected (the manifest's cases)"
        raise SourceFormatError(path, max(line, 1), message)  # an empty file has line 1


def _legend_end(path: Path, lines: list[str]) -> int:
    """Index of the legend page's last line (「１．体制整備参考事例集の構成」)."""
    for index, line in enumerate(lines):
        if _LEGEND_END.match(line.strip()):
            return index
        if _TITLE.match(line.strip()):
            break
    raise SourceFormatError(
        path, 1, "no legend page ending in 「…参考事例集の構成」 before the cases"
    )


@dataclass
class _Draft:
    """The lines of one case, before its fields are read."""

    number: int
    titles: list[_Line]
    lines: list[_Line]


def _segment(path: Path, lines: list[_Line]) -> list[_Draft]:
    """Cut the case pages into cases: at title lines, with each gap split by ``_gap_cut``."""
    groups = _title_groups(path, [line for line in lines if line.kind == "title"])
    if not groups:
        raise SourceFormatError(path, lines[0].number if lines else 1, "no case title line")
    position = {line.number: index for index, line in enumerate(lines)}
    starts = [0]
    for previous, following in pairwise(groups):
        first, last = position[previous[-1].number] + 1, position[following[0].number]
        starts.append(first + _gap_cut(path, lines[first:last]))
    ends = [*starts[1:], len(lines)]
    return [
        _Draft(number=_number(group[0]), titles=group, lines=lines[a:b])
        for group, a, b in zip(groups, starts, ends, strict=True)
    ]


def _number(line: _Line) -> int:
    return int(nfkc(line.groups["number"] or ""))


def _title_groups(path: Path, titles: list[_Line]) -> list[list[_Line]]:
    """Title lines grouped by case; the numbers must run 1, 2, 3 … without going back."""
    groups: list[list[_Line]] = []
    for line in titles:
        number = _number(line)
        if groups and number == _number(groups[-1][0]):
            if line.groups["org"] != groups[-1][0].groups["org"]:
                raise SourceFormatError(path, line.number, "case title with another 団体")
            groups[-1].append(line)
        elif number == len(groups) + 1:
            groups.append([line])
        else:
            raise SourceFormatError(path, line.number, f"case {number} out of sequence")
    return groups


def _gap_cut(path: Path, gap: list[_Line]) -> int:
    """Where the next case starts among the lines between two cases' title lines.

    Every page's text has exactly one running header, and in the dump it
    closes that page or stands inside it, never opening the page of a later
    case: with that reading each case has as many headers as pages, and
    every population label matches its case. A case's first page is its
    事業概要 page. So when the next case's 事業の概要 heading stands in the
    gap (its title is further down that page), its page began after the
    last header or label before the heading; everything earlier closes the
    previous case. Without that heading in the gap, the whole gap is the
    tail of the previous case's last page (e.g. 福島's interview page
    before 舟形's title, 都城's hyperlink layer before 神戸's).
    """
    headings = [i for i, line in enumerate(gap) if line.kind == "overview"]
    if not headings:
        return len(gap)
    ends = [i for i in range(headings[0]) if gap[i].kind in _PAGE_END_KINDS]
    if not ends:
        raise SourceFormatError(
            path, gap[headings[0]].number, "事業の概要 of a case whose page start is not marked"
        )
    return ends[-1] + 1


# -- one case ------------------------------------------------------------------------


class _CaseReader:
    """Reads one case's lines into a Case; page layout decides what each line is.

    States: ``start`` (before any heading), ``overview``, ``point``,
    ``effects``, ``cost`` (the 事業効果・コスト page's table), ``interview``,
    ``references`` (参考資料). Field lines (_FIELD_KINDS) are read in any state.
    """

    def __init__(
        self, path: Path, draft: _Draft, anomalies: list[Anomaly], document: SourceDocument
    ) -> None:
        self.path, self.draft, self.anomalies = path, draft, anomalies
        self.edition = document.edition_number
        self.document = path.name
        self.organisation = draft.titles[0].groups["org"] or ""
        self.place = _organisation(path, draft.titles[0].number, self.organisation)
        self.speakers = {"総務省", self.place[1] or self.place[0]}
        self.state = "start"
        self.paragraph: list[tuple[int, str]] | None = None  # the ○ bullet being read
        self.note_allowed = False  # a ※ note may follow an overview bullet
        self.point_open = False
        self.after_page_end = False
        self.point: list[list[tuple[int, str]]] = []
        self.overview: list[tuple[int, str]] = []
        self.effects: list[tuple[int, str]] = []
        self.overview_headings = 0
        self.interview = _InterviewTokens()
        self.cost = _CostPage(path)
        self.fields = _CaseFields(path)

    def read(self) -> Case:
        for line in self.draft.lines:
            self._read(line)
        return self._case()

    def _read(self, line: _Line) -> None:
        if line.kind == "blank":
            self.point_open = False
            self.interview.blank()
            self.cost.blank()
        elif line.kind in _FIELD_KINDS:
            self._close_paragraph()
            self.note_allowed = False
            self.interview.separator()
            self.after_page_end = line.kind in _PAGE_END_KINDS or self.after_page_end
            self.fields.read(line)
        else:
            self.fields.in_url_block = False
            if not self._read_heading(line):
                self._read_content(line)

    # -- headings ---------------------------------------------------------------

    def _read_heading(self, line: _Line) -> bool:
        """Section headings, Point lines, speakers and questions; False for body text."""
        stripped = line.text.strip()
        if line.kind in ("overview", "effects", "references", "cost", "schedule-head", "point"):
            self._close_paragraph()
            self.after_page_end = False
            getattr(self, "_open_" + line.kind.replace("-", "_"))(line)
        elif re.fullmatch(r"（([^（）]+)）", stripped) and stripped[1:-1] in self.speakers:
            self.state = "interview"
            self.interview.separator()
        elif line.kind == "question":
            self.state = "interview"
            self.interview.question(line.number, clean_line(line.text))
        else:
            return False
        return True

    def _open_overview(self, line: _Line) -> None:
        self.state = "overview"
        self.overview_headings += 1

    def _open_effects(self, line: _Line) -> None:
        self.state = "effects"
        if line.value:  # 事業効果 ○ …: the first bullet shares the heading's line
            self._start_paragraph(self.effects, line.number, line.value)

    def _open_references(self, line: _Line) -> None:
        self.state = "references"

    def _open_cost(self, line: _Line) -> None:
        self.state = "cost"
        if line.value and not self.cost.feed(line.number, line.value):
            raise SourceFormatError(self.path, line.number, "unreadable コスト line")

    def _open_schedule_head(self, line: _Line) -> None:
        self.state = "cost"
        self.cost.schedule_head = line.number

    def _open_point(self, line: _Line) -> None:
        self.state = "point"
        self.point.append([(line.number, clean_line(line.text))])
        self.point_open = True

    # -- body text ----------------------------------------------------------------

    def _read_content(self, line: _Line) -> None:
        if line.kind == "bullet":
            self._read_bullet(line)
        elif self.state == "point" and self.point_open:
            self.point[-1].append((line.number, clean_line(line.text)))
        elif self.state == "cost" and self.cost.feed(line.number, line.text):
            self._close_paragraph()
        elif self.paragraph is not None and self.state in ("start", "overview", "effects", "cost"):
            self.paragraph.append((line.number, clean_line(line.text)))
            self._check_paragraph_end()
        else:
            self._read_loose_text(line)

    def _read_bullet(self, line: _Line) -> None:
        """A ○ bullet: overview before/after 事業の概要, effects after 事業効果 or a Point."""
        self.after_page_end = False
        if self.state in ("start", "overview"):
            self._start_paragraph(self.overview, line.number, line.text)
            self.note_allowed = True
        elif self.state in ("effects", "cost"):
            self._start_paragraph(self.effects, line.number, line.text)
        elif self.state == "point":
            # The effects box follows the Point on the page; here its heading is lost.
            self._anomaly("missing-heading", line.number, "事業効果 bullets without their heading")
            self.state = "effects"
            self._start_paragraph(self.effects, line.number, line.text)
        elif self.state == "interview":
            self.interview.text(line.number, line.text)

    def _read_loose_text(self, line: _Line) -> None:
        """Text outside any bullet: diagram labels, interview answers or an error."""
        stripped = line.text.strip()
        if self.state in ("start", "overview"):
            if stripped.startswith("※") and self.note_allowed:
                self._start_paragraph(self.overview, line.number, line.text)
            else:
                self.note_allowed = False  # a diagram label, not part of the 事業の概要 text
        elif self.state == "interview" or (self.state == "effects" and self.after_page_end):
            # prose after the effects' page ended: the interview page, answer first
            self.state = "interview"
            self.interview.text(line.number, line.text)
        elif self.state != "references":
            raise SourceFormatError(
                self.path, line.number, f"text that fits no field of the {self.state} section"
            )

    def _start_paragraph(self, target: list[tuple[int, str]], number: int, text: str) -> None:
        target.append((number, clean_line(text)))
        self.paragraph = target
        self._check_paragraph_end()

    def _check_paragraph_end(self) -> None:
        """A bullet runs on (across blank lines too) until a line ends its sentence."""
        if self.paragraph and self.paragraph[-1][1].endswith(_SENTENCE_END):
            self.paragraph = None

    def _close_paragraph(self) -> None:
        self.paragraph = None

    # -- result ---------------------------------------------------------------------

    def _anomaly(self, kind: str, line: int, detail: str) -> None:
        self.anomalies.append(Anomaly(kind=kind, document=self.document, line=line, detail=detail))

    def _case(self) -> Case:
        titles, headers = self.draft.titles, self.fields.headers
        if self.overview_headings != 1:
            raise SourceFormatError(self.path, titles[0].number, "case without one 事業の概要")
        if not headers:
            raise SourceFormatError(self.path, titles[0].number, "case without a running header")
        if not self.point:
            # The legend prints a Point on every case page; without its bullet (U+F0D8,
            # a private-use glyph a PDF conversion may drop) it would pass for diagram labels.
            raise SourceFormatError(
                self.path, titles[0].number, "case without a Point (no line opens with its bullet)"
            )
        prefecture, municipality = self.place
        label = self._population_label()
        initial, running, schedule, services = self.cost.result()
        interview = _pair_interview(self.path, self.interview.tokens, self._anomaly)
        return Case(
            document=self.document,
            edition=self.edition,
            coverage="full",
            chapter=int(nfkc(headers[0]["chapter"])),
            chapter_label=headers[0]["chapter_label"],
            number=self.draft.number,
            title=titles[0].groups["title"],
            title_variants=_variants([line.groups["title"] for line in titles]),
            toc_title=None,
            category_path=[headers[0]["chapter_label"], headers[0]["heading"]],
            organisation_text=self.organisation,
            prefecture=prefecture,
            municipality=municipality,
            population_class=population_class(label) if label else "unknown",
            population_label_raw=label,
            page_count=len(titles),
            source=self._span(),
            point=["\n".join(text for _, text in item) for item in self.point],
            overview=_joined(self.overview),
            effects=_joined(self.effects),
            interview=interview,
            initial_cost=initial,
            running_cost=running,
            schedule=schedule,
            services=services,
            departments=self.fields.departments,
            population=self.fields.population,
            urls=self.fields.urls,
            awards=self.fields.awards,
            cross_reference="\n".join(self.fields.cross_references) or None,
        )

    def _population_label(self) -> str | None:
        """The page label, which every page of a case that prints it must agree on."""
        labels = self.fields.labels
        classes = {population_class(text) for _, text in labels}
        if None in classes or len(classes) > 1:
            raise SourceFormatError(self.path, labels[0][0], "population labels disagree")
        if not labels:
            self._anomaly(
                "missing-population-label",
                self.draft.titles[0].number,
                "no page of the case prints its population label",
            )
            return None
        return labels[0][1]

    def _span(self) -> SourceSpan:
        numbers = [line.number for line in self.draft.lines if line.kind != "blank"]
        first, last = min(numbers), max(numbers)
        text = "\n".join(line.text for line in self.draft.lines if first <= line.number <= last)
        return SourceSpan(document=self.document, first_line=first, last_line=last, text=text)


def _variants(titles: list[str]) -> list[str]:
    """Spellings other than the first, in order of first appearance."""
    seen = [titles[0]]
    for title in titles[1:]:
        if title not in seen:
            seen.append(title)
    return seen[1:]


def _joined(lines: Iterable[tuple[int, str]]) -> str | None:
    return "\n".join(text for _, text in lines if text) or None


# -- field lines ------------------------------------------------------------------


class _CaseFields:
    """The one-line fields of a case: headers, labels, population, URLs, contacts, awards."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.headers: list[dict[str, str | None]] = []
        self.labels: list[tuple[int, str]] = []
        self.population: Population | None = None
        self.urls: list[RelatedUrl] = []
        self.departments: list[Department] = []
        self.awards: list[str] = []
        self.cross_references: list[str] = []
        self.in_url_block = False  # after 関連ＵＲＬ, before any other non-blank line

    def read(self, line: _Line) -> None:
        handler = getattr(self, "_" + line.kind.replace("-", "_"), None)
        if handler is not None:
            handler(line)
        self.in_url_block = line.kind == "url-head" or (line.kind == "url" and self.in_url_block)

    def _header(self, line: _Line) -> None:
        if self.headers and (
            line.groups["heading"] != self.headers[0]["heading"]
            or line.groups["chapter_label"] != self.headers[0]["chapter_label"]
        ):
            raise SourceFormatError(self.path, line.number, "running header of another subsection")
        self.headers.append(line.groups)
        if line.groups["label"]:
            self.labels.append((line.number, line.groups["label"]))

    def _label(self, line: _Line) -> None:
        self.labels.append((line.number, line.groups["label"] or ""))

    def _label_tail(self, line: _Line) -> None:
        number, label = self.labels[-1]
        self.labels[-1] = (number, label + line.text.strip())

    def _population(self, line: _Line) -> None:
        parsed = parse_population(line.value)
        if parsed is None or self.population is not None:
            raise SourceFormatError(self.path, line.number, "unreadable or second 【参考情報】")
        place, persons, as_of = parsed
        self.population = Population(
            raw=line.value, place=place, persons=persons, as_of=as_of, line=line.number
        )

    def _url_head(self, line: _Line) -> None:
        match = _URL_ENTRY.match(line.value)
        if not match:
            raise SourceFormatError(self.path, line.number, "関連ＵＲＬ without a bracketed URL")
        self._add_url(match.group("title"), match.group("url"), line.number)

    def _url(self, line: _Line) -> None:
        """``<title>（<url>）``: a further 関連ＵＲＬ entry when the block goes on.

        Elsewhere such a line is another field's link (受賞歴等's, L908), and
        bare URL lines (and the tail of one broken over two lines) are the
        page's hyperlink layer or a figure's source: placed, not 関連ＵＲＬ.
        """
        if self.in_url_block:
            self._add_url(line.groups["title"], line.groups["url"] or "", line.number)
        elif (line.groups["title"] or "").strip():
            # Only 関連ＵＲＬ entries name their page; another field's link is a bare
            # bracketed URL. Dropping a named one would lose the case's related pages.
            raise SourceFormatError(
                self.path, line.number, "a named link outside 関連ＵＲＬ: its label is missing"
            )

    def _add_url(self, title: str | None, url: str, number: int) -> None:
        if all(entry.url != url for entry in self.urls):
            self.urls.append(RelatedUrl(title=(title or "").strip() or None, url=url, line=number))

    def _department(self, line: _Line) -> None:
        groups = line.groups
        self.departments.append(
            Department(
                name=(groups["name"] or "").strip(),
                phone=(groups["phone"] or "").strip(),
                email=(groups["email"] or "").strip(),
                undisclosed=False,
                line=line.number,
            )
        )

    def _department_run(self, line: _Line) -> None:
        """``担当部署 メール電話 <email><phone><name>``: the three cells without separators."""
        email = EMAIL.match(line.value)
        phone = PHONE.match(line.value, email.end()) if email else None
        if not email or not phone:
            raise SourceFormatError(self.path, line.number, "担当部署 without e-mail and phone")
        self.departments.append(
            Department(
                name=line.value[phone.end() :].strip(),
                phone=phone.group(0),
                email=email.group(0),
                undisclosed=False,
                line=line.number,
            )
        )

    def _department_tail(self, line: _Line) -> None:
        head = self.departments.pop()
        name = (head.name or "") + line.text.strip()
        self.departments.append(head.model_copy(update={"name": name}))

    def _award(self, line: _Line) -> None:
        self.awards.append(line.value)

    def _cross_reference(self, line: _Line) -> None:
        self.cross_references.append(line.text.strip())


# -- the 事業効果・コスト page -----------------------------------------------------------

_COST_VALUE = r"(?:約\s*)?[0-9０-９][0-9０-９,，.]*\s*(?:千円|千|万円|円)|[－—-]\s*円?|[（(]\s*(?:非公表|算定不可)\s*[）)]"
_TAX = r"(?:※\s*税[抜込]額?)?"
_COST_LINE = re.compile(
    rf"^(?P<initial_label>イニシャルコスト\s*{_TAX})\s*(?P<initial>{_COST_VALUE})\s+"
    rf"(?P<running_label>ランニングコスト\s*[（(][^）)]*[）)]\s*{_TAX})\s*(?P<running>{_COST_VALUE})$"
)
_COST_DETAIL = re.compile(
    r"^[（(](?P<name>内訳|備考)[）)]\s*(?P<initial>.*?)\s*[（(](?P=name)[）)]\s*(?P<running>.*)$"
)
_DURATION = re.compile(
    r"^検討開始から導入までの期間\s*(?P<value>.*?)(?:\s+(?P<glued>サービス|その他))?$"
)
_INLINE_VALUE = re.compile(r"^(?P<label>サービス名|運用形態)\s+(?P<value>.+)$")
# Two-line labels: head line → (tail line, field).
_SPLIT_LABELS = {"サービス": ("提供事業者", "providers"), "その他": ("参画主体", "participants")}
_INLINE_FIELDS = {"サービス名": "service_names", "運用形態": "operation_mode"}
_SERVICE_FIELDS = ("providers", "service_names", "operation_mode", "participants")


class _CostPage:
    """The cells of the コスト, スケジュール and サービス提供事業者等 boxes, in dump order.

    Labels and values can be apart: ``サービス`` / ``提供事業者`` on two lines,
    the value further down, and the スケジュールの内訳 value after the provider
    block. A value goes to the most recently opened label still waiting for
    one that accepts it (the steps accept only a dash or dated lines).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cost_line: tuple[int, dict[str, str]] | None = None
        self.details: dict[str, tuple[str, str]] = {}
        self.schedule_head: int | None = None
        self.duration: tuple[int, str] | None = None
        self.steps: list[list[tuple[int, str]]] = []
        self.step_open = False
        self.values: dict[str, tuple[int, list[str]]] = {}
        self.pending: list[tuple[str, int]] = []
        self.expect_tail: tuple[str, str, int] | None = None
        self.open_value: str | None = None

    def blank(self) -> None:
        self.step_open = False
        self.open_value = None

    def feed(self, number: int, text: str) -> bool:
        """Read one line of the page; False when it is not a cell of these boxes."""
        stripped = text.strip()
        if self.expect_tail:
            return self._read_tail(number, stripped)
        readers = (self._read_costs, self._read_labels, self._read_value, self._read_steps)
        return any(reader(number, stripped) for reader in readers)

    def _read_tail(self, number: int, stripped: str) -> bool:
        tail, name, label_line = self.expect_tail or ("", "", 0)
        if stripped != tail:
            raise SourceFormatError(self.path, number, f"label part 「{tail}」 expected")
        self.expect_tail = None
        self._open_label(name, label_line)
        return True

    def _read_costs(self, number: int, stripped: str) -> bool:
        if match := _COST_LINE.match(stripped):
            self.cost_line = (number, match.groupdict())
        elif match := _COST_DETAIL.match(stripped):
            self.details[match.group("name")] = (match.group("initial"), match.group("running"))
        else:
            return False
        return True

    def _read_labels(self, number: int, stripped: str) -> bool:
        if stripped == "スケジュールの内訳":
            self.pending.append(("steps", number))
        elif match := _DURATION.match(stripped):
            self.duration = (number, match.group("value"))
            if match.group("glued"):  # 「… － サービス」: the next label's head glued on
                tail, name = _SPLIT_LABELS[match.group("glued")]
                self.expect_tail = (tail, name, number)
        elif stripped in _SPLIT_LABELS:
            tail, name = _SPLIT_LABELS[stripped]
            self.expect_tail = (tail, name, number)
        elif match := _INLINE_VALUE.match(stripped):
            self.values[_INLINE_FIELDS[match.group("label")]] = (number, [match.group("value")])
        else:
            return False
        return True

    def _read_value(self, number: int, stripped: str) -> bool:
        """The value of the latest provider/participant label, which may wrap onto more lines."""
        if self.open_value and not is_placeholder(stripped):
            self.values[self.open_value][1].append(stripped)
            return True
        if not self.pending or self.pending[-1][0] == "steps":
            return False
        name, label_line = self.pending.pop()
        self.values[name] = (label_line, [stripped])
        self.open_value = None if is_placeholder(stripped) else name
        return True

    def _read_steps(self, number: int, stripped: str) -> bool:
        """スケジュールの内訳: dated lines with their wrapped continuations, or a dash."""
        expected = any(name == "steps" for name, _ in self.pending)
        dated = parse_date_prefix(stripped) is not None and (expected or self.steps)
        if dated or (expected and is_placeholder(stripped)):
            self.pending = [(n, line) for n, line in self.pending if n != "steps"]
            self.steps.append([(number, stripped)])
            self.step_open = True
        elif self.step_open:
            self.steps[-1].append((number, stripped))
        else:
            return False
        return True

    def _open_label(self, name: str, number: int) -> None:
        self.pending.append((name, number))

    # -- result ---------------------------------------------------------------------

    def result(self) -> tuple[Cost | None, Cost | None, Schedule | None, ServiceBlock | None]:
        if self.pending:
            name, line = self.pending[0]
            raise SourceFormatError(self.path, line, f"label without a value ({name})")
        initial, running = self._costs()
        return initial, running, self._schedule(), self._services()

    def _costs(self) -> tuple[Cost | None, Cost | None]:
        if self.cost_line is None:
            if self.details:
                raise SourceFormatError(self.path, self.schedule_head or 0, "内訳 without costs")
            return None, None
        number, groups = self.cost_line
        return self._cost("initial", number, groups), self._cost("running", number, groups)

    def _cost(self, kind: CostKind, number: int, groups: dict[str, str]) -> Cost:
        column = 0 if kind == "initial" else 1
        breakdown = self.details.get("内訳", ("", ""))[column]
        remarks = self.details.get("備考", ("", ""))[column]
        try:
            status, amount, approximate = parse_cost_value(groups[kind])
        except ValueError as error:
            raise SourceFormatError(self.path, number, str(error)) from error
        return Cost(
            kind=kind,
            raw=groups[kind],
            status=status,
            amount_yen=amount,
            approximate=approximate,
            tax=tax_basis(groups[f"{kind}_label"]),
            breakdown=clean_line(breakdown) or None,
            remarks=clean_line(remarks) or None,
            line=number,
        )

    def _schedule(self) -> Schedule | None:
        if self.duration is None:
            if self.schedule_head is not None:
                raise SourceFormatError(self.path, self.schedule_head, "スケジュール without 期間")
            return None
        number, raw = self.duration
        return Schedule(
            duration_raw=raw,
            duration_months=duration_months(raw),
            milestones=[m for m in map(_milestone, self.steps) if m],
            steps_text="\n".join(clean_line(t) for step in self.steps for _, t in step) or None,
            line=number,
        )

    def _services(self) -> ServiceBlock | None:
        if not self.values:
            return None
        raw = {
            name: _unwrap(self.values[name][1]) if name in self.values else None
            for name in _SERVICE_FIELDS
        }
        return ServiceBlock(
            providers_raw=raw["providers"],
            providers=split_organisations(raw["providers"]),
            service_names_raw=raw["service_names"],
            service_names=split_service_names(raw["service_names"]),
            operation_mode_raw=raw["operation_mode"],
            operation_modes=parse_operation_modes(raw["operation_mode"]),
            participants_raw=raw["participants"],
            participants=split_organisations(raw["participants"]),
            line=min(line for line, _ in self.values.values()),
        )


def _milestone(step: list[tuple[int, str]]) -> Milestone | None:
    parsed = parse_date_prefix(step[0][1])
    if parsed is None:
        return None
    raw_date, start, end, rest = parsed
    text = "\n".join([rest, *(clean_line(t) for _, t in step[1:])]).strip()
    return Milestone(raw_date=raw_date, start=start, end=end, text=text, line=step[0][0])


_ITEM_END = re.compile(r"(?:社|法人|[）)])$")


def _unwrap(lines: list[str]) -> str:
    """A table cell's lines as items: the cell wraps inside names (計算セン / ター).

    A line ends an item (kept as a line break) only where its brackets are
    closed and it ends like a complete name (…社, …法人, or a closing
    bracket); otherwise the next line continues it without a separator.
    """
    text = lines[0]
    for line in lines[1:]:
        joint = "\n" if bracket_depth(text) == 0 and _ITEM_END.search(text) else ""
        text += joint + line
    return text


# -- interview --------------------------------------------------------------------


class _InterviewTokens:
    """The interview as a token stream: questions, answer lines, blanks and separators."""

    def __init__(self) -> None:
        self.tokens: list[tuple[str, int, str]] = []

    def question(self, number: int, text: str) -> None:
        self.tokens.append(("Q", number, text))

    def text(self, number: int, text: str) -> None:
        self.tokens.append(("T", number, text))

    def blank(self) -> None:
        if self.tokens and self.tokens[-1][0] == "T":
            self.tokens.append(("B", 0, ""))

    def separator(self) -> None:
        if self.tokens and self.tokens[-1][0] != "S":
            self.tokens.append(("S", 0, ""))


Paragraph = list[tuple[int, str]]
NoteAnomaly = Callable[[str, int, str], None]


@dataclass
class _Question:
    number: int
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class _Run:
    """Answer text between two other tokens, cut into paragraphs."""

    paragraphs: list[Paragraph]
    after: _Question | None  # the question directly before it, if any
    used: bool = False


def _elements(tokens: list[tuple[str, int, str]]) -> list[_Question | _Run | None]:
    """Questions, runs of answer text and (None) separators, in text order.

    A paragraph ends at a blank line after a finished sentence; blank lines
    inside a sentence are layout artefacts of the dump.
    """
    elements: list[_Question | _Run | None] = []
    for kind, number, text in tokens:
        last = elements[-1] if elements else None
        if kind == "Q":
            elements.append(_Question(number, text))
        elif kind == "S":
            elements.append(None)
        elif kind == "B" and isinstance(last, _Run):
            if last.paragraphs[-1] and last.paragraphs[-1][-1][1].endswith(_SENTENCE_END):
                last.paragraphs.append([])
        elif kind == "T":
            if not isinstance(last, _Run):
                last = _Run([[]], last if isinstance(last, _Question) else None)
                elements.append(last)
            last.paragraphs[-1].append((number, clean_line(text)))
    for element in elements:
        if isinstance(element, _Run):
            element.paragraphs = [p for p in element.paragraphs if p]
    return elements


def _pair_interview(
    path: Path, tokens: list[tuple[str, int, str]], anomaly: NoteAnomaly
) -> list[InterviewAnswer]:
    """Pair questions with answers, whose order the dump does not keep.

    1. Text directly after a question answers it.
    2. Text after a separator (speaker, field line, page end) with no
       question before it answers the next question that has no text of
       its own: the dump printed the answer first (舟形, あわら).
    3. A question still without an answer takes, if questions are stacked
       (Q, Q, text), one paragraph per later question from the end of the
       shared text, the first question keeping the rest (上里, 都城); or, if
       it directly follows an answer of several paragraphs, that answer's
       last paragraph (あわら 今後の展望).
    4. A paragraph that opens with a sub-heading (＜…＞, 【…】) belongs to an
       earlier answer built of such sub-headings when its own answer has
       none before it; left-over text goes to the last question before it.
       (福島's ＜市町村DX推進トップセミナー＞ cost, 大分's 【継続した取組】,
       酒田's assessment table after the contacts.)
    """
    elements = _elements(tokens)
    questions = [e for e in elements if isinstance(e, _Question)]
    for element in elements:
        if isinstance(element, _Run) and element.after is not None:
            element.after.paragraphs, element.used = list(element.paragraphs), True
    _answers_printed_first(elements, anomaly)
    _unanswered(elements, anomaly)
    _displaced_paragraphs(path, elements, anomaly)
    return [_answer(question) for question in questions]


def _next_question(elements: list, index: int) -> _Question | None:
    """The next element after ``index`` skipping separators, if it is a question."""
    for element in elements[index + 1 :]:
        if element is not None:
            return element if isinstance(element, _Question) else None
    return None


def _answers_printed_first(elements: list, anomaly: NoteAnomaly) -> None:
    for index, element in enumerate(elements):
        if not isinstance(element, _Run) or element.used:
            continue
        question = _next_question(elements, index)
        if question is not None and not question.paragraphs:
            question.paragraphs, element.used = list(element.paragraphs), True
            anomaly("answer-before-question", question.number, "answer printed before its question")


def _unanswered(elements: list, anomaly: NoteAnomaly) -> None:
    for index, element in enumerate(elements):
        if not isinstance(element, _Question) or element.paragraphs:
            continue
        answered = _share_stacked(elements, index, anomaly)
        if not (answered or _split_previous(elements, index, anomaly)):
            anomaly("unanswered-question", element.number, "no answer text found")


def _share_stacked(elements: list, index: int, anomaly: NoteAnomaly) -> bool:
    """Q, Q, text: later questions take one paragraph each from the end of the text."""
    stack = [elements[index]]
    for following in elements[index + 1 :]:
        if not isinstance(following, _Question):
            break
        stack.append(following)
    shared = stack[-1].paragraphs
    if len(stack) < 2 or len(shared) < len(stack):
        return False
    keep = len(shared) - (len(stack) - 1)
    stack[0].paragraphs = shared[:keep]
    for offset, question in enumerate(stack[1:]):
        question.paragraphs = [shared[keep + offset]]
    anomaly("stacked-questions", stack[0].number, "questions printed before their answers")
    return True


def _split_previous(elements: list, index: int, anomaly: NoteAnomaly) -> bool:
    """Q, text, Q: the second question takes the last paragraph of the first's answer."""
    previous = elements[index - 1] if index else None
    if not (isinstance(previous, _Run) and previous.after and len(previous.after.paragraphs) > 1):
        return False
    elements[index].paragraphs = [previous.after.paragraphs.pop()]
    anomaly("answer-split", elements[index].number, "answer printed as the end of the one before")
    return True


def _sub_heading(paragraph: Paragraph) -> str | None:
    """The bracket (＜ or 【) of a paragraph that opens with a sub-heading line."""
    return paragraph[0][1][0] if _SUB_HEADING.match(paragraph[0][1]) else None


def _has_sub_heading(paragraphs: list[Paragraph], bracket: str | None) -> bool:
    lines = [text for paragraph in paragraphs for _, text in paragraph]
    return bracket is not None and any(_SUB_HEADING.match(t) and t[0] == bracket for t in lines)


def _sub_headed_answer(questions: list[_Question], bracket: str | None) -> _Question | None:
    """The latest of these questions whose answer has a sub-heading line in that bracket."""
    return next((q for q in reversed(questions) if _has_sub_heading(q.paragraphs, bracket)), None)


def _displaced_paragraphs(path: Path, elements: list, anomaly: NoteAnomaly) -> None:
    questions = [e for e in elements if isinstance(e, _Question)]
    for index, question in enumerate(questions):
        for position, paragraph in reversed(list(enumerate(question.paragraphs))):
            bracket = _sub_heading(paragraph)
            if position == 0 or _has_sub_heading(question.paragraphs[:position], bracket):
                continue  # the answer's own sub-headed list
            if target := _sub_headed_answer(questions[:index], bracket):
                question.paragraphs.remove(paragraph)
                _append(target, paragraph, anomaly)
    for index, element in enumerate(elements):
        if isinstance(element, _Run) and not element.used:
            earlier = [e for e in elements[:index] if isinstance(e, _Question)]
            if not earlier:
                line = element.paragraphs[0][0][0]
                raise SourceFormatError(path, line, "interview text that no question takes")
            for paragraph in element.paragraphs:
                target = _sub_headed_answer(earlier, _sub_heading(paragraph)) or earlier[-1]
                _append(target, paragraph, anomaly)


def _append(question: _Question, paragraph: Paragraph, anomaly: NoteAnomaly) -> None:
    question.paragraphs.append(paragraph)
    anomaly(
        "displaced-answer-text",
        paragraph[0][0],
        f"text printed away from its question (line {question.number}); joined to its answer",
    )


def _answer(question: _Question) -> InterviewAnswer:
    lines = sorted(line for paragraph in question.paragraphs for line in paragraph)
    numbers = [question.number, *(number for number, _ in lines)]
    return InterviewAnswer(
        question=question.text,
        answer="\n".join(text for _, text in lines if text),
        first_line=min(numbers),
        last_line=max(numbers),
    )


# == 000: running titles of chapters 2 and 3 ==========================================

_RUNNING_TITLE = re.compile(
    rf"^(?P<gap> ?)\t\u3000(?P<number>[{_DIGITS}]{{1,2}})[\u3000 ]+"
    r"(?P<title>\S.*?) ?【(?P<org>[^】]+)】 ?$"
)


@dataclass
class _TitleRun:
    chapter: tuple[int, str]
    number: int
    lines: list[tuple[int, str, re.Match]]


def extract_v4_titles(path: Path, document: SourceDocument) -> CaseCollectionExtract:
    """The cases of a running-title file laid out as 000 is (64 cases of 第4.0版): one
    running-title line per page, nothing else, as the edition the manifest entry names."""
    lines = read_source_lines(path)
    while lines and not lines[-1].strip():  # the file ends in a line holding one space
        lines.pop()
    anomalies: list[Anomaly] = []
    runs: list[_TitleRun] = []
    for number, text in enumerate(lines, start=1):
        match = _RUNNING_TITLE.match(text)
        if not match:
            raise SourceFormatError(path, number, f"not a running-title line: {text[:40]!r}")
        if match.group("gap"):
            anomalies.append(_gap_anomaly(path, number))
        _add_title_line(path, runs, number, text, match)
    _check_count(path, len(runs), document, len(lines))
    cases = [_title_case(path, run, document.edition_number) for run in runs]
    return CaseCollectionExtract(
        document=path.name, edition=document.edition_number, cases=cases, anomalies=anomalies
    )


def _gap_anomaly(path: Path, number: int) -> Anomaly:
    return Anomaly(
        kind="pages-missing-before",
        document=path.name,
        line=number,
        detail="line starts with a space before the TAB: the pages before it are not in the file",
    )


def _add_title_line(
    path: Path, runs: list[_TitleRun], number: int, text: str, match: re.Match
) -> None:
    """Extend the current case, open the next, or move on to the next chapter."""
    case_number = int(nfkc(match.group("number")))
    current = runs[-1] if runs else None
    chapter_index = TITLE_CHAPTERS.index(current.chapter) if current else 0
    if current and case_number == current.number:
        if match.group("org") != current.lines[0][2].group("org"):
            raise SourceFormatError(path, number, "same case number with another 団体")
        current.lines.append((number, text, match))
        return
    if current and case_number < current.number:  # numbering restarts: the next chapter
        chapter_index += 1
        if chapter_index >= len(TITLE_CHAPTERS):
            raise SourceFormatError(path, number, "numbering restarts once too often")
    runs.append(_TitleRun(TITLE_CHAPTERS[chapter_index], case_number, [(number, text, match)]))


def _title_case(path: Path, run: _TitleRun, edition: str | None) -> Case:
    first_line, _, first = run.lines[0]
    organisation = first.group("org")
    prefecture, municipality = _organisation(path, first_line, organisation)
    chapter, label = run.chapter
    return Case(
        document=path.name,
        edition=edition,
        coverage="titles-only",
        chapter=chapter,
        chapter_label=label,
        number=run.number,
        title=first.group("title"),
        title_variants=_variants([m.group("title") for _, _, m in run.lines]),
        toc_title=None,
        category_path=[label],
        organisation_text=organisation,
        prefecture=prefecture,
        municipality=municipality,
        population_class=None,
        population_label_raw=None,
        page_count=len(run.lines),
        source=SourceSpan(
            document=path.name,
            first_line=first_line,
            last_line=run.lines[-1][0],
            text="\n".join(text for _, text, _ in run.lines),
        ),
        gap_before=bool(first.group("gap")),
    )
