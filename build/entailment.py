"""What the vocabulary entails, published as the named graph ``inferred``.

A reader should not need property paths or a reasoner for the questions the vocabulary
promises to answer (``?x a dxkg:Municipality``, ``?x a org:Organization``, everything that
uses AI). The graph holds, for the asserted graphs (every graph but the ontology itself):

* the types a subject has through ``rdfs:subClassOf`` (RDFS rule rdfs9, transitively);
* the statements a triple makes through ``rdfs:subPropertyOf`` (rdfs7, transitively);
* ``dxkg:usesTechnologyBroad`` for every technology broader (``skos:broader``, transitively)
  than one a record uses: ``dxkg:usesTechnology`` is its subproperty, so a record uses,
  broadly, each technology it uses and all those above it.

Only the ontology's own axioms are read (the ORG, PROV and schema.org hierarchies are not
imported), and only triples no asserted graph states are kept: the graph is exactly what
entailment adds, so asserted and inferred stay apart by graph name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from dxkg.namespaces import vocabulary

INFERRED = "inferred"
USES_TECHNOLOGY_BROAD = vocabulary().usesTechnologyBroad


def ancestors(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    """{node: every node above it} for the (lower, upper) pairs of a hierarchy, transitively;
    a node is not its own ancestor unless a cycle makes it one."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for lower, upper in pairs:
        parents[lower].add(upper)
    closure = {}
    for node, uppers in parents.items():
        seen: set[URIRef] = set()
        frontier = list(uppers)
        while frontier:
            upper = frontier.pop()
            if upper not in seen:
                seen.add(upper)
                frontier.extend(parents.get(upper, ()))
        closure[node] = seen
    return closure


def entailed(graphs: Mapping[str, Graph], ontology: Graph) -> Graph:
    """The triples the asserted ``graphs`` entail under the ``ontology`` and that none of
    them states (see the module docstring)."""
    asserted = Graph()
    for graph in graphs.values():
        asserted += graph
    superclasses = ancestors(ontology.subject_objects(RDFS.subClassOf))
    superproperties = ancestors(ontology.subject_objects(RDFS.subPropertyOf))
    broader = ancestors(asserted.subject_objects(SKOS.broader))
    inferred = Graph()
    for subject, predicate, obj in asserted:
        for upper in superproperties.get(predicate, ()):
            inferred.add((subject, upper, obj))
        if predicate == RDF.type:
            for upper in superclasses.get(obj, ()):
                inferred.add((subject, RDF.type, upper))
        if predicate == USES_TECHNOLOGY_BROAD or USES_TECHNOLOGY_BROAD in superproperties.get(
            predicate, ()
        ):
            for upper in broader.get(obj, ()):
                inferred.add((subject, USES_TECHNOLOGY_BROAD, upper))
    return inferred - asserted
