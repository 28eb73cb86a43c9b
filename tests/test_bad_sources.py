"""Bad sources stop the build with the file and line, and leave the previous release as it was.

Each test re-vendors one document of a private copy of the corpus: it changes the text
and records the new SHA-256 in the copy's manifest, as a maintainer taking a new version
of the document would. (A changed document with its old checksum never reaches an
extractor: the corpus check refuses it by name, see test_corpus.py.) The build must then
fail in the extractor with a SourceFormatError naming the document and a line of it,
and ``dist/`` must still hold the previous release, byte for byte.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.extract.cases.v2 import extract_case_collection_v2
from dxkg.pipeline.extract.cases.v4 import extract_v4_chapter1
from dxkg.pipeline.extract.corpus import MANIFEST_NAME, CorpusError, load_manifest, sha256_of
from dxkg.pipeline.extract.records import Case
from dxkg.pipeline.extract.sourcetext import SourceFormatError
from dxkg.pipeline.pipeline import run_build
from test_build import release_files

pytestmark = pytest.mark.e2e

TITLES = "000_f71cf45c154df823.txt"
CASES_V2 = "001_b7b77d4349d817ea.txt"
CASES_V4 = "002_c9aae381e02ff410.txt"
SURVEY = "003_e1df6aa27dfcbdad.txt"
GUIDE = "004_c2a073d2dcf91690.txt"
DOCUMENTS = [TITLES, CASES_V2, CASES_V4, SURVEY, GUIDE]
SOURCES = PROJECT_ROOT / "sources"
SOURCE_LINE = URIRef("https://dxkg.example.org/ontology#sourceLine")


# -- helpers ----------------------------------------------------------------------------


def revendor(paths: Paths, document: str, data: bytes) -> None:
    """Replace ``document`` in the copy's sources/ by ``data`` and record its new SHA-256
    in the copy's manifest, so the corpus check lets it through to the extractor."""
    path = paths.sources / document
    path.write_bytes(data)
    manifest = paths.sources / MANIFEST_NAME
    text = manifest.read_text("utf-8")
    table = re.escape(f'[documents."{document}"]')
    updated, count = re.subn(
        rf'({table}\n(?:(?!\[).*\n)*?sha256 = ")[0-9a-f]{{64}}(")',
        rf"\g<1>{sha256_of(path)}\g<2>",
        text,
    )
    assert count == 1, f"no sha256 for {document} in the manifest"
    manifest.write_text(updated, "utf-8")
    assert load_manifest(paths.sources)[document].sha256 == sha256_of(path)


def edit_lines(paths: Paths, document: str, edit: Callable[[list[str]], list[str]]) -> None:
    """Re-vendor ``document`` with its lines (split on LF, endings kept as they are)
    passed through ``edit``."""
    lines = (paths.sources / document).read_text("utf-8").split("\n")
    revendor(paths, document, "\n".join(edit(lines)).encode("utf-8"))


def edit_line(paths: Paths, document: str, line: int, change: Callable[[str], str]) -> None:
    """Re-vendor ``document`` with line ``line`` passed through ``change``."""
    edit_lines(paths, document, lambda lines: edited(lines, {line}, change))


def edited(lines: list[str], numbers: set[int] | range, change: Callable[[str], str]) -> list[str]:
    """``lines`` with those numbered ``numbers`` (from 1) passed through ``change``."""
    return [change(text) if n in numbers else text for n, text in enumerate(lines, 1)]


def source_lines(paths: Paths, document: str) -> list[str]:
    return (paths.sources / document).read_text("utf-8").split("\n")


def assert_refused(previous: Paths, before: dict[str, bytes], document: str) -> SourceFormatError:
    """Build, expect a SourceFormatError naming ``document`` and a line of it, and check
    that the previous release is untouched; return the error for further checks."""
    with pytest.raises(SourceFormatError) as caught:
        run_build(previous, echo=lambda _: None)
    error = caught.value
    assert error.path == previous.sources / document
    assert str(error).startswith(f"{previous.sources / document}:{error.line}: ")
    lines = (previous.sources / document).read_bytes().count(b"\n") + 1
    assert 1 <= error.line <= lines, f"line {error.line} of a {lines}-line document"
    assert_previous_release(previous, before)
    return error


