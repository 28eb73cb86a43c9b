"""The model a consumer queries: the seven main classes answer a plain ``?x a dxkg:C``, one
initiative per real-world effort, and the inferred graph is exactly the entailment."""

from __future__ import annotations

import pytest
from rdflib import Graph

from dxkg.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from dxkg.pipeline.link.editions import match_edition_chain
from dxkg.pipeline.pipeline import MAIN_CLASSES

GRAPHS = DEFAULT_BASE_IRI + "graph/"
INFERRED = GRAPHS + "inferred"
PREFIXES = f"""
PREFIX dxkg: <{DEFAULT_BASE_IRI}ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def select(store, query: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT over the union of the graphs, as tuples of lexical values."""
    results = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [tuple(term.value if term else None for term in row) for row in results]


def count(store, pattern: str) -> int:
    ((n,),) = select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
    return int(n)


@pytest.fixture(scope="module")
def chains(case_extracts) -> tuple[int, int]:
    """(case studies, matched edition pairs) from the extracts."""
    cases = [case for extract in case_extracts for case in extract.cases]
    return len(cases), len(match_edition_chain(cases).links)


def test_every_main_class_answers_a_plain_type_pattern(release_store, release, survey, chains):
    cases, pairs = chains
    technologies = Graph().parse(PROJECT_ROOT / "ontology/schemes/technologies.ttl")
    scheme = f"<{DEFAULT_BASE_IRI}id/scheme/technologies>"
    in_scheme = f"SELECT ?c WHERE {{ ?c skos:inScheme {scheme} }}"
    expected = {
        "Initiative": len(survey.ai_rpa_uses) + cases - pairs,
        "SharedSystem": len(survey.shared_systems),
        "Role": len(survey.digital_talent),
        "Technology": len(list(technologies.query(PREFIXES + in_scheme))),
        "Municipality": count(
            release_store, f"GRAPH <{GRAPHS}municipalities> {{ ?x dxkg:localGovernmentCode ?c }}"
        ),
    }
    found = {name: count(release_store, f"?x a dxkg:{name}") for name in MAIN_CLASSES}
    assert {name: found[name] for name in expected} == expected
    assert found["Vendor"] >= 100
    kinds = ("Municipality", "Vendor", "PartnerOrganization", "ParentCompany", "Department")
    organisations = sum(count(release_store, f"?x a dxkg:{kind}") for kind in kinds)
    organisations += len(survey.organisations)
    assert found["Organization"] == organisations
    assert count(release_store, "?x a org:Organization") == organisations
    _, report = release
    assert report.classes == found


def test_dx_bodies_have_a_class_that_says_what_they_are(release_store, survey):
    assert count(release_store, "?x a dxkg:DXPromotionBody") == len(survey.organisations)
    assert count(release_store, "?x a dxkg:DXPromotionBody, dxkg:Vendor") == 0


def test_every_case_study_describes_exactly_one_initiative(release_store, chains):
    cases, pairs = chains
    rows = select(
        release_store, "SELECT ?case ?i WHERE { ?case a dxkg:CaseStudy ; dxkg:describes ?i }"
    )
    assert len(rows) == len({case for case, _ in rows}) == cases
    assert len({initiative for _, initiative in rows}) == cases - pairs


def test_editions_of_a_case_describe_the_same_initiative_and_no_other(release_store):
    revisions = select(
        release_store,
        """SELECT ?newer ?older ?a ?b WHERE {
             ?newer prov:wasRevisionOf ?older ; dxkg:describes ?a . ?older dxkg:describes ?b }""",
    )
    assert revisions and all(a == b for _, _, a, b in revisions)
    # two cases that no revision joins describe different initiatives
    shared = select(
        release_store,
        """SELECT ?x ?y WHERE {
             ?x dxkg:describes ?i . ?y dxkg:describes ?i . FILTER (STR(?x) < STR(?y))
             FILTER NOT EXISTS { ?x (prov:wasRevisionOf|^prov:wasRevisionOf)+ ?y } }""",
    )
    assert shared == []


def test_survey_rows_are_initiatives(release_store, survey):
    rows = count(release_store, "?x a dxkg:Initiative ; dxkg:usageDescription ?u")
    assert rows == len(survey.ai_rpa_uses)


def test_an_initiative_carries_who_what_with_whom_and_costs(release_store):
    # every case's initiative has its place
    missing = count(
        release_store, "?c dxkg:describes ?x . FILTER NOT EXISTS { ?x dxkg:prefecture ?p }"
    )
    assert missing == 0
    # the newest report's costs: each is a part of a case study that describes the initiative
    costs = select(
        release_store,
        """SELECT ?x ?cost ?report WHERE {
             ?x a dxkg:Initiative ; dxkg:cost ?cost .
             OPTIONAL { ?report dxkg:describes ?x ; dxkg:cost ?cost } }""",
    )
    assert costs and all(report for _, _, report in costs)
    # vendors: the union over the reports, so each report's vendor is the initiative's too
    lost = count(
        release_store,
        """?r dxkg:describes ?i ; dxkg:provider ?x .
           FILTER NOT EXISTS { ?i dxkg:provider ?x }""",
    )
    assert lost == 0


def test_the_inferred_graph_is_exactly_the_entailment(release_store):
    asserted = f"FILTER (?g NOT IN (<{INFERRED}>, <{GRAPHS}ontology>))"
    ontology = f"<{GRAPHS}ontology>"
    expected = set(
        select(
            release_store,
            f"""SELECT DISTINCT ?s ?p ?o WHERE {{
              {{ GRAPH ?g {{ ?s a ?type }} {asserted}
                 GRAPH {ontology} {{ ?type rdfs:subClassOf+ ?o }} BIND (rdf:type AS ?p) }}
              UNION
              {{ GRAPH ?g {{ ?s ?q ?o }} {asserted}
                 GRAPH {ontology} {{ ?q rdfs:subPropertyOf+ ?p }} }}
              UNION
              {{ GRAPH ?g {{ ?s ?q ?t }} {asserted}
                 GRAPH {ontology} {{ ?q rdfs:subPropertyOf* dxkg:usesTechnologyBroad }}
                 GRAPH ?h {{ ?t skos:broader+ ?o }} BIND (dxkg:usesTechnologyBroad AS ?p) }}
              FILTER NOT EXISTS {{ GRAPH ?k {{ ?s ?p ?o }} FILTER (?k != <{INFERRED}>) }}
            }}""",
        )
    )
    inferred = set(
        select(release_store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}")
    )
    assert inferred == expected
    assert len(inferred) > 5000


def test_everything_that_uses_ai_is_one_triple_pattern(release_store):
    ai = f"<{DEFAULT_BASE_IRI}id/concept/technology-ai>"
    broad = count(release_store, f"?x dxkg:usesTechnologyBroad {ai}")
    by_path = count(release_store, f"?x dxkg:usesTechnology/skos:broader* {ai}")
    assert broad == by_path > count(release_store, f"?x dxkg:usesTechnology {ai}")


def test_asserted_and_inferred_stay_apart(release_store):
    """A query FROM the asserted graphs only sees no entailed type."""
    rows = select(
        release_store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
              GRAPH ?g {{ ?x a dxkg:Municipality }} FILTER (?g != <{INFERRED}>) }}""",
    )
    assert rows == [("0",)]
