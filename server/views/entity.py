"""What the page about one resource shows, built from a few bounded SPARQL queries.

Every list is capped: outgoing values, incoming links (grouped by property and
paged), excerpts. A view here returns plain dicts, so that the same data is the
HTML page and its JSON form.

A page costs at most five engine queries, whatever the resource (a test counts them):

1. :func:`statements`: the resource's values, those of its parts (costs, schedule,
   interview, contacts, population, source excerpts) and of its kind's neighbours;
2. :func:`incoming`: the links pointing at it, counted and paged per property;
3. the query of its kind (:data:`KIND_QUERIES`: a municipality's initiatives, a
   vendor's governments, a technology's prefectures…), if it has one;
4. :func:`edition_changes`, for a case that another edition revises or is revised by;
5. :func:`.graphdata.labels_of`: the labels of every resource named on the page.

A case, an initiative, a municipality, a vendor and a technology also get a view of
their kind (:func:`kind_view`, the ``view`` of the page context, :class:`EntityPage`);
the generic table of every property stays below it, folded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypedDict
from urllib.parse import urlencode

from flask import abort, current_app, g, request
from pyoxigraph import BlankNode, NamedNode

from dxkg.namespaces import FOAF, PROV, RDF, RDFS, SKOS, WGS84
from dxkg.web.views import files, graphdata, networkdata
from dxkg.web.views.graphdata import Labels, Term, iri

#: Most statements read for one resource and its parts; a case with all its parts has ~200.
MAX_VALUES = 5000
#: Incoming links shown per property on one page.
INCOMING_PAGE = 20
#: Most properties whose incoming links are listed.
MAX_INCOMING_PROPERTIES = 40
#: Most rows of a kind's own query (a technology's prefectures, a vendor's governments…).
MAX_KIND_ROWS = 2000

#: Most edition changes read for one case (the most any case has is a few dozen).
MAX_CHANGES = 500

RDF_TYPE = str(RDF.type)

#: The properties whose objects are parts of a resource, read with it in one query.
PART_PROPERTIES = (
    "dxkg:cost",
    "dxkg:milestone",
    "dxkg:interviewAnswer",
    "dxkg:contact",
    "dxkg:populationFigure",
    "dxkg:relatedLink",
    "dxkg:service",
    "prov:wasDerivedFrom",
)

#: A figure with its unit in a free text: 「年間約1,200時間」, 「68,515千円」, 「30％」, 「2.5倍」.
QUANTITY = re.compile(
    r"(?:約|年間|最大|月)?[0-9０-９][0-9０-９,，.．]*\s*(?:[万千百億]+)?\s*"
    r"(?:円|時間|分|秒|日|件|人|名|％|%|割|倍|[ヶかカケ]月|枚|台|ページ|回|時間分)"
)
#: Marks that start a new paragraph or list item in a printed text.
ITEM_START = tuple("・•●○◆◇■□①②③④⑤⑥⑦⑧⑨⑩＜<【※-－")


def dx(name: str) -> str:
    """The full IRI of the vocabulary's term ``name`` (``dxkg:`` moves with the base IRI)."""
    return graphdata.vocabulary() + name


def is_graph(resource: str) -> bool:
    """Whether ``resource`` names one of the release's named graphs."""
    return resource.startswith(current_app.config["BASE_IRI"] + "graph/")