def assert_previous_release(previous: Paths, before: dict[str, bytes]) -> None:
    assert release_files(previous.dist) == before
    assert not [p for p in previous.dist.parent.iterdir() if "staging" in p.name]


def first_case(document: str, paths: Paths, chapter: int = 1) -> Case:
    """The first case of ``chapter`` as the extractor reads the unmodified document."""
    extract = {CASES_V2: extract_case_collection_v2, CASES_V4: extract_v4_chapter1}[document]
    cases = extract(paths.sources / document, load_manifest(paths.sources)[document]).cases
    return next(c for c in cases if c.chapter == chapter)


def heading_before(lines: list[str], line: int, heading: str) -> int:
    """The number of the nearest line above ``line`` that is exactly ``heading``."""
    return next(n for n in range(line - 1, 0, -1) if lines[n - 1].strip() == heading)


def blank(numbers: set[int]) -> Callable[[list[str]], list[str]]:
    """An edit emptying the given lines; the other lines keep their numbers."""
    return lambda lines: ["" if n in numbers else text for n, text in enumerate(lines, 1)]


def guide_citations(paths: Paths) -> list[int]:
    """The lines of 004 that the concepts of ``dx-guide.ttl`` cite (some cite 003)."""
    scheme = Graph().parse(paths.ontology / "schemes" / "dx-guide.ttl")
    return [
        int(line)
        for concept, line in scheme.subject_objects(SOURCE_LINE)
        if str(scheme.value(concept, DCTERMS.source)).endswith(GUIDE.removesuffix(".txt"))
    ]


@pytest.fixture()
def previous(release, corpus_copy: Paths) -> tuple[Paths, dict[str, bytes]]:
    """The corpus copy with the real release as its current dist/, and that release's files."""
    paths, _ = release
    shutil.copytree(paths.dist, corpus_copy.dist)
    return corpus_copy, release_files(corpus_copy.dist)


# -- truncated documents -----------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_document_cut_at_a_line_end_is_refused(previous, document):
    """A copy that stopped at 60 % of the document: every extractor notices, and so does
    the check of the lines the hand-read schemes cite (004 has no extractor)."""
    paths, before = previous
    kept = int(len(source_lines(paths, document)) * 0.6)
    edit_lines(paths, document, lambda lines: lines[:kept])
    error = assert_refused(paths, before, document)
    assert error.line <= kept


def test_a_survey_cut_after_its_last_but_one_row_is_refused(previous):
    """Before: the table of organisations lost its last row without a word (71 of 72)."""
    paths, before = previous
    lines = source_lines(paths, SURVEY)
    last_row = max(n for n, text in enumerate(lines, 1) if re.match(r"\d+ ", text))
    edit_lines(paths, SURVEY, lambda lines: lines[: last_row - 1])
    error = assert_refused(paths, before, SURVEY)
    assert error.line == last_row - 1
    pattern = r"table 3-2 ends with row (\d+), but the contents state (\d+) rows"
    found = re.search(pattern, str(error))
    assert found and int(found[1]) + 1 == int(found[2]), str(error)


def test_the_last_row_of_a_guide_citation_cut_off_is_named(previous):
    """004 has no extractor: its concepts cite lines; a copy without them is refused at its end."""
    paths, before = previous
    cited = max(guide_citations(paths))
    edit_lines(paths, GUIDE, lambda lines: lines[: cited - 1])
    error = assert_refused(paths, before, GUIDE)
    assert error.line == cited - 1
    assert f"cites line {cited} for" in str(error) and "(truncated?)" in str(error)


def test_a_document_cut_inside_a_character_names_its_last_line(previous):
    paths, before = previous
    data = (paths.sources / CASES_V2).read_bytes()
    middle = len(data) // 2
    cut = next(i for i in range(middle, len(data)) if data[i] >= 0xE0) + 1  # a 3-byte character
    revendor(paths, CASES_V2, data[:cut])
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == data[:cut].count(b"\n") + 1
    assert "the file ends inside a UTF-8 character (truncated?)" in str(error)


# -- changed layouts -----------------------------------------------------------------------


