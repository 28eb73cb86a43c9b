"""Extract the 82 cases of 自治体DX推進参考事例集【第2.0版】 (001), or of any edition laid out
as it is (the extractor profile ``cases-v2``).

The document is three chapters, each a cover, a table of contents, a 構成
section (which copies a case page with altered values) and the cases. A case
is a run of pages, each opening with the case's title line; its fields are
found by their headings, with the layouts listed in the structure note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from dxkg.pipeline.extract.cases.costs import parse_cost_block
from dxkg.pipeline.extract.cases.fields import (
    clean_line,
    nfkc,
    parse_population,
    split_organisation,
)
from dxkg.pipeline.extract.cases.labelled import (
    parse_department_block,
    parse_inline_departments,
    parse_service_block,
)
from dxkg.pipeline.extract.cases.plausible import check_case_dates
from dxkg.pipeline.extract.cases.schedule import parse_schedule_block
from dxkg.pipeline.extract.cases.toc import TocEntry, parse_toc
from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import (
    Case,
    CaseCollectionExtract,
    InterviewAnswer,
    Population,
    RelatedUrl,
)
from dxkg.pipeline.extract.sourcetext import SourceFormatError, read_source_lines
from dxkg.pipeline.records import SourceSpan

_COVER = re.compile(r"【(?P<number>\d)\.\s*(?P<label>[^】]+)】\s*$")
_TITLE = re.compile(r"^(?P<number>\d{1,2}) (?P<title>.+)【(?P<org>[^】]+)】$")
_COLLECTION_TITLE = re.compile(r"^自治体DX推進参考事例集【第[\d.]+版】")
_TOC_HEADING = re.compile(r"^\d\.\s*.+参考事例集\s*目次$")
_STRUCTURE_HEADING = re.compile(r"^\d\.\s*.+参考事例集の構成$")
_SPEAKER = re.compile(r"^[（(][^（()）]{1,20}[）)]$")
_QUESTION_END = ("ください。", "下さい。", "か。", "？", "?")

#: The sections of a cost page, with their headings (§4.0 of the note).
_COST_PAGE_SECTIONS = {
    "cost": "コスト",
    "schedule": "スケジュール",
    "services": "サービス提供事業者等",
}

# Headings that open a section of a case page, by their match key.
_HEADINGS = {
    "事業の概要": "overview",
    "事業効果": "effects",
    "コスト": "cost",
    "スケジュール": "schedule",
    "サービス提供事業者等": "services",
    "参考資料": "appendix",
}

# Lines only one field prints, by their heading key, with the sections that may hold
# them and the heading or label that opens that field. Found anywhere else, they mean
# that heading is missing from the page (a changed layout): reading on would file the
# field's values under the wrong heading, or drop them, without a word.
_FIELD_SIGNATURES: tuple[tuple[re.Pattern, frozenset[str], str], ...] = (
    (re.compile(r"^イニシャルコスト"), frozenset({"cost"}), "コスト"),
    (
        re.compile(r"^(?:検討開始から導入までの期間|スケジュールの内訳)"),
        frozenset({"schedule"}),
        "スケジュール",
    ),
    (
        re.compile(r"^(?:サービス提供事業者(?!等)|サービス名|運用形態|その他参画主体)"),
        frozenset({"services"}),
        "サービス提供事業者等",
    ),
    (
        re.compile(r"\(電話:.*メール:"),
        frozenset({"department", "inline-department"}),
        "【担当部署】",
    ),
    (re.compile(r"人口:[\d.,]+万?人\(.*現在\)"), frozenset({"population"}), "【参考情報】"),
)


def key(line: str) -> str:
    """A heading key: bullets and emphasis removed, NFKC, no spaces."""
    return re.sub(r"\s+", "", nfkc(clean_line(line)))


@dataclass(frozen=True)
class Chapter:
    """One chapter: its number, label and the line ranges of its TOC and its cases."""

    number: int
    label: str
    toc: tuple[int, int]
    body: tuple[int, int]


@dataclass
class CaseLines:
    """The lines of one case, split into the sections its headings open."""

    sections: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, section: str, number: int, line: str) -> None:
        self.sections.setdefault(section, []).append((number, line))

    def get(self, section: str) -> list[tuple[int, str]]:
        return self.sections.get(section, [])


def find_chapters(path: Path, lines: list[str]) -> list[Chapter]:
    """Locate each chapter's cover, TOC and 構成 section from their headings."""
    covers = [
        (number, match)
        for number, line in enumerate(lines, 1)
        if (match := _COVER.search(line.strip())) and "第" not in match.group("label")
    ]
    tocs = [n for n, line in enumerate(lines, 1) if _TOC_HEADING.match(line.strip())]
    structures = [n for n, line in enumerate(lines, 1) if _STRUCTURE_HEADING.match(line.strip())]
    if not (len(covers) == len(structures) == 3) or len(tocs) < 3:
        raise SourceFormatError(
            path, 1, "expected three chapters, each with a cover, 目次 and 構成"
        )
    chapters = []
    for index, (cover_line, match) in enumerate(covers):
        end = (
            _cover_start(lines, covers[index + 1][0]) - 1 if index + 1 < len(covers) else len(lines)
        )
        structure = structures[index]
        chapters.append(
            Chapter(
                number=int(match.group("number")),
                label=match.group("label").strip(),
                toc=(min(n for n in tocs if n > cover_line), structure - 1),
                body=(structure, end),
            )
        )
    return chapters