def exists(resource: str) -> bool:
    """Whether the release says anything about ``resource`` (or holds it as a graph)."""
    if not is_iri(resource):
        # A path whose escapes decode to letters no IRI may hold (U+0085, U+FFFE…): the
        # release says nothing about it, so it is unknown (404), not a server error.
        return False
    node = iri(resource)
    if is_graph(resource):
        return graphdata.ask(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}")
    return graphdata.ask(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI that SPARQL can name."""
    try:
        iri(text)
    except ValueError:
        return False
    return True


def description_query(resource: str) -> str:
    """The RDF description of a resource: what it says and what points at it.

    (A named graph's document, every triple in it, is read from the release's dump
    instead: see :func:`.resources.data`.)
    """
    node = iri(resource)
    return (
        f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }}"
        f" WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}"
    )


def local_path(resource: str) -> str | None:
    """The server path of a resource minted by the release, else None."""
    base = current_app.config["BASE_IRI"]
    if resource.startswith((base + "id/", base + "graph/")):
        return resource[len(base) :]
    return None


def page_href(resource: str) -> str | None:
    """Where this server shows ``resource`` (the ontology for vocabulary terms)."""
    path = local_path(resource)
    if path is not None:
        return f"/page/{path}"
    if resource.startswith(graphdata.vocabulary()):
        return "/ontology#" + resource.removeprefix(graphdata.vocabulary())
    return None


def curie(resource: str) -> str:
    """``prov:wasDerivedFrom`` for a known namespace, else the IRI itself."""
    for prefix, namespace in graphdata.namespaces_by_prefix().items():
        if resource.startswith(namespace):
            return f"{prefix}:{resource[len(namespace) :]}"
    return resource


# --- The page context ------------------------------------------------------------------


class Named(TypedDict):
    """A named resource as every page shows it (see :func:`named`)."""

    kind: str  #: always ``"iri"``
    iri: str
    href: str | None  #: its page on this server, None for an outside IRI
    label: str  #: in the interface language, else the other, else the CURIE
    label_ja: str | None
    label_en: str | None


class Excerpt(TypedDict):
    """A source excerpt: the document's lines the resource was read from."""

    iri: str
    href: str | None
    document: str
    first_line: int
    last_line: int
    text: str
    #: the line numbers of ``text``, from ``first_line`` on, one per line
    numbers: list[int]


class IncomingGroup(TypedDict):
    """The links of one property pointing at the resource: a count and a page of them."""

    property: Named
    count: int
    offset: int
    subjects: list[dict]
    #: every subject shown has the same label (「技術タグ: RPA」 ×238): shown as a count
    repeated: bool


class EntityPage(TypedDict):
    """The context of ``entity.html`` and the ``/page/….json`` answer.

    The generic part (``types``, ``properties``, ``incoming``, ``excerpts``, ``editions``)
    is the same for every resource; ``view`` is the view of its kind, or None.
    """

    iri: str
    href: str | None
    label: str
    label_ja: str | None
    label_en: str | None
    path: str  #: the page's path after ``/page/``
    types: list[dict]
    #: every outgoing value grouped under its property, types first, then by label
    properties: list[dict]
    incoming: list[IncomingGroup]
    incoming_only: str | None  #: the one property whose incoming links are paged (``?in=``)
    excerpts: list[Excerpt]
    #: for a case: each other edition, earlier or later, with the changes between them
    editions: list[dict]
    #: the view of its kind: :class:`CaseView`, :class:`InitiativeView`,
    #: :class:`MunicipalityView`, :class:`VendorView` or :class:`TechnologyView`
    view: dict | None
    #: its degree, centralities and community in each network of the release's analysis
    network_measures: list[dict]
    is_graph: bool
    graph_size: int | None  #: triples in the graph, for a named graph's page
    data_links: dict[str, str]  #: suffix → its RDF description in that format
    json_href: str


def named(resource: str, labels: dict[str, Labels]) -> Named:
    """An IRI as the pages show it: label in the interface language, link, IRI."""
    found = labels.get(resource, Labels())
    return {
        "kind": "iri",
        "iri": resource,
        "href": page_href(resource),
        "label": found.best(g.get("lang", "ja")) or curie(resource),
        "label_ja": found.ja,
        "label_en": found.en,
    }


def value(term: Term, labels: dict[str, Labels]) -> dict:
    """One object value: a named resource, a blank node or a literal kept verbatim."""
    if isinstance(term, NamedNode):
        return named(term.value, labels)
    if isinstance(term, BlankNode):
        return {"kind": "bnode", "label": f"_:{term.value}"}
    datatype = term.datatype.value if term.language is None else None
    return {
        "kind": "literal",
        "text": term.value,
        "lang": term.language,
        "datatype": curie(datatype) if datatype and not datatype.endswith("#string") else None,
    }


# --- Reading the graph -----------------------------------------------------------------


class Values:
    """The values of one resource by property, as read by :func:`statements`."""

    def __init__(self, pairs: Iterable[tuple[str, Term]] = ()) -> None:
        self.pairs = list(pairs)
        self.by_property: dict[str, list[Term]] = {}
        for prop, term in self.pairs:
            self.by_property.setdefault(prop, []).append(term)

    def all(self, prop: str) -> list[Term]:
        """Every value of ``prop`` (a full IRI)."""
        return self.by_property.get(prop, [])

    def iris(self, prop: str) -> list[str]:
        """The IRIs among the values of ``prop``."""
        return [term.value for term in self.all(prop) if isinstance(term, NamedNode)]

    def text(self, prop: str) -> str | None:
        """The first value of ``prop`` as text, None if it has none."""
        found = self.all(prop)
        return found[0].value if found else None

    def number(self, prop: str) -> int | float | None:
        """The first value of ``prop`` as a number (an integer when it is whole)."""
        text = self.text(prop)
        if text is None:
            return None
        figure = float(text)
        return int(figure) if figure.is_integer() else figure


def statements(resource: str) -> dict[str, Values]:
    """The values of ``resource`` and of its parts (:data:`PART_PROPERTIES`), by subject."""
    node = iri(resource)
    parts = " ".join(PART_PROPERTIES)
    rows = graphdata.select(
        f"""SELECT ?s ?p ?o WHERE {{
              {{ {node} ?p ?o BIND({node} AS ?s) }}
              UNION {{ VALUES ?part {{ {parts} }} {node} ?part ?s . ?s ?p ?o }}
            }} ORDER BY ?s ?p ?o LIMIT {MAX_VALUES}"""
    )
    pairs: dict[str, list[tuple[str, Term]]] = {resource: []}
    for row in rows:
        pairs.setdefault(row["s"].value, []).append((row["p"].value, row["o"]))
    return {subject: Values(found) for subject, found in pairs.items()}


def grouped(pairs: Iterable[tuple[str, Term]], labels: dict[str, Labels]) -> list[dict]:
    """Values grouped under their property, types first, then by property label."""
    groups: dict[str, list[dict]] = {}
    for prop, term in pairs:
        groups.setdefault(prop, []).append(value(term, labels))
    ordered = sorted(groups, key=lambda p: (p != RDF_TYPE, named(p, labels)["label"]))
    return [{"property": named(p, labels), "values": groups[p]} for p in ordered]


def incoming(resource: str, only: str | None, offset: int) -> list[dict]:
    """Links pointing at ``resource``, grouped by property: counts and one page each.

    One query answers a row per property, its subjects joined in one string: far cheaper
    than a row per subject (the engine's answer is parsed row by row), and exact however
    many there are (RPA has 975). ``only`` restricts the answer to one property (the
    "more" pages), from ``offset``.
    """
    node = iri(resource)
    where = f"?s {iri(only)} {node} BIND({iri(only)} AS ?p)" if only else f"?s ?p {node}"
    rows = graphdata.select(
        f"""SELECT ?p (COUNT(?s) AS ?n) (GROUP_CONCAT(STR(?s); separator=" ") AS ?subjects)
            WHERE {{ {where} FILTER(isIRI(?s)) }} GROUP BY ?p ORDER BY ?p
            LIMIT {MAX_INCOMING_PROPERTIES}"""
    )
    start = offset if only else 0
    return [
        {
            "property": row["p"].value,
            "count": int(row["n"].value),
            "offset": start,
            "subjects": [
                NamedNode(s) for s in sorted(row["subjects"].value.split())[start:][:INCOMING_PAGE]
            ],
        }
        for row in rows
    ]


def excerpts(values: Values, found: dict[str, Values]) -> list[Excerpt]:
    """The source excerpts the resource was derived from: document, lines and text."""
    shown = []
    for excerpt in values.iris(str(PROV.wasDerivedFrom)):
        part = found.get(excerpt, Values())
        first, text = part.number(dx("firstLine")), part.text(dx("excerptText"))
        if first is None or text is None:
            continue
        shown.append(
            {
                "iri": excerpt,
                "href": page_href(excerpt),
                "document": part.text(dx("sourceDocument")) or "",
                "first_line": int(first),
                "last_line": int(part.number(dx("lastLine")) or first),
                "text": text,
                "numbers": list(range(int(first), int(first) + len(text.split("\n")))),
            }
        )
    return sorted(shown, key=lambda e: (e["document"], e["first_line"]))[:20]


def edition_changes(resource: str) -> dict[str, list[dict]]:
    """The change nodes (``dxkg:EditionChange``, made by the link stage) between ``resource``
    and each other edition of its case, by the other edition, in the order the build numbered
    them: field, kind, and the old and new value as printed with their lines."""
    node = iri(resource)
    rows = graphdata.select(
        f"""SELECT ?change ?field ?kind ?later ?earlier ?old ?new ?oldLine ?newLine WHERE {{
              {{ ?change dxkg:laterReport {node} }} UNION {{ ?change dxkg:earlierReport {node} }}
              ?change a dxkg:EditionChange ; dxkg:changedField ?field ; dxkg:changeKind ?kind ;
                      dxkg:laterReport ?later ; dxkg:earlierReport ?earlier .
              OPTIONAL {{ ?change dxkg:oldValue ?old }} OPTIONAL {{ ?change dxkg:newValue ?new }}
              OPTIONAL {{ ?change dxkg:oldSourceLine ?oldLine }}
              OPTIONAL {{ ?change dxkg:newSourceLine ?newLine }}
            }} LIMIT {MAX_CHANGES}"""
    )
    by_other: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda row: _change_number(row["change"].value)):
        later = row["later"].value
        other = row["earlier"].value if later == resource else later
        by_other.setdefault(other, []).append(
            {
                "iri": row["change"].value,
                "field": row["field"].value,
                "kind": row["kind"].value,
                **{key: _optional(row, key) for key in ("old", "new", "oldLine", "newLine")},
            }
        )
    return by_other


