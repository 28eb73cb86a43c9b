"""Extraction of the 第4.0版 case collection: chapter 1 in full (002) and the running titles (000).

Expected values were read from the source text (line numbers are 002's or 000's).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.cases.v4 import extract_v4_chapter1, extract_v4_titles
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.extract.records import Case, CaseCollectionExtract
from dxkg.pipeline.extract.sourcetext import SourceFormatError, read_source_lines
from dxkg.pipeline.extract.typos import load_suspected_typos, scan_document
from dxkg.pipeline.publish.report import case_collection_summary

SOURCES = PROJECT_ROOT / "sources"
CHAPTER1 = SOURCES / "002_c9aae381e02ff410.txt"
TITLES = SOURCES / "000_f71cf45c154df823.txt"
MANIFEST = load_manifest(SOURCES)


@pytest.fixture(scope="module")
def chapter1() -> CaseCollectionExtract:
    return extract_v4_chapter1(CHAPTER1, MANIFEST[CHAPTER1.name])


@pytest.fixture(scope="module")
def titles() -> CaseCollectionExtract:
    return extract_v4_titles(TITLES, MANIFEST[TITLES.name])


def case(extract: CaseCollectionExtract, chapter: int, number: int) -> Case:
    return next(c for c in extract.cases if (c.chapter, c.number) == (chapter, number))


def departments(c: Case) -> list[tuple[str | None, str | None, str | None]]:
    return [(d.name, d.phone, d.email) for d in c.departments]


# -- counts and numbering -----------------------------------------------------------


def test_chapter1_has_13_full_cases(chapter1):
    assert [c.number for c in chapter1.cases] == list(range(1, 14))
    assert {(c.edition, c.coverage, c.chapter, c.chapter_label) for c in chapter1.cases} == {
        ("4.0", "full", 1, "体制整備")
    }
    assert sum(c.page_count for c in chapter1.cases) == 34  # one title line per page


def test_titles_file_has_64_cases_in_two_chapters(titles):
    numbers = {
        chapter: [c.number for c in titles.cases if c.chapter == chapter] for chapter in (2, 3)
    }
    assert len(titles.cases) == 64
    assert numbers[2] == list(range(4, 23))
    assert numbers[3] == [*range(11, 22), *range(23, 57)]  # 22 is not in the file
    assert {c.chapter_label for c in titles.cases if c.chapter == 3} == {"内部DX"}
    assert {c.coverage for c in titles.cases} == {"titles-only"}
    assert sum(c.page_count for c in titles.cases) == 203


def test_subsections_give_the_category_paths(chapter1):
    headings = [c.category_path[1] for c in chapter1.cases]
    assert [headings.count(h) for h in dict.fromkeys(headings)] == [4, 3, 3, 3]
    assert case(chapter1, 1, 5).category_path == [
        "体制整備",
        "若手や現場の職員の声をDX推進に取り入れる体制の整備",
    ]


# -- where each case's material starts -----------------------------------------------


def test_material_before_a_title_goes_to_its_case(chapter1):
    spans = {c.number: (c.source.first_line, c.source.last_line) for c in chapter1.cases}
    assert spans[3] == (258, 324)  # overview bullets L258–263 precede the title L267
    assert spans[4] == (325, 489)  # the interview page after L463 stays with 福島
    assert spans[6] == (552, 695)  # あわら's 事業概要 page starts after 舟形's header L551
    assert spans[10] == (1166, 1265)  # the hyperlink line L1265 before 神戸's title
    assert case(chapter1, 1, 6).overview.startswith("「あわら市DX推進本部」 のもと")


def test_population_labels(chapter1):
    classes = {c.number: c.population_class for c in chapter1.cases}
    assert classes[5] == "under-10k"
    assert classes[6] == "10k-50k"
    assert classes[9] == "50k-100k"
    assert case(chapter1, 1, 10).population_label_raw == "人口：10万人以上30万人未満"
    assert classes[10] == "100k-300k"
    assert classes[11] == classes[13] == "300k-plus-or-prefecture"
    assert classes[3] == "unknown"  # none of 熊本's pages prints its label


# -- contacts -------------------------------------------------------------------------


def test_run_together_contacts_are_split(chapter1):
    assert departments(case(chapter1, 1, 2)) == [
        (
            "愛媛県・市町DX推進会議事務局（愛媛県デジタルシフト推進課）",
            "089-912-2281",
            "digitalshiftsuishin@pref.ehime.lg.jp",
        )
    ]
    assert departments(case(chapter1, 1, 4)) == [
        ("福島県企画調整部デジタル変革課", "024-521-7134", "jouhou_kikaku@pref.fukushima.lg.jp")
    ]
    assert departments(case(chapter1, 1, 7)) == [
        ("上里町総合政策課情報システム戦略係", "0495-35-1238", "nwinfo@town.kamisato.lg.jp")
    ]


def test_oita_has_two_departments(chapter1):
    assert departments(case(chapter1, 1, 13)) == [
        ("大分県総務部デジタル政策課", "097-506-2083", "a11840@pref.oita.lg.jp"),
        ("大分県商工観光労働部先端技術挑戦課", "097-506-2894", "a14290@pref.oita.lg.jp"),
    ]


def test_kobe_has_no_department_but_a_cross_reference(chapter1):
    kobe = case(chapter1, 1, 11)
    assert kobe.departments == [] and kobe.interview == []
    assert "『人材確保･育成事例集』に掲載しています" in (kobe.cross_reference or "")
    assert case(chapter1, 1, 2).cross_reference == "※ 詳細は人材確保･育成事例集に記載"


# -- costs, schedule and vendors --------------------------------------------------------


def test_fukushima_cost_schedule_and_providers(chapter1):
    fukushima = case(chapter1, 1, 4)
    initial, running = fukushima.initial_cost, fukushima.running_cost
    assert (initial.raw, initial.status) == ("68,515千円", "amount")
    assert initial.amount_yen == Decimal(68515000)
    assert (initial.approximate, initial.tax) == (False, "excluded")
    assert (running.raw, running.status, running.amount_yen) == ("－円", "none", None)
    schedule = fukushima.schedule
    assert (schedule.duration_raw, schedule.duration_months) == ("４か月", Decimal(4))
    assert [(m.raw_date, m.start, m.end) for m in schedule.milestones] == [
        ("R6.3~4", "2024-03", "2024-04"),
        ("R6.5~6", "2024-05", "2024-06"),
        ("R6.7", "2024-07", None),
    ]
    participants = fukushima.services.participants
    assert participants[:7] == [
        "令和６年度実施事業者：株式会社東日本計算センター",
        "東邦情報システム株式会社",
        "東日本電信電話株式会社",
        "テクノ・マインド株式会社",
        "エスクリブ株式会社",
        "富士通JAPAN株式会社",
        "株式会社草野測器社",
    ]
    assert participants[7] == "ふくしまICT利活用推進協議会（福島県と協定を締結して事業を実施）"
    assert fukushima.services.providers == [] and fukushima.services.providers_raw == "－"


def test_only_cases_with_a_cost_page_have_costs(chapter1):
    with_costs = [c.number for c in chapter1.cases if c.initial_cost is not None]
    assert with_costs == [2, 4, 7]
    ehime = case(chapter1, 1, 2)
    assert (ehime.initial_cost.status, ehime.running_cost.status) == ("none", "not-disclosed")
    assert ehime.running_cost.raw == "（非公表）"
    assert case(chapter1, 1, 7).services.participants == [
        "NTT東日本（DX推進アドバイザーとして委嘱しており、DX推進に関する助言や職員研修等の開催）"
    ]


# -- interview ------------------------------------------------------------------------


def test_answers_printed_before_their_questions(chapter1):
    awara = {a.question: a.answer for a in case(chapter1, 1, 6).interview}
    assert awara["近況や工夫している点を教えてください。"].startswith("令和６年度の取組としては")
    assert awara["今後の展望を教えてください。"].startswith("これまでは、地域活性化起業人")
    assert (
        "業務時間内での実施です"
        in awara[
            "勉強会や打合せは、勤務時間外に実施していますか？その他、通常業務との兼ね合いなどどうしていますか？"
        ]
    )
    funagata = {a.question: a.answer for a in case(chapter1, 1, 5).interview}
    assert funagata["今後の展望を教えてください。"].startswith("今後、町の新たな施策")


def test_stacked_questions_share_the_text_that_follows(chapter1):
    kamisato = {a.question: a.answer for a in case(chapter1, 1, 7).interview}
    assert kamisato["取組の経緯・きっかけを教えてください。"].endswith("行いまし\nた。")
    assert kamisato["取組にコストはかかりましたか。"].startswith(
        "DX推進リーダーのデジタルリテラシー"
    )


def test_displaced_sub_headed_text_rejoins_its_answer(chapter1):
    fukushima = {a.question: a.answer for a in case(chapter1, 1, 4).interview}
    assert "＜市町村DX推進トップセミナー＞" in fukushima["取組にコストはかかりましたか。"]
    assert "トップセミナー" not in fukushima["工夫している点を教えてください。"]
    oita = {a.question: a.answer for a in case(chapter1, 1, 13).interview}
    assert "【継続した取組】" in oita["体制整備の近況や苦労・工夫している点を教えてください。"]


# -- URLs and population ---------------------------------------------------------------


def test_urls_are_the_related_url_entries(chapter1):
    kobe = case(chapter1, 1, 11).urls
    assert [(u.title, u.url, u.line) for u in kobe] == [
        ("神戸市のDX", "https://www.city.kobe.lg.jp/a08691/dxtop.html", 1280),
        (
            "デジタルを活用した業務改革>働き方改革（業務改革）ロードマップ",
            "https://www.city.kobe.lg.jp/a69423/roadmap.html",
            1281,
        ),
    ]  # not the figure source split over L1287–1288, nor the bare repeats L1302–1304
    assert [u.line for u in case(chapter1, 1, 4).urls] == [485]  # not the bare repeat L489
    assert [u.line for u in case(chapter1, 1, 7).urls] == [903, 905]  # L908 is the award's
    assert [u.line for u in case(chapter1, 1, 8).urls] == [1007, 1009, 1010]


def test_every_case_has_its_population_and_point(chapter1):
    assert all(c.population is not None and c.point for c in chapter1.cases)
    fukushima = case(chapter1, 1, 4).population
    assert (fukushima.place, fukushima.persons, fukushima.as_of) == (
        "福島県",
        1740000,
        "2024-12-01",
    )


# -- anomalies -------------------------------------------------------------------------


def test_probable_typos_are_recorded_verbatim(chapter1):
    curated = load_suspected_typos(PROJECT_ROOT / "mappings" / "reference" / "suspected-typos.csv")
    typos = scan_document(CHAPTER1.name, read_source_lines(CHAPTER1), curated)
    assert {a.line for a in typos if a.kind == "suspected-typo"} == {427, 806, 1059}
    assert "地元ベンターより派遣" in (case(chapter1, 1, 4).effects or "")


def test_gap_markers(titles):
    marked = {a.line for a in titles.anomalies if a.kind == "pages-missing-before"}
    assert marked == {1, 6, 57, 66, 80, 91}
    # gap_before: the marker is on the case's first line, so pages are missing before it
    flagged = {c.source.first_line for c in titles.cases if c.gap_before}
    assert flagged == {1, 57, 80, 91}
    osaka = case(titles, 2, 6)  # marker on L6, inside the case (L4–7)
    assert (osaka.source.first_line, osaka.source.last_line, osaka.gap_before) == (4, 7, False)


def test_running_titles_keep_their_text(titles):
    toyota = case(titles, 2, 22)
    assert toyota.title == "DX人材育成方針に基づくDX関連研修"  # no space before 【
    assert (toyota.prefecture, toyota.municipality, toyota.page_count) == ("愛知県", "豊田市", 3)
    assert case(titles, 3, 24).title.startswith("LGWAN上で")  # U+3000 then a space
    assert case(titles, 2, 9).title.startswith("｢働き方改革ロードマップ2.0｣")
    assert case(titles, 3, 35).municipality is None
    assert {c.population_class for c in titles.cases} == {None}


# -- strictness -------------------------------------------------------------------------


def corrupted(tmp_path: Path, source: Path, after: str, garbage: str) -> tuple[Path, int]:
    """A copy of the source with a garbage line after the first line containing ``after``."""
    lines = source.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if after in line) + 1
    copy = tmp_path / source.name
    copy.write_text("\n".join([*lines[:index], garbage, *lines[index:]]), encoding="utf-8")
    return copy, index + 1


def test_garbage_in_the_cost_table_is_reported_with_its_line(tmp_path):
    copy, line = corrupted(
        tmp_path, CHAPTER1, "イニシャルコスト ※税抜 68,515千円", "ゴミ行 XYZ 123"
    )
    with pytest.raises(SourceFormatError) as error:
        extract_v4_chapter1(copy, MANIFEST[copy.name])
    assert error.value.line == line


def test_a_case_title_out_of_sequence_is_rejected(tmp_path):
    title = (
        " ９ 外部人材の下に各担当課兼務職員を配置した「デジタル変革戦略室」を設置 【山形県酒田市】"
    )
    copy, line = corrupted(tmp_path, CHAPTER1, "【参考情報】 熊本県人口", title)
    with pytest.raises(SourceFormatError) as error:
        extract_v4_chapter1(copy, MANIFEST[copy.name])
    assert error.value.line == line


def test_garbage_in_the_titles_file_is_reported_with_its_line(tmp_path):
    copy, line = corrupted(tmp_path, TITLES, "DXShipひろしま", "これは見出し行ではない")
    with pytest.raises(SourceFormatError) as error:
        extract_v4_titles(copy, MANIFEST[copy.name])
    assert error.value.line == line


def test_a_missing_case_breaks_the_count(tmp_path):
    lines = TITLES.read_text(encoding="utf-8").split("\n")
    copy = tmp_path / TITLES.name
    copy.write_text("\n".join(line for line in lines if "【広島県】" not in line), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="63 cases where 64"):
        extract_v4_titles(copy, MANIFEST[copy.name])


def test_per_field_counts(chapter1, titles):
    """What 002 prints for its 13 cases (note §2.3), and that 000 gives titles only."""
    fields = case_collection_summary(chapter1).fields
    assert {
        name: fields[name]
        for name in (
            "point",
            "overview",
            "effects",
            "interview",
            "initial_cost",
            "schedule",
            "services",
            "participants",
            "departments",
            "several departments",
            "population",
            "urls",
            "awards",
            "cross_reference",
            "population_class unknown",
        )
    } == {
        "point": 13,
        "overview": 13,
        "effects": 13,
        "interview": 12,
        "initial_cost": 3,
        "schedule": 3,
        "services": 3,
        "participants": 2,
        "departments": 12,
        "several departments": 1,
        "population": 13,
        "urls": 13,
        "awards": 2,
        "cross_reference": 2,
        "population_class unknown": 1,
    }
    title_fields = case_collection_summary(titles).fields
    assert title_fields["title"] == 64 and title_fields["municipality"] == 52
    assert sum(title_fields.values()) == 64 + 52
