"""Extraction of the 2020 survey (003), checked against counts and cells read from the text."""

from collections import Counter
from pathlib import Path

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.sourcetext import SourceFormatError
from dxkg.pipeline.extract.survey import extract_survey


def test_row_counts_per_table(survey):
    assert len(survey.ai_rpa_uses) == 357
    assert len(survey.shared_systems) == 123
    assert len(survey.digital_talent) == 42
    assert len(survey.organisations) == 72
    assert {t.table: t.stated_total for t in survey.tables} == {
        "1": 357,
        "2": 123,
        "3-1": 42,
        "3-2": 72,
    }


def test_rows_numbered_one_to_n(survey):
    for rows in (
        survey.ai_rpa_uses,
        survey.shared_systems,
        survey.digital_talent,
        survey.organisations,
    ):
        assert [r.row for r in rows] == list(range(1, len(rows) + 1))


EXPECTED_CATEGORIES = {
    "1": [
        ("総務分野", 1, 207, 207),
        ("会議録作成・テープおこし", 2, 23, 23),
        ("その他", 2, 184, 184),
        ("環境分野", 1, 14, 14),
        ("保健・福祉分野", 1, 51, 51),
        ("商工労働分野", 1, 12, 12),
        ("観光・スポーツ分野", 1, 2, 2),
        ("文化振興分野", 1, 1, 1),
        ("農林水産分野", 1, 5, 5),
        ("土木建築分野", 1, 13, 13),
        ("教育分野", 1, 25, 25),
        ("その他分野", 1, 27, 27),
    ],
    "2": [
        ("総務分野", 1, 60, 60),
        ("電子申請・届出システム", 2, 24, 24),
        ("施設予約システム", 2, 17, 17),
        ("電子入札・電子調達システム", 2, 10, 10),
        ("その他", 2, 9, 9),
        ("環境分野", 1, 3, 3),
        ("保健・福祉分野", 1, 4, 4),
        ("文化振興分野", 1, 1, 1),
        ("農林水産分野", 1, 4, 4),
        ("土木建築分野", 1, 3, 3),
        ("教育分野", 1, 7, 7),
        ("セキュリティ分野", 1, 12, 12),
        ("その他分野", 1, 29, 29),
    ],
    "3-1": [
        ("総務分野", 1, 25, 26),
        ("産業振興分野", 1, 1, 1),
        ("保健・福祉分野", 1, 1, 1),
        ("商工労働分野", 1, 1, 1),
        ("教育分野", 1, 1, 1),
        ("その他分野", 1, 12, 12),
    ],
    "3-2": [
        ("組織（部・課・室等）", 1, 28, 28),
        ("庁内横断的な体制", 1, 27, 27),
        ("民間も含んだ協議会等", 1, 17, 17),
    ],
}


@pytest.mark.parametrize("table", EXPECTED_CATEGORIES)
def test_categories_with_stated_and_found_counts(survey, table):
    found = [
        (c.label, c.level, c.stated_count, c.found_count)
        for c in survey.categories
        if c.table == table
    ]
    assert found == EXPECTED_CATEGORIES[table]


def test_count_mismatches_are_reported_not_hidden(survey):
    mismatches = [a for a in survey.anomalies if a.kind == "category-count-mismatch"]
    assert [(a.line, a.detail) for a in mismatches] == [
        (656, "table 3-1 「総務分野」 states 25, 26 rows found")
    ]
    sums = [a.detail for a in survey.anomalies if a.kind == "category-sum-mismatch"]
    assert sums == ["table 3-1: field counts add up to 41, the contents state 42"]


def row(rows, number):
    return rows[number - 1]


def test_ordinary_row_keeps_every_cell(survey):
    r = row(survey.ai_rpa_uses, 1)
    assert r.name == "会議録等作成システム"
    assert r.method.startswith("会議で録音した音声データを音声変換システムで")
    assert (r.status.number, r.status.label) == (1, "導入(実施)済")
    assert r.shareability.text == "③共同利用不可"
    assert r.note.startswith("専用回線を使用しているため")
    assert r.prefecture == "北海道"
    assert (r.source.first_line, r.source.last_line) == (23, 23)


def test_row_number_in_own_cell_with_code_and_note_merged(survey):
    r = row(survey.ai_rpa_uses, 141)
    assert r.source.first_line == 200
    assert r.name == "内製に向けたRPA・AI-OCR操作研修会"
    assert r.shareability.text == "③共同利用不可"
    assert r.note == "県において研修会を実施することとしている。"
    assert r.prefecture == "岡山県"
    merged = [a.line for a in survey.anomalies if a.kind == "code-and-note-merged"]
    assert merged == list(range(200, 214))


def test_seven_cell_rows(survey):
    r = row(survey.ai_rpa_uses, 208)
    assert r.source.first_line == 284
    assert r.category == 4  # 環境分野
    assert r.shareability.number is not None and r.prefecture.endswith(("都", "道", "府", "県"))
    assert row(survey.ai_rpa_uses, 270).source.first_line == 363