def _change_number(change: str) -> int:
    """``…/case/v4-1-4/change/12`` → 12."""
    return int(change.rsplit("/", 1)[1])


def _optional(row: dict, key: str) -> str | int | None:
    """A row's optional value: a line as a number, a printed value as its text."""
    found = row.get(key)
    if found is None:
        return None
    return int(found.value) if key.endswith("Line") else found.value


# --- The queries of each kind ----------------------------------------------------------

#: The kinds with a view of their own, by the class that makes a resource one.
KINDS = {
    "CaseStudy": "case",
    "Initiative": "initiative",
    "Municipality": "municipality",
    "Vendor": "vendor",
    "Technology": "technology",
}

#: What joins an organisation to an initiative, and the role it names.
ROLES = "VALUES (?role ?roleName) { (dxkg:provider 'provider') (dxkg:participant 'participant') }"


def kind_of(values: Values) -> str | None:
    """The kind of view a resource gets, by its types (None for the generic page)."""
    types = set(values.iris(RDF_TYPE))
    for name, kind in KINDS.items():
        if dx(name) in types:
            return kind
    return None


def _case_query(node: str) -> str:
    """A case's later editions (its earlier one is its own ``prov:wasRevisionOf``)."""
    return f"SELECT ?kind ?x WHERE {{ ?x prov:wasRevisionOf {node} BIND('later' AS ?kind) }}"


def _initiative_query(node: str) -> str:
    """The reports (case studies) of an initiative, with their editions."""
    return f"""SELECT ?kind ?x ?edition WHERE {{
        ?x dxkg:describes {node} BIND('report' AS ?kind)
        OPTIONAL {{ ?x dxkg:edition ?edition }} }}"""


