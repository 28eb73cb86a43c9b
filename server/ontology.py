"""The ontology at its namespace IRI: pyLODE HTML for browsers, RDF for RDF clients.

The namespace is ``<base>ontology#``, so a client dereferencing any term asks
for ``<base>ontology``; it gets the representation its Accept header prefers,
with ``Vary: Accept``. ``/ontology.html`` and ``/ontology.ttl`` name one each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file
from rdflib import Graph

blueprint = Blueprint("ontology", __name__)

HTML = "text/html"
#: RDF media types offered, with the rdflib serialiser for each.
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
    offered = [HTML, *RDF_FORMATS]
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else HTML
    if best is None:
        message = f"406 Not Acceptable: offered {', '.join(offered)}\n"
        response = Response(message, 406, mimetype="text/plain")
    elif best == HTML:
        response = send_file(_folder() / "index.html", mimetype=HTML)
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
    return send_file(_folder() / "index.html", mimetype=HTML)


@blueprint.get("/ontology.ttl")
def ontology_turtle() -> Response:
    return send_file(_folder() / "dxkg.ttl", mimetype="text/turtle")
