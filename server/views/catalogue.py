"""The DCAT-AP catalogue as ``/catalog`` serves it: its addresses on this server's host,
and an HTML page of what it says.

The release's ``catalog.ttl`` names every address under the base IRI
(``<base>download/dxkg.ttl``), as published. Served, the addresses a harvester fetches
(download and access URLs, the endpoint, the landing pages and the home page: the
objects of :data:`LOCATORS`) are moved onto the root URL of this server, the way the
server maps the base IRI onto its host for dereferencing (:mod:`.resources`); the names of
things (the catalogue, the datasets, the distributions) stay as minted. The root URL is
the request's own: :mod:`dxkg.web.hosts` has refused any ``Host`` it does not answer for
and, behind a proxy, put the public URL (``--public-url``) in its place.
"""

from __future__ import annotations

from pathlib import Path

from flask import g
from pyoxigraph import NamedNode, RdfFormat, Triple, parse, serialize
from rdflib import Graph, Literal, URIRef

from dxkg.namespaces import ADMS, DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VCARD

#: The properties whose values are addresses to fetch rather than names.
LOCATORS = frozenset(
    NamedNode(str(term))
    for term in (
        DCAT.downloadURL,
        DCAT.accessURL,
        DCAT.endpointURL,
        DCAT.endpointDescription,
        DCAT.landingPage,
        FOAF.homepage,
    )
)


def served(path: Path, base_iri: str, root: str) -> list[Triple]:
    """The catalogue ``path`` with each address under ``base_iri`` (an object of
    :data:`LOCATORS`) moved under ``root``, this server's root URL, wherever it occurs."""
    triples = [quad.triple for quad in parse(path=str(path), format=RdfFormat.TURTLE)]
    moved = {
        triple.object: NamedNode(root + triple.object.value.removeprefix(base_iri))
        for triple in triples
        if triple.predicate in LOCATORS
        and isinstance(triple.object, NamedNode)
        and triple.object.value.startswith(base_iri)
    }
    return [
        Triple(moved.get(t.subject, t.subject), t.predicate, moved.get(t.object, t.object))
        for t in triples
    ]


def page(triples: list[Triple]) -> dict:
    """What the HTML page shows of the catalogue ``triples``: the catalogue, its datasets
    with their distributions, the SPARQL service and the source documents."""
    graph = Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    catalogue = graph.value(None, RDF.type, DCAT.Catalog)
    contact = graph.value(graph.value(catalogue, DCAT.dataset), DCAT.contactPoint)
    service = graph.value(catalogue, DCAT.service)
    licence = graph.value(catalogue, DCTERMS.license)
    return {
        "title": _text(graph, catalogue, DCTERMS.title),
        "description": _text(graph, catalogue, DCTERMS.description),
        "publisher": _text(graph, graph.value(catalogue, DCTERMS.publisher), FOAF.name),
        "contact": {
            "name": _text(graph, contact, VCARD.fn),
            "email": str(graph.value(contact, VCARD.hasEmail)).removeprefix("mailto:"),
        },
        "licence": {"href": str(licence), "name": _text(graph, licence, RDFS.label)},
        "issued": str(graph.value(catalogue, DCTERMS.issued)),
        "modified": str(graph.value(catalogue, DCTERMS.modified)),
        "datasets": [
            _dataset(graph, dataset) for dataset in sorted(graph.objects(catalogue, DCAT.dataset))
        ],
        "service": {
            "title": _text(graph, service, DCTERMS.title),
            "endpoint": str(graph.value(service, DCAT.endpointURL)),
        },
        "sources": [
            _source(graph, source)
            for source in sorted(graph.subjects(RDF.type, DCTERMS.BibliographicResource))
        ],
    }


def _dataset(graph: Graph, dataset: URIRef) -> dict:
    """A dataset as the page lists it, with its distributions by file."""
    distributions = sorted(
        graph.objects(dataset, DCAT.distribution),
        key=lambda node: str(graph.value(node, DCAT.downloadURL)),
    )
    return {
        "iri": str(dataset),
        "title": _text(graph, dataset, DCTERMS.title),
        "description": _text(graph, dataset, DCTERMS.description),
        "landing_page": str(graph.value(dataset, DCAT.landingPage)),
        "version": str(graph.value(dataset, OWL.versionInfo)),
        "version_notes": _text(graph, dataset, ADMS.versionNotes),
        "frequency": _text(graph, graph.value(dataset, DCTERMS.accrualPeriodicity), SKOS.prefLabel),
        "themes": sorted(
            _text(graph, theme, SKOS.prefLabel) for theme in graph.objects(dataset, DCAT.theme)
        ),
        "keywords": _texts(graph, dataset, DCAT.keyword),
        "distributions": [_distribution(graph, node) for node in distributions],
    }


def _distribution(graph: Graph, distribution: URIRef) -> dict:
    """A distribution as the page lists it: the file, what it holds, its type and size."""
    media_type = graph.value(distribution, DCAT.mediaType)
    url = str(graph.value(distribution, DCAT.downloadURL))
    return {
        "name": url.rpartition("/download/")[2],
        "description": _text(graph, distribution, DCTERMS.description),
        "href": url,
        "media_type": _text(graph, media_type, RDFS.label),
        "bytes": int(graph.value(distribution, DCAT.byteSize)),
    }


def _source(graph: Graph, source: URIRef) -> dict:
    """A source document: its titles, publisher, issue date and rights."""
    licence = graph.value(source, DCTERMS.license)
    name = _text(graph, licence, RDFS.label) if licence else None
    rights = _texts(graph, graph.value(source, DCTERMS.rights), RDFS.label)
    return {
        "iri": str(source),
        "title": _text(graph, source, DCTERMS.title),
        "publisher": _text(graph, graph.value(source, DCTERMS.publisher), FOAF.name),
        "issued": str(graph.value(source, DCTERMS.issued) or ""),
        "licence": {"href": str(licence), "name": name} if licence else None,
        "rights": [text for text in rights if text != name],  # the terms' name is the link
    }


def _text(graph: Graph, subject: URIRef | None, prop: URIRef) -> str:
    """The value of ``prop`` in the page's language if there is one, else in none, else
    in another."""
    values = [value for value in graph.objects(subject, prop) if isinstance(value, Literal)]
    for language in (g.lang, None):
        for value in values:
            if value.language == language:
                return str(value)
    return str(min(values)) if values else ""


def _texts(graph: Graph, subject: URIRef | None, prop: URIRef) -> list[str]:
    """Every value of ``prop``, those in the page's language first."""
    values = graph.objects(subject, prop)
    return [str(v) for v in sorted(values, key=lambda v: (v.language != g.lang, str(v)))]