def _municipality_query(node: str) -> str:
    """A government's initiatives (with the editions of their reports), its shared
    systems (as user or reporter) and the vendors of its initiatives."""
    return f"""SELECT ?kind ?x ?role ?edition ?n WHERE {{
        {{ ?x dxkg:municipality {node} ; a dxkg:Initiative BIND('initiative' AS ?kind)
           OPTIONAL {{ ?x dxkg:surveyTable ?table }}
           BIND(IF(BOUND(?table), 'survey', 'case') AS ?role)
           OPTIONAL {{ ?report dxkg:describes ?x ; dxkg:edition ?edition }} }}
        UNION {{ VALUES ?role {{ dxkg:usedBy dxkg:reportedBy }}
                 ?x ?role {node} ; a dxkg:SharedSystem BIND('system' AS ?kind) }}
        UNION {{ SELECT ('vendor' AS ?kind) ?x (COUNT(DISTINCT ?i) AS ?n) WHERE {{
                   ?i dxkg:municipality {node} ; a dxkg:Initiative ;
                      dxkg:provider|dxkg:participant ?x . ?x a dxkg:Vendor }} GROUP BY ?x }}
      }} LIMIT {MAX_KIND_ROWS}"""


def _vendor_query(node: str) -> str:
    """A vendor's initiatives (with its role), the governments they are of, their
    technologies and the other vendors in them, each with a count of initiatives."""
    counted = {
        "government": "?i dxkg:municipality ?x",
        "technology": "?i dxkg:usesTechnology ?x",
        "co_vendor": f"?i dxkg:provider|dxkg:participant ?x . ?x a dxkg:Vendor"
        f" FILTER(?x != {node})",
    }
    unions = " ".join(
        f"""UNION {{ SELECT ('{kind}' AS ?kind) ?x (COUNT(DISTINCT ?i) AS ?n) WHERE {{
              ?i dxkg:provider|dxkg:participant {node} ; a dxkg:Initiative . {pattern}
            }} GROUP BY ?x }}"""
        for kind, pattern in counted.items()
    )
    return f"""SELECT ?kind ?x ?roleName ?n WHERE {{
        {{ {ROLES} ?x ?role {node} ; a dxkg:Initiative BIND('initiative' AS ?kind) }}
        {unions} }} LIMIT {MAX_KIND_ROWS}"""


def _technology_query(node: str) -> str:
    """The initiatives using a technology (or a narrower one) by prefecture and in all,
    its narrower technologies and the focus areas of those initiatives."""
    # The technology first: the engine joins in the order written, and it is the selective part.
    using = f"?i dxkg:usesTechnologyBroad {node} . ?i a dxkg:Initiative"
    return f"""SELECT ?kind ?x ?n WHERE {{
        {{ SELECT ('prefecture' AS ?kind) ?x (COUNT(DISTINCT ?i) AS ?n) WHERE {{
             {using} ; dxkg:prefecture|dxkg:reportedBy ?x }} GROUP BY ?x }}
        UNION {{ SELECT ('total' AS ?kind) (COUNT(DISTINCT ?i) AS ?n) WHERE {{ {using} }} }}
        UNION {{ ?x skos:broader {node} BIND('narrower' AS ?kind) }}
        UNION {{ SELECT ('focus_area' AS ?kind) ?x (COUNT(DISTINCT ?i) AS ?n) WHERE {{
                   {using} ; dxkg:focusArea ?x }} GROUP BY ?x }}
      }} LIMIT {MAX_KIND_ROWS}"""


#: The one query of each kind, given the resource as a SPARQL IRI.
KIND_QUERIES: dict[str, Callable[[str], str]] = {
    "case": _case_query,
    "initiative": _initiative_query,
    "municipality": _municipality_query,
    "vendor": _vendor_query,
    "technology": _technology_query,
}


def kind_rows(kind: str | None, resource: str) -> list[dict[str, Term]]:
    """The rows of the query of ``kind`` about ``resource`` (none for other kinds)."""
    query = KIND_QUERIES.get(kind or "")
    return graphdata.select(query(iri(resource))) if query else []


def rows_of(rows: list[dict[str, Term]], kind: str) -> list[dict[str, Term]]:
    """The rows of one branch (``?kind``) of a kind's query."""
    return [row for row in rows if row["kind"].value == kind]


# --- Texts -----------------------------------------------------------------------------


def paragraphs(text: str | None) -> list[str]:
    """A printed text as paragraphs: the PDF's line wraps joined, a line that follows a
    full stop or starts an item (・, ①, ＜…) kept as a paragraph of its own."""
    found: list[str] = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line or line in ("－", "-"):
            continue
        if found and not found[-1].endswith(("。", "：", ":")) and not line.startswith(ITEM_START):
            found[-1] += line
        else:
            found.append(line)
    return found


def quantified(text: str) -> list[dict]:
    """``text`` cut into segments, the figures with their units (時間, 万円, %…) marked:
    ``[{"text": "…", "quantity": False}, {"text": "約1,200時間", "quantity": True}, …]``."""
    segments, start = [], 0
    for match in QUANTITY.finditer(text):
        if match.start() > start:
            segments.append({"text": text[start : match.start()], "quantity": False})
        segments.append({"text": match.group(0), "quantity": True})
        start = match.end()
    if start < len(text):
        segments.append({"text": text[start:], "quantity": False})
    return segments


