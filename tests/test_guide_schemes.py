"""The schemes from the DX promotion guides (004): every concept is printed where it says."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.sourcetext import read_source_lines
from dxkg.pipeline.text import match_key

SCHEMES = Graph().parse(PROJECT_ROOT / "ontology" / "schemes" / "dx-guide.ttl")
SOURCE_LINE = URIRef("https://dxkg.example.org/ontology#sourceLine")
CONCEPTS = sorted(SCHEMES.subjects(SKOS.inScheme, None))


def _printed(concept) -> tuple[str, str]:
    """The line a concept cites, and its Japanese labels' match keys."""
    document = str(SCHEMES.value(concept, DCTERMS.source)).rsplit("/", 1)[1] + ".txt"
    line = int(SCHEMES.value(concept, SOURCE_LINE))
    return match_key(read_source_lines(PROJECT_ROOT / "sources" / document)[line - 1]), document


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: str(c).rsplit("/", 1)[1])
def test_concept_is_printed_on_its_line(concept):
    text, _ = _printed(concept)
    labels = [
        label
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for label in SCHEMES.objects(concept, prop)
        if label.language == "ja"
    ]
    assert any(match_key(label) in text for label in labels), (concept, text)
    assert {label.language for label in SCHEMES.objects(concept, SKOS.prefLabel)} == {"ja", "en"}


def test_scheme_sizes_follow_the_document():
    size = {
        str(s).rsplit("/", 1)[1]: len(set(SCHEMES.subjects(SKOS.inScheme, s)))
        for s in set(SCHEMES.objects(None, SKOS.inScheme))
    }
    assert size["dx-step"] == 4
    assert size["focus-area"] == 6
    assert size["online-procedure"] == 6
    assert size["online-introduction-step"] == 5
    assert size["role"] >= 16
