"""What every browser page shares: HTML or JSON from one view, and conditional GET.

A view builds a plain, JSON-ready ``dict``; :func:`render` turns it into the
HTML page, or returns it as JSON when the URL ends in ``.json``, so every page
is also data at a predictable address.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Response, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from dxkg import media
from dxkg.web.errors import ProtocolError

JSON_SUFFIX = ".json"


def wants_json() -> bool:
    """Whether the request asked for the page's JSON form (``….json``)."""
    return request.path.endswith(JSON_SUFFIX)


def render(template: str, data: dict, status: int = 200) -> Response:
    """The page ``template`` filled with ``data``, or ``data`` itself as JSON."""
    if wants_json():
        response = jsonify(data)
    else:
        response = Response(render_template(template, **data), mimetype=media.HTML)
        # The interface language comes from a cookie; caches must keep them apart.
        response.vary.add("Cookie")
    response.status_code = status
    return response


def json_link(path: str | None = None) -> str:
    """The JSON form of the page at ``path`` (default: this request's), keeping its query."""
    path = path or request.path
    query = merge_query(request.args)
    return path + JSON_SUFFIX + (f"?{query}" if query else "")


def conditional(response: Response) -> Response:
    """Give successful GET answers an ETag and answer ``If-None-Match`` with 304.

    The application runs this after every request it answers; the SPARQL endpoint is
    answered ahead of it (:func:`~dxkg.web.sparql.endpoint.mount`), so that its answers are
    not hashed on the endpoint's hot path. A file (``send_file``: the release's files, the
    static ones) is left as it is: it made itself conditional, with its own ETag, its
    modification time and ranges, and is never read whole to be hashed.
    """
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.direct_passthrough
    ):
        if not response.get_etag()[0]:
            response.add_etag()
        response.make_conditional(request)
    return response


def merge_query(args: MultiDict, **changes: str | None) -> str:
    """The query string ``args`` with ``changes`` applied (None removes a key)."""
    merged = MultiDict(args)
    for key, value in changes.items():
        merged.pop(key, None)
        if value is not None:
            merged[key] = value
    return urlencode(list(merged.items(multi=True)))


def error_page(error: HTTPException | ProtocolError) -> Response:
    """An error as the page, JSON or plain text the failed request would have got."""
    status = error.code if isinstance(error, HTTPException) else error.status
    message = error.description if isinstance(error, HTTPException) else str(error)
    if wants_json():
        return Response(
            json.dumps({"status": status, "error": message}), status, mimetype=media.JSON
        )
    if not request.accept_mimetypes.accept_html or request.path.startswith(
        ("/data/", "/id/", "/graph/")
    ):
        return Response(f"{status}: {message}\n", status, mimetype=media.TEXT)
    return Response(
        render_template("error.html", status=status, message=message), status, mimetype=media.HTML
    )