# --- The views of each kind ------------------------------------------------------------


class Cost(TypedDict):
    """One cost of a case: its kind, the amount in yen where printed, as printed."""

    iri: str
    kind: Named | None  #: initial, running…
    yen: int | None  #: ``schema:value`` in JPY, None when not printed (非公表, 算定不可)
    printed: str | None
    status: Named | None
    tax_basis: Named | None
    approximate: bool
    breakdown: list[str]
    line: int | None


class Milestone(TypedDict):
    """One step of a case's schedule, in the order printed."""

    iri: str
    ordinal: int | None
    date_text: str | None  #: as printed: 「R6.3~4」
    start: str | None  #: ``xsd:date``, ``gYearMonth`` or ``gYear``: 「2024-03」
    end: str | None
    text: str  #: what happened, without the printed date
    line: int | None


class Party(TypedDict):
    """An organisation taking part in an initiative, with its roles."""

    party: Named
    roles: list[str]  #: ``provider`` and/or ``participant``


class Counted(TypedDict):
    """A resource and how many initiatives it shares with the page's resource."""

    item: Named
    count: int


def costs(values: Values, found: dict[str, Values], labels: dict[str, Labels]) -> list[Cost]:
    """The costs of a case or initiative, initial first, with their amounts in yen."""
    shown = []
    for cost in values.iris(dx("cost")):
        part = found.get(cost, Values())
        yen = part.number("https://schema.org/value")
        shown.append(
            {
                "iri": cost,
                "kind": _first_named(part, dx("costKind"), labels),
                "yen": int(yen) if yen is not None else None,
                "printed": part.text(dx("printedValue")),
                "status": _first_named(part, dx("costStatus"), labels),
                "tax_basis": _first_named(part, dx("taxBasis"), labels),
                "approximate": part.text(dx("approximate")) == "true",
                "breakdown": paragraphs(part.text(dx("breakdown"))),
                "line": _int(part.number(dx("sourceLine"))),
            }
        )
    return sorted(shown, key=lambda c: (not c["iri"].endswith("/initial"), c["iri"]))


def timeline(values: Values, found: dict[str, Values]) -> list[Milestone]:
    """The schedule of a case or initiative in the order printed."""
    shown = []
    for milestone in values.iris(dx("milestone")):
        part = found.get(milestone, Values())
        date_text = part.text(dx("dateText"))
        label = part.text(str(RDFS.label)) or ""
        text = label.removeprefix(date_text or "").strip().replace("\n", "")
        shown.append(
            {
                "iri": milestone,
                "ordinal": _int(part.number(dx("ordinal"))),
                "date_text": date_text,
                "start": part.text(dx("start")),
                "end": part.text(dx("end")),
                "text": text,
                "line": _int(part.number(dx("sourceLine"))),
            }
        )
    return sorted(shown, key=lambda m: (m["ordinal"] is None, m["ordinal"] or 0, m["start"] or ""))


def parties(values: Values, labels: dict[str, Labels]) -> list[Party]:
    """The providers and participants of a case or initiative, providers first."""
    roles: dict[str, list[str]] = {}
    for role in ("provider", "participant"):
        for party in values.iris(dx(role)):
            roles.setdefault(party, []).append(role)
    ordered = sorted(roles, key=lambda p: (roles[p][0] != "provider", named(p, labels)["label"]))
    return [{"party": named(p, labels), "roles": roles[p]} for p in ordered]


def population(values: Values, found: dict[str, Values]) -> list[dict]:
    """The population figures printed for a case or a government, newest first."""
    shown = []
    for figure in values.iris(dx("populationFigure")):
        part = found.get(figure, Values())
        shown.append(
            {
                "iri": figure,
                "persons": _int(part.number(dx("persons"))),
                "reference_date": part.text(dx("referenceDate")),
                "text": part.text(str(RDFS.label)),
            }
        )
    return sorted(shown, key=lambda p: p["reference_date"] or "", reverse=True)


def case_view(
    resource: str, found: dict[str, Values], rows: list[dict], labels: dict[str, Labels]
) -> dict:
    """A case laid out as the document prints it (:class:`CaseView`)."""
    values = found[resource]
    return {
        "kind": "case",
        "edition": values.text(dx("edition")),
        "government": _first_named(values, dx("municipality"), labels),
        "prefecture": _first_named(values, dx("prefecture"), labels),
        "population": population(values, found),
        "category": _first_named(values, dx("caseCategory"), labels),
        "initiative": _first_named(values, dx("describes"), labels),
        "point": paragraphs(values.text(dx("point"))),
        "overview": paragraphs(values.text(dx("overview"))),
        "effects": [quantified(p) for p in paragraphs(values.text(dx("effects")))],
        "costs": costs(values, found, labels),
        "time_to_launch": values.text(dx("timeToLaunchText")),
        "timeline": timeline(values, found),
        "parties": parties(values, labels),
        "departments": _all_named(values, dx("responsibleDepartment"), labels),
        "contacts": contacts(values, found),
        "interview": interview(values, found),
        "related_links": related_links(values, found),
    }


