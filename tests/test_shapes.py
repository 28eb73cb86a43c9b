"""Each shape must fire on a graph that breaks it, and the real graph must pass."""

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.validate.shacl import load_report_shapes, load_shapes, validate_graph

PREFIXES = """
@prefix dxkg: <https://dxkg.example.org/ontology#> .
@base <https://dxkg.example.org/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""

VALID = (
    PREFIXES
    + """
<source/doc> a dxkg:SourceDocument ; rdfs:label "文書"@ja ; dxkg:sha256 "%s" ;
    <http://purl.org/dc/terms/identifier> "doc.txt" ; <http://purl.org/dc/terms/issued> "2020-10"^^xsd:gYearMonth .
<source/doc/L5> a dxkg:SourceExcerpt ; rdfs:label "doc 5行"@ja ; dxkg:sourceDocument <source/doc> ;
    dxkg:firstLine 5 ; dxkg:lastLine 5 ; dxkg:excerptText "本文"@ja .
<municipality/130001> a dxkg:Prefecture ; rdfs:label "東京都"@ja, "Tokyo Metropolis"@en ;
    dxkg:localGovernmentCode "130001" ; skos:closeMatch <http://data.e-stat.go.jp/lod/sac/C13000> .
<t1> a dxkg:SurveyTable ; rdfs:label "表"@ja ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:statedCount 1 ; dxkg:foundCount 1 .
<cat> a skos:Concept ; rdfs:label "総務分野"@ja ; skos:inScheme <scheme/cats> ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:statedCount 1 ; dxkg:foundCount 1 .
<scheme/cats> a skos:ConceptScheme .
<initiative/x> a dxkg:Initiative ; rdfs:label "業務"@ja ; prov:wasDerivedFrom <source/doc/L5> ;
    dxkg:reportedBy <municipality/130001> ; dxkg:municipality <municipality/130001> ;
    dxkg:surveyTable <t1> ; dxkg:rowNumber 1 ; dxkg:surveyCategory <cat> ;
    dxkg:implementationStatus <concept/implementation-status-implemented> ;
    dxkg:implementationStatusText "①導入(実施)済"@ja ; dxkg:usageDescription "方法"@ja ;
    dxkg:shareability <concept/shareability-other> ; dxkg:remark "備考"@ja .
<case/v2-3-1> a dxkg:CaseStudy ; rdfs:label "事例"@ja ; prov:wasDerivedFrom <source/doc/L5> ;
    <http://purl.org/dc/terms/isPartOf> <source/doc> ; dxkg:edition "第2.0版"@ja ; dxkg:coverage "full" ;
    dxkg:chapterNumber 3 ; dxkg:caseNumber 1 ;
    dxkg:chapterLabel "内部DX"@ja ; dxkg:organisationText "東京都"@ja ; dxkg:prefecture <municipality/130001> ;
    dxkg:populationClass <concept/population-size-under-10k> ;
    dxkg:pageCount 3 ; dxkg:timeToLaunch "P1Y1M"^^xsd:duration ;
    dxkg:cost <case/v2-3-1/cost/initial> ; dxkg:milestone <case/v2-3-1/milestone/1> ;
    dxkg:contact <case/v2-3-1/department/1> ; dxkg:populationFigure <case/v2-3-1/population> ;
    dxkg:responsibleDepartment <municipality/131016/department/住民税務課> ;
    dxkg:municipality <municipality/131016> ; dxkg:provider <vendor/x> ;
    dxkg:usesTechnology <concept/technology-ai> ; dxkg:technologyTag <case/v2-3-1/technology/ai> ;
    dxkg:newInEdition true ; dxkg:describes <initiative/v2-3-1> .
<initiative/v2-3-1> a dxkg:Initiative ; rdfs:label "事例"@ja ; dxkg:prefecture <municipality/130001> ;
    dxkg:municipality <municipality/131016> ; dxkg:provider <vendor/x> ;
    dxkg:usesTechnology <concept/technology-ai> ; dxkg:cost <case/v2-3-1/cost/initial> .
<case/v2-3-1/technology/ai> a dxkg:TechnologyTag ; rdfs:label "技術タグ: AI"@ja ;
    dxkg:technology <concept/technology-ai> ; dxkg:matchedField "title" ; dxkg:matchedText "ＡＩ"@ja .
<municipality/131016/department/住民税務課> a dxkg:Department ; rdfs:label "住民税務課"@ja ;
    <http://www.w3.org/ns/org#unitOf> <municipality/131016> .
