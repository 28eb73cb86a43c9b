"""Linking the survey: coded values decoded by label per code list, governments to JIS codes,
shared systems' notes to the governments that take part."""

import csv
from collections import Counter

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.link.governments import GovernmentRegistry
from dxkg.pipeline.link.survey import CodeLists, LinkError, link_survey
from dxkg.pipeline.records import CodedValue, SourceSpan

SCHEMES = PROJECT_ROOT / "ontology" / "schemes" / "survey-codes.ttl"
PREFECTURES = PROJECT_ROOT / "mappings" / "reference" / "prefectures.csv"
MUNICIPALITIES = PROJECT_ROOT / "mappings" / "reference" / "municipalities.csv"
CONCEPT = "https://dxkg.example.org/id/concept/"
GOVERNMENT = "https://dxkg.example.org/id/municipality/"


@pytest.fixture(scope="module")
def registry() -> GovernmentRegistry:
    return GovernmentRegistry.load(MUNICIPALITIES, PREFECTURES)


@pytest.fixture(scope="module")
def linked(survey, registry):
    return link_survey(survey, load_manifest(PROJECT_ROOT / "sources"), SCHEMES, registry)


def system(linked, row):
    return next(s for s in linked.shared_systems if s.row == row)


def tally(values, prefix):
    return dict(Counter(v.removeprefix(CONCEPT + prefix) for v in values))


def test_status_distribution_per_table(linked):
    status = "implementation-status-"
    assert tally((r.status for r in linked.initiatives), status) == {
        "implemented": 211,
        "planned": 65,
        "piloting": 43,
        "pilot-planned": 32,
        "under-consideration": 6,
    }
    assert tally((r.status for r in linked.shared_systems), status) == {
        "implemented": 117,
        "planned": 3,
        "piloting": 1,
        "under-consideration": 2,
    }
    assert tally((r.status for r in linked.roles), status) == {
        "implemented": 35,
        "planned": 6,
        "piloting": 1,
    }
    assert tally((r.status for r in linked.organizations), status) == {
        "implemented": 67,
        "planned": 4,
        "pilot-planned": 1,
    }


def test_the_two_shareability_lists_decode_by_label(linked):
    assert tally((r.shareability for r in linked.initiatives), "shareability-") == {
        "in-shared-use": 2,
        "shareable": 47,
        "not-shareable": 253,
        "other": 55,
    }
    assert tally(
        (r.further_shareability for r in linked.shared_systems), "further-shareability-"
    ) == {"further-shareable": 63, "not-further-shareable": 28, "other": 32}
    # ③ means 「共同利用不可」 in table ① but 「その他」 in table ②.
    three_in_1 = {r.shareability for r in linked.initiatives if r.shareability_text.startswith("③")}
    three_in_2 = {
        r.further_shareability
        for r in linked.shared_systems
        if r.further_shareability_text.startswith("③")
    }
    assert three_in_1 == {CONCEPT + "shareability-not-shareable"}
    assert three_in_2 == {CONCEPT + "further-shareability-other"}


def test_talent_codes(linked):
    assert tally((r.talent_category for r in linked.roles), "talent-category-") == {
        "external-hire": 33,
        "staff-development": 7,
        "other": 2,
    }
    assert tally((r.employment_type for r in linked.roles), "employment-type-") == {
        "full-time": 29,
        "part-time": 13,
    }
    five = linked.roles[4]
    assert five.talent_category.endswith("staff-development") and five.employment_type.endswith(
        "part-time"
    )


def test_status_variants_decode_the_same(linked):
    # ① rows 39–48 write 「①導入(実施) 済」; ③-1 rows 1–18 use full-width parentheses.
    assert linked.initiatives[38].status_text == "①導入(実施) 済"
    assert linked.initiatives[38].status.endswith("implemented")
    assert linked.roles[0].status_text == "①導入（実施）済"
    assert linked.roles[0].status.endswith("implemented")


def test_prefectures_resolve_to_jis_codes(linked):
    assert linked.initiatives[0].reported_by == "https://dxkg.example.org/id/municipality/010006"
    assert linked.shared_systems[0].used_by[0].endswith("/010006")
    reported = {r.reported_by for r in linked.initiatives}
    assert len(reported) == 46  # 新潟県 has no row in table ①
    assert "https://dxkg.example.org/id/municipality/150002" not in reported


def test_shared_system_notes_name_their_participants(linked):
    # 「現在、県内2市(山口市・長門市)と共同利用中」
    assert system(linked, 20).used_by == [GOVERNMENT + c for c in ("350001", "352039", "352110")]
    # 「共同利用者：鳥取県、岡山県、広島県」, reported by 鳥取県
    assert system(linked, 56).used_by == [GOVERNMENT + c for c in ("310000", "330001", "340006")]
    # 「京都府及び京都市を除く京都府内25市町村」
    kyoto = system(linked, 108)
    assert kyoto.excluded_governments == [GOVERNMENT + "261009"]
    assert (kyoto.participation_scope, kyoto.participant_count) == ("except", 25)
    # 「(導入市町村数：2 / 4 5)」: 2 of 45, the count quoted as printed
    kumamoto = system(linked, 50)
    assert (kumamoto.participant_count, kumamoto.participant_total) == (2, 45)
    assert kumamoto.participant_count_text == "導入市町村数：2 / 4 5"
    assert system(linked, 34).participation_planned  # 「R2.10から…共同利用を開始予定」


def test_every_name_in_the_notes_is_resolved_or_reported(linked, registry):
    assert [(n.name, n.reason) for n in registry.unresolved] == []
    used = {g for s in linked.shared_systems for g in s.used_by}
    assert len(used) > 47  # municipalities besides the reporting prefectures


def test_prefecture_check_digits():
    with PREFECTURES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 47
    for number, row in enumerate(rows, start=1):
        code = row["code"]
        assert code[:2] == f"{number:02d}" and code[2:5] == "000"
        weighted = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
        assert int(code[5]) == (11 - weighted % 11) % 10, row
    assert {r["name_ja"]: r["code"] for r in rows}["東京都"] == "130001"


def test_duplicate_linked_to_its_original(linked):
    assert linked.roles[26].duplicate_of == "https://dxkg.example.org/id/role/survey2020-t3-1-9"


def test_unknown_label_is_an_error_naming_the_line():
    codes = CodeLists.load(SCHEMES)
    span = SourceSpan(document="003.txt", first_line=12, last_line=12, text="")
    with pytest.raises(
        LinkError, match=r"003.txt:12: 「⑥廃止」 is not a label of implementation-status"
    ):
        codes.decode(
            "implementation-status", CodedValue(text="⑥廃止", number=6, label="廃止"), span
        )


def test_number_disagreeing_with_label_is_flagged():
    codes = CodeLists.load(SCHEMES)
    span = SourceSpan(document="003.txt", first_line=5, last_line=5, text="")
    concept, anomaly = codes.decode(
        "shareability", CodedValue(text="①共同利用不可", number=1, label="共同利用不可"), span
    )
    assert concept.endswith("shareability-not-shareable")
    assert anomaly.kind == "code-number-mismatch"
