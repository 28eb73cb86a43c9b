"""A portal harvesting ``/catalog`` as it is served: what CKAN makes of it, and the forms
the catalogue is negotiated in.

CKAN portals harvest DCAT with ckanext-dcat, whose ``ckanext.dcat.processors.RDFParser``
with the ``euro_dcat_ap_3`` profile turns each ``dcat:Dataset`` into a CKAN dataset and each
of its distributions into a resource. The parser of ckanext-dcat 2.4.4 needs no CKAN site
or database, but it needs CKAN installed: it imports ``ckan.plugins`` and ``ckan.model``,
and the profile asks CKAN's action registry (``ckan.logic``) for a schema, which brings
about twenty more packages (130 MB); and CKAN registers a pytest plugin
(``ckan.tests.pytest_ckan``) that starts a CKAN application at the start of every pytest
session, this suite's too. So its extraction rules are emulated here, each function naming
the code of ckanext-dcat 2.4.4 it follows, with CKAN's defaults: the default language is
``en`` (``ckan.locale_default``), and formats are taken as the catalogue states them
(``ckanext.dcat.normalize_ckan_format = false``: CKAN's own table of format names is not
copied here). The licence register lists CC BY 4.0 as the Open Definition's register (which
``licenses_group_url`` can name) does, by the IRI Creative Commons gives it. The parser
itself, run by hand on this release's catalogue, gives the same two datasets and resources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS

from dxkg import media
from dxkg.namespaces import SPDX, VCARD
from dxkg.pipeline.publish.catalogue import DCAT_VERSION, FILE_TYPE, FILE_TYPES, load_settings
from dxkg.release import read_checksums
from dxkg.web.views.downloads import kind_of
from servers import dxkg_server

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
#: CKAN's default language (``ckan.locale_default``), the one a literal is picked in.
LANGUAGE = "en"
#: The portal's licence register: the Open Definition's entry for CC BY 4.0.
LICENCES = {"https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0"}
#: Files of the release that are no distribution: the catalogue (which cannot hold its own
#: checksum), the build report, the JSON-LD context (no triple), the search index, the
#: vocabulary's documentation, and the checksums.
NOT_DISTRIBUTED = {
    "catalog.ttl",
    "build-report.json",
    "build-report.md",
    "context.jsonld",
    "search.sqlite",
    "SHA256SUMS",
}
TURTLE, JSON_LD, RDF_XML = "text/turtle", "application/ld+json", "application/rdf+xml"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def dist(release) -> Path:
    paths, _ = release
    return paths.dist


@pytest.fixture(scope="module")
def server(dist) -> Iterator[str]:
    with dxkg_server(dist) as base:
        yield base


@pytest.fixture(scope="module")
def harvested(server) -> list[dict]:
    """What CKAN makes of ``/catalog``, fetched as its harvester fetches it."""
    response = requests.get(server + "/catalog", timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    return sorted((parse_dataset(graph, node) for node in datasets(graph)), key=lambda d: d["uri"])


# ckanext-dcat 2.4.4, emulated


def datasets(graph: Graph) -> list[URIRef]:
    """Every ``dcat:Dataset`` of the graph (``profiles/base.py``, ``RDFProfile._datasets``)."""
    return list(graph.subjects(RDF.type, DCAT.Dataset))


def object_value(graph: Graph, subject, prop) -> str:
    """``profiles/base.py``, ``RDFProfile._object_value``: a literal in the default language,
    else the first literal; a node: its ``rdfs:label``, else its IRI."""
    fallback = ""
    for value in graph.objects(subject, prop):
        if not isinstance(value, Literal):
            label = graph.value(value, RDFS.label)
            return str(label if label is not None else value)
        if value.language == LANGUAGE:
            return str(value)
        fallback = fallback or str(value)
    return fallback


def agent_name(graph: Graph, agent) -> str:
    """``profiles/base.py``, ``RDFProfile._agents_details``: ``foaf:name`` in the default
    language, else one without a language, else any."""
    names = {value.language: str(value) for value in graph.objects(agent, FOAF.name)}
    return names.get(LANGUAGE) or names.get(None) or next(iter(names.values()), "")


def licence_id(graph: Graph, dataset) -> str:
    """``profiles/base.py``, ``RDFProfile._license``: the register's id of the first
    distribution's ``dct:license`` found in it, by IRI."""
    for distribution in graph.objects(dataset, DCAT.distribution):
        licence = graph.value(distribution, DCTERMS.license)
        if licence is not None and str(licence) in LICENCES:
            return LICENCES[str(licence)]
    return ""


