"""Networks for researchers: who works with whom, read from the release with SPARQL.

Four bipartite networks, built with networkx from the graph as published:

- **vendor–municipality**: a vendor (``dxkg:Vendor``) and a government are linked when
  the vendor is a provider or participant (``dxkg:provider``/``dxkg:participant``) of
  one of the government's case studies. The weight is the number of *initiatives*: a
  case and its revisions (``prov:wasRevisionOf``, followed along the whole chain) are
  one initiative, named by its newest edition, so a re-edition does not double an edge.
- **vendor-group–municipality**: the same with every vendor replaced by its corporate
  group, the head of its ``org:subOrganizationOf`` chain (a vendor in no group is a
  group of its own).
- **technology–municipality**: a technology (``dxkg:usesTechnology``, as tagged) and the
  government of an initiative that uses it: case studies (editions merged as above) and
  the survey's AI/RPA rows (``dxkg:Initiative``, reported by a prefecture).
- **shared-system–municipality** (the survey's table ②): a shared system and each
  government that reports it (``dxkg:reportedBy``) or takes part (``dxkg:usedBy``). A
  system several prefectures report in separate rows is its ``dxkg:JointSharedSystem``.

And the vendor–municipality network **by edition**: one network per edition of the case
collection, of the relations that edition itself prints.

An edge lists what it stands for: its initiatives (their IRIs), the roles and
technologies, the ``editions`` that report it (``第2.0版``, ``2020年調査`` for the
survey), the ``years`` its initiatives' schedules name (the survey's year for its rows)
with the ``first_year``, and the costs the cases print in yen (``initial_cost_yen``,
``running_cost_yen``: the sum over its initiatives of each one's whole cost, as its
newest edition stating it prints it; not the vendor's share).

Node ids are entity IRIs. Every node has ``kind``, ``bipartite`` (0 for governments,
1 for the other side, networkx's convention), ``label`` (Japanese) and ``label_en``
where the graph has one; governments their ``code``, ``prefecture`` and, where a case
prints it, ``population`` (persons) with its ``population_date``; vendors their
``group`` and ``group_label``. Attribute values are strings and numbers only, several
values joined with a space, so that the GEXF and GraphML writers accept them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import networkx as nx
from pyoxigraph import Store

from dxkg.namespaces import sparql_prefixes
from dxkg.pipeline.records import EDITION_PATTERN, edition_order, edition_slug

PREFIXES = ("dxkg", "rdfs", "skos", "org", "dct", "prov", "schema")

#: The case studies that report each initiative of the case collections.
REPORTS_OF = "SELECT ?initiative ?record WHERE { ?record dxkg:describes ?initiative }"

#: Each initiative's vendors, with the reports (case studies) that name them.
VENDOR_ROLES = """
SELECT ?initiative ?record ?government ?vendor ?role WHERE {
  ?initiative a dxkg:Initiative ; dxkg:municipality ?government ; ?property ?vendor .
  VALUES (?property ?role) { (dxkg:provider "provider") (dxkg:participant "participant") }
  ?vendor a dxkg:Vendor .
  ?record dxkg:describes ?initiative ; ?property ?vendor .
}"""

#: Each initiative's technologies, with the reports that name them; a survey row is an
#: initiative and its own report.
TECHNOLOGY_USES = """
SELECT ?initiative ?record ?government ?technology WHERE {
  ?initiative a dxkg:Initiative ; dxkg:municipality ?government ; dxkg:usesTechnology ?technology .
  OPTIONAL { ?record dxkg:describes ?initiative ; dxkg:usesTechnology ?technology }
}"""

SYSTEM_PARTICIPATION = """
SELECT ?row ?system ?government ?relation WHERE {
  { ?row a dxkg:SharedSystem . OPTIONAL { ?joint dxkg:reportedAs ?row }
    BIND (COALESCE(?joint, ?row) AS ?system) }
  UNION
  { ?row a dxkg:JointSharedSystem . BIND (?row AS ?system) }
  ?row ?property ?government .
  VALUES (?property ?relation) { (dxkg:reportedBy "reportedBy") (dxkg:usedBy "usedBy") }
}"""

#: The edition that prints each case; for a survey row, the survey's year.
REPORTS = """
SELECT ?record ?edition ?year WHERE {
  { ?record a dxkg:CaseStudy ; dxkg:edition ?edition }
  UNION
  { VALUES ?class { dxkg:Initiative dxkg:SharedSystem }
    ?record a ?class ; prov:wasDerivedFrom/dxkg:sourceDocument/dct:issued ?issued .
    BIND (SUBSTR(STR(?issued), 1, 4) AS ?year)
    BIND (CONCAT(?year, "年調査") AS ?edition) }
}"""

SCHEDULES = """
SELECT ?record ?date WHERE {
  ?record a dxkg:CaseStudy ; dxkg:milestone ?milestone .
  { ?milestone dxkg:start ?date } UNION { ?milestone dxkg:end ?date }
}"""

COSTS = """
SELECT ?record ?kind ?yen WHERE {
  ?record a dxkg:CaseStudy ; dxkg:cost ?cost .
  ?cost dxkg:costKind ?concept ; schema:value ?yen ; schema:currency "JPY" .
  BIND (STRAFTER(STR(?concept), "cost-kind-") AS ?kind)
}"""

GOVERNMENTS = """
SELECT ?government ?class ?code ?prefecture WHERE {
  ?government dxkg:localGovernmentCode ?code ; a ?class .
  FILTER (STRSTARTS(STR(?class), STR(dxkg:)))
  OPTIONAL { ?government dxkg:inPrefecture ?prefecture }
}"""

POPULATIONS = """
SELECT ?government ?persons ?date WHERE {
  ?government a dxkg:Municipality ; dxkg:populationFigure ?figure .
  ?figure dxkg:persons ?persons ; dxkg:referenceDate ?date .
}"""

PARENTS = """
SELECT ?organisation ?parent WHERE {
  VALUES ?class { dxkg:Vendor dxkg:ParentCompany }
  ?organisation a ?class ; org:subOrganizationOf ?parent .
}"""

LABELS = """
SELECT ?entity ?label ?language WHERE {
  VALUES ?property { rdfs:label skos:prefLabel }
  ?entity ?property ?label .
  BIND (lang(?label) AS ?language)
  FILTER (?language IN ('ja', 'en'))
}"""

#: Government classes from the most to the least specific: a node's ``kind`` is the first.
GOVERNMENT_KINDS = (
    "DesignatedCity",
    "SpecialWard",
    "Ward",
    "City",
    "Town",
    "Village",
    "Prefecture",
)


EDITION_LABEL = re.compile(r"第(.+)版")


@dataclass(frozen=True)
class Government:
    """A local government as a node: its kind, code, prefecture (itself for a prefecture) and
    the latest population a case prints for it, as (reference date, persons)."""

    iri: str
    kind: str
    code: str
    prefecture: str
    population: tuple[str, int] | None = None


@dataclass(frozen=True)
class Facts:
    """What the sources say about each record (a case, a survey row): the edition that prints
    it (``2020年調査`` for the survey), the years it names, its costs in yen by kind; and
    the reports of each initiative of the case collections, newest edition first."""

    reports: dict[str, list[str]]
    editions: dict[str, str]
    years: dict[str, set[int]]
    costs: dict[str, dict[str, int]]


@dataclass
class Tie:
    """What one edge stands for: the records that report it, the initiatives they belong
    to, and how each side took part."""

    records: set[str] = field(default_factory=set)
    initiatives: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    technologies: set[str] = field(default_factory=set)

    def merge(self, other: Tie) -> None:
        """Take in what ``other`` stands for (another vendor of the same group)."""
        for name in ("records", "initiatives", "roles", "technologies"):
            getattr(self, name).update(getattr(other, name))


@dataclass(frozen=True)
class Networks:
    """The bipartite networks of one release."""

    vendor_municipality: nx.Graph
    technology_municipality: nx.Graph
    shared_system_municipality: nx.Graph
    vendor_group_municipality: nx.Graph
    #: The vendor–municipality network each edition prints, by edition label, oldest first.
    by_edition: dict[str, nx.Graph]

    def items(self) -> list[tuple[str, nx.Graph]]:
        """(file stem, graph) for each network, in a fixed order."""
        return [
            ("vendor-municipality", self.vendor_municipality),
            ("technology-municipality", self.technology_municipality),
            ("shared-system-municipality", self.shared_system_municipality),
            ("vendor-group-municipality", self.vendor_group_municipality),
            *((edition_stem(edition), graph) for edition, graph in self.by_edition.items()),
        ]


class ReleaseGraph:
    """The release store, queried with the vocabulary under the release's base IRI."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: lexical value}; unbound variables are left out."""
        results = self.store.query(
            sparql_prefixes(PREFIXES, self.base_iri) + query, use_default_graph_as_union=True
        )
        names = [variable.value for variable in results.variables]
        return [
            {name: term.value for name, term in zip(names, row, strict=True) if term is not None}
            for row in results
        ]


