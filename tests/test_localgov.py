"""localgovjp joined to the code table: office points, websites, English names for every
government, population figures on the government, and the disagreements report."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from rdflib import URIRef

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.namespaces import vocabulary
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.link.government_codes import PREFECTURE, MunicipalityTable
from dxkg.pipeline.link.governments import GovernmentRegistry
from dxkg.pipeline.link.localgov import (
    LOCALGOVJP_FILE,
    LOCALGOVJP_PREFECTURES_FILE,
    canonical_decimal,
    disagreements,
    english_name,
    load_localgovjp,
)
from dxkg.pipeline.link.records import LinkedCases, LinkedEntities
from dxkg.pipeline.link.romaji import hepburn, romanise
from dxkg.pipeline.link.stage import link_corpus
from dxkg.pipeline.map import load_context, map_records
from dxkg.pipeline.pipeline import reference_files

MAPPINGS = PROJECT_ROOT / "mappings"
REFERENCE = MAPPINGS / "reference"
DXKG = vocabulary()


@pytest.fixture(scope="module")
def registry() -> GovernmentRegistry:
    return GovernmentRegistry.load(
        REFERENCE / "municipalities.csv",
        REFERENCE / "prefectures.csv",
        (MAPPINGS / LOCALGOVJP_FILE, MAPPINGS / LOCALGOVJP_PREFECTURES_FILE),
    )


@pytest.fixture(scope="module")
def linked(survey, case_extracts) -> tuple[LinkedCases, LinkedEntities]:
    """The real corpus linked with the repository's reference files."""
    documents = load_manifest(PROJECT_ROOT / "sources")
    _, cases, entities = link_corpus(
        survey, case_extracts, documents, reference_files(Paths(dist=PROJECT_ROOT / "dist"))
    )
    return cases, entities


# --- romanisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("さっぽろ", "sapporo"),
        ("ちよだ", "chiyoda"),
        ("とうきょう", "tokyo"),  # ou shortened
        ("おおいた", "oita"),  # oo shortened
        ("ちゅうおう", "chuo"),  # yoon, uu and ou
        ("いいだ", "iida"),  # ii kept
        ("えいへいじ", "eiheiji"),  # ei kept
        ("かんおんじ", "kan'onji"),  # n before a vowel
        ("しんよう", "shin'yo"),  # n before y
        ("ぐんま", "gunma"),  # n before m stays n (modified Hepburn)
        ("はっちょう", "hatcho"),  # っ before ch
        ("ふじ", "fuji"),
        ("つづき", "tsuzuki"),
        ("ぢ", "ji"),
    ],
)
def test_hepburn(kana: str, romaji: str) -> None:
    assert hepburn(kana) == romaji


def test_romanise_capitalises_and_rejects_non_hiragana() -> None:
    assert romanise("さっぽろ") == "Sapporo"
    with pytest.raises(ValueError):
        hepburn("サッポロ")


# --- English names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("011002", "Sapporo City"),  # 札幌市, designated city
        ("011011", "Chuo Ward, Sapporo City"),  # 札幌市中央区, さっぽろしちゅうおうく
        ("131016", "Chiyoda City"),  # 千代田区: Tokyo's special wards style themselves City
        ("083097", "Oarai Town"),  # 大洗町 おおあらいまち
        ("064611", "Yuza Town"),  # 遊佐町 ゆざまち
        ("074462", "Showa Village"),  # 福島県昭和村 しょうわむら
        ("473821", "Yonaguni Town"),  # 与那国町 よなぐにちょう
        ("130001", "Tokyo Metropolis"),  # 東京都: the prefecture table's name
        ("010006", "Hokkaido"),
    ],
)
def test_english_labels_hand_checked(registry: GovernmentRegistry, code: str, english: str) -> None:
    registry.referenced.add(code)
    node = next(node for node in registry.nodes() if node.code == code)
    assert node.label_en == english