def _cover_start(lines: list[str], cover_line: int) -> int:
    """The first line of a chapter cover: the collection title a line or two above its 【N. …】."""
    for number in range(cover_line, max(cover_line - 4, 1), -1):
        if _COLLECTION_TITLE.match(lines[number - 1].strip()):
            return number
    return cover_line


def case_starts(path: Path, lines: list[str], chapter: Chapter) -> list[tuple[int, re.Match]]:
    """The first title line of each case in a chapter, in order.

    Title lines before the one of case 1 belong to the 構成 section's sample
    copy of a case and are skipped. From case 1 on, every title line must
    repeat the current case's number or open the next one.
    """
    titles = [
        (n, match)
        for n in range(chapter.body[0], chapter.body[1] + 1)
        if (match := _TITLE.match(lines[n - 1].rstrip()))
    ]
    first = next((i for i, (_, m) in enumerate(titles) if m.group("number") == "1"), None)
    if first is None:
        raise SourceFormatError(path, chapter.body[0], f"chapter {chapter.number} has no case 1")
    starts: list[tuple[int, re.Match]] = []
    for number, match in titles[first:]:
        case_number = int(match.group("number"))
        current = int(starts[-1][1].group("number")) if starts else 0
        if case_number == current + 1:
            starts.append((number, match))
        elif case_number != current:
            raise SourceFormatError(path, number, f"case {case_number} follows case {current}")
    return starts


def extract_case_collection_v2(path: Path, document: SourceDocument) -> CaseCollectionExtract:
    """Every case of the document at ``path``, laid out as the 第2.0版 is, as the edition its
    manifest entry ``document`` names; raises SourceFormatError on surprises, and when a
    chapter has another number of cases than the entry's ``cases`` states."""
    lines = read_source_lines(path)
    cases: list[Case] = []
    for chapter in find_chapters(path, lines):
        toc = {e.number: e for e in parse_toc(path, lines, *chapter.toc, chapter.label)}
        starts = case_starts(path, lines, chapter)
        for index, (first, match) in enumerate(starts):
            next_start = starts[index + 1][0] if index + 1 < len(starts) else chapter.body[1] + 1
            last = _last_non_blank(lines, first, next_start - 1)
            entry = toc.get(int(match.group("number")))
            if entry is None or entry.organisation != match.group("org"):
                raise SourceFormatError(path, first, "case not in the table of contents")
            cases.append(CaseParser(path, lines, chapter, entry, first, last).parse(document))
        found = sum(1 for case in cases if case.chapter == chapter.number)
        expected = (document.cases or {}).get(chapter.number, 0)
        if found != expected:
            raise SourceFormatError(
                path,
                chapter.body[0],
                f"chapter {chapter.number}: {found} cases found where {expected} were expected "
                "(the manifest's cases)",
            )
    check_case_dates(path, cases, document)
    return CaseCollectionExtract(
        document=path.name, edition=document.edition_number, cases=cases, anomalies=[]
    )


def _last_non_blank(lines: list[str], first: int, last: int) -> int:
    while last > first and not lines[last - 1].strip():
        last -= 1
    return last