def build_networks(store: Store, base_iri: str) -> Networks:
    """The bipartite networks of the release loaded in ``store``."""
    release = ReleaseGraph(store, base_iri)
    facts = read_facts(release)
    populations = latest_populations(release.select(POPULATIONS))
    describe = Descriptions(
        read_governments(release.select(GOVERNMENTS), populations),
        read_labels(release.select(LABELS)),
        facts,
    )
    technology_ties, technologies = read_technology_ties(release.select(TECHNOLOGY_USES))
    vendor_ties, by_edition = read_vendor_ties(release.select(VENDOR_ROLES), facts, technologies)
    heads = group_heads(release.select(PARENTS))
    vendors = {vendor for _, vendor in vendor_ties}
    in_groups = describe.groups(vendors, heads)
    return Networks(
        describe.graph("vendor-municipality", vendor_ties, "Vendor", in_groups),
        describe.graph("technology-municipality", technology_ties, "Technology"),
        describe.graph(
            "shared-system-municipality",
            read_system_ties(release.select(SYSTEM_PARTICIPATION)),
            "SharedSystem",
        ),
        describe.graph(
            "vendor-group-municipality",
            group_ties(vendor_ties, heads),
            "VendorGroup",
            describe.members(vendors, heads),
        ),
        {
            edition: describe.graph(edition_stem(edition), ties, "Vendor", in_groups)
            for edition, ties in sorted(by_edition.items(), key=lambda e: edition_key(e[0]))
        },
    )