def test_every_government_of_the_table_has_an_english_name(registry: GovernmentRegistry) -> None:
    table: MunicipalityTable = registry.table
    names = {gov.code: english_name(gov, table) for gov in table if gov.kind != PREFECTURE}
    assert len(names) == len(table) - 47
    assert all(name.isascii() and name[0].isupper() for name in names.values())


# --- localgovjp ----------------------------------------------------------------------------


def test_localgovjp_is_vendored_unchanged() -> None:
    shared = PROJECT_ROOT.parent / "shared" / "reference" / "localgovjp"
    if not shared.is_dir():
        pytest.skip("no shared reference folder beside the repository")
    for name in ("localgovjp-utf8.csv", "prefjp-utf8.csv"):
        assert (REFERENCE / "localgovjp" / name).read_bytes() == (shared / name).read_bytes()


def test_localgovjp_rows_by_code() -> None:
    rows = load_localgovjp(MAPPINGS / LOCALGOVJP_FILE, MAPPINGS / LOCALGOVJP_PREFECTURES_FILE)
    assert len(rows) == 1916 + 47
    sapporo, hokkaido = rows["011002"], rows["010006"]  # the prefecture file drops the 0
    assert (sapporo.name, sapporo.kana, sapporo.lat, sapporo.long) == (
        "札幌市",
        "さっぽろし",
        "43.06208877",
        "141.3543886",
    )
    assert sapporo.homepage == "https://www.city.sapporo.jp/"
    assert (hokkaido.name_en, rows["011011"].name) == ("Hokkaido", "札幌市中央区")
    assert canonical_decimal("39.718600") == "39.7186" and canonical_decimal("140.0") == "140"


def test_disagreements_are_the_codes_newer_than_localgovjp(registry: GovernmentRegistry) -> None:
    found = registry.reference_disagreements()
    assert [(d.code, d.field, d.table, d.localgovjp) for d in found] == [
        ("221384", "code", "浜松市中央区", None),
        ("221392", "code", "浜松市浜名区", None),
        ("221406", "code", "浜松市天竜区", None),
    ]


def test_disagreements_report_names_readings_and_english(registry: GovernmentRegistry) -> None:
    reference = dict(registry.reference)
    reference["011002"] = replace(reference["011002"], kana="さつぽろし")
    english = {**registry.english_names, "130001": "Tokio Metropolis"}
    found = disagreements(registry.table, english, reference)
    assert {(d.code, d.field, d.table, d.localgovjp) for d in found} >= {
        ("011002", "kana", "さっぽろし", "さつぽろし"),
        ("130001", "name_en", "Tokio", "Tokyo"),
    }


# --- on the real corpus ------------------------------------------------------------------


def test_every_government_has_english_label_point_and_website(linked) -> None:
    _, entities = linked
    assert len(entities.governments) >= 145
    for node in entities.governments:
        assert node.label_en and node.label_en.isascii(), node.code
        assert node.homepage and node.homepage.startswith(("http://", "https://")), node.code
        assert 20 <= Decimal(node.lat) <= 46 and 122 <= Decimal(node.long) <= 154, node.code


def test_the_build_reports_the_disagreements(linked) -> None:
    _, entities = linked
    assert [d.code for d in entities.reference_disagreements] == ["221384", "221392", "221406"]


def test_population_figures_are_reachable_from_the_government(linked) -> None:
    cases, _ = linked
    figures = [case.population for case in cases.cases if case.population]
    assert figures and all(figure.population_of for figure in figures)
    graph = map_records(cases.cases, load_context(MAPPINGS / "cases.context.jsonld"))
    kobe = URIRef("https://dxkg.example.org/id/municipality/281000")
    on_kobe = set(graph.objects(kobe, DXKG.populationFigure))
    assert len(on_kobe) == 6  # 神戸市 5 times, 兵庫県神戸市 once
    assert all(graph.value(figure, DXKG.persons) for figure in on_kobe)
    # the case keeps its figure as printed
    assert {case.population.id for case in cases.cases if case.population} <= {
        str(o) for o in graph.objects(None, DXKG.populationFigure)
    }