#: How the survey's section headings start (the cover's contents rows start otherwise).
SURVEY_HEADINGS = ("①AI・RPA・チャットボット等により", "②情報システムを複数", "③DX推進体制（")


def _survey_zone(lines: list[str], heading: str) -> range:
    """The line numbers of a survey table, from its section heading to the next one."""
    starts = [n for n, text in enumerate(lines, 1) if text.startswith(SURVEY_HEADINGS)]
    start = next(n for n in starts if lines[n - 1].startswith(heading))
    following = [n for n in starts if n > start]
    return range(start, (following[0] if following else len(lines) + 1))


def _header_lines(lines: list[str], zone: range) -> list[int]:
    return [n for n in zone if "\t都道府県" in lines[n - 1] and not re.match(r"\d", lines[n - 1])]


def test_a_survey_table_missing_a_column_is_refused_at_its_header(previous):
    """③-2 without its 組織の概要 column, in the headers and every row."""
    paths, before = previous
    lines = source_lines(paths, SURVEY)
    zone = _survey_zone(lines, "③DX推進体制（③-2")

    def drop_second_column(lines: list[str]) -> list[str]:
        cells = [text.split("\t") for text in lines]
        return [
            "\t".join(row[:1] + row[2:]) if n in zone and len(row) > 1 else "\t".join(row)
            for n, row in enumerate(cells, 1)
        ]

    edit_lines(paths, SURVEY, drop_second_column)
    error = assert_refused(paths, before, SURVEY)
    assert error.line == _header_lines(lines, zone)[0]
    assert "column headers of table 3-2 changed" in str(error)


def rename(text: str) -> str:
    """A survey header renamed: 導入状況 (status) becomes 実施状況."""
    return text.replace("\t導入状況\t", "\t実施状況\t")


def test_renamed_survey_headers_are_refused(previous):
    """Before: the rows were read by position whatever the headers said, so a renamed
    column went into the graph under its old meaning."""
    paths, before = previous
    lines = source_lines(paths, SURVEY)
    edit_lines(paths, SURVEY, lambda lines: edited(lines, range(1, len(lines) + 1), rename))
    error = assert_refused(paths, before, SURVEY)
    assert error.line == min(n for n, text in enumerate(lines, 1) if "\t導入状況\t" in text)
    assert "実施状況" in str(error) and "導入状況" in str(error)


def test_swapped_survey_columns_are_refused(previous):
    """② with its 導入状況 and さらなる共同利用 columns swapped, headers and rows alike.
    Before: extraction read each cell as the other column."""
    paths, before = previous
    lines = source_lines(paths, SURVEY)
    zone = _survey_zone(lines, "②情報システムを複数")

    def swap(text: str) -> str:
        cells = text.split("\t")
        if len(cells) >= 5:
            cells[2], cells[3] = cells[3], cells[2]
        return "\t".join(cells)

    edit_lines(paths, SURVEY, lambda lines: edited(lines, zone, swap))
    error = assert_refused(paths, before, SURVEY)
    assert error.line == _header_lines(lines, zone)[0]
    assert "column headers of table 2 changed" in str(error)


def test_a_cost_page_without_its_box_headings_is_refused(previous):
    """The first case of 001 with a 事業効果・コスト page, without its コスト, スケジュール and
    サービス提供事業者等 headings. Before: the cost table was read as effects text and
    the case lost its costs, schedule and providers without a word."""
    paths, before = previous
    extract = extract_case_collection_v2(
        paths.sources / CASES_V2, load_manifest(paths.sources)[CASES_V2]
    )
    case = next(c for c in extract.cases if c.initial_cost and c.schedule and c.services)
    lines = source_lines(paths, CASES_V2)
    headings = {
        heading_before(lines, case.initial_cost.line, "コスト"),
        heading_before(lines, case.schedule.line, "スケジュール"),
        heading_before(lines, case.services.line, "サービス提供事業者等"),
    }
    edit_lines(paths, CASES_V2, blank(headings))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == case.initial_cost.line
    assert "belongs to コスト but stands in the effects section" in str(error)