def read_facts(release: ReleaseGraph) -> Facts:
    """The reports of the initiatives, and each record's edition, years and costs."""
    reports = release.select(REPORTS)
    years: dict[str, set[int]] = defaultdict(set)
    for row in release.select(SCHEDULES):
        years[row["record"]].add(int(row["date"][:4]))
    for row in reports:
        if "year" in row:
            years[row["record"]].add(int(row["year"]))
    costs: dict[str, dict[str, int]] = defaultdict(dict)
    for row in release.select(COSTS):
        costs[row["record"]][row["kind"]] = round(Decimal(row["yen"]))
    editions = {row["record"]: row["edition"] for row in reports}
    reports_of: dict[str, list[str]] = defaultdict(list)
    for row in release.select(REPORTS_OF):
        reports_of[row["initiative"]].append(row["record"])
    newest_first = {
        initiative: sorted(records, key=lambda r: edition_key(editions[r]), reverse=True)
        for initiative, records in reports_of.items()
    }
    return Facts(newest_first, editions, dict(years), dict(costs))


def read_technology_ties(
    rows: Iterable[dict[str, str]],
) -> tuple[dict[tuple[str, str], Tie], dict[str, set[str]]]:
    """The technology–government ties, and the technologies of each initiative."""
    ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    technologies: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        initiative = row["initiative"]
        tie = ties[row["government"], row["technology"]]
        tie.records.add(row.get("record", initiative))
        tie.initiatives.add(initiative)
        technologies[initiative].add(row["technology"])
    return ties, technologies


