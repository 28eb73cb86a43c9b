"""The SPARQL editor page: YASGUI on the same-origin endpoint, with the vocabulary's examples.

The example queries are those of ``ontology/README.md``, which the build publishes in the
release under its base IRI (``ontology/examples.json``, see
:mod:`dxkg.pipeline.publish.examples`) and the test suite runs against every build, so
the page never offers a query that returns nothing; on the Japanese page they go by the
README's Japanese titles and descriptions. Without JavaScript the page is a plain form
that sends the query to ``/sparql``.

The page predeclares prefixes, as Wikidata's query service does (:func:`predeclared`:
the README's shared block and the pages' own). The server parses nothing for that:
the page's script prepends the declarations the query lacks to the text it sends, and
says where a parse error is in the query as written (``static/query.js``).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request, url_for

from dxkg.web.sparql.results import FORMAT_ALIASES
from dxkg.web.views import files, graphdata, pages

blueprint = Blueprint("editor", __name__)

#: The ``format`` values the form offers, by the kind of query they fit.
FORM_FORMATS = {
    "SELECT / ASK": ("json", "xml", "csv", "tsv"),
    "CONSTRUCT / DESCRIBE": ("turtle", "ntriples", "rdfxml", "jsonld"),
}

STARTER_QUERY = "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 10\n"

#: A line of the README's block of declarations, which every example starts with.
DECLARATION = re.compile(r"^PREFIX\s+([\w.-]*):\s*<([^>]*)>\s*$", re.MULTILINE)


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
            "prefixes": predeclared(examples),
            "base_iri": current_app.config["BASE_IRI"],
            "json_href": pages.json_link("/query"),
        },
    )


def predeclared(examples: list[dict]) -> dict[str, str]:
    """The namespace of each prefix a query on the page may use undeclared: those the
    examples share (the README's block, ``concept:`` included), then the pages' own."""
    shared = dict(DECLARATION.findall(examples[0]["query"])) if examples else {}
    return shared | {
        name: namespace
        for name, namespace in graphdata.namespaces_by_prefix().items()
        if name not in shared
    }