def parse_dataset(graph: Graph, dataset) -> dict:
    """The CKAN dataset: ``profiles/euro_dcat_ap_base.py``,
    ``BaseEuropeanDCATAPProfile._parse_dataset_base`` (the version from ``dcat:version`` as
    ``profiles/euro_dcat_ap_3.py`` reads it, else ``owl:versionInfo``); the fields checked."""
    contact = graph.value(dataset, DCAT.contactPoint)
    return {
        "uri": str(dataset),
        "title": object_value(graph, dataset, DCTERMS.title),
        "notes": object_value(graph, dataset, DCTERMS.description),
        "url": object_value(graph, dataset, DCAT.landingPage),
        "version": object_value(graph, dataset, DCAT_VERSION)
        or object_value(graph, dataset, OWL.versionInfo),
        "tags": sorted(str(word) for word in graph.objects(dataset, DCAT.keyword)),
        "identifier": object_value(graph, dataset, DCTERMS.identifier),
        "modified": object_value(graph, dataset, DCTERMS.modified),
        "frequency": object_value(graph, dataset, DCTERMS.accrualPeriodicity),
        "publisher_name": agent_name(graph, graph.value(dataset, DCTERMS.publisher)),
        "contact_email": object_value(graph, contact, VCARD.hasEmail).removeprefix("mailto:"),
        "license_id": licence_id(graph, dataset),
        "resources": sorted(
            (parse_distribution(graph, node) for node in graph.objects(dataset, DCAT.distribution)),
            key=lambda resource: resource["url"],
        ),
    }


def parse_distribution(graph: Graph, distribution) -> dict:
    """The CKAN resource: the distributions loop of ``_parse_dataset_base``, with
    ``RDFProfile._distribution_format`` (the media type from ``dcat:mediaType``, the format
    from ``dct:format``, an IRI that is no IANA media type as it is)."""
    checksum = graph.value(distribution, SPDX.checksum)
    return {
        "name": object_value(graph, distribution, DCTERMS.title),
        "description": object_value(graph, distribution, DCTERMS.description),
        "url": object_value(graph, distribution, DCAT.downloadURL)
        or object_value(graph, distribution, DCAT.accessURL),
        "mimetype": object_value(graph, distribution, DCAT.mediaType),
        "format": str(graph.value(distribution, DCTERMS["format"])),
        "size": int(graph.value(distribution, DCAT.byteSize)),
        "hash": object_value(graph, checksum, SPDX.checksumValue),
        "license": object_value(graph, distribution, DCTERMS.license),
    }


# what it should make of it


def expected_resource(server: str, dist: Path, name: str) -> dict:
    """The resource a published file should become: described as the downloads page
    describes it, at its URL on the server that served the catalogue."""
    english = kind_of(name)[1].description[1]  # CKAN's default language
    content = (dist / name).read_bytes()
    media_type = media.of_content(name)[0]
    return {
        "name": f"{name}: {english}",
        "description": english,
        "url": f"{server}/download/{name}",
        "mimetype": media_type,
        "format": FILE_TYPE + FILE_TYPES[media_type],
        "size": len(content),
        "hash": hashlib.sha256(content).hexdigest(),
        "license": "CC BY 4.0",
    }


def published(dist: Path) -> list[str]:
    """The files the catalogue should offer, by ``SHA256SUMS``."""
    names = read_checksums(dist / "SHA256SUMS")
    return [n for n in names if n not in NOT_DISTRIBUTED and not n.startswith("ontology/")]


def test_the_portal_gets_two_datasets_and_no_empty_one(harvested):
    assert [dataset["uri"] for dataset in harvested] == [BASE + "dataset", BASE + "dataset/network"]
    assert all(dataset["resources"] for dataset in harvested)


