"""The ontology at its namespace IRI: pyLODE HTML for browsers, RDF for RDF clients.

The namespace is ``<base>ontology#``, so a client dereferencing any term asks
for ``<base>ontology``; it gets the representation its Accept header prefers,
with ``Vary: Accept``. ``/ontology.html`` and ``/ontology.ttl`` name one each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from rdflib import Graph

from . import pages, resources

blueprint = Blueprint("ontology", __name__)
blueprint.after_request(pages.conditional)

#: rdflib's serialiser for each RDF media type that dereferencing offers.
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def _folder() -> Path:
    return current_app.config["DIST"] / "ontology"


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
        response = send_file(_folder() / "index.html", mimetype=resources.HTML)
    elif best == "text/turtle":
        response = send_file(_folder() / "dxkg.ttl", mimetype="text/turtle")
    else:
        graph = _ontology_graph(_folder() / "dxkg.ttl")
        response = Response(graph.serialize(format=RDF_FORMATS[best]), mimetype=best)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = (
        '</ontology.ttl>; rel="alternate"; type="text/turtle", '
        '</ontology.html>; rel="alternate"; type="text/html"'
    )
    return response


@blueprint.get("/ontology.html")
def ontology_html() -> Response:
    return send_file(_folder() / "index.html", mimetype=resources.HTML)


@blueprint.get("/ontology.ttl")
def ontology_turtle() -> Response:
    return send_file(_folder() / "dxkg.ttl", mimetype="text/turtle")