<case/v2-3-1/cost/initial> a dxkg:Cost ; rdfs:label "イニシャルコスト 約26,700千円"@ja ;
    dxkg:costKind <concept/cost-kind-initial> ; dxkg:costStatus <concept/cost-status-amount> ;
    dxkg:printedValue "約26,700千円"@ja ; dxkg:sourceLine 9 ;
    dxkg:approximate true ; <https://schema.org/value> 26700000.0 ; <https://schema.org/currency> "JPY" .
<case/v2-3-1/milestone/1> a dxkg:Milestone ; rdfs:label "R2.8 予算確保"@ja ; dxkg:dateText "R2.8"@ja ;
    dxkg:start "2020-08"^^xsd:gYearMonth .
<case/v2-3-1/department/1> a dxkg:DepartmentContact ; rdfs:label "住民税務課"@ja ;
    dxkg:department <municipality/131016/department/住民税務課> ;
    <https://schema.org/telephone> "0868-54-2985" ; <https://schema.org/email> "a@town.example.jp" .
<municipality/131016> a dxkg:SpecialWard ; rdfs:label "千代田区"@ja, "Chiyoda City"@en ;
    geo:lat 35.69388889 ; geo:long 139.7536111 ; foaf:homepage <https://www.city.chiyoda.lg.jp/> ;
    dxkg:populationFigure <case/v2-3-1/population> ; dxkg:localGovernmentCode "131016" ;
    skos:closeMatch <http://data.e-stat.go.jp/lod/sac/C13101> ;
    dxkg:inPrefecture <municipality/130001> .
<vendor/x> a dxkg:Vendor ; rdfs:label "株式会社エックス"@ja ; skos:altLabel "エックス"@ja ;
    <http://www.w3.org/ns/org#subOrganizationOf> <org/group> .
<org/group> a dxkg:ParentCompany ; rdfs:label "グループ株式会社"@ja .
<vendor/y> a dxkg:Vendor ; rdfs:label "株式会社エックソ"@ja ; dxkg:suspectedTypoOf <vendor/x> .
<case/v2-3-1/interview/1> a dxkg:InterviewAnswer ; dxkg:question "取組の経緯を教えてください。"@ja ;
    dxkg:answer "回答"@ja .
<case/v2-3-1/link/1> a dxkg:RelatedLink ; <https://schema.org/url> "https://www.example.jp/"^^xsd:anyURI .
<case/v2-3-1/operation-mode/1> a dxkg:OperationMode ; rdfs:label "パッケージ製品をクラウド環境で運用"@ja ;
    dxkg:productType <concept/product-type-package> ; dxkg:environment <concept/environment-cloud> .
<concept/technology-ai> a skos:Concept, dxkg:Technology ; skos:inScheme <scheme/technologies> ;
    skos:prefLabel "AI"@ja, "Artificial intelligence"@en .
<case/v2-3-1/population> a dxkg:PopulationFigure ; dxkg:persons 12000 ;
    dxkg:referenceDate "2023-01-01"^^xsd:date .
