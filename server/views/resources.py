"""Dereferencing: every minted IRI answers on the host the server runs on.

A minted IRI (``<base>id/…`` for things, ``<base>graph/…`` for named graphs)
names a thing, not a document, so, as DBpedia and Pubby do, it answers
``303 See Other`` to a document about it, chosen by ``Accept``:

* ``/page/<path>``: the HTML page (``/page/<path>.json`` its JSON form);
* ``/data/<path>.ttl`` (``.nt``, ``.jsonld``, ``.rdf``): the RDF description.

``/data/<path>`` without a suffix negotiates directly and says so in
``Content-Location``. Unknown IRIs are 404, unsupported types 406, and every
answer carries ``Vary: Accept`` and ``Link`` headers to the alternates.
Negotiation reads ``Accept`` with its q-values and whatever parameters its media types
carry (``text/turtle; charset=utf-8``, JSON-LD's ``profile``), as the endpoint does
(:func:`~.results.choose`). The CORS headers every answer carries, the 303s included,
are added by :mod:`dxkg.web.cors`.

A named graph's document is the whole graph, read from the release's dump (see
:func:`data`); any other resource's description comes from the engine.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request
from pyoxigraph import RdfFormat

from dxkg import media
from dxkg.media import HTML
from dxkg.web import hosts
from dxkg.web.sparql.results import choose
from dxkg.web.views import entity, graphdata, pages
from dxkg.web.views import files as release

blueprint = Blueprint("resources", __name__)
# The pages name the type of each alternate they link to (``{{ href | media_type }}``).
blueprint.add_app_template_filter(media.of_file, "media_type")

#: RDF serialisations of a description: suffix → media type (all written by pyoxigraph).
RDF_SUFFIXES = {
    form.file_extension: media.of(form)
    for form in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.RDF_XML)
}
MEDIA_SUFFIXES = {media_type: suffix for suffix, media_type in RDF_SUFFIXES.items()}
#: The path prefixes under the base IRI that the release mints.
MINTED = ("id/", "graph/")


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _iri_escapes(match: re.Match) -> str:
    """Decode escapes of non-ASCII letters; keep those of ASCII bytes, as minting does."""
    raw = match.group(0)
    try:
        text = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return raw.upper()
    return "".join(char if ord(char) > 0x7F else f"%{ord(char):02X}" for char in text)


def requested_path(prefix: str) -> str:
    """The path after ``prefix`` in IRI form, read from the request as sent.

    The routing path is already decoded, which would turn the ``%26`` an IRI keeps
    for ``&`` (``id/org/j%26j事業創造``) into ``&`` and miss the resource; the raw
    path keeps it, and only its escaped Japanese letters are decoded.
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = urlsplit(raw).path if raw else quote(request.path)
    return _ESCAPES.sub(_iri_escapes, path.removeprefix(prefix))


def resource_iri(path: str) -> str:
    """The IRI a local path stands for: the release's base IRI, not this host."""
    if not path.startswith(MINTED):
        abort(404)
    return current_app.config["BASE_IRI"] + path


def best_type() -> str | None:
    """HTML or an RDF media type by ``Accept`` (q-values, media-type parameters: see
    :func:`~.results.choose`); HTML if unsaid; None if nothing offered is acceptable."""
    return choose([HTML, *MEDIA_SUFFIXES], request.headers.get("Accept"))


def as_uri(path: str) -> str:
    """``path`` with its non-ASCII letters percent-encoded: HTTP headers are ASCII,
    while minted IRIs keep Japanese names readable (``id/org/東日本電信電話``)."""
    return quote(path, safe="/%:@!$&'()*+,;=-._~")


def alternates(path: str) -> str:
    """A ``Link`` header value naming every representation of ``path``."""
    path = as_uri(path)
    links = [f'</page/{path}>; rel="alternate"; type="{HTML}"']
    links += [
        f'</data/{path}.{suffix}>; rel="alternate"; type="{media_type}"'
        for suffix, media_type in RDF_SUFFIXES.items()
    ]
    return ", ".join(links)


