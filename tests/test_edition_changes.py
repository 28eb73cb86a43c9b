"""Edition changes as data (build/link/changes.py): each kind of change on hand-made cases, the
shape of a change node, and the real corpus (no false changes, hand-read values)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.link.changes import PrintedCase, case_changes, compare_key
from dxkg.pipeline.link.records import CaseNode, EditionChangeNode
from dxkg.pipeline.link.stage import link_corpus
from dxkg.pipeline.pipeline import reference_files
from dxkg.pipeline.validate.shacl import load_shapes, validate_graph

ID = "https://dxkg.example.org/id/"
DXKG = "https://dxkg.example.org/ontology#"
SOURCES = PROJECT_ROOT / "sources"
TEXTS = ("label", "organisation_text", "overview", "effects", "duration_text")


def case(key: str, **fields) -> CaseNode:
    """A case of a made-up document whose excerpt prints each value on its own line (from
    line 101), so that every value has a line."""
    values = {
        "label": "窓口のオンライン化",
        "organisation_text": "架空市",
        "point": ["申請をオンライン化"],
        "overview": "申請をオンラインで受け付ける。",
        "effects": "来庁者が減った。",
        "costs": [cost(key, "initial", "イニシャルコスト", "1,000千円", "1000000", 5)],
        "milestones": [milestone(key, 1, "R5.4", "運用開始", 6)],
        "provider_names": ["株式会社エックス"],
        **fields,
    }
    printed = [values[name] for name in TEXTS if values.get(name)]
    printed += [*values["point"], *values["provider_names"]]
    return CaseNode.model_validate(
        {
            "id": ID + f"case/{key}",
            "part_of": ID + "source/made-up",
            "edition": "第2.0版" if key.startswith("v2") else "第4.0版",
            "coverage": "full",
            "chapter": 3,
            "chapter_label": "内部DX",
            "case_number": 1,
            "title_variants": [],
            "toc_title": None,
            "category": None,
            "prefecture": ID + "municipality/130001",
            "municipality": None,
            "municipality_name": None,
            "mentioned_governments": [],
            "population_class": None,
            "population_label_text": None,
            "page_count": 2,
            "gap_before": False,
            "interview": [],
            "duration_text": None,
            "time_to_launch": None,
            "schedule_text": None,
            "providers_text": None,
            "providers": [],
            "services_text": None,
            "services": [],
            "operation_mode_text": None,
            "operation_modes": [],
            "participants_text": None,
            "participant_names": [],
            "participants": [],
            "contacts": [],
            "responsible_departments": [],
            "population": None,
            "links": [],
            "awards": [],
            "cross_reference": None,
            "derived_from": {
                "id": ID + f"source/made-up/{key}",
                "document": ID + "source/made-up",
                "first_line": 101,
                "last_line": 100 + len(printed),
                "text": "\n".join(printed),
                "label_ja": "抜粋",
                "label_en": "excerpt",
            },
            **values,
        }
    )


def cost(key: str, kind: str, label: str, printed: str, yen: str, line: int) -> dict:
    """A cost of case ``key`` as the link stage makes it."""
    return {
        "id": ID + f"case/{key}/cost/{kind}",
        "label": f"{label} {printed}",
        "cost_kind": ID + f"concept/cost-kind-{kind}",
        "cost_status": ID + "concept/cost-status-amount",
        "raw_text": printed,
        "value": yen,
        "currency": "JPY",
        "approximate": False,
        "tax_basis": None,
        "breakdown": None,
        "remarks": None,
        "source_line": line,
    }


def milestone(key: str, ordinal: int, date: str, what: str, line: int) -> dict:
    """A step of case ``key``'s schedule."""
    return {
        "id": ID + f"case/{key}/milestone/{ordinal}",
        "label": f"{date} {what}",
        "date_text": date,
        "ordinal": ordinal,
        "source_line": line,
    }


def changes(earlier: CaseNode, later: CaseNode, categories=None) -> list[EditionChangeNode]:
    return case_changes(
        PrintedCase(later, categories or {}), PrintedCase(earlier, categories or {})
    )


def field(node: EditionChangeNode) -> str:
    return node.changed_field.rsplit("#", 1)[1]


def test_the_same_case_has_no_changes():
    assert changes(case("v2-3-1"), case("v4-3-1")) == []


def test_a_rewritten_text_is_one_modified_value_with_both_lines():
    later = case("v4-3-1", effects="来庁者が半減した。")
    (change,) = changes(case("v2-3-1"), later)
    assert (field(change), change.change_kind) == ("effects", "modified")
    assert (change.old_value, change.new_value) == ("来庁者が減った。", "来庁者が半減した。")
    assert (change.old_line, change.new_line) == (
        104,
        104,
    )  # label, organisation, overview, effects
    assert change.later_report == ID + "case/v4-3-1" and change.earlier_report == ID + "case/v2-3-1"
    assert change.id == ID + "case/v4-3-1/change/1"
    assert change.label == "事業効果の変更"


