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


def _send(name: str) -> Response:
    dist: Path = current_app.config["DIST"]
    if name != CHECKSUMS and name not in published_files(dist):
        abort(404)
    path = dist / name
    # A listed name can still be a symlink (put there by hand) to a file outside dist/.
    if not path.resolve().is_relative_to(dist.resolve()):
        abort(404)
    response = send_file(path, mimetype=media_type(name), conditional=True, etag=True)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/download/<path:name>")
def download(name: str) -> Response:
    """A dump, export or metadata file of the release."""
    return _send(name)


@blueprint.get("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context the JSON-LD dump refers to."""
    return _send("context.jsonld")


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description (RFC 5785 well-known location, as the VoID guide proposes)."""
    return _send("void.ttl")


@blueprint.get("/catalog")
def catalogue() -> Response:
    """The DCAT-AP catalogue of the release."""
    return _send("catalog.ttl")
