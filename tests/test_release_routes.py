"""The release over HTTP: service description, VoID, catalogue, downloads, JSON-LD context."""

import hashlib

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, VOID

pytestmark = pytest.mark.e2e

SD = "http://www.w3.org/ns/sparql-service-description#"


def test_get_without_query_describes_the_service(server):
    response = requests.get(server + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = graph.value(None, RDF.type, URIRef(SD + "Service"))
    assert graph.value(service, URIRef(SD + "endpoint")) == URIRef(server + "/sparql")
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    formats = set(graph.objects(service, URIRef(SD + "resultFormat")))
    # W3C's format IRIs (https://www.w3.org/ns/formats/), JSON-LD's included
    assert URIRef("http://www.w3.org/ns/formats/JSON-LD") in formats
    assert all(str(iri).startswith("http://www.w3.org/ns/formats/") for iri in formats), formats
    assert len(list(graph.objects(None, URIRef(SD + "namedGraph")))) >= 10


def test_service_description_in_another_rdf_format(server):
    response = requests.get(server + "/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert "sparql-service-description#Service>" in response.text


def test_void_at_its_well_known_location(server, release):
    paths, _ = release
    response = requests.get(server + "/.well-known/void")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "text/turtle"
    )
    graph = Graph().parse(data=response.text, format="turtle")
    assert graph.value(URIRef("https://dxkg.example.org/dataset"), VOID.triples) is not None
    assert response.content == (paths.dist / "void.ttl").read_bytes()


@pytest.mark.parametrize("name", ["dxkg.trig.gz", "csv/vendors.csv", "catalog.ttl", "dxkg.jsonld"])
def test_downloads_match_the_release(server, release, name):
    paths, _ = release
    response = requests.get(f"{server}/download/{name}")
    assert response.status_code == 200
    assert (
        hashlib.sha256(response.content).digest()
        == hashlib.sha256((paths.dist / name).read_bytes()).digest()
    )
    assert response.headers.get("ETag")


@pytest.mark.parametrize(
    "name", ["../pyproject.toml", "..%2Fpyproject.toml", "ontology/../../README.md", "nope.ttl"]
)
def test_only_published_files_are_served(server, name):
    assert requests.get(f"{server}/download/{name}").status_code == 404


def test_jsonld_context_and_catalogue(server):
    assert requests.get(server + "/context.jsonld").json()["@context"]["dxkg"].endswith("ontology#")
    assert "dcat:Catalog" in requests.get(server + "/catalog").text