def test_a_line_break_full_width_letters_or_list_markers_are_no_change():
    later = case(
        "v4-3-1",
        point=["申請をオンライ\nン化"],
        overview="○ 申請をオンラインで\n受け付ける。",
        label="窓口のオンライン化",
        provider_names=["株式会社エックス"],
    )
    earlier = case("v2-3-1", label="窓口のｵﾝﾗｲﾝ化", overview="- 申請をオンラインで受け付ける。")
    assert changes(earlier, later) == []


def test_a_category_is_compared_by_its_label_not_its_edition_specific_iri():
    categories = {
        ID + "concept/case-category-v2-3-1": "窓口改革",
        ID + "concept/case-category-v4-3-1": "窓口改革",
        ID + "concept/case-category-v4-3-2": "書かない窓口",
    }
    earlier = case("v2-3-1", category=ID + "concept/case-category-v2-3-1")
    same = case("v4-3-1", category=ID + "concept/case-category-v4-3-1")
    assert changes(earlier, same, categories) == []
    renamed = case("v4-3-1", category=ID + "concept/case-category-v4-3-2")
    (change,) = changes(earlier, renamed, categories)
    assert (field(change), change.old_value, change.new_value) == (
        "caseCategory",
        "窓口改革",
        "書かない窓口",
    )


def test_a_cost_that_changed_is_modified_by_kind_and_a_new_kind_is_added():
    later = case(
        "v4-3-1",
        costs=[
            cost("v4-3-1", "initial", "イニシャルコスト", "1,200千円", "1200000", 7),
            cost("v4-3-1", "running", "ランニングコスト", "300千円", "300000", 8),
        ],
    )
    modified, added = changes(case("v2-3-1"), later)
    assert (field(modified), modified.change_kind) == ("cost", "modified")
    assert (modified.old_value, modified.new_value) == (
        "イニシャルコスト 1,000千円",
        "イニシャルコスト 1,200千円",
    )
    assert (modified.old_line, modified.new_line) == (5, 7)
    assert (added.change_kind, added.old_value, added.new_value) == (
        "added",
        None,
        "ランニングコスト 300千円",
    )


def test_the_same_printed_cost_in_another_width_is_no_change():
    later = case(
        "v4-3-1",
        costs=[cost("v4-3-1", "initial", "イニシャルコスト", "１,０００千円", "1000000", 7)],
    )
    assert changes(case("v2-3-1"), later) == []


def test_milestones_added_removed_and_moved():
    earlier = case(
        "v2-3-1",
        milestones=[
            milestone("v2-3-1", 1, "R5.4", "運用開始", 6),
            milestone("v2-3-1", 2, "R5.6", "検証", 7),
        ],
    )
    later = case(
        "v4-3-1",
        milestones=[
            milestone("v4-3-1", 1, "R5.5", "運用開始", 9),
            milestone("v4-3-1", 2, "R6.4", "全庁展開", 10),
        ],
    )
    found = [(c.change_kind, c.old_value, c.new_value) for c in changes(earlier, later)]
    assert found == [
        ("modified", "R5.4 運用開始", "R5.5 運用開始"),  # the same step, another date
        ("removed", "R5.6 検証", None),
        ("added", None, "R6.4 全庁展開"),
    ]


def test_a_vendor_added_is_one_added_provider_on_its_line():
    later = case("v4-3-1", provider_names=["株式会社エックス", "ワイ株式会社"])
    (change,) = changes(case("v2-3-1"), later)
    assert (field(change), change.change_kind, change.new_value) == (
        "providerName",
        "added",
        "ワイ株式会社",
    )
    assert change.new_line == 107  # the excerpt's eighth line: after the Point and 株式会社エックス


def test_point_bullets_one_extractor_read_as_effects_are_no_change():
    earlier = case("v2-3-1", point=[], effects="申請をオンライン化\n来庁者が減った。")
    assert changes(earlier, case("v4-3-1")) == []


def test_a_case_with_only_its_running_titles_compares_the_titles_only():
    later = case("v4-3-1", coverage="titles-only", overview=None, effects=None, costs=[])
    assert changes(case("v2-3-1"), later) == []
    retitled = case("v4-3-1", coverage="titles-only", label="窓口の完全オンライン化")
    (change,) = changes(case("v2-3-1"), retitled)
    assert (field(change), change.change_kind) == ("label", "modified")


CHANGE = """
@prefix dxkg: <https://dxkg.example.org/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@base <https://dxkg.example.org/id/> .
<case/v4-3-1> a dxkg:CaseStudy ; prov:wasRevisionOf <case/v2-3-1> .
<case/v2-3-1> a dxkg:CaseStudy .
<case/v4-3-1/change/1> a dxkg:EditionChange ; rdfs:label "コストの変更"@ja ;
    dxkg:laterReport <case/v4-3-1> ; dxkg:earlierReport <case/v2-3-1> ;
    dxkg:changedField dxkg:cost ; dxkg:changeKind "modified" ;
    dxkg:oldValue "イニシャルコスト 1,000千円"@ja ; dxkg:oldSourceLine 5 ;
    dxkg:newValue "イニシャルコスト 1,200千円"@ja ; dxkg:newSourceLine 7 .
"""


