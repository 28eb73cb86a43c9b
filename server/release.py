"""The release's files over HTTP: downloads, the JSON-LD context, the catalogue and VoID.

Only files the release lists in its ``SHA256SUMS`` (and that file itself) are
served, so no path can reach outside ``dist/`` or at a half-written file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from flask import Blueprint, Response, abort, current_app, send_file

blueprint = Blueprint("release", __name__)

#: The checksum file: published beside the files it lists, so downloads can be verified.
CHECKSUMS = "SHA256SUMS"

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


def _send_shared(name: str) -> Response:
    """:func:`send`, readable by scripts on any site (a download, not a page)."""
    response = send(name)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/download/<path:name>")
def download(name: str) -> Response:
    """A dump, export or metadata file of the release."""
    return _send_shared(name)


@blueprint.get("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context the JSON-LD dump refers to."""
    return _send_shared("context.jsonld")


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description (RFC 5785 well-known location, as the VoID guide proposes)."""
    return _send_shared("void.ttl")


@blueprint.get("/catalog")
def catalogue() -> Response:
    """The DCAT-AP catalogue of the release."""
    return _send_shared("catalog.ttl")
