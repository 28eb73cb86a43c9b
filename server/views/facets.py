"""Which facets each class page offers: a name, a SPARQL property path, a label.

A facet's values are resources (their labels shown) or plain literals (shown
as printed). The paths are written against the published vocabulary, so a
facet is just data here: adding one needs no code.

A facet is named by the vocabulary: by the rdfs:label of the class its values belong to
(``dxkg:Prefecture``, 都道府県), else of the property it follows (``dxkg:edition``, 版).
Only the facets the vocabulary has no term for take an interface message.
"""

from __future__ import annotations

from dataclasses import dataclass

from dxkg.web.views.i18n import MESSAGES


@dataclass(frozen=True)
class Facet:
    """One way of narrowing a class page, by the values at the end of ``path``."""

    key: str
    path: str
    #: The vocabulary term (its local name) whose rdfs:label names the facet.
    term: str | None = None
    #: Else the facet's name: an interface message (Japanese, English).
    message: tuple[str, str] | None = None
    #: Literal values (compared by their text) rather than resources.
    literal: bool = False


PREFECTURE = "Prefecture"
PREFECTURE_REPORTED = Facet("prefecture", "dxkg:reportedBy", PREFECTURE)
CATEGORY_SURVEY = Facet("category", "dxkg:surveyCategory", "surveyCategory")
TECHNOLOGY = Facet("technology", "dxkg:usesTechnology", "Technology")
STATUS = Facet("status", "dxkg:implementationStatus", "implementationStatus")

#: Facets per class (by the class's local name in the vocabulary).
FACETS: dict[str, tuple[Facet, ...]] = {
    "Initiative": (
        PREFECTURE_REPORTED,
        CATEGORY_SURVEY,
        TECHNOLOGY,
        STATUS,
        Facet("shareability", "dxkg:shareability", "shareability"),
    ),
    "CaseStudy": (
        Facet("prefecture", "dxkg:prefecture", PREFECTURE),
        Facet("population", "dxkg:populationClass", "populationClass"),
        Facet("category", "dxkg:caseCategory", "caseCategory"),
        TECHNOLOGY,
        Facet("edition", "dxkg:edition", "edition", literal=True),
        Facet("vendor", "dxkg:provider|dxkg:participant", "Vendor"),
    ),
    "SharedSystem": (PREFECTURE_REPORTED, CATEGORY_SURVEY, TECHNOLOGY, STATUS),
    "Role": (
        PREFECTURE_REPORTED,
        Facet("talent", "dxkg:talentCategory", "talentCategory"),
        Facet("employment", "dxkg:employmentType", "employmentType"),
        STATUS,
    ),
    "DXPromotionBody": (PREFECTURE_REPORTED, CATEGORY_SURVEY, STATUS),
    "Municipality": (
        Facet("prefecture", "dxkg:inPrefecture", PREFECTURE),
        Facet("type", "rdf:type", message=MESSAGES["type"]),
    ),
    "Vendor": (
        Facet(
            "prefecture",
            "^dxkg:provider/dxkg:prefecture",
            message=MESSAGES["facet_prefecture_of_cases"],
        ),
        Facet(
            "technology",
            "^dxkg:provider/dxkg:usesTechnology",
            message=MESSAGES["facet_technology_of_cases"],
        ),
    ),
    "Department": (Facet("government", "org:unitOf", "Municipality"),),
    "Technology": (Facet("broader", "skos:broader", message=MESSAGES["facet_broader"]),),
}


def facets_of(class_name: str) -> tuple[Facet, ...]:
    """The facets of a class page (none for classes without any)."""
    return FACETS.get(class_name, ())
