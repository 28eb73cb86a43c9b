"""Which facets each class page offers: a name, a SPARQL property path, a label.

A facet's values are resources (their labels shown) or plain literals (shown
as printed). The paths are written against the published vocabulary, so a
facet is just data here: adding one needs no code.

A facet is named by the vocabulary: by the rdfs:label of the class its values belong to
(``dxkg:Prefecture``, 都道府県), else of the property it follows (``dxkg:edition``, 版).
Only the facets the vocabulary has no term for take an interface message.

The same :class:`Facet` also describes a column of a class page's table
(:data:`COLUMNS`): a column may count its values (how many initiatives a
government has) rather than list them. A class without columns of its own shows
its facets as columns.
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
    #: A pattern the values must also match, ``{v}`` standing for the value.
    among: str | None = None
    #: As a column: the number of distinct values, not the values.
    count: bool = False

    def pattern(self, value: str) -> str:
        """The triple patterns from ``?s`` along the path to ``value`` (a variable or an
        IRI), with the :attr:`among` condition."""
        condition = self.among.format(v=value) if self.among else ""
        return f" ?s {self.path} {value} . {condition}"


PREFECTURE = "Prefecture"
#: The kinds of local government, subclasses of ``dxkg:Municipality``.
MUNICIPALITY_KINDS = ("Prefecture", "City", "DesignatedCity", "SpecialWard", "Town", "Village")
PREFECTURE_REPORTED = Facet("prefecture", "dxkg:reportedBy", PREFECTURE)
#: A case's prefecture, or the prefecture that reported a survey row.
PREFECTURE_ANY = Facet("prefecture", "dxkg:prefecture|dxkg:reportedBy", PREFECTURE)
GOVERNMENT = Facet("government", "dxkg:municipality", "Municipality")
MUNICIPALITY_KIND = Facet(
    "type",
    "rdf:type",
    message=MESSAGES["type"],
    among="{v} rdfs:subClassOf+ dxkg:Municipality",
)
ORGANIZATION_KIND = Facet(
    "type", "rdf:type", message=MESSAGES["type"], among="{v} rdfs:subClassOf+ dxkg:Organization"
)
CATEGORY_SURVEY = Facet("category", "dxkg:surveyCategory", "surveyCategory")
TECHNOLOGY = Facet("technology", "dxkg:usesTechnology", "Technology")
STATUS = Facet("status", "dxkg:implementationStatus", "implementationStatus")

#: Facets per class (by the class's local name in the vocabulary).
FACETS: dict[str, tuple[Facet, ...]] = {
    "Initiative": (
        PREFECTURE_ANY,
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
    "Municipality": (Facet("prefecture", "dxkg:inPrefecture", PREFECTURE), MUNICIPALITY_KIND),
    "Organization": (ORGANIZATION_KIND,),
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


def counted(key: str, path: str, message: tuple[str, str], of_class: str) -> Facet:
    """A column counting the distinct instances of ``of_class`` at the end of ``path``."""
    return Facet(key, path, message=message, among=f"{{v}} a dxkg:{of_class} .", count=True)


CODE = Facet("code", "dxkg:localGovernmentCode", "localGovernmentCode", literal=True)
READING = Facet("reading", "dxkg:nameKana", "nameKana", literal=True)
GOVERNMENT_COLUMNS = (
    MUNICIPALITY_KIND,
    Facet("prefecture", "dxkg:inPrefecture", PREFECTURE),
    CODE,
    READING,
    counted("initiatives", "^dxkg:municipality", MESSAGES["column_initiatives"], "Initiative"),
    counted("cases", "^dxkg:municipality", MESSAGES["column_cases"], "CaseStudy"),
)
BY_PROVIDER = "^(dxkg:provider|dxkg:participant)"

#: How far a provider reaches: the governments and the initiatives it serves.
REACH = (
    counted(
        "governments",
        f"{BY_PROVIDER}/dxkg:municipality",
        MESSAGES["column_governments"],
        "Municipality",
    ),
    counted("initiatives", BY_PROVIDER, MESSAGES["column_initiatives"], "Initiative"),
)

#: The columns of a class page's table, where they are not its facets.
COLUMNS: dict[str, tuple[Facet, ...]] = {
    "CaseStudy": (
        GOVERNMENT,
        Facet("prefecture", "dxkg:prefecture", PREFECTURE),
        Facet("edition", "dxkg:edition", "edition", literal=True),
        Facet("category", "dxkg:caseCategory", "caseCategory"),
        TECHNOLOGY,
    ),
    "Initiative": (
        GOVERNMENT,
        PREFECTURE_ANY,
        CATEGORY_SURVEY,
        TECHNOLOGY,
        STATUS,
        counted("cases", "^dxkg:describes", MESSAGES["column_cases"], "CaseStudy"),
    ),
    "SharedSystem": (
        PREFECTURE_REPORTED,
        CATEGORY_SURVEY,
        TECHNOLOGY,
        STATUS,
        counted("users", "dxkg:usedBy", MESSAGES["column_governments"], "Municipality"),
    ),
    "Role": (Facet("government", "org:postIn", "Municipality"), *FACETS["Role"]),
    "DXPromotionBody": (
        Facet("government", "dxkg:establishedBy", "Municipality"),
        *FACETS["DXPromotionBody"],
    ),
    "Municipality": GOVERNMENT_COLUMNS,
    **{kind: GOVERNMENT_COLUMNS[1:] for kind in MUNICIPALITY_KINDS},
    "Organization": (ORGANIZATION_KIND, *REACH),
    "Vendor": (*REACH, Facet("parent", "org:subOrganizationOf", "ParentCompany")),
    "Department": (
        Facet("government", "org:unitOf", "Municipality"),
        Facet("prefecture", "org:unitOf/dxkg:inPrefecture", PREFECTURE),
    ),
    "Technology": (
        FACETS["Technology"][0],
        counted(
            "initiatives", "^dxkg:usesTechnologyBroad", MESSAGES["column_initiatives"], "Initiative"
        ),
        counted("cases", "^dxkg:usesTechnologyBroad", MESSAGES["column_cases"], "CaseStudy"),
    ),
}

#: How a class page is sorted when the URL does not say (else by label).
DEFAULT_SORT = {"Municipality": "code", **dict.fromkeys(MUNICIPALITY_KINDS, "code")}


def facets_of(class_name: str) -> tuple[Facet, ...]:
    """The facets of a class page (none for classes without any)."""
    return FACETS.get(class_name, ())


def columns_of(class_name: str) -> tuple[Facet, ...]:
    """The columns of a class page's table besides the label: its own, else its facets."""
    return COLUMNS.get(class_name, facets_of(class_name))