def read_vendor_ties(
    rows: Iterable[dict[str, str]], facts: Facts, technologies: Mapping[str, set[str]]
) -> tuple[dict[tuple[str, str], Tie], dict[str, dict[tuple[str, str], Tie]]]:
    """The vendor–government ties over every edition, and those each edition prints."""
    ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    by_edition: dict[str, dict[tuple[str, str], Tie]] = defaultdict(lambda: defaultdict(Tie))
    for row in rows:
        key = (row["government"], row["vendor"])
        initiative = row["initiative"]
        for tie in (ties[key], by_edition[facts.editions[row["record"]]][key]):
            tie.records.add(row["record"])
            tie.initiatives.add(initiative)
            tie.roles.add(row["role"])
            tie.technologies |= technologies.get(initiative, set())
    return ties, by_edition


def read_system_ties(rows: Iterable[dict[str, str]]) -> dict[tuple[str, str], Tie]:
    """The shared-system–government ties: the rows that report them and the relations."""
    ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    for row in rows:
        tie = ties[row["government"], row["system"]]
        tie.records.add(row["row"])
        tie.roles.add(row["relation"])
    return ties


def group_heads(rows: Iterable[dict[str, str]]) -> dict[str, str]:
    """{organisation: the head of its corporate group}, the end of its
    ``org:subOrganizationOf`` chain, for every organisation that has a parent."""
    parent_of = {row["organisation"]: row["parent"] for row in rows}
    heads = {}
    for organisation in parent_of:
        head = organisation
        while head in parent_of:
            head = parent_of[head]
        heads[organisation] = head
    return heads


def group_ties(
    ties: Mapping[tuple[str, str], Tie], heads: Mapping[str, str]
) -> dict[tuple[str, str], Tie]:
    """The ties with every vendor replaced by the head of its group (itself if none)."""
    grouped: dict[tuple[str, str], Tie] = defaultdict(Tie)
    for (government, vendor), tie in ties.items():
        grouped[government, heads.get(vendor, vendor)].merge(tie)
    return grouped


def edition_key(label: str) -> tuple[int, int]:
    """The sort key of an edition label (``第4.0版``); raises ValueError for another label."""
    found = EDITION_LABEL.fullmatch(label)
    if found is None or re.fullmatch(EDITION_PATTERN, found.group(1)) is None:
        raise ValueError(f"not an edition of the case collection: {label}")
    return edition_order(found.group(1))


def edition_stem(label: str) -> str:
    """The file stem of an edition's vendor–municipality network: ``第4.0版`` →
    ``vendor-municipality-v4``, the edition as the case IRIs write it."""
    major, minor = edition_key(label)
    return f"vendor-municipality-v{edition_slug(f'{major}.{minor}')}"


def latest_populations(rows: Iterable[dict[str, str]]) -> dict[str, tuple[str, int]]:
    """{government: (reference date, persons)}: the latest figure the cases print (of two on
    one date, the larger)."""
    latest: dict[str, tuple[str, int]] = {}
    for row in rows:
        figure = (row["date"], int(row["persons"]))
        latest[row["government"]] = max(figure, latest.get(row["government"], figure))
    return latest


def read_governments(
    rows: Iterable[dict[str, str]], populations: Mapping[str, tuple[str, int]]
) -> dict[str, Government]:
    """Each government with its most specific kind; a prefecture is its own prefecture."""
    classes: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, dict[str, str]] = {}
    for row in rows:
        classes[row["government"]].add(row["class"].rsplit("#", 1)[-1])
        facts[row["government"]] = row
    governments = {}
    for iri, row in facts.items():
        kind = next(k for k in GOVERNMENT_KINDS if k in classes[iri])
        prefecture = row.get("prefecture", iri)
        governments[iri] = Government(iri, kind, row["code"], prefecture, populations.get(iri))
    return governments