class CaseView(TypedDict):
    """The view of a ``dxkg:CaseStudy``: the document's order."""

    kind: str  #: ``"case"``
    edition: str | None  #: 「第4.0版」
    government: Named | None
    prefecture: Named | None
    population: list[dict]  #: ``persons``, ``reference_date``, ``text`` as printed
    category: Named | None  #: the edition's TOC category
    initiative: Named | None  #: the initiative the case describes
    point: list[str]  #: paragraphs
    overview: list[str]
    effects: list[list[dict]]  #: paragraphs of segments, figures marked (:func:`quantified`)
    costs: list[Cost]
    time_to_launch: str | None
    timeline: list[Milestone]
    parties: list[Party]
    departments: list[Named]
    contacts: list[dict]  #: ``label``, ``phone``, ``email`` as printed
    interview: list[dict]  #: ``question``, ``answer`` (paragraphs), ``first_line``, ``last_line``
    related_links: list[dict]  #: ``label`` and ``url``


def contacts(values: Values, found: dict[str, Values]) -> list[dict]:
    """The department contacts a case prints: name, telephone and email."""
    shown = []
    for contact in values.iris(dx("contact")):
        part = found.get(contact, Values())
        shown.append(
            {
                "label": part.text(str(RDFS.label)),
                "phone": part.text("https://schema.org/telephone"),
                "email": part.text("https://schema.org/email"),
            }
        )
    return shown


def interview(values: Values, found: dict[str, Values]) -> list[dict]:
    """A case's interview: questions and answers in order, with their lines."""
    shown = []
    for answer in values.iris(dx("interviewAnswer")):
        part = found.get(answer, Values())
        shown.append(
            {
                "iri": answer,
                "ordinal": _int(part.number(dx("ordinal"))) or 0,
                "question": part.text(dx("question")),
                "answer": paragraphs(part.text(dx("answer"))),
                "first_line": _int(part.number(dx("firstLine"))),
                "last_line": _int(part.number(dx("lastLine"))),
            }
        )
    return sorted(shown, key=lambda a: a["ordinal"])


def related_links(values: Values, found: dict[str, Values]) -> list[dict]:
    """The web pages a case names: title and address."""
    shown = []
    for link in values.iris(dx("relatedLink")):
        part = found.get(link, Values())
        url = part.text("https://schema.org/url")
        if url and url.startswith(("https://", "http://")):
            shown.append({"label": part.text(str(RDFS.label)) or url, "url": url})
    return shown


class InitiativeView(TypedDict):
    """The view of a ``dxkg:Initiative``."""

    kind: str  #: ``"initiative"``
    #: its case studies, by edition; empty for a survey row, its own report
    reports: list[dict]
    survey: dict | None  #: ``table``, ``category``, ``status``, ``usage`` for a survey row
    municipality: Named | None
    prefecture: Named | None
    technologies: list[Named]
    parties: list[Party]
    focus_areas: list[Named]
    costs: list[Cost]
    timeline: list[Milestone]


def initiative_view(
    resource: str, found: dict[str, Values], rows: list[dict], labels: dict[str, Labels]
) -> dict:
    """An initiative: its reports, government, technologies, vendors, focus areas, costs."""
    values = found[resource]
    reports = sorted(
        (
            {"report": named(row["x"].value, labels), "edition": _text(row, "edition")}
            for row in rows_of(rows, "report")
        ),
        key=lambda r: (r["edition"] or "", r["report"]["iri"]),
    )
    table = _first_named(values, dx("surveyTable"), labels)
    survey = table and {
        "table": table,
        "category": _first_named(values, dx("surveyCategory"), labels),
        "status": _first_named(values, dx("implementationStatus"), labels),
        "usage": values.text(dx("usageDescription")),
    }
    return {
        "kind": "initiative",
        "reports": reports,
        "survey": survey or None,
        "municipality": _first_named(values, dx("municipality"), labels),
        "prefecture": _first_named(values, dx("prefecture"), labels)
        or _first_named(values, dx("reportedBy"), labels),
        "technologies": _all_named(values, dx("usesTechnology"), labels),
        "parties": parties(values, labels),
        "focus_areas": _all_named(values, dx("focusArea"), labels),
        "costs": costs(values, found, labels),
        "timeline": timeline(values, found),
    }


class MunicipalityView(TypedDict):
    """The view of a ``dxkg:Municipality``."""

    kind: str  #: ``"municipality"``
    name_en: str | None
    name_kana: str | None
    code: str | None  #: 全国地方公共団体コード
    prefecture: Named | None  #: ``dxkg:inPrefecture``, None for a prefecture
    #: its initiatives: ``initiative``, ``source`` (``case`` or ``survey``), ``editions``
    initiatives: list[dict]
    shared_systems: list[dict]  #: ``system`` and ``roles`` (``usedBy``, ``reportedBy``)
    vendors: list[Counted]
    population: list[dict]
    location: dict | None  #: ``lat`` and ``long`` of its office (WGS84), for the map
    homepage: str | None


