"""The release's files over HTTP: downloads, the JSON-LD context, the catalogue and VoID;
and each named graph's document, read from the dump.

Only files the release lists in its ``SHA256SUMS`` (and that file itself) are
served, so no path can reach outside ``dist/`` or at a half-written file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from flask import Blueprint, Response, abort, current_app, send_file
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from dxkg.web.sparql.results import GRAPH_FORMATS

blueprint = Blueprint("release", __name__)

#: The checksum file: published beside the files it lists, so downloads can be verified.
CHECKSUMS = "SHA256SUMS"
#: The dump the server loads: every quad of the release, one a line (pyoxigraph's N-Quads).
DUMP = "dxkg.nq"

MEDIA_TYPES = {
    ".gz": "application/gzip",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv",
    ".nq": "application/n-quads",
    ".nt": "application/n-triples",
    ".json": "application/json",
    ".md": "text/markdown",
    ".html": "text/html",
    ".sqlite": "application/vnd.sqlite3",
    # The network exports (network/): GEXF and GraphML are XML with no type of their own.
    ".gexf": "application/xml",
    ".graphml": "application/xml",
    ".cyjs": "application/json",
    ".svg": "image/svg+xml",
}


@cache
def checksums(dist: Path) -> Mapping[str, str]:
    """The SHA-256 (hex) of each file the release's checksum file lists, by its path
    relative to ``dist``; read-only, as it is shared between requests."""
    lines = (dist / CHECKSUMS).read_text("utf-8").splitlines()
    pairs = (line.split("  ", 1) for line in lines if line)
    return MappingProxyType({name: digest for digest, name in pairs})


@cache
def published_files(dist: Path) -> frozenset[str]:
    """The paths the release's checksum file lists, relative to ``dist``."""
    return frozenset(checksums(dist))


def media_type(name: str) -> str:
    """The media type the published file ``name`` is served with."""
    if name == CHECKSUMS:
        return "text/plain"  # the output of sha256sum, which ``sha256sum -c`` reads back
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def published_path(name: str) -> Path:
    """The path of the published file ``name`` (relative to ``dist/``), or 404 unless the
    checksum file lists it and it lies inside ``dist/``."""
    dist: Path = current_app.config["DIST"]
    if name != CHECKSUMS and name not in published_files(dist):
        abort(404)
    path = dist / name
    # A listed name can still be a symlink (put there by hand) to a file outside dist/.
    if not path.resolve().is_relative_to(dist.resolve()):
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
    return send("context.jsonld")


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description (RFC 5785 well-known location, as the VoID guide proposes)."""
    return send("void.ttl")


@blueprint.get("/catalog")
def catalogue() -> Response:
    """The DCAT-AP catalogue of the release."""
    return send("catalog.ttl")


def graph_document(graph: str, media_type: str) -> bytes:
    """Every triple of the release's named graph ``graph`` (an IRI), serialised as
    ``media_type`` (one of :data:`~.results.GRAPH_FORMATS`); empty for a graph the
    release does not have.

    The triples are read from the published dump, as written there: only the lines of
    the graph (see :func:`_graph_spans`), which pyoxigraph parses, keeping the quads
    that are in the graph, and serialises.
    """
    dump = published_path(DUMP)
    with dump.open("rb") as lines:
        chunks = []
        for start, end in _graph_spans(dump).get(graph, ()):
            lines.seek(start)
            chunks.append(lines.read(end - start))
    name = NamedNode(graph)
    quads = parse(b"".join(chunks), format=RdfFormat.N_QUADS)
    triples = (quad.triple for quad in quads if quad.graph_name == name)
    return serialize(triples, format=GRAPH_FORMATS[media_type])


@cache
def _graph_spans(dump: Path) -> Mapping[str, tuple[tuple[int, int], ...]]:
    """Where the lines of each named graph lie in ``dump``: for each graph IRI, the byte
    spans of its runs of consecutive lines; found once per worker (a release never
    changes), in one pass that reads the last term of each line.

    A line of N-Quads as pyoxigraph writes it ends with its graph, `` <graph> .``; an IRI
    holds no space, so the last ``" <"`` starts it. A line of the default graph is taken
    for the graph its object names, which the parse of :func:`graph_document` then
    leaves out: a graph's own lines are never missed.
    """
    spans: dict[str, list[list[int]]] = {}
    offset, previous = 0, None
    with dump.open("rb") as lines:
        for line in lines:
            end = offset + len(line)
            text = line.rstrip()
            start = text.rfind(b" <")
            graph = text[start + 2 : -3].decode("utf-8", "replace") if start > 0 else None
            if graph is not None and text.endswith(b"> ."):
                runs = spans.setdefault(graph, [])
                if graph == previous:
                    runs[-1][1] = end
                else:
                    runs.append([offset, end])
            else:
                graph = None
            offset, previous = end, graph
    return MappingProxyType({graph: tuple(map(tuple, runs)) for graph, runs in spans.items()})
