"""Load a release into a triplestore through the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the release's N-Quads dump is sent with ``PUT ?graph=<name>``,
which replaces that graph in one request; stores that run each request in a
transaction (Oxigraph, Virtuoso) swap it atomically, so queries see the old
graph or the new one, never half of each. Graphs that are already identical
are not sent again. A dry run fetches each graph with ``GET`` and reports the
triples that would be added and removed. After loading, the size of every graph
in the store is compared with the dump's: counted with SPARQL when a query
endpoint is given, else read back with ``GET``. (Virtuoso's ``GET`` stops at its
result-set limit, 10,000 triples by default: give it a query endpoint.)

Graphs in the store that the release does not have are left alone: the store
may hold other data. With ``union_default=True`` the store's default graph is replaced
by the union of the release's graphs, as dxkg's embedded store holds it: then the
store's own dataset rules give a query without ``FROM`` the whole release, and
``FROM`` selects graphs (Oxigraph's ``--union-default-graph`` ignores ``FROM``).

Stores keep values, not lexical forms (Oxigraph and Virtuoso give back
``"5"^^xsd:positiveInteger`` as ``"5"^^xsd:integer``); the release holds only literals
that Oxigraph gives back unchanged (:mod:`dxkg.pipeline.validate.storeforms`), so a graph read back from the
store compares equal to the dump term for term, blank nodes aside.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from dxkg.media import N_TRIPLES, SPARQL_JSON

#: The name the store's default graph goes by in the plans (the protocol's ``?default``).
DEFAULT_GRAPH = "default"


class GraphStoreError(Exception):
    """The store refused a request, or holds other data than was sent."""


@dataclass(frozen=True)
class GraphChange:
    """What publishing does to one graph: triples added and removed."""

    graph: str
    triples: int  # in the release
    added: int
    removed: int

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed)


@dataclass(frozen=True)
class GraphStore:
    """A Graph Store Protocol endpoint, with optional credentials."""

    endpoint: str
    auth: requests.auth.AuthBase | None = None
    timeout: float = 300

    def get(self, graph: str) -> set[str]:
        """The graph's triples as canonical N-Triples lines (empty if the store lacks it)."""
        response = self._send("GET", graph, headers={"Accept": N_TRIPLES})
        if response.status_code == 404:
            return set()
        triples = list(parse(response.content, format=RdfFormat.N_TRIPLES))
        return canonical_lines(triples)

    def count(self, graph: str, query_endpoint: str | None = None) -> int:
        """Triples in the graph: a SPARQL COUNT at ``query_endpoint``, else a GET."""
        if query_endpoint is None:
            return len(self.get(graph))
        pattern = "?s ?p ?o" if graph == DEFAULT_GRAPH else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
        try:
            response = requests.post(
                query_endpoint,
                data={"query": query},
                auth=self.auth,
                timeout=self.timeout,
                headers={"Accept": SPARQL_JSON},
            )
            response.raise_for_status()
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (requests.RequestException, KeyError, IndexError, ValueError) as error:
            raise GraphStoreError(f"counting <{graph}> at {query_endpoint}: {error}") from None

    def put(self, graph: str, triples: list[Triple]) -> None:
        """Replace the graph with ``triples``."""
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
        self._send("PUT", graph, data=body, headers={"Content-Type": N_TRIPLES})

    def _send(self, method: str, graph: str, **kwargs) -> requests.Response:
        try:
            response = requests.request(
                method,
                self.endpoint,
                params={"default": ""} if graph == DEFAULT_GRAPH else {"graph": graph},
                auth=self.auth,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.RequestException as error:
            raise GraphStoreError(f"{method} {self.endpoint}: {error}") from None
        if response.status_code >= 400 and not (method == "GET" and response.status_code == 404):
            raise GraphStoreError(
                f"{method} <{graph}> at {self.endpoint}: {response.status_code} "
                f"{response.text.strip()[:300]}"
            )
        return response


def release_graphs(dump: Path, union_default: bool = False) -> dict[str, list[Triple]]:
    """The release's named graphs (name → triples) read from its N-Quads dump, and with
    ``union_default`` their union as :data:`DEFAULT_GRAPH`."""
    graphs: dict[str, list[Triple]] = defaultdict(list)
    for quad in parse(path=str(dump), format=RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, DefaultGraph):
            raise GraphStoreError(f"{dump}: a triple outside every named graph: {quad}")
        graphs[quad.graph_name.value].append(quad.triple)
    if union_default:
        graphs[DEFAULT_GRAPH] = list(dict.fromkeys(t for ts in graphs.values() for t in ts))
    return dict(sorted(graphs.items()))


def canonical_lines(triples: list[Triple]) -> set[str]:
    """N-Triples lines with blank nodes renamed by RDFC-1.0, so that a graph and the same
    graph read back from a store compare equal."""
    dataset = Dataset(Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad.triple) for quad in dataset}


def plan(store: GraphStore, graphs: dict[str, list[Triple]]) -> list[GraphChange]:
    """Per graph, the triples that publishing would add and remove."""
    changes = []
    for name, triples in graphs.items():
        wanted, present = canonical_lines(triples), store.get(name)
        changes.append(GraphChange(name, len(wanted), len(wanted - present), len(present - wanted)))
    return changes


def publish(
    store: GraphStore,
    graphs: dict[str, list[Triple]],
    query_endpoint: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[GraphChange]:
    """Replace every changed graph in the store, then check each graph's size."""
    changes = plan(store, graphs)
    for change in changes:
        if not change.unchanged:
            store.put(change.graph, graphs[change.graph])
        echo(describe(change, "kept" if change.unchanged else "replaced"))
    for change in changes:
        stored = store.count(change.graph, query_endpoint)
        if stored != change.triples:
            raise GraphStoreError(
                f"<{change.graph}> holds {stored} triples in the store after loading, "
                f"the release {change.triples}"
            )
    return changes


def describe(change: GraphChange, action: str) -> str:
    """One line for a graph: its size and the change."""
    return (
        f"{action:>8}  <{change.graph}>  {change.triples} triples"
        f"  (+{change.added} −{change.removed})"
    )
