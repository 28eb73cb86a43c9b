"""The ontology at its namespace IRI: pyLODE HTML for browsers, RDF for RDF clients.

The namespace is ``<base>ontology#``, so a client dereferencing any term asks
for ``<base>ontology``; it gets the representation its Accept header prefers,
with ``Vary: Accept``. ``/ontology.html`` and ``/ontology.ttl`` name one each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response
from rdflib import Graph

from dxkg.web.views import files as release
from dxkg.web.views import pages, resources

blueprint = Blueprint("ontology", __name__)
blueprint.after_request(pages.conditional)

#: rdflib's serialiser for each RDF media type that dereferencing offers.
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


#: The ontology's files in the release: pyLODE's documentation, and the Turtle.
HTML_FILE = "ontology/index.html"
TURTLE_FILE = "ontology/dxkg.ttl"


@cache
def _ontology_graph(turtle: Path) -> Graph:
    """The published ontology, parsed once per worker for the serialisations besides Turtle."""
    return Graph().parse(turtle, format="turtle")


@blueprint.get("/ontology")
def ontology() -> Response:
    """Negotiate between the HTML documentation and the RDF serialisations."""
    best = resources.best_type()
    if best is None:
        response = resources.not_acceptable()
    elif best == resources.HTML:
        response = release.send(HTML_FILE)
    elif best == "text/turtle":
        response = release.send(TURTLE_FILE)
    else:
        graph = _ontology_graph(release.published_path(TURTLE_FILE))
        response = Response(graph.serialize(format=RDF_FORMATS[best]), mimetype=best)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = (
        '</ontology.ttl>; rel="alternate"; type="text/turtle", '
        '</ontology.html>; rel="alternate"; type="text/html"'
    )
    return response


@blueprint.get("/ontology.html")
def ontology_html() -> Response:
    return release.send(HTML_FILE)


@blueprint.get("/ontology.ttl")
def ontology_turtle() -> Response:
    return release.send(TURTLE_FILE)