def municipality_view(
    resource: str, found: dict[str, Values], rows: list[dict], labels: dict[str, Labels]
) -> dict:
    """A government: its initiatives, shared systems, vendors, population and place."""
    values = found[resource]
    lat, long = values.number(str(WGS84.lat)), values.number(str(WGS84.long))
    kana = values.all(dx("nameKana"))
    return {
        "kind": "municipality",
        "name_en": labels.get(resource, Labels()).en,
        "name_kana": kana[0].value if kana else None,
        "code": values.text(dx("localGovernmentCode")),
        "prefecture": _first_named(values, dx("inPrefecture"), labels),
        "initiatives": _municipality_initiatives(rows, labels),
        "shared_systems": _shared_systems(rows, labels),
        "vendors": _counted(rows_of(rows, "vendor"), labels),
        "population": population(values, found),
        "location": {"lat": lat, "long": long} if lat is not None and long is not None else None,
        "homepage": values.text(str(FOAF.homepage)),
    }


def _municipality_initiatives(rows: list[dict], labels: dict[str, Labels]) -> list[dict]:
    """A government's initiatives, from cases first, with the editions that report them."""
    found: dict[str, dict] = {}
    for row in rows_of(rows, "initiative"):
        entry = found.setdefault(
            row["x"].value,
            {
                "initiative": named(row["x"].value, labels),
                "source": row["role"].value,
                "editions": [],
            },
        )
        edition = _text(row, "edition")
        if edition and edition not in entry["editions"]:
            entry["editions"].append(edition)
    for entry in found.values():
        entry["editions"].sort()
    return sorted(found.values(), key=lambda e: (e["source"] != "case", e["initiative"]["label"]))


def _shared_systems(rows: list[dict], labels: dict[str, Labels]) -> list[dict]:
    """A government's shared systems, with whether it uses them or reported them."""
    roles: dict[str, list[str]] = {}
    for row in rows_of(rows, "system"):
        role = row["role"].value.removeprefix(graphdata.vocabulary())
        roles.setdefault(row["x"].value, []).append(role)
    ordered = sorted(roles, key=lambda s: named(s, labels)["label"])
    return [{"system": named(s, labels), "roles": sorted(roles[s])} for s in ordered]


class VendorView(TypedDict):
    """The view of a ``dxkg:Vendor``."""

    kind: str  #: ``"vendor"``
    parents: list[Named]  #: ``org:subOrganizationOf``
    other_names: list[str]  #: every spelling printed (``skos:altLabel``)
    governments: list[Counted]
    initiatives: list[Party]  #: each initiative (as ``party``) with the vendor's roles in it
    technologies: list[Counted]
    co_vendors: list[Counted]


def vendor_view(
    resource: str, found: dict[str, Values], rows: list[dict], labels: dict[str, Labels]
) -> dict:
    """A vendor: the governments it serves, its initiatives, technologies, co-vendors."""
    values = found[resource]
    roles: dict[str, list[str]] = {}
    for row in rows_of(rows, "initiative"):
        roles.setdefault(row["x"].value, []).append(row["roleName"].value)
    initiatives = sorted(roles, key=lambda i: named(i, labels)["label"])
    return {
        "kind": "vendor",
        "parents": _all_named(values, "http://www.w3.org/ns/org#subOrganizationOf", labels),
        "other_names": sorted({term.value for term in values.all(str(SKOS.altLabel))}),
        "governments": _counted(rows_of(rows, "government"), labels),
        "initiatives": [
            {"party": named(i, labels), "roles": sorted(roles[i])} for i in initiatives
        ],
        "technologies": _counted(rows_of(rows, "technology"), labels),
        "co_vendors": _counted(rows_of(rows, "co_vendor"), labels),
    }


class TechnologyView(TypedDict):
    """The view of a ``dxkg:Technology``."""

    kind: str  #: ``"technology"``
    total: int  #: initiatives using it or a narrower technology
    #: the initiatives by prefecture, most first: ``item``, ``count`` and the bar's
    #: ``width`` (per cent of the largest), drawn as an inline SVG chart
    by_prefecture: list[dict]
    broader: list[Named]
    narrower: list[Named]
    focus_areas: list[Counted]  #: the focus areas of its initiatives
    initiatives_href: str  #: the class page of the initiatives using it
    other_names: list[str]


def technology_view(
    resource: str, found: dict[str, Values], rows: list[dict], labels: dict[str, Labels]
) -> dict:
    """A technology: its initiatives by prefecture (a chart), broader, narrower, areas."""
    values = found[resource]
    by_prefecture = _counted(rows_of(rows, "prefecture"), labels)
    most = max((row["count"] for row in by_prefecture), default=1)
    totals = rows_of(rows, "total")
    return {
        "kind": "technology",
        "total": int(totals[0]["n"].value) if totals else 0,
        "by_prefecture": [
            {**row, "width": round(100 * row["count"] / most, 1)} for row in by_prefecture
        ],
        "broader": _all_named(values, str(SKOS.broader), labels),
        "narrower": sorted(
            (named(row["x"].value, labels) for row in rows_of(rows, "narrower")),
            key=lambda n: n["label"],
        ),
        "focus_areas": _counted(rows_of(rows, "focus_area"), labels),
        "initiatives_href": "/class/Initiative?" + urlencode({"technology": resource}),
        "other_names": sorted({term.value for term in values.all(str(SKOS.altLabel))}),
    }


#: The view of each kind: (the resource, its statements, its kind's rows, labels) → view.
KIND_VIEWS: dict[str, Callable[[str, dict[str, Values], list[dict], dict[str, Labels]], dict]] = {
    "case": case_view,
    "initiative": initiative_view,
    "municipality": municipality_view,
    "vendor": vendor_view,
    "technology": technology_view,
}


