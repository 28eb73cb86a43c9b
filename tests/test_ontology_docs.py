"""The ontology's pyLODE documentation and RDF, negotiated at its namespace IRI over HTTP."""

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import OWL, RDF

pytestmark = pytest.mark.e2e


def test_the_release_has_the_documentation(release):
    paths, _ = release
    html = (paths.dist / "ontology" / "index.html").read_text("utf-8")
    assert "CaseStudy" in html and "事例" in html
    sums = (paths.dist / "SHA256SUMS").read_text("utf-8")
    assert "ontology/index.html" in sums and "ontology/dxkg.ttl" in sums


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/html,application/xhtml+xml;q=0.9", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "application/rdf+xml"),
    ],
)
def test_namespace_iri_negotiates(server, accept, media_type):
    response = requests.get(server + "/ontology", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert response.headers["Vary"] == "Accept"
    if media_type != "text/html":
        graph = Graph().parse(data=response.text, format=media_type)
        assert (None, RDF.type, OWL.Ontology) in graph


def test_unsupported_type_is_406_and_explicit_urls_work(server):
    assert (
        requests.get(server + "/ontology", headers={"Accept": "image/png"}, timeout=30).status_code
        == 406
    )
    turtle = requests.get(server + "/ontology.ttl", timeout=30)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert "dxkg:CaseStudy" in turtle.text or "ontology#CaseStudy" in turtle.text
    assert requests.get(server + "/ontology.html", timeout=30).text.count("<html") == 1