def test_each_dataset_as_the_portal_shows_it(harvested, server):
    settings = load_settings(Path(__file__).parents[1] / "mappings" / "catalogue.toml")
    graph, networks = harvested
    for dataset, declared, page in (
        (graph, settings["dataset"], "/"),
        (networks, settings["network_dataset"], "/network"),
    ):
        assert dataset["title"] == declared["title_en"]
        assert dataset["notes"] == declared["description_en"]
        assert dataset["url"] == server + page  # the landing page on this server
        assert dataset["tags"] == sorted(declared["keywords_en"] + declared["keywords_ja"])
        assert dataset["identifier"] == dataset["uri"]
        assert dataset["version"] == dataset["modified"] == settings["release_date"]
        assert dataset["frequency"] == settings["accrual_periodicity"]
        assert dataset["publisher_name"] == settings["publisher"]["name_en"]
        assert dataset["contact_email"] == settings["contact"]["email"]
        assert dataset["license_id"] == "CC-BY-4.0"


def test_every_published_file_is_a_resource_of_its_dataset(harvested, server, dist):
    graph, networks = harvested
    names = published(dist)
    for dataset, files in (
        (graph, [n for n in names if not n.startswith("network/")]),
        (networks, [n for n in names if n.startswith("network/")]),
    ):
        expected = [expected_resource(server, dist, name) for name in files]
        assert dataset["resources"] == sorted(expected, key=lambda resource: resource["url"])


def test_every_resource_url_downloads_the_file_it_describes(harvested):
    for resource in harvested[0]["resources"] + harvested[1]["resources"]:
        response = requests.get(resource["url"], timeout=60)
        assert response.status_code == 200, resource["url"]
        assert hashlib.sha256(response.content).hexdigest() == resource["hash"], resource["url"]


# the forms of /catalog


def fetch(server: str, accept: str | None = None) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server + "/catalog", headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("accept", "media_type", "form"),
    [
        (None, TURTLE, "turtle"),
        ("*/*", TURTLE, "turtle"),
        (TURTLE, TURTLE, "turtle"),
        (JSON_LD, JSON_LD, "json-ld"),
        (f"{RDF_XML}, {TURTLE};q=0.5", RDF_XML, "xml"),
    ],
)
def test_the_catalogue_in_each_rdf_form(server, dist, accept, media_type, form):
    response = fetch(server, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    served = Graph().parse(data=response.content, format=form)
    assert isomorphic(served, moved_onto(Graph().parse(dist / "catalog.ttl"), server))
    assert fetch(server, accept).content == response.content  # the same bytes each time


def moved_onto(graph: Graph, server: str) -> Graph:
    """The published catalogue with the addresses under the base IRI on ``server``."""
    locators = {
        DCAT.downloadURL,
        DCAT.accessURL,
        DCAT.endpointURL,
        DCAT.endpointDescription,
        DCAT.landingPage,
        FOAF.homepage,
    }
    moved = {
        o: URIRef(server + "/" + str(o).removeprefix(BASE))
        for _, p, o in graph
        if p in locators and str(o).startswith(BASE)
    }
    result = Graph()
    for s, p, o in graph:
        result.add((moved.get(s, s), p, moved.get(o, o)))
    return result


def test_the_catalogue_as_a_page(server):
    response = fetch(server, BROWSER)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert "自治体DXナレッジグラフ" in page and "自治体DXネットワーク" in page
    assert f'href="{server}/download/dxkg.ttl"' in page
    assert "都道府県における デジタル・ガバメントの先進事例調査" in page  # a source document
    english = requests.get(server + "/catalog?lang=en", headers={"Accept": BROWSER}).text
    assert "The document states no licence or terms of use." in english


def test_a_form_the_catalogue_has_not_is_refused(server):
    response = fetch(server, "image/png")
    assert response.status_code == 406
    assert TURTLE in response.text


def test_behind_a_proxy_the_urls_name_the_public_url(dist):
    with dxkg_server(dist, "--public-url", "https://kg.example.jp") as server:
        graph = Graph().parse(data=fetch(server).text, format="turtle")
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert urls and all(url.startswith("https://kg.example.jp/download/") for url in urls)
    # the names of things stay as minted
    assert (URIRef(BASE + "dataset"), RDF.type, DCAT.Dataset) in graph
