"""Extraction of the 第2.0版 case collection (001): counts, exclusions, per-field totals, errors."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.cases import fields
from dxkg.pipeline.extract.cases.v2 import extract_case_collection_v2
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.extract.records import CaseCollectionExtract
from dxkg.pipeline.extract.sourcetext import SourceFormatError
from dxkg.pipeline.publish.report import case_collection_summary

SOURCES = PROJECT_ROOT / "sources"
DOCUMENT_ID = "001_b7b77d4349d817ea.txt"
MANIFEST = load_manifest(SOURCES)

# Per field, how many of the 82 cases have it: the counts of the structure
# note (§4.0), each checked by reading the text.
EXPECTED_FIELD_COUNTS = {
    "title": 82,
    "toc_title (differs)": 4,  # 1-13, 2-18, 3-14, 3-17
    "title_variants": 3,  # 3-3 揭示, 3-17 手続き, 3-19 RPA・AI・OCR
    "category_path": 82,
    "municipality": 64,  # 18 prefecture-level cases
    "population_class": 82,
    "population_class unknown": 17,
    "point": 77,  # no Point: 2-12 and 3-31; merged into 事業効果: 1-3, 1-6, 2-18
    "overview": 80,  # no overview page: 2-12, 3-31
    "effects": 81,  # 74 with a heading, 7 printed under the Point
    "interview": 80,  # none in 1-11 and 2-3 (printed in the other chapter)
    "initial_cost": 60,
    "running_cost": 60,
    "schedule": 60,
    "services": 60,
    "departments": 81,  # none in 1-11
    "several departments": 4,  # 2-2, 2-20, 3-2, 3-8
    "population": 80,  # none in 3-25, 3-38
    "urls": 80,
    "awards": 6,
    "cross_reference": 2,
}


@pytest.fixture(scope="module")
def extract() -> CaseCollectionExtract:
    return extract_case_collection_v2(SOURCES / DOCUMENT_ID, MANIFEST[DOCUMENT_ID])


def test_case_counts_per_chapter(extract):
    summary = case_collection_summary(extract)
    assert summary.cases == 82
    assert summary.chapters == {"1": 13, "2": 22, "3": 47}
    assert [c.number for c in extract.cases if c.chapter == 3] == list(range(1, 48))


def test_per_field_counts(extract):
    counts = case_collection_summary(extract).fields
    assert {name: counts[name] for name in EXPECTED_FIELD_COUNTS} == EXPECTED_FIELD_COUNTS


def test_cost_statuses_match_the_document(extract):
    initial = [c.initial_cost for c in extract.cases if c.initial_cost]
    running = [c.running_cost for c in extract.cases if c.running_cost]
    count = lambda costs, status: sum(1 for c in costs if c.status == status)
    assert [count(initial, s) for s in ("amount", "none", "not-disclosed")] == [37, 19, 4]
    assert [count(running, s) for s in ("amount", "none", "not-disclosed", "not-calculable")] == [
        42,
        12,
        5,
        1,
    ]
    assert sum(c.approximate for c in initial) == 7
    assert sum(c.approximate for c in running) == 9


def test_sample_pages_produce_no_case(extract):
    """The 構成 sections copy 1-4 and 2-7 with altered values; none of those values may appear."""
    for case in extract.cases:
        assert not 68 <= case.source.first_line <= 158
        assert not 1714 <= case.source.first_line <= 1817
        assert "盛泉堂" not in (case.services.participants_raw or "") if case.services else True
    moka = next(c for c in extract.cases if c.key == "v2-2-7")
    assert moka.population.persons == 79000  # the sample copy says 7,974人
    assert moka.departments[0].phone == "0285-83-8394"  # the sample copy says 0285-22-5004


def test_ocr_errors_are_kept_verbatim(extract):
    gotsu = next(c for c in extract.cases if c.key == "v2-2-18")
    assert gotsu.departments[0].name == "島根県江津町政策企画課"
    soja = next(c for c in extract.cases if c.key == "v2-3-3")
    assert "「揭示＋申請」" in soja.title_variants[0]


def test_every_case_has_provenance_lines(extract):
    spans = [(c.source.first_line, c.source.last_line) for c in extract.cases]
    assert all(first < last for first, last in spans)
    assert all(a[1] < b[0] for a, b in pairwise(spans))


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("約13,400千円", ("amount", Decimal(13400000), True)),
        ("31,415千円", ("amount", Decimal(31415000), False)),
        ("約22,000千", ("amount", Decimal(22000000), True)),
        ("－円", ("none", None, False)),
        ("(非公表)", ("not-disclosed", None, False)),
        ("(算定不可)", ("not-calculable", None, False)),
    ],
)
def test_cost_values(printed, expected):
    assert fields.parse_cost_value(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("R5.2~4 仕様検討", ("R5.2~4", "2023-02", "2023-04", "仕様検討")),
        ("R4.10～R5.3\t入札", ("R4.10～R5.3", "2022-10", "2023-03", "入札")),
        (
            "R5.11.17～R5.11.24 庁内調整",
            ("R5.11.17～R5.11.24", "2023-11-17", "2023-11-24", "庁内調整"),
        ),
        ("R元.8~9", ("R元.8~9", "2019-08", "2019-09", "")),
        ("H27~28\t検討", ("H27~28", "2015", "2016", "検討")),
        ("R3年度 研修", ("R3年度", "2021-04", "2022-03", "研修")),
        ("H31.2～ 庁内調整", ("H31.2～", "2019-02", None, "庁内調整")),
        ("令和5年2月 開始", ("令和5年2月", "2023-02", None, "開始")),
        ("事業検討\t8か月", None),
    ],
)
def test_era_dates(printed, expected):
    assert fields.parse_date_prefix(printed) == expected


def test_population_and_duration():
    assert fields.parse_population("【参考情報】 福島県人口：181.9万人（令和5年1月1日現在）") == (
        "福島県",
        1819000,
        "2023-01-01",
    )
    assert fields.duration_months("**4年9か月**") == 57
    assert fields.duration_months("(事業ごとに異なる)") is None


def test_a_skipped_case_is_an_error_naming_the_line(tmp_path: Path):
    lines = (SOURCES / DOCUMENT_ID).read_text("utf-8").split("\n")
    broken = [line for line in lines if not line.startswith("2 「愛媛県・市町DX協働宣言」")]
    path = tmp_path / DOCUMENT_ID
    path.write_text("\n".join(broken), "utf-8")
    with pytest.raises(SourceFormatError, match=r"case 3 follows case 1"):
        extract_case_collection_v2(path, MANIFEST[DOCUMENT_ID])