def location(path: str) -> str:
    """Where a redirect to ``path`` points: on the configured public URL, else relative
    (werkzeug does not make it absolute), so that no ``Host`` a client sent is repeated."""
    return hosts.absolute(path, current_app.config["ENDPOINT"].public_url)


def not_acceptable() -> Response:
    offered = ", ".join([HTML, *MEDIA_SUFFIXES])
    return Response(f"406 Not Acceptable: offered {offered}\n", 406, mimetype=media.TEXT)


def _require_known(iri: str) -> None:
    if not entity.exists(iri):
        abort(404, description=f"nothing is known about <{iri}>")


# The routes' path arguments arrive decoded; each view reads requested_path() instead.
@blueprint.get("/id/<path:rest>")
@blueprint.get("/graph/<path:rest>")
def thing(rest: str) -> Response:
    """303 from a thing to the document describing it in the preferred format."""
    path = requested_path("/")
    _require_known(resource_iri(path))
    media_type = best_type()
    if media_type is None:
        response = not_acceptable()
    elif media_type == HTML:
        response = redirect(location(f"/page/{as_uri(path)}"), 303)
    else:
        response = redirect(location(f"/data/{as_uri(path)}.{MEDIA_SUFFIXES[media_type]}"), 303)
    response.vary.add("Accept")
    response.headers["Link"] = alternates(path)
    return response


@blueprint.get("/page/<path:path>")
def page(path: str) -> Response:
    """The HTML page about a resource, or its JSON form for ``….json``."""
    path = requested_path("/page/").removesuffix(pages.JSON_SUFFIX)
    iri = resource_iri(path)
    if entity.is_graph(iri) or not entity.is_iri(iri):
        _require_known(iri)  # any other resource is known by what its page reads (else 404)
    response = pages.render("entity.html", entity.describe(iri, path))
    response.headers["Link"] = alternates(path)
    return response


@blueprint.get("/data/<path:path>")
def data(path: str) -> Response:
    """The RDF description of a resource, by suffix or else by ``Accept``.

    A named graph's document holds every triple of the graph, however many: a
    linked-data client that dereferences a graph's IRI gets the graph, not a part of it
    (the endpoint's row limit once cut ``graph/source/003_…``, 13,333 triples, at
    10,000). It is read from the release's N-Quads dump (:func:`.files.graph_document`)
    rather than paged (``Link: rel="next"`` and hydra or VoID paging terms), because:

    * the graph is the unit of publication here (one per source document), bounded by
      the release, and the dumps already serve it whole for download: a few MB at most;
    * a client that does not follow paging (rdflib's ``Graph.parse``, a ``fetch``)
      would still get a part of the graph and be told only in the data;
    * the dump is the release as published: the terms come as written, the same
      whichever engine serves the endpoint, and no store's own row cap (Virtuoso's
      10,000) can cut the document.
    """
    path = requested_path("/data/")
    stem, _, suffix = path.rpartition(".")
    if suffix in RDF_SUFFIXES and stem.startswith(MINTED):
        path, media_type, negotiated = stem, RDF_SUFFIXES[suffix], False
    else:
        media_type, negotiated = best_type(), True
        if media_type == HTML:
            media_type = RDF_SUFFIXES["ttl"]
    iri = resource_iri(path)
    _require_known(iri)
    if media_type is None:
        return not_acceptable()
    if entity.is_graph(iri):
        response = Response(release.graph_document(iri, media_type), mimetype=media_type)
    else:
        answer = graphdata.construct(entity.description_query(iri), media_type)
        response = Response(answer.body, mimetype=answer.media_type)
        if answer.truncated:
            response.headers["Result-Truncated"] = "true"
    response.headers["Link"] = alternates(path)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"/data/{as_uri(path)}.{MEDIA_SUFFIXES[media_type]}"
    return response
