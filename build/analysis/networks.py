"""Networks for researchers: who works with whom, read from the release with SPARQL.

Three bipartite networks, built with networkx from the graph as published:

- **vendor–municipality**: a vendor (``dxkg:Vendor``) and a government are linked when
  the vendor is a provider or participant (``dxkg:provider``/``dxkg:participant``) of
  one of the government's case studies. The weight is the number of *initiatives*: a
  case printed in two editions (``prov:wasRevisionOf``) is one initiative, so a
  re-edition does not double an edge. The edge lists the initiatives (the IRI of each
  one's newest edition), the roles and the technologies of those initiatives.
- **technology–municipality**: a technology (``dxkg:usesTechnology``, as tagged) and the
  government of an initiative that uses it: case studies (editions merged as above) and
  the survey's AI/RPA rows (``dxkg:Initiative``, reported by a prefecture).
- **shared-system–municipality** (the survey's table ②): a shared system and each
  government that reports it (``dxkg:reportedBy``) or takes part (``dxkg:usedBy``). A
  system several prefectures report in separate rows is its ``dxkg:JointSharedSystem``.

Node ids are entity IRIs. Every node has ``kind``, ``bipartite`` (0 for governments,
1 for the other side, networkx's convention), ``label`` (Japanese), ``label_en`` where
the graph has one, and governments their ``prefecture`` and ``code``. Attribute values
are strings and numbers only, several values joined with a space, so that the GEXF and
GraphML writers accept them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from pyoxigraph import Store

from dxkg.namespaces import sparql_prefixes
from dxkg.pipeline.publish.tables import PREFIXES  # the CSV exports' prefixes

REVISIONS = "SELECT ?newer ?older WHERE { ?newer prov:wasRevisionOf ?older }"

VENDOR_ROLES = """
SELECT ?initiative ?government ?vendor ?role WHERE {
  ?initiative a dxkg:CaseStudy ; dxkg:municipality ?government ; ?property ?vendor .
  VALUES (?property ?role) { (dxkg:provider "provider") (dxkg:participant "participant") }
  ?vendor a dxkg:Vendor .
}"""

TECHNOLOGY_USES = """
SELECT ?initiative ?government ?technology WHERE {
  VALUES ?class { dxkg:CaseStudy dxkg:Initiative }
  ?initiative a ?class ; dxkg:municipality ?government ; dxkg:usesTechnology ?technology .
}"""

SYSTEM_PARTICIPATION = """
SELECT ?system ?government ?relation WHERE {
  { ?row a dxkg:SharedSystem . OPTIONAL { ?joint dxkg:reportedAs ?row }
    BIND (COALESCE(?joint, ?row) AS ?system) }
  UNION
  { ?row a dxkg:JointSharedSystem . BIND (?row AS ?system) }
  ?row ?property ?government .
  VALUES (?property ?relation) { (dxkg:reportedBy "reportedBy") (dxkg:usedBy "usedBy") }
}"""

GOVERNMENTS = """
SELECT ?government ?class ?code ?prefecture WHERE {
  ?government dxkg:localGovernmentCode ?code ; a ?class .
  FILTER (STRSTARTS(STR(?class), STR(dxkg:)))
  OPTIONAL { ?government dxkg:inPrefecture ?prefecture }
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


@dataclass(frozen=True)
class Government:
    """A local government as a node: its kind, code and prefecture (itself for a prefecture)."""

    iri: str
    kind: str
    code: str
    prefecture: str


@dataclass
class Tie:
    """What one edge stands for: the initiatives behind it and how each side took part."""

    initiatives: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    technologies: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Networks:
    """The three bipartite networks of one release."""

    vendor_municipality: nx.Graph
    technology_municipality: nx.Graph
    shared_system_municipality: nx.Graph

    def items(self) -> list[tuple[str, nx.Graph]]:
        """(file stem, graph) for each network, in a fixed order."""
        return [
            ("vendor-municipality", self.vendor_municipality),
            ("technology-municipality", self.technology_municipality),
            ("shared-system-municipality", self.shared_system_municipality),
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
    """The three bipartite networks of the release loaded in ``store``."""
    release = ReleaseGraph(store, base_iri)
    newest = newest_editions(release.select(REVISIONS))
    governments = read_governments(release.select(GOVERNMENTS))
    labels = read_labels(release.select(LABELS))
    technology_uses = release.select(TECHNOLOGY_USES)
    technologies = defaultdict(set)
    for row in technology_uses:
        technologies[newest.get(row["initiative"], row["initiative"])].add(row["technology"])

    vendor_ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    for row in release.select(VENDOR_ROLES):
        initiative = newest.get(row["initiative"], row["initiative"])
        tie = vendor_ties[row["government"], row["vendor"]]
        tie.initiatives.add(initiative)
        tie.roles.add(row["role"])
        tie.technologies |= technologies[initiative]

    technology_ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    for row in technology_uses:
        initiative = newest.get(row["initiative"], row["initiative"])
        technology_ties[row["government"], row["technology"]].initiatives.add(initiative)

    system_ties: dict[tuple[str, str], Tie] = defaultdict(Tie)
    for row in release.select(SYSTEM_PARTICIPATION):
        system_ties[row["government"], row["system"]].roles.add(row["relation"])

    return Networks(
        bipartite_graph("vendor-municipality", vendor_ties, "Vendor", governments, labels),
        bipartite_graph(
            "technology-municipality", technology_ties, "Technology", governments, labels
        ),
        bipartite_graph(
            "shared-system-municipality", system_ties, "SharedSystem", governments, labels
        ),
    )


def newest_editions(revisions: Iterable[dict[str, str]]) -> dict[str, str]:
    """Map every edition of a case to its newest edition (the one no other revises)."""
    older_of = {row["newer"]: row["older"] for row in revisions}
    newer_of = {older: newer for newer, older in older_of.items()}
    newest = {}
    for case in set(older_of) | set(newer_of):
        latest = case
        while latest in newer_of:
            latest = newer_of[latest]
        newest[case] = latest
    return newest


def read_governments(rows: Iterable[dict[str, str]]) -> dict[str, Government]:
    """Each government with its most specific kind; a prefecture is its own prefecture."""
    classes: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, dict[str, str]] = {}
    for row in rows:
        classes[row["government"]].add(row["class"].rsplit("#", 1)[-1])
        facts[row["government"]] = row
    governments = {}
    for iri, row in facts.items():
        kind = next(k for k in GOVERNMENT_KINDS if k in classes[iri])
        governments[iri] = Government(iri, kind, row["code"], row.get("prefecture", iri))
    return governments


def read_labels(rows: Iterable[dict[str, str]]) -> dict[str, dict[str, str]]:
    """{entity: {language: label}}, the smallest label per language where there are several."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r["label"], reverse=True):
        labels[row["entity"]][row["language"]] = row["label"]
    return labels


def bipartite_graph(
    name: str,
    ties: dict[tuple[str, str], Tie],
    kind: str,
    governments: dict[str, Government],
    labels: dict[str, dict[str, str]],
) -> nx.Graph:
    """A bipartite graph of governments (side 0) and ``kind`` nodes (side 1).

    Nodes and edges are added in sorted order: networkx keeps insertion order, so the
    exports and the community detection come out the same for the same release.
    """
    graph = nx.Graph(name=name)
    for government in sorted({g for g, _ in ties}):
        graph.add_node(government, **government_attributes(governments[government], labels))
    for other in sorted({o for _, o in ties}):
        graph.add_node(other, kind=kind, bipartite=1, **label_attributes(other, labels))
    for (government, other), tie in sorted(ties.items()):
        graph.add_edge(government, other, **edge_attributes(tie))
    return graph


def government_attributes(
    government: Government, labels: dict[str, dict[str, str]]
) -> dict[str, str | int]:
    """A government node's attributes: kind, code, prefecture and labels."""
    return {
        "kind": government.kind,
        "bipartite": 0,
        "code": government.code,
        "prefecture": government.prefecture,
        "prefecture_label": labels.get(government.prefecture, {}).get("ja", ""),
        **label_attributes(government.iri, labels),
    }


def label_attributes(iri: str, labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """``label`` (Japanese, else the IRI's last segment) and ``label_en`` where there is one."""
    own = labels.get(iri, {})
    attributes = {"label": own.get("ja") or iri.rstrip("/").rsplit("/", 1)[-1]}
    if "en" in own:
        attributes["label_en"] = own["en"]
    return attributes


def edge_attributes(tie: Tie) -> dict[str, str | int]:
    """An edge's weight (the number of initiatives, else 1) and its space-joined lists."""
    attributes: dict[str, str | int] = {"weight": len(tie.initiatives) or 1}
    for key, values in (
        ("initiatives", tie.initiatives),
        ("roles", tie.roles),
        ("technologies", tie.technologies),
    ):
        if values:
            attributes[key] = " ".join(sorted(values))
    return attributes