class CaseParser:
    """Reads the fields of one case from its lines."""

    def __init__(
        self, path: Path, lines: list[str], chapter: Chapter, entry: TocEntry, first: int, last: int
    ) -> None:
        self.path = path
        self.lines = lines
        self.chapter = chapter
        self.entry = entry
        self.first = first
        self.last = last

    def numbered(self) -> Iterator[tuple[int, str]]:
        for number in range(self.first, self.last + 1):
            yield number, self.lines[number - 1]

    def parse(self, document: SourceDocument) -> Case:
        """The case, as one of the edition the manifest entry ``document`` names."""
        titles = [(n, _TITLE.match(line.rstrip())) for n, line in self.numbered()]
        title_lines = [(n, m) for n, m in titles if m and m.group("org") == self.entry.organisation]
        title_numbers = {n for n, _ in title_lines}
        page_titles = list(dict.fromkeys(m.group("title") for _, m in title_lines))
        try:
            prefecture, municipality = split_organisation(self.entry.organisation)
        except ValueError as error:
            raise SourceFormatError(self.path, self.first, str(error)) from error
        sections = self.sections(title_numbers)
        if unplaced := sections.get("unplaced"):
            raise SourceFormatError(
                self.path, unplaced[0][0], "text after the closing fields of a case"
            )
        self.check_layout(sections)
        self.check_expected_sections(sections)
        point, unlabelled_effects = self.point_and_unlabelled_effects(sections.get("lead"))
        costs = parse_cost_block(self.path, sections.get("cost"))
        return Case(
            document=self.path.name,
            edition=document.edition_number,
            coverage="full",
            chapter=self.chapter.number,
            chapter_label=self.chapter.label,
            number=self.entry.number,
            title=page_titles[0],
            title_variants=page_titles[1:],
            toc_title=None if self.entry.title == page_titles[0] else self.entry.title,
            category_path=list(self.entry.category_path),
            organisation_text=self.entry.organisation,
            prefecture=prefecture,
            municipality=municipality,
            population_class=self.entry.population_class,
            population_label_raw=self.entry.population_label,
            page_count=len(title_lines),
            source=SourceSpan(
                document=self.path.name,
                first_line=self.first,
                last_line=self.last,
                text="\n".join(line.rstrip() for _, line in self.numbered()),
            ),
            point=point,
            overview=_text(sections.get("overview")),
            effects=_join(unlabelled_effects, _text(sections.get("effects"))),
            interview=self.interview(sections.get("interview")),
            initial_cost=costs[0] if costs else None,
            running_cost=costs[1] if costs else None,
            schedule=parse_schedule_block(self.path, sections.get("schedule")),
            services=parse_service_block(self.path, sections.get("services")),
            departments=[
                *parse_department_block(self.path, sections.get("department")),
                *parse_inline_departments(self.path, sections.get("inline-department")),
            ],
            population=self.population(sections.get("population")),
            urls=self.urls(sections.get("urls")),
            awards=_awards(sections.get("awards")),
            cross_reference=_text(sections.get("cross-reference")),
        )

    def sections(self, title_numbers: set[int]) -> CaseLines:
        """Assign every line of the case to a section by the headings above it.

        Interview pages are recognised by their speaker marker 「(総務省)」; a
        question can precede the marker (2-7), so the interview starts at the
        title line of the first page that has one.
        """
        sections = CaseLines()
        interview_start = self._interview_start(title_numbers)
        section = "lead"
        closed = False  # 【担当部署】, the last field of a case, has been read
        for number, line in self.numbered():
            if number in title_numbers and closed:
                # a page after the closing fields is a 参考資料 page without its heading (2-21)
                section = "appendix"
            if number in title_numbers or not line.strip() or section == "appendix":
                continue
            heading = key(line)
            if heading == "参考資料":
                section = "appendix"
            elif trailer := _trailer_section(heading):
                sections.add(trailer, number, line)
                closed = closed or trailer == "inline-department"
                # 関連URL and 受賞歴等 continue on lines of further URLs
                section = trailer if trailer in ("urls", "awards") else "after-trailer"
            elif heading in _HEADINGS:
                section = _HEADINGS[heading]
            elif section in ("urls", "awards"):
                # further related pages or awards, each with its title and URL
                sections.add(section, number, line)
            elif section == "after-trailer":
                placed = "inline-department" if _is_department_continuation(line) else "unplaced"
                sections.add(placed, number, line)
            elif interview_start is not None and number >= interview_start:
                sections.add("interview", number, line)
            else:
                if heading.startswith("担当部署"):
                    section = "department"
                sections.add(section, number, line)
        return sections

    def check_layout(self, sections: CaseLines) -> None:
        """Stop on a field whose heading is missing, rather than misfile its values."""
        for section, lines in sections.sections.items():
            for number, line in lines:
                heading = _misplaced_field(section, key(line))
                if heading is not None:
                    raise SourceFormatError(
                        self.path,
                        number,
                        f"「{' '.join(line.split())[:30]}」 belongs to {heading} but stands in the "
                        f"{section} section: a heading or label is missing (changed layout)",
                    )
        lead = sections.get("lead")
        if lead and not sections.get("overview"):
            # The Point and 事業の概要 share the 事業概要 page; without the heading the
            # overview would be read as the Point's effects.
            raise SourceFormatError(
                self.path, lead[0][0], "a Point without a 事業の概要 heading after it"
            )

    def check_expected_sections(self, sections: CaseLines) -> None:
        """Stop on a case that lost part of its pages (§4.0 of the note)."""
        self._check_cost_page(sections)
        self._check_department(sections)

    def _check_cost_page(self, sections: CaseLines) -> None:
        """A cost page prints コスト, スケジュール and サービス提供事業者等 together
        (60 cases have all three, the 22 without a cost page none)."""
        present = [name for name in _COST_PAGE_SECTIONS if sections.get(name)]
        if present and len(present) < len(_COST_PAGE_SECTIONS):
            missing = "、".join(h for n, h in _COST_PAGE_SECTIONS.items() if n not in present)
            raise SourceFormatError(
                self.path,
                sections.get(present[0])[0][0],
                f"case {self.case_id} has a cost page without {missing} "
                "(a page or heading is missing)",
            )

    def _check_department(self, sections: CaseLines) -> None:
        """Every case names its 担当部署, on its cost page or as 【担当部署】, but one that
        refers to another case for it (1-11); without one, its cost page is missing."""
        names = ("department", "inline-department", "cross-reference")
        if not any(sections.get(name) for name in names):
            raise SourceFormatError(
                self.path,
                self.first,
                f"case {self.case_id} has no 担当部署, neither on a cost page nor as 【担当部署】 "
                "(a page is missing?)",
            )

    @property
    def case_id(self) -> str:
        """``1-4 【福島県】``: the case's number in its chapter and its organisation."""
        return f"{self.chapter.number}-{self.entry.number} 【{self.entry.organisation}】"

    def _interview_start(self, title_numbers: set[int]) -> int | None:
        page_start = self.first
        for number, line in self.numbered():
            if number in title_numbers:
                page_start = number
            elif key(line) in ("(総務省)",):
                return page_start
        return None

    def point_and_unlabelled_effects(
        self, lead: list[tuple[int, str]]
    ) -> tuple[list[str], str | None]:
        """The Point, and effect bullets printed under it without a 事業効果 heading.

        A ➤ line is the Point; without one, the first group of bullets is
        (groups are separated by two or more blank lines). What follows the
        Point before the first heading is effects (§4.2 of the note).
        """
        if not lead:
            return [], None
        arrows = [clean_line(line) for _, line in lead if line.lstrip().startswith("➤")]
        if arrows:
            rest = [(n, line) for n, line in lead if not line.lstrip().startswith("➤")]
            return arrows, _text(rest)
        groups: list[list[tuple[int, str]]] = [[lead[0]]]
        for previous, current in pairwise(lead):
            if current[0] - previous[0] > 2:
                groups.append([])
            groups[-1].append(current)
        point = [clean_line(line) for _, line in groups[0]]
        return point, _text([item for group in groups[1:] for item in group])

    def interview(self, lines: list[tuple[int, str]]) -> list[InterviewAnswer]:
        """Question headings with the answer lines that follow each."""
        answers: list[InterviewAnswer] = []
        question: tuple[int, str] | None = None
        body: list[tuple[int, str]] = []

        def flush() -> None:
            if question is not None:
                last = body[-1][0] if body else question[0]
                answers.append(
                    InterviewAnswer(
                        question=question[1],
                        answer=_text(body) or "",
                        first_line=question[0],
                        last_line=last,
                    )
                )

        preface: list[str] = []
        for number, line in lines:
            text = clean_line(line)
            if _SPEAKER.match(text) or text.startswith("☆担当"):
                continue
            if _is_question(line) and question is not None and not body:
                # a question printed over two lines (3-1)
                question = (question[0], f"{question[1]}\n{text}")
            elif _is_question(line):
                flush()
                question, body = (number, "\n".join([*preface, text])), []
                preface = []
            elif question is None:
                preface.append(text)  # a note that introduces the first question (3-28)
            else:
                body.append((number, re.sub(r"\s*☆担当：.*?☆\s*$", "", line)))
        flush()
        return answers

    def population(self, lines: list[tuple[int, str]]) -> Population | None:
        if not lines:
            return None
        number, line = lines[0]
        parsed = parse_population(line)
        if parsed is None:
            raise SourceFormatError(self.path, number, "unreadable 【参考情報】 population")
        place, persons, as_of = parsed
        raw = re.sub(r"^【参考情報】\s*", "", line.strip())
        return Population(raw=raw, place=place, persons=persons, as_of=as_of, line=number)

    def urls(self, lines: list[tuple[int, str]]) -> list[RelatedUrl]:
        """関連URL entries: a title with its URL in brackets, or a bare URL line."""
        urls: list[RelatedUrl] = []
        pending_title: str | None = None
        for number, line in lines:
            text = re.sub(r"^関連URL\s*[：:]\s*", "", line.strip())
            # a URL in <…> may contain spaces as printed (2-12); a bare one ends at a space
            found = list(re.finditer(r"<(https?://[^<>]+)>|(https?://[^\s<>（）()]+)", text))
            if not found:
                pending_title = text.strip() or pending_title
                continue
            start = 0
            for match in found:
                title = text[start : match.start()].strip().rstrip("（(").strip() or pending_title
                url = match.group(1) or match.group(2)
                urls.append(RelatedUrl(title=title or None, url=url, line=number))
                pending_title = None
                start = match.end()
                start += len(re.match(r"[>）)\s]*", text[start:]).group(0))
        return urls