def _first_named(values: Values, prop: str, labels: dict[str, Labels]) -> Named | None:
    """The first IRI value of ``prop``, named, or None."""
    found = values.iris(prop)
    return named(found[0], labels) if found else None


def _all_named(values: Values, prop: str, labels: dict[str, Labels]) -> list[Named]:
    """Every IRI value of ``prop``, named, by label."""
    return sorted((named(v, labels) for v in values.iris(prop)), key=lambda n: n["label"])


def _counted(rows: list[dict], labels: dict[str, Labels]) -> list[Counted]:
    """Rows of ``?x`` and ``?n`` as counted resources, most first, then by label."""
    counted = [
        {"item": named(row["x"].value, labels), "count": int(row["n"].value)} for row in rows
    ]
    return sorted(counted, key=lambda c: (-c["count"], c["item"]["label"]))


def _int(figure: float | None) -> int | None:
    return None if figure is None else int(figure)


def _text(row: dict[str, Term], key: str) -> str | None:
    found = row.get(key)
    return found.value if found is not None else None


# --- The page --------------------------------------------------------------------------


def named_in(terms: Iterable[Term]) -> set[str]:
    """The IRIs among ``terms``."""
    return {term.value for term in terms if isinstance(term, NamedNode)}


def wanted_labels(
    resource: str, found: dict[str, Values], links_in: list[dict], rows: list[dict]
) -> set[str]:
    """Every IRI the page names: what it and its parts say, what points at it, its kind's."""
    wanted = {resource}
    for values in found.values():
        wanted |= {prop for prop, _ in values.pairs} | named_in(t for _, t in values.pairs)
    wanted |= {group["property"] for group in links_in}
    wanted |= named_in(s for group in links_in for s in group["subjects"])
    wanted |= named_in(term for row in rows for term in row.values())
    return wanted


def paging() -> tuple[str | None, int]:
    """The property whose incoming links are paged (``?in=``) and the offset."""
    only = request.args.get("in")
    if only and not is_iri(only):
        abort(400, description=f"in: not an IRI: {only!r}")
    return only, max(request.args.get("offset", 0, type=int), 0)


def incoming_groups(links_in: list[dict], labels: dict[str, Labels]) -> list[IncomingGroup]:
    """The incoming links as shown, a page of subjects each, repeated labels marked."""
    groups = []
    for group in links_in:
        subjects = [value(s, labels) for s in group["subjects"]]
        shown_labels = {s["label"] for s in subjects}
        groups.append(
            {
                "property": named(group["property"], labels),
                "count": group["count"],
                "offset": group["offset"],
                "subjects": subjects,
                "repeated": len(subjects) > 1 and len(shown_labels) == 1,
            }
        )
    return groups


def editions_of(
    resource: str, values: Values, rows: list[dict], labels: dict[str, Labels], changes: dict
) -> list[dict]:
    """A case's other editions, earlier and later, each with what changed."""
    others = [(other, "earlier") for other in values.iris(str(PROV.wasRevisionOf))]
    others += [(row["x"].value, "later") for row in rows_of(rows, "later")]
    return [
        {
            "when": when,
            "other": named(other, labels),
            "changes": [
                {**change, "field": named(change["field"], labels)}
                for change in changes.get(other, [])
            ],
        }
        for other, when in others
    ]


def describe(resource: str, path: str) -> EntityPage:
    """Everything the entity page shows about ``resource`` (404 if nothing is known)."""
    only, offset = paging()
    graph = is_graph(resource)
    found = {resource: Values()} if graph else statements(resource)
    values = found[resource]
    links_in = incoming(resource, only, offset)
    if not graph and not values.pairs and not links_in:
        abort(404, description=f"nothing is known about <{resource}>")
    kind = kind_of(values)
    rows = kind_rows(kind, resource)
    revised = values.iris(str(PROV.wasRevisionOf)) or rows_of(rows, "later")
    changes = edition_changes(resource) if kind == "case" and revised else {}
    wanted = wanted_labels(resource, found, links_in, rows)
    wanted |= {change["field"] for found_changes in changes.values() for change in found_changes}
    labels = graphdata.labels_of(wanted)
    return {
        **named(resource, labels),
        "path": path,
        "types": [value(o, labels) for o in values.all(RDF_TYPE)],
        "properties": grouped(((p, o) for p, o in values.pairs if p != RDF_TYPE), labels),
        "incoming": incoming_groups(links_in, labels),
        "incoming_only": only,
        "excerpts": excerpts(values, found),
        "editions": editions_of(resource, values, rows, labels, changes) if kind == "case" else [],
        "view": KIND_VIEWS[kind](resource, found, rows, labels) if kind else None,
        "network_measures": networkdata.entity_measures(files.current(), resource),
        "is_graph": graph,
        "graph_size": graph_size(resource) if graph else None,
        "data_links": {
            suffix: f"/data/{path}.{suffix}" for suffix in ("ttl", "nt", "jsonld", "rdf")
        },
        "json_href": f"/page/{path}.json",
    }


def graph_size(resource: str) -> int:
    """Triples in the named graph ``resource``."""
    rows = graphdata.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(resource)} {{ ?s ?p ?o }} }}"
    )
    return int(rows[0]["n"].value)
