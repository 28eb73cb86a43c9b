"""The guide connected: the focus-area rules, their basis in 004, and the links they make."""

from __future__ import annotations

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline import iris
from dxkg.pipeline.extract.sourcetext import read_source_lines
from dxkg.pipeline.link.focusareas import (
    GuideSubject,
    check_rule_citations,
    link_guide_items,
    load_rule_rows,
    resolve_rules,
    technology_guide_items,
)
from dxkg.pipeline.text import match_key

RULES = PROJECT_ROOT / "mappings" / "reference" / "focus-area-rules.csv"
SOURCES = PROJECT_ROOT / "sources"
GUIDE = "004_c2a073d2dcf91690.txt"
ROWS = load_rule_rows(RULES)
RESOLVED = resolve_rules(
    ROWS,
    PROJECT_ROOT / "ontology" / "schemes" / "dx-guide.ttl",
    PROJECT_ROOT / "ontology" / "schemes" / "technologies.ttl",
)
PREFIXES = """PREFIX dxkg: <https://dxkg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX concept: <https://dxkg.example.org/id/concept/>
"""
#: Focus areas that some record of the corpus matches (no record names standardisation).
LINKED_AREAS = ["my-number-card", "online-procedures", "ai-rpa", "telework", "security"]
TECHNOLOGY_AREAS = LINKED_AREAS


def _area(notation: str) -> str:
    return iris.code_concept("focus-area", notation)


def _tech(notation: str) -> str:
    return iris.code_concept("technology", notation)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.guide_item}-{row.value}")
def test_every_basis_is_printed_on_its_line_of_004(row):
    document, line = row.cited_line()
    assert document == GUIDE
    assert match_key(row.quote) in match_key(read_source_lines(SOURCES / document)[line - 1])


def test_the_build_check_accepts_the_table():
    check_rule_citations(ROWS, SOURCES)


def test_every_focus_area_has_a_rule():
    items = {row.guide_item for row in ROWS}
    areas = {"standardisation", *LINKED_AREAS}
    assert {f"focus-area/{area}" for area in areas} <= items


def test_a_technology_rule_covers_the_narrower_concepts():
    ai = next(rule for rule in RESOLVED if rule.node.rule_value == "ai")
    assert {_tech("ai"), _tech("chatbot"), _tech("ai-ocr"), _tech("ai-camera")} <= ai.technologies
    assert _tech("rpa") not in ai.technologies


def _linked(subject: GuideSubject) -> dict[str, tuple[list[str], list[str], list[str]]]:
    [record] = link_guide_items([subject], RESOLVED) or [None]
    if record is None:
        return {}
    return {a.guide_item: (a.rule, a.via_technology, a.via_text) for a in record.guide_assignment}


def test_a_record_using_rpa_is_in_the_ai_rpa_area():
    found = _linked(GuideSubject("urn:x", [_tech("rpa"), _tech("chatbot")], None, "業務の自動化"))
    rules, technologies, texts = found[_area("ai-rpa")]
    assert technologies == [_tech("chatbot"), _tech("rpa")]
    assert rules == sorted(
        [
            iris.guide_rule("focus-area/ai-rpa", "technology", "ai"),
            iris.guide_rule("focus-area/ai-rpa", "technology", "rpa"),
        ]
    )
    assert texts == []
    assert list(found) == [_area("ai-rpa")]


def test_a_record_without_a_matching_technology_category_or_word_has_no_link():
    assert _linked(GuideSubject("urn:x", [_tech("gis")], "その他", "水道管路マップの電子化")) == {}


def test_category_and_title_keyword_rules():
    found = _linked(
        GuideSubject("urn:x", [], "庁内コミュニケーション・テレワーク", "セキュリティ研修")
    )
    assert found[_area("telework")][2] == ["庁内コミュニケーション・テレワーク"]
    assert found[_area("security")][2] == ["セキュリティ"]


def test_a_category_links_to_a_step_and_a_promotion_structure_item():
    found = _linked(GuideSubject("urn:x", [], "自治体ごとの創意工夫による人材育成", "研修"))
    assert set(found) == {
        iris.code_concept("dx-step", "step-2"),
        iris.code_concept("promotion-structure", "digital-talent"),
    }


def test_technologies_carry_their_focus_areas():
    by_id = {node.id: node.focus_area for node in technology_guide_items(RESOLVED)}
    assert by_id[_tech("generative-ai")] == [_area("ai-rpa")]
    assert by_id[_tech("security-cloud")] == [_area("security")]


# --- On the built corpus ---------------------------------------------------------------


def _count_by_area(store, query: str) -> dict[str, int]:
    rows = store.query(PREFIXES + query, use_default_graph_as_union=True)
    counts = {row[0].value.rsplit("focus-area-", 1)[1]: int(row[1].value) for row in rows}
    print(counts)
    return counts


def test_cases_per_focus_area(release_store):
    counts = _count_by_area(
        release_store,
        """SELECT ?area (COUNT(DISTINCT ?record) AS ?n) WHERE {
               ?record dxkg:focusArea ?area .
               { ?record a dxkg:Initiative } UNION { ?record a dxkg:SharedSystem }
           } GROUP BY ?area""",
    )
    assert all(counts.get(area, 0) > 0 for area in LINKED_AREAS), counts
    # the case studies of an area: the reports of its initiatives
    cases = _count_by_area(
        release_store,
        """SELECT ?area (COUNT(DISTINCT ?case) AS ?n) WHERE {
               ?case a dxkg:CaseStudy ; dxkg:describes/dxkg:focusArea ?area .
           } GROUP BY ?area""",
    )
    assert cases["ai-rpa"] > 0 and cases["online-procedures"] > 0, cases


def test_technologies_per_focus_area(release_store):
    counts = _count_by_area(
        release_store,
        """SELECT ?area (COUNT(?technology) AS ?n) WHERE {
               ?technology a dxkg:Technology ; dxkg:focusArea ?area .
           } GROUP BY ?area""",
    )
    assert all(counts.get(area, 0) > 0 for area in TECHNOLOGY_AREAS), counts
    assert counts["ai-rpa"] >= 10


def _areas_of(store, case: str) -> set[str]:
    query = f"SELECT ?area WHERE {{ <{iris.case(case)}> dxkg:describes/dxkg:focusArea ?area }}"
    return {row[0].value for row in store.query(PREFIXES + query, use_default_graph_as_union=True)}


def test_hand_checked_cases(release_store):
    # 「RPA・AI-OCRにより100業務で約1.8万時間の削減…」
    assert _areas_of(release_store, "v4-3-18") == {_area("ai-rpa")}
    # 「「議会答弁検討システム」で事務負担・印刷物を大幅削減」: no technology, no area
    assert _areas_of(release_store, "v4-3-46") == set()


def test_every_link_has_its_basis(release_store):
    query = """SELECT (COUNT(*) AS ?n) WHERE {
        ?record dxkg:guideItem ?item .
        # technologies, rules and assignments name guide items too: only records need a basis
        FILTER NOT EXISTS {
            VALUES ?kind { dxkg:Technology dxkg:GuideLinkRule dxkg:GuideItemAssignment }
            ?record a ?kind
        }
        FILTER NOT EXISTS {
            ?record dxkg:qualifiedGuideItem ?assignment .
            ?assignment dxkg:guideItem ?item ; dxkg:rule ?rule .
            ?rule dxkg:sourceLine ?line ; dxkg:basisQuote ?quote .
            { ?assignment dxkg:viaTechnology ?via } UNION { ?assignment dxkg:viaText ?via }
        }
    }"""
    [row] = release_store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert int(row[0].value) == 0