def _trailer_section(heading: str) -> str | None:
    """The one-line fields at the end of a case, recognised wherever they are."""
    if heading.startswith("【参考情報】"):
        return "population"
    if heading.startswith("関連URL"):
        return "urls"
    if heading.startswith("受賞歴等"):
        return "awards"
    if heading.startswith("【担当部署】"):
        return "inline-department"
    if heading.startswith("※") and "掲載しています" in heading:
        return "cross-reference"
    return None


def _misplaced_field(section: str, heading: str) -> str | None:
    """The heading of the field a line belongs to, if that field is not ``section``."""
    for pattern, sections, field_heading in _FIELD_SIGNATURES:
        if pattern.search(heading) and section not in sections:
            return field_heading
    return None


def _awards(lines: list[tuple[int, str]]) -> list[str]:
    """受賞歴等 and the awards listed under it; a line that is only a URL belongs to the award above."""
    awards: list[str] = []
    for _, line in lines:
        text = re.sub(r"^受賞歴等\s*[：:]\s*", "", clean_line(line))
        if awards and re.fullmatch(r"[（(]?<?https?://\S+>?[）)]?", text):
            awards[-1] = f"{awards[-1]}\n{text}"
        elif text:
            awards.append(text)
    return awards


def _is_department_continuation(line: str) -> bool:
    """A second department printed under 【担当部署】 without the label (2-15, 2-20)."""
    return bool(re.search(r"[（(]電話[：:]", line))


def _is_question(line: str) -> bool:
    """An interview question: a short line ending as a question, often in bold."""
    text = clean_line(line)
    if len(text) > 60 or re.match(r"^[QA]\s*\d*\s*[.．:：]", text):
        return False
    return text.endswith(_QUESTION_END)


def _text(lines: list[tuple[int, str]] | None) -> str | None:
    """Lines as one text: bullets and emphasis removed, one line per source line."""
    if not lines:
        return None
    cleaned = [clean_line(line) for _, line in lines]
    return "\n".join(line for line in cleaned if line) or None


def _join(*texts: str | None) -> str | None:
    present = [text for text in texts if text]
    return "\n".join(present) if present else None
