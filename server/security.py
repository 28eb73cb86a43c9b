"""Security headers on every response: a Content-Security-Policy for what browsers render.

The pages load scripts and styles only from this server (``static/``, YASGUI and
cytoscape.js vendored there), so the policy allows nothing else: a label that slipped
past escaping could not run script, load from or send data to another host, or frame
the page. Data a page's script needs travels in ``<script type="application/json">``
blocks, which are not executed and need no exception.
"""

from __future__ import annotations

from flask import Flask, Response

from dxkg.media import HTML, TEXT_XML, XHTML, XML

#: The policy of the HTML pages. ``style-src`` allows inline styles because YASGUI and
#: cytoscape.js apply inline styles as they draw (Chromium refuses them otherwise) and the
#: ontology's pyLODE page carries its stylesheet inline; scripts stay strictly 'self'.
#: ``img-src data:`` is for the icons pyLODE embeds as data URIs.
PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PAGE_POLICY = "; ".join(f"{name} {value}" for name, value in PAGE_DIRECTIVES.items())

#: XML answers a browser may render as a document, where XHTML or SVG markup could run
#: script (the release's SVG, GEXF and GraphML exports, RDF/XML, SPARQL XML results):
#: their own inline styles only, nothing active, nothing loaded.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)
_XML_TYPES = frozenset({XML, TEXT_XML})

#: Headers for every answer: no MIME sniffing (a Turtle or CSV download is never run
#: as HTML or script), and no page address sent to the external sites pages link to.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the common headers, and the policy that fits the response's media type."""
    for name, value in COMMON_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype in (HTML, XHTML):
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    elif response.mimetype in _XML_TYPES or (response.mimetype or "").endswith("+xml"):
        response.headers.setdefault("Content-Security-Policy", DOCUMENT_POLICY)
    return response


def install(app: Flask) -> None:
    """Register the headers on ``app`` for every response, errors and static files too."""
    app.after_request(add_security_headers)
