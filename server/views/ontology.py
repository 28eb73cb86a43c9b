"""The ontology at its namespace IRI: pyLODE HTML for browsers, RDF for RDF clients.

The namespace is ``<base>ontology#``, so a client dereferencing any term asks
for ``<base>ontology``; it gets the representation its Accept header prefers,
with ``Vary: Accept``. ``/ontology.html`` and ``/ontology.ttl`` name one each.
"""

from __future__ import annotations

from flask import Blueprint, Response

from dxkg import media
from dxkg.release import ONTOLOGY_HTML, ONTOLOGY_TURTLE
from dxkg.web.views import files as release
from dxkg.web.views import resources

blueprint = Blueprint("ontology", __name__)


@blueprint.get("/ontology")
def ontology() -> Response:
    """Negotiate between the HTML documentation and the RDF serialisations."""
    best = resources.best_type()
    if best is None:
        response = resources.not_acceptable()
    elif best == media.HTML:
        response = release.send(ONTOLOGY_HTML)
    elif best == media.TURTLE:
        response = release.send(ONTOLOGY_TURTLE)
    else:
        release.published_path(ONTOLOGY_TURTLE)  # 404 unless published, inside the release
        graph = release.current().ontology  # parsed once, for the serialisations besides Turtle
        # rdflib names its serialisers by media type too.
        response = Response(graph.serialize(format=best), mimetype=best)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = (
        f'</ontology.ttl>; rel="alternate"; type="{media.TURTLE}", '
        f'</ontology.html>; rel="alternate"; type="{media.HTML}"'
    )
    return response


@blueprint.get("/ontology.html")
def ontology_html() -> Response:
    return release.send(ONTOLOGY_HTML)


@blueprint.get("/ontology.ttl")
def ontology_turtle() -> Response:
    return release.send(ONTOLOGY_TURTLE)