def test_status_with_space_before_済(survey):
    r = row(survey.ai_rpa_uses, 39)
    assert r.status.text == "①導入(実施) 済"
    assert r.status.label == "導入(実施)済"
    assert r.name == "RPA 不動産取得税登録"  # the technology prefix and its space are kept


def test_prefecture_glued_to_note_is_split(survey):
    r = row(survey.shared_systems, 1)
    assert r.note == "共同利用団体：北海道及び道内121市町村"
    assert r.prefecture == "北海道"
    glued = [a.line for a in survey.anomalies if a.kind == "prefecture-glued-to-note"]
    assert glued == list(range(478, 489))


def test_html_fragment_removed_from_value_but_kept_in_source(survey):
    r = row(survey.ai_rpa_uses, 239)
    assert r.method.startswith("申請者のデータ入力")
    assert "<ul" in r.source.text
    html_lines = sorted(a.line for a in survey.anomalies if a.kind == "html-fragment")
    assert html_lines == [322, 564, 592, 740, 741, 750]


def test_template_text_and_placeholders_kept_and_flagged(survey):
    assert row(survey.ai_rpa_uses, 339).name.startswith("(例) 茨城県")
    assert row(survey.shared_systems, 86).note == "-"
    assert row(survey.digital_talent, 13).title == "-"
    assert row(survey.digital_talent, 15).title == "特になし"
    kinds = Counter(a.kind for a in survey.anomalies)
    assert kinds["template-text"] == 1
    assert kinds["placeholder-cell"] == 6


def test_empty_note_is_absent(survey):
    assert row(survey.ai_rpa_uses, 16).note is None
    assert row(survey.shared_systems, 38).note is None


def test_duplicate_row_kept_and_linked(survey):
    nine, twenty_seven = row(survey.digital_talent, 9), row(survey.digital_talent, 27)
    assert nine.title == twenty_seven.title == "経済産業局 情報通信（ICT）政策推進監"
    assert twenty_seven.status.text == "①導入(実施)済" and nine.status.text == "①導入（実施）済"
    assert twenty_seven.duplicate_of == 9 and nine.duplicate_of is None
    assert [r.row for r in survey.digital_talent if r.duplicate_of] == [27]
    # Same name, different content: not duplicates.
    assert row(survey.ai_rpa_uses, 310).duplicate_of is None


def test_talent_and_organisation_cells(survey):
    r = row(survey.digital_talent, 1)
    assert r.title == "I T 専門監"  # verbatim, spaced letters and all
    assert (r.talent_category.number, r.employment.label) == (1, "常勤")
    assert r.prefecture == "青森県"
    five = row(survey.digital_talent, 5)
    assert (five.talent_category.label, five.employment.label) == ("都道府県職員の育成", "非常勤")
    org = row(survey.organisations, 38)
    assert org.name == "5G利活用検討ワーキング・チーム"
    last = row(survey.organisations, 72)
    assert last.source.first_line == 818


def test_spaced_letter_rows_flagged(survey):
    assert sum(1 for a in survey.anomalies if a.kind == "spaced-letters") == 25


def write_variant(tmp_path: Path, transform) -> Path:
    """A modified copy of the survey document."""
    text = (PROJECT_ROOT / "sources" / "003_e1df6aa27dfcbdad.txt").read_text("utf-8")
    path = tmp_path / "003_e1df6aa27dfcbdad.txt"
    path.write_bytes(transform(text))
    return path


def test_truncated_document_fails_naming_the_line(tmp_path):
    path = write_variant(tmp_path, lambda t: "\n".join(t.split("\n")[:700]).encode())
    with pytest.raises(
        SourceFormatError, match=r"003_e1df6aa27dfcbdad.txt:700: tables \['3-2'\] not found"
    ):
        extract_survey(path)


def test_changed_layout_fails_naming_the_line(tmp_path):
    def add_cell(text):
        lines = text.split("\n")
        lines[657 - 1] += "\t余分なセル"
        return "\n".join(lines).encode()

    path = write_variant(tmp_path, add_cell)
    with pytest.raises(
        SourceFormatError, match=r":657: data row with 8 cells where 7 were expected"
    ):
        extract_survey(path)


def test_missing_row_fails_naming_the_line(tmp_path):
    def drop_row(text):
        lines = text.split("\n")
        del lines[102 - 1]  # row 61
        return "\n".join(lines).encode()

    path = write_variant(tmp_path, drop_row)
    with pytest.raises(SourceFormatError, match=r":102: row 62 where row 61 was expected"):
        extract_survey(path)


def test_invalid_utf8_fails_naming_the_line(tmp_path):
    path = write_variant(tmp_path, lambda t: t.encode().replace("北海道".encode(), b"\xff\xfe", 1))
    with pytest.raises(SourceFormatError, match=r":23: invalid UTF-8"):
        extract_survey(path)
