"""Linking across documents, on the real corpus: the numbers the build report states."""

import pytest
from pyoxigraph import Store

from dxkg.release import LinkingSummary

ID = "https://dxkg.example.org/id/"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def linking(release) -> LinkingSummary:
    _, report = release
    return report.linking


def ask(release_store: Store, query: str) -> list:
    """Rows of plain values over the union of the named graphs."""
    prefixes = """PREFIX dxkg: <https://dxkg.example.org/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX org: <http://www.w3.org/ns/org#>
        """
    results = release_store.query(prefixes + query, use_default_graph_as_union=True)
    return [tuple(term.value for term in row) for row in results]


def test_every_government_name_resolves_or_is_reported(linking):
    governments = linking.governments
    assert governments.unresolved_names == []
    assert governments.resolved_names > 1000  # every row, case, note and free text naming one
    assert governments.referenced_by_kind["Prefecture"] == 47


def test_cases_link_to_their_government_in_context(release_store):
    rows = ask(
        release_store,
        """
        SELECT ?name ?code WHERE {
          ?case dxkg:organisationText ?name ; dxkg:municipality/dxkg:localGovernmentCode ?code .
        }""",
    )
    codes = {str(name): str(code) for name, code in rows}
    assert codes["奈良県三宅町"] == "293628"  # not 東京都三宅村
    assert codes["福島県福島市"] == "072010" and codes["福島県"] == "070009"
    assert codes["鳥取県鳥取市"] == "312011" and codes["鳥取県"] == "310000"
    unlinked = ask(
        release_store,
        "SELECT ?case WHERE { ?case a dxkg:CaseStudy FILTER NOT EXISTS { ?case dxkg:municipality ?m } }",
    )
    assert unlinked == []


def test_governments_link_to_prefecture_and_e_stat(release_store):
    rows = ask(
        release_store,
        """
        SELECT ?area ?prefecture WHERE {
          <https://dxkg.example.org/id/municipality/293628> skos:closeMatch ?area ;
              dxkg:inPrefecture/rdfs:label ?prefecture . FILTER (lang(?prefecture) = "ja")
        }""",
    )
    assert [(str(a), str(p)) for a, p in rows] == [
        ("http://data.e-stat.go.jp/lod/sac/C29362", "奈良県")
    ]


def test_vendor_counts_before_and_after_merging(linking):
    organisations = linking.organisations
    assert organisations.surface_forms == 122
    assert organisations.organisations == 115
    assert (organisations.mechanical_merges, organisations.curated_merges) == (5, 2)
    assert organisations.typos_flagged == 3


def test_known_variants_merge_and_the_typo_stays_apart(release_store):
    ntt_east = ask(
        release_store,
        """
        SELECT DISTINCT ?case WHERE {
          ?case dxkg:provider|dxkg:participant ?org . ?org rdfs:label "東日本電信電話株式会社"@ja .
        }""",
    )
    # 福島県 (v4) writes the legal name, 上里町 (both editions) writes NTT東日本
    assert {str(row[0]).removeprefix(ID + "case/") for row in ntt_east} >= {
        "v4-1-4",
        "v2-1-7",
        "v4-1-7",
    }
    typo = ask(
        release_store,
        """
        SELECT ?label ?right WHERE {
          ?org dxkg:suspectedTypoOf/rdfs:label ?right ; rdfs:label ?label .
        }""",
    )
    assert [(str(a), str(b)) for a, b in typo] == [("トヨコム株式会社", "トヨクモ株式会社")]


def test_departments_are_shared_across_editions(release_store):
    rows = ask(
        release_store,
        """
        SELECT ?department (COUNT(DISTINCT ?case) AS ?cases) WHERE {
          ?case dxkg:responsibleDepartment ?department .
          ?department org:unitOf <https://dxkg.example.org/id/municipality/070009> .
        } GROUP BY ?department""",
    )
    assert [int(n) for _, n in rows] == [2]  # 福島県デジタル変革課, in 第2.0版 and 第4.0版


def test_technology_precision_on_the_hand_labelled_sample(linking):
    evaluation = linking.technologies.evaluation
    assert evaluation.records >= 40
    assert evaluation.precision >= 0.8
    assert evaluation.correct + evaluation.wrong == evaluation.tags_found


def test_tags_keep_the_text_that_matched(release_store):
    rows = ask(
        release_store,
        """
        SELECT ?text WHERE {
          <https://dxkg.example.org/id/case/v2-3-47> dxkg:technologyTag ?tag .
          ?tag dxkg:matchedText ?text .
        }""",
    )
    assert rows


def test_editions_are_linked(linking, release_store):
    editions = linking.editions
    assert editions.linked_pairs == 68  # 13 in chapter 1, 19 in chapter 2, 36 in chapter 3
    assert editions.new_in_later_edition == [
        "v4-3-23",
        "v4-3-24",
        "v4-3-25",
        "v4-3-26",
        "v4-3-33",
        "v4-3-43",
        "v4-3-45",
        "v4-3-47",
        "v4-3-48",
    ]
    fukushima = ask(
        release_store,
        """
        SELECT ?before ?after WHERE {
          <https://dxkg.example.org/id/case/v4-1-4> prov:wasRevisionOf ?earlier ; dxkg:cost ?c .
          ?c dxkg:costKind <https://dxkg.example.org/id/concept/cost-kind-initial> ; dxkg:printedValue ?after .
          ?earlier dxkg:cost ?e . ?e dxkg:costKind <https://dxkg.example.org/id/concept/cost-kind-initial> ;
              dxkg:printedValue ?before .
        }""",
    )
    assert [(str(b), str(a)) for b, a in fukushima] == [("31,415千円", "68,515千円")]


def test_joint_systems(linking):
    assert [(j.label, j.rows) for j in linking.joint_systems] == [
        ("統合宛名システム / 団体内統合宛名システム", 3),
        ("自治体情報セキュリティクラウド", 2),
    ]


def test_governments_named_in_free_text_are_linked(release_store):
    rows = ask(
        release_store,
        """
        SELECT ?code WHERE {
          <https://dxkg.example.org/id/case/v2-1-10> dxkg:mentionsGovernment/dxkg:localGovernmentCode ?code .
        }""",
    )
    # 都城市's case names the cities it learnt from, 養父市 (兵庫県) and 柳井市 (山口県)
    assert {"282227", "352128"} <= {code for (code,) in rows}
