"""The release's files over HTTP: downloads, the JSON-LD context, the catalogue and VoID;
and each named graph's document, read from the dump.

Only files the release lists in its ``SHA256SUMS`` (and that file itself) are
served, so no path can reach outside ``dist/`` or at a half-written file. The release
is the one the application opened (:func:`current`), read through :mod:`dxkg.release`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from dxkg import media, namespaces
from dxkg.release import CATALOGUE, CHECKSUMS, JSONLD_CONTEXT, NQUADS, VOID_DESCRIPTION, Release
from dxkg.web.sparql.results import GRAPH_FORMATS, choose
from dxkg.web.views import catalogue as catalogue_view
from dxkg.web.views import pages

blueprint = Blueprint("release", __name__)
#: The RDF forms of the catalogue, by media type (Turtle, as published, first).
CATALOGUE_FORMS = {
    media.of(form): form for form in (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.RDF_XML)
}
#: The prefixes the served catalogue is written with (those of the published file).
PREFIXES = namespaces.prefixes(
    [
        *("rdf", "rdfs", "xsd", "owl", "skos", "prov"),
        *("dcat", "dcatap", "dct", "adms", "foaf", "spdx", "vcard"),
    ]
)


def current() -> Release:
    """The release the application serves, opened once by :func:`dxkg.web.app.create_app`."""
    return current_app.config["RELEASE"]


def media_type(name: str) -> str:
    """The media type the published file ``name`` is served with (see :mod:`dxkg.media`)."""
    if name == CHECKSUMS:
        return media.TEXT  # the output of sha256sum, which ``sha256sum -c`` reads back
    return media.of_file(name)


def published_path(name: str) -> Path:
    """The path of the published file ``name`` (relative to ``dist/``), or 404 unless the
    checksum file lists it and it lies inside ``dist/``."""
    release = current()
    if name != CHECKSUMS and name not in release.checksums:
        abort(404)
    path = release.path(name)
    # A listed name can still be a symlink (put there by hand) to a file outside dist/.
    if not path.resolve().is_relative_to(release.folder):
        abort(404)
    return path


def send(name: str) -> Response:
    """The published file ``name`` (see :func:`published_path`), with its media type."""
    return send_file(published_path(name), mimetype=media_type(name), conditional=True, etag=True)


@blueprint.get("/download/<path:name>")
def download(name: str) -> Response:
    """A dump, export or metadata file of the release."""
    return send(name)


@blueprint.get("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context the JSON-LD dump refers to."""
    return send(JSONLD_CONTEXT)


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description (RFC 5785 well-known location, as the VoID guide proposes)."""
    return send(VOID_DESCRIPTION)


@blueprint.get("/catalog")
def catalogue() -> Response:
    """The DCAT-AP catalogue of the release, with its addresses on this server's host
    (:func:`.catalogue.served`), in the form ``Accept`` prefers: Turtle (when it names
    none, as the published file is), JSON-LD, RDF/XML, or the HTML page of what it says.
    ``/download/catalog.ttl`` is the file as published, its addresses under the base IRI."""
    offered = [*CATALOGUE_FORMS, media.HTML]
    media_type = choose(offered, request.headers.get("Accept"))
    if media_type is None:
        response = Response(
            f"406 Not Acceptable: offered {', '.join(offered)}\n", 406, mimetype=media.TEXT
        )
    else:
        response = _catalogue_as(media_type)
    response.vary.add("Accept")
    return response


def _catalogue_as(media_type: str) -> Response:
    """The catalogue as served (:func:`.catalogue.served`) in ``media_type``: an RDF form
    of :data:`CATALOGUE_FORMS`, or HTML."""
    base_iri = current_app.config["BASE_IRI"]
    triples = catalogue_view.served(published_path(CATALOGUE), base_iri, request.host_url)
    if media_type == media.HTML:
        return pages.render("catalogue.html", catalogue_view.page(triples))
    body = serialize(triples, format=CATALOGUE_FORMS[media_type], prefixes=PREFIXES)
    return Response(body, mimetype=media_type)


def graph_document(graph: str, media_type: str) -> bytes:
    """Every triple of the release's named graph ``graph`` (an IRI), serialised as
    ``media_type`` (one of :data:`~.results.GRAPH_FORMATS`); empty for a graph the
    release does not have.

    The triples are read from the published dump, as written there: only the lines of
    the graph (see :func:`dxkg.release.graph_spans`), which pyoxigraph parses, keeping the
    quads that are in the graph, and serialises.
    """
    dump = published_path(NQUADS)
    with dump.open("rb") as lines:
        chunks = []
        for start, end in current().graph_spans.get(graph, ()):
            lines.seek(start)
            chunks.append(lines.read(end - start))
    name = NamedNode(graph)
    quads = parse(b"".join(chunks), format=RdfFormat.N_QUADS)
    triples = (quad.triple for quad in quads if quad.graph_name == name)
    return serialize(triples, format=GRAPH_FORMATS[media_type])