def read_labels(rows: Iterable[dict[str, str]]) -> dict[str, dict[str, str]]:
    """{entity: {language: label}}, the smallest label per language where there are several."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r["label"], reverse=True):
        labels[row["entity"]][row["language"]] = row["label"]
    return labels


@dataclass(frozen=True)
class Descriptions:
    """What nodes and edges are described with: the governments, the labels, the facts."""

    governments: dict[str, Government]
    labels: dict[str, dict[str, str]]
    facts: Facts

    def graph(
        self,
        name: str,
        ties: Mapping[tuple[str, str], Tie],
        kind: str,
        extra: Mapping[str, dict[str, str | int]] | None = None,
    ) -> nx.Graph:
        """A bipartite graph of governments (side 0) and ``kind`` nodes (side 1), those
        with the ``extra`` attributes given for them.

        Nodes and edges are added in sorted order: networkx keeps insertion order, so the
        exports and the community detection come out the same for the same release.
        """
        graph = nx.Graph(name=name)
        for government in sorted({g for g, _ in ties}):
            graph.add_node(government, **self.government(self.governments[government]))
        for other in sorted({o for _, o in ties}):
            attributes = (extra or {}).get(other, {})
            graph.add_node(other, kind=kind, bipartite=1, **self.label(other), **attributes)
        for (government, other), tie in sorted(ties.items()):
            graph.add_edge(government, other, **self.edge(tie))
        return graph

    def government(self, government: Government) -> dict[str, str | int]:
        """A government node's attributes: kind, code, prefecture, labels, population."""
        attributes: dict[str, str | int] = {
            "kind": government.kind,
            "bipartite": 0,
            "code": government.code,
            "prefecture": government.prefecture,
            "prefecture_label": self.labels.get(government.prefecture, {}).get("ja", ""),
            **self.label(government.iri),
        }
        if government.population:
            attributes["population_date"], attributes["population"] = government.population
        return attributes

    def label(self, iri: str) -> dict[str, str]:
        """``label`` (Japanese, else the IRI's last segment) and ``label_en`` where there is one."""
        own = self.labels.get(iri, {})
        attributes = {"label": own.get("ja") or iri.rstrip("/").rsplit("/", 1)[-1]}
        if "en" in own:
            attributes["label_en"] = own["en"]
        return attributes

    def groups(self, vendors: Iterable[str], heads: Mapping[str, str]) -> dict[str, dict]:
        """Each vendor's ``group`` (the head of its group, itself if none) and ``group_label``."""
        groups = {vendor: heads.get(vendor, vendor) for vendor in vendors}
        return {
            vendor: {"group": head, "group_label": self.label(head)["label"]}
            for vendor, head in groups.items()
        }

    def members(self, vendors: Iterable[str], heads: Mapping[str, str]) -> dict[str, dict]:
        """Each group's ``members`` (the vendors' IRIs), ``member_labels`` and ``member_count``."""
        members: dict[str, list[str]] = defaultdict(list)
        for vendor in sorted(vendors):
            members[heads.get(vendor, vendor)].append(vendor)
        return {
            head: {
                "members": " ".join(found),
                "member_labels": " / ".join(self.label(vendor)["label"] for vendor in found),
                "member_count": len(found),
            }
            for head, found in members.items()
        }

    def edge(self, tie: Tie) -> dict[str, str | int]:
        """An edge's weight (the number of initiatives, else 1), its space-joined lists, the
        editions and years that report it, and its costs in yen."""
        records = sorted(tie.records)
        years = {year for record in records for year in self.facts.years.get(record, ())}
        editions = {self.facts.editions[r] for r in records if r in self.facts.editions}
        attributes: dict[str, str | int] = {"weight": len(tie.initiatives) or 1}
        for key, values in (
            ("initiatives", tie.initiatives),
            ("roles", tie.roles),
            ("technologies", tie.technologies),
            ("editions", editions),
            ("years", {str(year) for year in years}),
        ):
            if values:
                attributes[key] = " ".join(sorted(values))
        if years:
            attributes["first_year"] = min(years)
        return attributes | self.costs(tie)

    def costs(self, tie: Tie) -> dict[str, int]:
        """``<kind>_cost_yen`` (initial, running): per kind, the sum over the tie's initiatives
        of the cost the newest of its records that states one prints."""
        totals: dict[str, int] = defaultdict(int)
        for initiative in sorted(tie.initiatives):
            printed = [
                self.facts.costs[record]
                for record in self.facts.reports.get(initiative, [initiative])
                if record in tie.records and record in self.facts.costs
            ]
            for kind in sorted({kind for costs in printed for kind in costs}):
                yen = next(costs[kind] for costs in printed if kind in costs)
                totals[f"{kind}_cost_yen"] += yen
        return dict(totals)
