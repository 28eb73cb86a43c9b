"""The ontology documents every term, declares every term the mappings use, and is versioned."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, URIRef
from rdflib.namespace import OWL, SH, SKOS

from dxkg.config import PROJECT_ROOT

NS = "https://dxkg.example.org/ontology#"
ONTOLOGY = Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")
TERMS = sorted(
    s
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    for s in ONTOLOGY.subjects(RDF.type, kind)
    if str(s).startswith(NS)
)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.split("#")[1])
def test_every_term_has_labels_in_both_languages_and_a_definition(term):
    assert {label.language for label in ONTOLOGY.objects(term, RDFS.label)} >= {"ja", "en"}
    definitions = [*ONTOLOGY.objects(term, SKOS.definition), *ONTOLOGY.objects(term, RDFS.comment)]
    assert {d.language for d in definitions} >= {"ja", "en"}


def test_every_term_the_mappings_use_is_declared():
    declared = {str(term) for term in TERMS}
    for path in (PROJECT_ROOT / "mappings").glob("*.context.jsonld"):
        for value in json.loads(path.read_text("utf-8"))["@context"].values():
            iri = value.get("@id", value.get("@reverse")) if isinstance(value, dict) else value
            if isinstance(iri, str) and iri.startswith("dxkg:"):
                assert NS + iri[5:] in declared, (path.name, iri)


def test_the_ontology_is_versioned():
    ontology = URIRef("https://dxkg.example.org/ontology")
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    assert str(ONTOLOGY.value(ontology, OWL.versionIRI)).startswith(str(ontology) + "/")


@pytest.mark.e2e
def test_every_class_with_instances_has_a_shape(release):
    paths, _ = release
    data = Dataset()
    data.parse(paths.dist / "dxkg.nq", format="nquads")
    shapes = Graph().parse(PROJECT_ROOT / "shapes" / "dxkg.shapes.ttl")
    targeted = set(shapes.objects(None, SH.targetClass))
    used = {o for _, _, o, _ in data.quads((None, RDF.type, None)) if str(o).startswith(NS)}
    assert used - targeted == set()