def change_violations(turtle: str) -> list[str]:
    data = Graph().parse(data=turtle, format="turtle")
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")
    report = validate_graph(data, load_shapes(PROJECT_ROOT / "shapes"), ontology)
    return [f.message for f in report.violations if f.focus == ID + "case/v4-3-1/change/1"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"modified"', '"changed"'),  # not a kind
        ('"modified"', '"added"'),  # an addition has no old value
        ("dxkg:newSourceLine 7", "dxkg:newSourceLine 0"),
        ("prov:wasRevisionOf <case/v2-3-1>", "rdfs:seeAlso <case/v2-3-1>"),
        ('"コストの変更"@ja', '"cost modified"@en'),
    ],
)
def test_the_shape_takes_a_change_and_refuses_a_broken_one(old, new):
    assert change_violations(CHANGE) == []
    assert change_violations(CHANGE.replace(old, new, 1)) != []


@pytest.fixture(scope="module")
def real(survey, case_extracts, tmp_path_factory):
    """The real corpus linked: (cases by IRI, change nodes, the matched pairs)."""
    paths = Paths(dist=tmp_path_factory.mktemp("changes") / "dist")
    _, cases, entities = link_corpus(
        survey, case_extracts, load_manifest(SOURCES), reference_files(paths)
    )
    by_id = {node.id: node for node in cases.cases}
    return by_id, entities.edition_changes, entities.edition_matching.links


def test_no_real_change_is_between_equal_values(real):
    _, nodes, links = real
    assert len(links) == 68  # 13 pairs of chapter 1 (002) and 55 of the 64 running titles (000)
    for node in nodes:
        assert node.old_value or node.new_value
        if node.change_kind == "modified":
            assert compare_key(node.old_value) != compare_key(node.new_value), node.id


def test_each_real_value_is_on_the_line_given(real):
    by_id, nodes, _ = real
    texts = {path.stem: path.read_text("utf-8").splitlines() for path in SOURCES.glob("*.txt")}
    for node in nodes:
        for report, value, line in (
            (node.earlier_report, node.old_value, node.old_line),
            (node.later_report, node.new_value, node.new_line),
        ):
            if value is None or line is None or node.changed_field.endswith("interviewAnswer"):
                continue  # an interview answer's line is its answer's, after the question
            lines = texts[Path(by_id[report].part_of).name]
            assert compare_key(value)[:6] in compare_key("".join(lines[line - 1 : line + 1])), (
                node.id
            )


@pytest.mark.parametrize(
    ("change", "field", "kind", "old", "old_line", "new", "new_line"),
    [
        # 001 line 589「イニシャルコスト ※税抜 31,415千円」, 002 line 401「… 68,515千円」
        (
            "v4-1-4",
            "cost",
            "modified",
            "イニシャルコスト 31,415千円",
            589,
            "イニシャルコスト 68,515千円",
            401,
        ),
        # 001 line 680, 002 line 484:【参考情報】's population figure
        (
            "v4-1-4",
            "populationFigure",
            "modified",
            "福島県人口：181.9万人（令和5年1月1日現在）",
            680,
            "福島県人口：174.0万人（令和６年12月１日現在）",
            484,
        ),
        # 001 line 603「- R5.6 事業開始」, 002 line 417「R6.7      事業開始」
        ("v4-1-4", "milestone", "modified", "R5.6 事業開始", 603, "R6.7 事業開始", 417),
        # 000's running title of 3-20 (line 86) against 001's 3-21 (line 8035): 77 → 83 業務
        (
            "v4-3-20",
            "label",
            "modified",
            "77業務にRPA・AI-OCRを活用し、年間約10,400時間を削減",
            8035,
            "83業務にRPA・AI-OCRを活用し、年間約10,900時間を削減",
            86,
        ),
    ],
)
def test_hand_read_real_changes(real, change, field, kind, old, old_line, new, new_line):
    _, nodes, _ = real
    found = [
        (n.change_kind, n.old_value, n.old_line, n.new_value, n.new_line)
        for n in nodes
        if n.later_report == ID + f"case/{change}" and n.changed_field.endswith("#" + field)
    ]
    assert (kind, old, old_line, new, new_line) in found


def test_real_changes_by_field(real):
    _, nodes, links = real
    by_field = Counter(node.changed_field.rsplit("#", 1)[-1] for node in nodes)
    # Chapter 1's 13 pairs are compared in full, the 55 titles-only pairs by title and
    # organisation; the 1.x Point bullets 001 prints below 事業効果 are no change.
    assert {node.later_report for node in nodes} <= {ID + f"case/{link.later}" for link in links}
    assert by_field["point"] <= 3 and by_field["label"] == 4 and by_field["cost"] == 1
    assert not any(n.changed_field.endswith("organisationText") for n in nodes)
