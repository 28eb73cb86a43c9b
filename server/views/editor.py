"""The SPARQL editor page: YASGUI on the same-origin endpoint, with the vocabulary's examples.

The example queries are those of ``ontology/README.md``, which the build publishes in the
release under its base IRI (``ontology/examples.json``, see
:mod:`dxkg.pipeline.publish.examples`) and the test suite runs against every build, so
the page never offers a query that returns nothing. Without JavaScript the page is a
plain form that sends the query to ``/sparql``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from dxkg.web.sparql.results import FORMAT_ALIASES
from dxkg.web.views import files, graphdata, pages

blueprint = Blueprint("editor", __name__)

#: The ``format`` values the form offers, by the kind of query they fit.
FORM_FORMATS = {
    "SELECT / ASK": ("json", "xml", "csv", "tsv"),
    "CONSTRUCT / DESCRIBE": ("turtle", "ntriples", "rdfxml", "jsonld"),
}

STARTER_QUERY = "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 10\n"


@blueprint.get("/query")
@blueprint.get("/query.json")
def editor() -> Response:
    """The editor, prefilled with example ``?example=N`` (from 1) or a starter query."""
    examples = [example.model_dump() for example in files.current().example_queries]
    chosen = request.args.get("example", type=int)
    if chosen is None:
        query = graphdata.prefixes() + STARTER_QUERY
    elif 1 <= chosen <= len(examples):
        query = examples[chosen - 1]["query"]
    else:
        abort(404, description=f"there is no example query {chosen}")
    return pages.render(
        "query.html",
        {
            "endpoint": url_for("sparql.sparql"),
            "examples": examples,
            "example": chosen,
            "query": query,
            "formats": {
                kind: [{"name": name, "media_type": FORMAT_ALIASES[name]} for name in names]
                for kind, names in FORM_FORMATS.items()
            },
            "json_href": pages.json_link("/query"),
        },
    )