def test_a_population_without_its_label_is_refused(previous):
    """Case 1-1 of 001 with 【参考情報】 dropped. Before: the population line became the
    last sentence of an interview answer, and the case had no population."""
    paths, before = previous
    case = first_case(CASES_V2, paths)
    line = case.population.line
    edit_line(paths, CASES_V2, line, lambda text: text.replace("【参考情報】", "", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "belongs to 【参考情報】" in str(error)


def test_a_case_without_its_overview_heading_is_refused(previous):
    """Case 1-1 of 001 without 事業の概要. Before: its overview was read as effects."""
    paths, before = previous
    case = first_case(CASES_V2, paths)
    lines = source_lines(paths, CASES_V2)
    heading = next(
        n
        for n in range(case.source.first_line, case.source.last_line + 1)
        if lines[n - 1].strip() == "事業の概要"
    )
    edit_lines(paths, CASES_V2, blank({heading}))
    error = assert_refused(paths, before, CASES_V2)
    assert case.source.first_line < error.line < heading
    assert "a Point without a 事業の概要 heading" in str(error)


def test_points_without_their_bullet_glyph_are_refused(previous):
    """002 converted again by a tool that drops private-use characters (the Point's
    U+F0D8 bullet). Before: every Point was taken for diagram labels and dropped."""
    paths, before = previous
    case = first_case(CASES_V4, paths)
    lines = source_lines(paths, CASES_V4)
    edit_lines(paths, CASES_V4, lambda lines: [t.replace("\uf0d8", "") for t in lines])
    error = assert_refused(paths, before, CASES_V4)
    assert case.title in lines[error.line - 1]
    assert "case without a Point" in str(error)


def test_related_links_without_their_label_are_refused(previous):
    """Case 1 of 002 with 関連ＵＲＬ： dropped. Before: its related pages were dropped."""
    paths, before = previous
    line = first_case(CASES_V4, paths).urls[0].line
    edit_line(paths, CASES_V4, line, lambda text: re.sub(r"^関連ＵＲＬ\s*：", "", text))
    error = assert_refused(paths, before, CASES_V4)
    assert error.line == line
    assert "named link outside 関連ＵＲＬ" in str(error)


def test_a_running_title_without_its_organisation_is_refused(previous):
    paths, before = previous
    lines = source_lines(paths, TITLES)
    line = len(lines) // 2
    edit_line(paths, TITLES, line, lambda text: re.sub(r"\s*【[^】]+】\s*$", "", text))
    error = assert_refused(paths, before, TITLES)
    assert error.line == line
    assert "not a running-title line" in str(error)


def test_a_guide_line_a_concept_cites_changed_is_refused(previous):
    """Before: the build published the concept citing a line that no longer says it."""
    paths, before = previous
    line = min(guide_citations(paths))
    edit_lines(paths, GUIDE, blank({line}))
    error = assert_refused(paths, before, GUIDE)
    assert error.line == line
    assert "dx-guide.ttl cites this line for" in str(error)


# -- invalid UTF-8 ---------------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_invalid_utf8_names_the_line_of_the_first_bad_byte(previous, document):
    paths, before = previous
    lines = (paths.sources / document).read_bytes().split(b"\n")
    line = len(lines) // 2 + 1
    lines[line - 1] = b"\xff" + lines[line - 1]
    revendor(paths, document, b"\n".join(lines))
    error = assert_refused(paths, before, document)
    assert error.line == line
    assert "invalid UTF-8 at byte 1 of the line (ff): invalid start byte" in str(error)


def test_a_document_saved_as_shift_jis_names_its_first_japanese_line(previous):
    paths, before = previous
    text = (paths.sources / SURVEY).read_text("utf-8")
    # as an editor saves it: the one character Shift_JIS lacks (县) becomes 「?」
    revendor(paths, SURVEY, text.encode("cp932", errors="replace"))
    error = assert_refused(paths, before, SURVEY)
    assert error.line == next(n for n, t in enumerate(text.split("\n"), 1) if not t.isascii())
    assert "invalid UTF-8" in str(error)


# -- missing documents -----------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_missing_document_is_refused_by_name(previous, document):
    paths, before = previous
    (paths.sources / document).unlink()
    with pytest.raises(CorpusError, match=re.escape(f"{document}: missing source document")):
        run_build(paths, echo=lambda _: None)
    assert_previous_release(paths, before)


@pytest.mark.parametrize("document", [SURVEY, CASES_V2, GUIDE])
def test_a_document_dropped_from_the_manifest_too_is_refused_by_name(previous, document):
    """Before: the extractor (or the citation check) failed with a bare FileNotFoundError."""
    paths, before = previous
    (paths.sources / document).unlink()
    manifest = paths.sources / MANIFEST_NAME
    table = re.escape(f'[documents."{document}"]')
    text = re.sub(rf"{table}\n(?:(?!\[).*\n?)*", "", manifest.read_text("utf-8"))
    manifest.write_text(text, "utf-8")
    assert document not in load_manifest(paths.sources)
    with pytest.raises(CorpusError, match=re.escape(f"{document}: missing source document")):
        run_build(paths, echo=lambda _: None)
    assert_previous_release(paths, before)


def test_the_helper_re_vendors_only_the_given_document(corpus_copy):
    """revendor changes the document and its checksum, and nothing else of the manifest."""
    original = load_manifest(SOURCES)
    revendor(corpus_copy, SURVEY, b"changed\n")
    documents = load_manifest(corpus_copy.sources)
    changed, before = documents[SURVEY], original[SURVEY]
    assert changed.sha256 == sha256_of(corpus_copy.sources / SURVEY) != before.sha256
    assert changed.model_copy(update={"sha256": before.sha256}) == before
    assert {d: documents[d] for d in DOCUMENTS if d != SURVEY} == {
        d: original[d] for d in DOCUMENTS if d != SURVEY
    }


# -- implausible values ----------------------------------------------------------------------


def first_line_with(paths: Paths, document: str, text: str) -> int:
    """The number of the first line of a case of ``document`` that contains ``text`` (the
    sample page before the first chapter is not a case)."""
    first = first_case(document, paths).source.first_line
    lines = source_lines(paths, document)
    return next(n for n in range(first, len(lines) + 1) if text in lines[n - 1])


def test_an_impossible_month_in_a_schedule_is_refused(previous):
    """``R5.6``→``R5.13``. Before: ``"2023-13"^^xsd:gYearMonth`` was published (SHACL passed it)."""
    paths, before = previous
    line = first_line_with(paths, CASES_V2, "R5.6 ")
    edit_line(paths, CASES_V2, line, lambda text: text.replace("R5.6", "R5.13", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "invalid date 2023-13: month must be in 1..12" in str(error)


def test_an_impossible_day_in_a_population_date_is_refused(previous):
    """令和5年1月1日 → 令和5年2月30日 in the first 【参考情報】 of 001."""
    paths, before = previous
    line = first_case(CASES_V2, paths).population.line
    edit_line(paths, CASES_V2, line, lambda text: text.replace("5年1月1日", "5年2月30日", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "invalid date 2023-02-30: day is out of range for month" in str(error)


def test_a_date_decades_after_the_issue_date_is_refused(previous):
    """``R5.6``→``R55.6``: 2073-06 in a document issued 2024-04-24 (window 1990 to 2029-04-24).
    Before: published as a milestone."""
    paths, before = previous
    line = first_line_with(paths, CASES_V2, "R5.6 ")
    edit_line(paths, CASES_V2, line, lambda text: text.replace("R5.6", "R55.6", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "date 2073-06 outside the document's plausible window 1990-01-01 to 2029-04-24" in str(
        error
    )


def test_a_date_before_1990_is_refused(previous):
    """``R5.6``→``S55.6``: 1980-06, before any digital-transformation case."""
    paths, before = previous
    line = first_line_with(paths, CASES_V2, "R5.6 ")
    edit_line(paths, CASES_V2, line, lambda text: text.replace("R5.6", "S55.6", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "date 1980-06 outside the document's plausible window" in str(error)


def test_a_cost_with_a_point_for_a_thousands_separator_is_refused(previous):
    """``31,415千円``→``31.415千円``. Before: published as 31,415 yen, 1,000× too small."""
    paths, before = previous
    line = first_line_with(paths, CASES_V2, "31,415千円")
    edit_line(paths, CASES_V2, line, lambda text: text.replace("31,415千円", "31.415千円", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "'31.415千円': a point where a thousands separator is expected" in str(error)


def test_a_cost_coming_to_a_fraction_of_a_yen_is_refused(previous):
    """``31,415千円``→``31.4155千円``: 31,415.5 yen, which no cost can be."""
    paths, before = previous
    line = first_line_with(paths, CASES_V2, "31,415千円")
    edit_line(paths, CASES_V2, line, lambda text: text.replace("31,415千円", "31.4155千円", 1))
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert "'31.4155千円': 31415.5 yen is a fraction of a yen" in str(error)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85"])
def test_a_control_character_in_the_text_is_refused(previous, char):
    """A NUL (or another control character but tab and LF, a lone CR included) inside a
    case title of 001. Before: a NUL inside a label was published."""
    paths, before = previous
    line = first_case(CASES_V2, paths).source.first_line
    edit_line(paths, CASES_V2, line, lambda text: text[:3] + char + text[3:])
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == line
    assert f"control character U+{ord(char):04X} at character 4 of the line" in str(error)


def test_crlf_line_endings_are_normalised(previous):
    """001 and 003 saved with CRLF endings build the same graph as the originals.
    Before: 628 literals ended in ``\\r``."""
    paths, _ = previous
    expected = (paths.dist / "dxkg.nq").read_bytes()
    for document in (CASES_V2, SURVEY):
        old = sha256_of(paths.sources / document).encode()
        revendor(paths, document, (paths.sources / document).read_bytes().replace(b"\n", b"\r\n"))
        expected = expected.replace(old, sha256_of(paths.sources / document).encode())
    run_build(paths, echo=lambda _: None)
    graph = (paths.dist / "dxkg.nq").read_bytes()
    assert b"\\r" not in graph
    assert graph == expected


# -- missing pages ---------------------------------------------------------------------------


def case_of(paths: Paths, chapter: int, number: int) -> Case:
    """Case ``chapter``-``number`` of 001 as the extractor reads the unmodified document."""
    manifest = load_manifest(paths.sources)[CASES_V2]
    cases = extract_case_collection_v2(paths.sources / CASES_V2, manifest).cases
    return next(c for c in cases if (c.chapter, c.number) == (chapter, number))


def page_of(lines: list[str], case: Case, line: int) -> range:
    """The lines of the page of ``case`` that holds ``line``: from its title line to the
    line before the next one (the case's title lines repeat its first line)."""
    title = lines[case.source.first_line - 1]
    span = range(case.source.first_line, case.source.last_line + 1)
    titles = [n for n in span if lines[n - 1] == title]
    start = max(n for n in titles if n <= line)
    return range(start, min([n for n in titles if n > line], default=case.source.last_line + 1))


def test_a_case_without_its_cost_page_is_refused(previous):
    """001 without the 事業効果・コスト page of case 1-4 (title line and all). Before: the
    case silently lost its effects, costs, schedule, services and department."""
    paths, before = previous
    case = case_of(paths, 1, 4)
    page = page_of(source_lines(paths, CASES_V2), case, case.initial_cost.line)
    edit_lines(paths, CASES_V2, lambda lines: [t for n, t in enumerate(lines, 1) if n not in page])
    error = assert_refused(paths, before, CASES_V2)
    assert error.line == case.source.first_line
    assert "case 1-4 【福島県】 has no 担当部署, neither on a cost page nor as 【担当部署】" in str(
        error
    )


def test_a_cost_page_without_its_schedule_is_refused(previous):
    """Case 1-4's cost page without its スケジュール block (heading and lines)."""
    paths, before = previous
    case = case_of(paths, 1, 4)
    lines = source_lines(paths, CASES_V2)
    heading = heading_before(lines, case.schedule.line, "スケジュール")
    block = range(heading, heading_before(lines, case.services.line, "サービス提供事業者等"))
    edit_lines(paths, CASES_V2, blank(set(block)))
    error = assert_refused(paths, before, CASES_V2)
    assert (
        heading_before(lines, case.initial_cost.line, "コスト")
        < error.line
        <= (case.initial_cost.line)
    )
    assert "case 1-4 【福島県】 has a cost page without スケジュール" in str(error)