"""
    % ("0" * 64)
)


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(PROJECT_ROOT / "shapes")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")


def check(turtle: str, shapes, ontology):
    data = Graph().parse(data=turtle, format="turtle")
    data.parse(PROJECT_ROOT / "ontology" / "schemes" / "survey-codes.ttl")
    data.parse(PROJECT_ROOT / "ontology" / "schemes" / "case-codes.ttl")
    return validate_graph(data, shapes, ontology)


def test_valid_sample_conforms(shapes, ontology):
    report = check(VALID, shapes, ontology)
    assert report.conforms, report.summary()
    assert report.findings == []


BREAKAGES = {
    "case describing no initiative": (
        "dxkg:newInEdition true ; dxkg:describes <initiative/v2-3-1> .",
        "dxkg:newInEdition true .",
        "",
    ),
    "initiative both a survey row and a case's": (
        'dxkg:remark "備考"@ja .',
        'dxkg:remark "備考"@ja .\n<case/v2-3-1> dxkg:describes <initiative/x> .',
        "never both",
    ),
    "check digit": ('"130001"', '"130002"', "check digit"),
    "code pattern": ('"130001"', '"13001"', "two digits, 000"),
    "English label": ('"Tokyo Metropolis"@en', '"Tokyo"@ja', "English label"),
    "untagged label": ('rdfs:label "業務"@ja', 'rdfs:label "業務"', "language tag"),
    "provenance": (
        "prov:wasDerivedFrom <source/doc/L5> ;\n    dxkg:reportedBy",
        "dxkg:reportedBy",
        "source excerpt",
    ),
    "status scheme": (
        "dxkg:implementationStatus <concept/implementation-status-implemented>",
        "dxkg:implementationStatus <concept/shareability-other>",
        "",
    ),
    "shareability list": (
        "dxkg:shareability <concept/shareability-other>",
        "dxkg:shareability <concept/further-shareability-other>",
        "",
    ),
    "row number bound": ("dxkg:rowNumber 1 ;", "dxkg:rowNumber 0 ;", ""),
    # a derived type is another term to a store, which gives it back as xsd:integer
    "row number datatype": ("dxkg:rowNumber 1 ;", 'dxkg:rowNumber "1"^^xsd:positiveInteger ;', ""),
    "line datatype": ("dxkg:firstLine 5", 'dxkg:firstLine "5"^^xsd:int', ""),
    "negative count": (
        "dxkg:statedCount 1 ; dxkg:foundCount 1 .",
        "dxkg:statedCount -1 ; dxkg:foundCount -1 .",
        "",
    ),
    "line order": ("dxkg:lastLine 5", "dxkg:lastLine 4", "first line"),
    "sha256": ('"%s"' % ("0" * 64), '"abc"', ""),
    "municipality class": ("dxkg:municipality <municipality/130001>", "dxkg:municipality <t1>", ""),
    "case prefecture": ("dxkg:prefecture <municipality/130001>", "dxkg:prefecture <t1>", ""),
    "case chapter": ("dxkg:chapterNumber 3", "dxkg:chapterNumber 4", ""),
    "case chapter zero": ("dxkg:chapterNumber 3", "dxkg:chapterNumber 0", ""),
    "case population class": (
        "<concept/population-size-under-10k>",
        "<concept/cost-kind-initial>",
        "",
    ),
    "case edition": ('"第2.0版"@ja', '"2.0"@ja', ""),
    "cost amount without value": ("<https://schema.org/value> 26700000.0 ;", "", "exactly when"),
    "cost value without amount": (
        "<concept/cost-status-amount>",
        "<concept/cost-status-not-disclosed>",
        "exactly when",
    ),
    "negative cost": ("26700000.0", "-1.0", "exactly when"),
    "milestone date": ('"2020-08"^^xsd:gYearMonth', '"R2.8"', ""),
    "telephone": ('"0868-54-2985"', '"0868 54 2985"', "Japanese number"),
    "e-mail": ('"a@town.example.jp"', '"a-at-town"', "local@domain"),
    "population": ("dxkg:persons 12000", "dxkg:persons 0", ""),
    "ward in prefecture": (
        '"131016" ;\n    skos:closeMatch',
        '"141003" ;\n    skos:closeMatch',
        "two digits of its prefecture",
    ),
    "ward check digit": (
        '"131016" ;\n    skos:closeMatch',
        '"131017" ;\n    skos:closeMatch',
        "check digit",
    ),
    "ward without prefecture": (
        "\n    dxkg:inPrefecture <municipality/130001> .",
        " .",
        "exactly one prefecture",
    ),
    "vendor label": ('"株式会社エックス"@ja', '"X Co."@en', "Japanese"),
    "interview answer": ('dxkg:answer "回答"@ja', 'dxkg:answer "answer"@en', ""),
    "related link": ('"https://www.example.jp/"^^xsd:anyURI', '"www.example.jp"^^xsd:anyURI', ""),
    "related link with a space": (
        '"https://www.example.jp/"^^xsd:anyURI',
        '"https://www.example.jp/a b.html"^^xsd:anyURI',
        "no spaces",
    ),
    "operation mode environment": (
        "dxkg:environment <concept/environment-cloud>",
        "dxkg:environment <concept/cost-kind-initial>",
        "",
    ),
    "technology English label": (
        '"Artificial intelligence"@en',
        '"人工知能"@ja',
        "English preferred",
    ),
    "government English label": ('"Chiyoda City"@en', '"Chiyoda"@ja', "one English label"),
    "office outside Japan": ("geo:lat 35.69388889", "geo:lat 51.5", "latitude"),
    "office longitude as text": ("geo:long 139.7536111", 'geo:long "139.75"', "longitude"),
    "website not an IRI": (
        "foaf:homepage <https://www.city.chiyoda.lg.jp/>",
        'foaf:homepage "www.city.chiyoda.lg.jp"',
        "website",
    ),
    "population of a government": (
        "dxkg:populationFigure <case/v2-3-1/population> ; dxkg:localGovernmentCode",
        "dxkg:populationFigure <t1> ; dxkg:localGovernmentCode",
        "",
    ),
    "e-Stat area code": ("sac/C13101>", "sac/C13102>", "first five digits"),
    "e-Stat link missing": (
        " ;\n    skos:closeMatch <http://data.e-stat.go.jp/lod/sac/C13101>",
        "",
        "e-Stat",
    ),
    "department of a government": (
        "<http://www.w3.org/ns/org#unitOf> <municipality/131016>",
        "<http://www.w3.org/ns/org#unitOf> <vendor/x>",
        "",
    ),
    "tag without its technology": (
        "dxkg:usesTechnology <concept/technology-ai> ;",
        "",
        "usesTechnology",
    ),
    "tag field": ('dxkg:matchedField "title"', 'dxkg:matchedField "remark"', ""),
    "provider an organisation": ("dxkg:provider <vendor/x>", "dxkg:provider <t1>", ""),
    "typo of a vendor": ("dxkg:suspectedTypoOf <vendor/x>", "dxkg:suspectedTypoOf <t1>", ""),
    "parent of a vendor": ("org#subOrganizationOf> <org/group>", "org#subOrganizationOf> <t1>", ""),
    "parent company of nothing": ("org#subOrganizationOf> <org/group>", "org#member> <t1>", ""),
    "parent company label": ('"グループ株式会社"@ja', '"Group Ltd."@en', "Japanese"),
    "revision of a case": ("dxkg:newInEdition true", "prov:wasRevisionOf <t1>", ""),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_each_shape_fires(shapes, ontology, name):
    old, new, message = BREAKAGES[name]
    assert old in VALID
    report = check(VALID.replace(old, new, 1), shapes, ontology)
    assert not report.conforms
    assert any(message in f.message for f in report.violations), report.summary()


def check_report(turtle: str, ontology):
    data = Graph().parse(data=turtle, format="turtle")
    return validate_graph(data, load_report_shapes(PROJECT_ROOT / "shapes"), ontology)


def test_valid_sample_gives_the_report_nothing_to_tell(ontology):
    assert check_report(VALID, ontology).findings == []


REPORT_CHECKS = {
    "count differs": (
        "dxkg:statedCount 1 ; dxkg:foundCount 1 .\n<scheme/cats>",
        "dxkg:statedCount 1 ; dxkg:foundCount 2 .\n<scheme/cats>",
        "Warning",
        "another count than the rows found",
    ),
    "no issue date": (
        ' ; <http://purl.org/dc/terms/issued> "2020-10"^^xsd:gYearMonth',
        "",
        "Warning",
        "no issue date",
    ),
    "no remark": (' ; dxkg:remark "備考"@ja', "", "Info", "no remark"),
    "no e-mail": (' ; <https://schema.org/email> "a@town.example.jp"', "", "Info", "no e-mail"),
}


@pytest.mark.parametrize("name", REPORT_CHECKS)
def test_what_is_only_worth_telling_goes_to_the_report_not_to_conformance(shapes, ontology, name):
    old, new, severity, message = REPORT_CHECKS[name]
    assert old in VALID
    turtle = VALID.replace(old, new, 1)
    report = check(turtle, shapes, ontology)
    assert report.conforms and report.findings == [], report.summary()
    told = check_report(turtle, ontology).findings
    assert told and {(f.severity, message in f.message) for f in told} == {(severity, True)}, told


def test_a_post_listed_twice_is_a_warning(ontology):
    told = check_report(PREFIXES + "<role/x> a dxkg:Role ; dxkg:duplicateOf <role/y> .", ontology)
    assert [(f.severity, f.message) for f in told.findings] == [
        ("Warning", "the survey lists this post twice; both rows are kept")
    ]


def test_the_conformance_shapes_state_violations_only():
    """Any result makes the data non-conforming (sh:conforms false) in every SHACL
    engine, whatever its severity: those that only inform live in shapes/report/."""
    severities = {
        path.name: set(Graph().parse(path).objects(None, SH.severity))
        for path in (PROJECT_ROOT / "shapes").glob("*.ttl")
    }
    assert severities and all(found <= {SH.Violation} for found in severities.values()), severities
    report = Graph().parse(PROJECT_ROOT / "shapes" / "report" / "report.shapes.ttl")
    assert set(report.objects(None, SH.severity)) == {SH.Warning, SH.Info}
