"""Each shape must fire on a graph that breaks it, and the real graph must pass."""

import pytest
from rdflib import Graph

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.validate import load_shapes, validate_graph

PREFIXES = """
@prefix dxkg: <https://dxkg.example.org/ontology#> .
@base <https://dxkg.example.org/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

VALID = PREFIXES + """
<source/doc> a dxkg:SourceDocument ; rdfs:label "文書"@ja ; dxkg:sha256 "%s" ;
    <http://purl.org/dc/terms/identifier> "doc.txt" ; <http://purl.org/dc/terms/issued> "2020-10"^^xsd:gYearMonth .
<source/doc/L5> a dxkg:SourceExcerpt ; rdfs:label "doc 5行"@ja ; dxkg:sourceDocument <source/doc> ;
    dxkg:firstLine "5"^^xsd:positiveInteger ; dxkg:lastLine "5"^^xsd:positiveInteger ; dxkg:excerptText "本文"@ja .
<municipality/130001> a dxkg:Prefecture ; rdfs:label "東京都"@ja, "Tokyo Metropolis"@en ;
    dxkg:localGovernmentCode "130001" .
<t1> a dxkg:SurveyTable ; rdfs:label "表"@ja ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:statedCount "1"^^xsd:nonNegativeInteger ; dxkg:foundCount "1"^^xsd:nonNegativeInteger .
<cat> a skos:Concept ; rdfs:label "総務分野"@ja ; skos:inScheme <scheme/cats> ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:statedCount "1"^^xsd:nonNegativeInteger ; dxkg:foundCount "1"^^xsd:nonNegativeInteger .
<scheme/cats> a skos:ConceptScheme .
<initiative/x> a dxkg:Initiative ; rdfs:label "業務"@ja ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:reportedBy <municipality/130001> ; dxkg:municipality <municipality/130001> ;
    dxkg:surveyTable <t1> ; dxkg:rowNumber "1"^^xsd:positiveInteger ; dxkg:surveyCategory <cat> ;
    dxkg:implementationStatus <concept/implementation-status-implemented> ;
    dxkg:implementationStatusText "①導入(実施)済"@ja ; dxkg:usageDescription "方法"@ja ;
    dxkg:shareability <concept/shareability-other> ; dxkg:remark "備考"@ja .
""" % ("0" * 64)


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(PROJECT_ROOT / "shapes")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")


def check(turtle: str, shapes, ontology):
    data = Graph().parse(data=turtle, format="turtle")
    data.parse(PROJECT_ROOT / "ontology" / "schemes" / "survey-codes.ttl")
    return validate_graph(data, shapes, ontology)


def test_valid_sample_conforms(shapes, ontology):
    report = check(VALID, shapes, ontology)
    assert report.conforms, report.summary()
    assert report.findings == []


BREAKAGES = {
    "check digit": ('"130001"', '"130002"', "check digit"),
    "code pattern": ('"130001"', '"13001"', "two digits, 000"),
    "English label": ('"Tokyo Metropolis"@en', '"Tokyo"@ja', "English label"),
    "untagged label": ('rdfs:label "業務"@ja', 'rdfs:label "業務"', "language tag"),
    "provenance": ("prov:wasDerivedFrom <source/doc/L5> ;\n    dxkg:reportedBy", "dxkg:reportedBy", "source excerpt"),
    "status scheme": ("dxkg:implementationStatus <concept/implementation-status-implemented>",
                      "dxkg:implementationStatus <concept/shareability-other>", ""),
    "shareability list": ("dxkg:shareability <concept/shareability-other>",
                          "dxkg:shareability <concept/further-shareability-other>", ""),
    "row number datatype": ('"1"^^xsd:positiveInteger ; dxkg:surveyCategory', '"0"^^xsd:integer ; dxkg:surveyCategory', ""),
    "line order": ('dxkg:lastLine "5"', 'dxkg:lastLine "4"', "first line"),
    "sha256": ('"%s"' % ("0" * 64), '"abc"', ""),
    "municipality class": ("dxkg:municipality <municipality/130001>", "dxkg:municipality <t1>", ""),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_each_shape_fires(shapes, ontology, name):
    old, new, message = BREAKAGES[name]
    assert old in VALID
    report = check(VALID.replace(old, new, 1), shapes, ontology)
    assert not report.conforms
    assert any(message in f.message for f in report.violations), report.summary()


def test_soft_expectations_are_warnings(shapes, ontology):
    old = 'dxkg:foundCount "1"^^xsd:nonNegativeInteger .\n<scheme/cats>'
    assert old in VALID
    turtle = VALID.replace(old, old.replace('"1"', '"2"'))
    report = check(turtle, shapes, ontology)
    assert report.conforms
    assert report.findings and {f.severity for f in report.findings} == {"Warning"}
