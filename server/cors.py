"""CORS: every answer is readable by scripts of any origin, redirects and errors included.

The data are public and nothing is tied to a login (no credentials are ever allowed), so
a web application on another origin may dereference dxkg's IRIs as any linked-data
client does: the ``303`` from ``/id/…`` and ``/graph/…`` carries the headers too, or a
browser stops there; so do 404s and 406s, which a script must be able to read. The
headers a script needs besides the safelisted ones are exposed (``Link``, ``Location``,
``Content-Location``, ``Vary``, ``ETag`` and the endpoint's ``Result-*`` headers).

:func:`install` adds them to every answer of the Flask application in one after-request
hook, and answers preflights (``OPTIONS`` with ``Access-Control-Request-Method``) on
every route, which Flask answers with its ``Allow``. The SPARQL endpoint, answered ahead
of Flask, sends the same headers itself (:mod:`dxkg.web.sparql.endpoint`).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

#: The endpoint's headers about its limits (see :mod:`dxkg.web.sparql.endpoint`), which clients read.
RESULT_HEADERS = (
    "Result-Rows",
    "Result-Row-Limit",
    "Result-Byte-Limit",
    "Result-Truncated",
    "Result-Truncated-By",
    "X-SPARQL-MaxRows",
)
#: Headers a script on another origin may read besides the CORS-safelisted ones.
EXPOSED_HEADERS = ("Content-Location", "ETag", "Link", "Location", "Vary", *RESULT_HEADERS)
#: Every answer's headers.
HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(EXPOSED_HEADERS)),
)
#: Request headers a preflight is always told it may send (others it asks for, too).
ALLOWED_HEADERS = (
    "Accept",
    "Accept-Language",
    "Content-Type",
    "If-None-Match",
    "If-Modified-Since",
)
#: How long a browser may keep a preflight's answer (Chromium keeps it two hours at most).
MAX_AGE = ("Access-Control-Max-Age", "7200")

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def preflight_headers(requested: str | None, methods: str) -> tuple[tuple[str, str], ...]:
    """What a preflight is answered besides :data:`HEADERS`: the ``methods`` of the
    resource, and the request headers it asked for (``requested``, a list of header
    names) along with :data:`ALLOWED_HEADERS`. No credentials are involved, so any
    header name may be sent; only well-formed names are repeated."""
    allowed = list(ALLOWED_HEADERS)
    known = {name.lower() for name in allowed}
    for name in (requested or "").split(","):
        name = name.strip()
        if _TOKEN.fullmatch(name) and name.lower() not in known:
            allowed.append(name)
            known.add(name.lower())
    return (
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", ", ".join(allowed)),
        MAX_AGE,
    )


def add_cors_headers(response: Response) -> Response:
    """Give ``response`` the CORS headers, and a preflight's answer its preflight headers."""
    for name, value in HEADERS:
        response.headers.setdefault(name, value)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        methods = response.headers.get("Allow", "GET, HEAD, OPTIONS")
        requested = request.headers.get("Access-Control-Request-Headers")
        for name, value in preflight_headers(requested, methods):
            response.headers.setdefault(name, value)
    return response


def install(app: Flask) -> None:
    """Register the headers on ``app`` for every response, errors and redirects too."""
    app.after_request(add_cors_headers)
