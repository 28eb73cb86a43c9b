"""Which facets each class page offers: a name, a SPARQL property path, labels.

A facet's values are resources (their labels shown) or plain literals (shown
as printed). The paths are written against the published vocabulary, so a
facet is just data here: adding one needs no code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """One way of narrowing a class page, by the values at the end of ``path``."""

    key: str
    path: str
    label_ja: str
    label_en: str
    #: Literal values (compared by their text) rather than resources.
    literal: bool = False


PREFECTURE_REPORTED = Facet("prefecture", "dxkg:reportedBy", "都道府県", "Prefecture")
CATEGORY_SURVEY = Facet("category", "dxkg:surveyCategory", "分類", "Category")
TECHNOLOGY = Facet("technology", "dxkg:usesTechnology", "技術", "Technology")
STATUS = Facet("status", "dxkg:implementationStatus", "実施状況", "Status")

#: Facets per class (by the class's local name in the vocabulary).
FACETS: dict[str, tuple[Facet, ...]] = {
    "Initiative": (
        PREFECTURE_REPORTED,
        CATEGORY_SURVEY,
        TECHNOLOGY,
        STATUS,
        Facet("shareability", "dxkg:shareability", "共同利用", "Shareability"),
    ),
    "CaseStudy": (
        Facet("prefecture", "dxkg:prefecture", "都道府県", "Prefecture"),
        Facet("population", "dxkg:populationClass", "人口規模", "Population class"),
        Facet("category", "dxkg:caseCategory", "分類", "Category"),
        TECHNOLOGY,
        Facet("edition", "dxkg:edition", "版", "Edition", literal=True),
        Facet("vendor", "dxkg:provider|dxkg:participant", "事業者", "Vendor"),
    ),
    "SharedSystem": (PREFECTURE_REPORTED, CATEGORY_SURVEY, TECHNOLOGY, STATUS),
    "Role": (
        PREFECTURE_REPORTED,
        Facet("talent", "dxkg:talentCategory", "人材の種類", "Talent category"),
        Facet("employment", "dxkg:employmentType", "雇用形態", "Employment type"),
        STATUS,
    ),
    "Organization": (PREFECTURE_REPORTED, CATEGORY_SURVEY, STATUS),
    "Municipality": (
        Facet("prefecture", "dxkg:inPrefecture", "都道府県", "Prefecture"),
        Facet("type", "rdf:type", "種類", "Type"),
    ),
    "Vendor": (
        Facet(
            "prefecture", "^dxkg:provider/dxkg:prefecture", "事例の都道府県", "Prefecture of cases"
        ),
        Facet(
            "technology", "^dxkg:provider/dxkg:usesTechnology", "事例の技術", "Technology of cases"
        ),
    ),
    "Department": (Facet("government", "org:unitOf", "地方公共団体", "Local government"),),
    "Technology": (Facet("broader", "skos:broader", "上位概念", "Broader"),),
}


def facets_of(class_name: str) -> tuple[Facet, ...]:
    """The facets of a class page (none for classes without any)."""
    return FACETS.get(class_name, ())
