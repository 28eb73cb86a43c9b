"""The SPARQL editor page: YASGUI on the same-origin endpoint, with the vocabulary's examples.

The example queries are those of ``ontology/README.md``, which the test suite runs
against every build, so the page never offers a query that returns nothing. Without
JavaScript the page is a plain form that sends the query to ``/sparql``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from flask import Blueprint, Response, abort, current_app, request, url_for

from dxkg.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from dxkg.web.sparql.results import FORMAT_ALIASES
from dxkg.web.views import graphdata, pages

blueprint = Blueprint("editor", __name__)
blueprint.after_request(pages.conditional)

README = PROJECT_ROOT / "ontology" / "README.md"

#: The ``format`` values the form offers, by the kind of query they fit.
FORM_FORMATS = {
    "SELECT / ASK": ("json", "xml", "csv", "tsv"),
    "CONSTRUCT / DESCRIBE": ("turtle", "ntriples", "rdfxml", "jsonld"),
}

#: A fenced block of Markdown: its language (may be empty) and its text.
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
LIST_NUMBER = re.compile(r"^\d+\.\s+")

STARTER_QUERY = "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 10\n"


class ExampleQuery(NamedTuple):
    """One example: what it asks, in the README's words, and the query with its prefixes."""

    title: str
    query: str


def example_queries(readme_text: str) -> list[ExampleQuery]:
    """The ```` ```sparql ```` blocks of the vocabulary README, each titled by the paragraph
    before it (its list number and closing colon dropped) and preceded by the README's
    shared block of PREFIX declarations, so that every query runs as it is."""
    shared_prefixes = None
    examples = []
    for fence in FENCE.finditer(readme_text):
        language, body = fence.groups()
        if not language and shared_prefixes is None and body.startswith("PREFIX "):
            shared_prefixes = body
        elif language == "sparql":
            if shared_prefixes is None:
                raise ValueError("the README has a sparql block before its block of prefixes")
            paragraph = readme_text[: fence.start()].rstrip().rsplit("\n\n", 1)[-1]
            title = LIST_NUMBER.sub("", " ".join(paragraph.split())).removesuffix(":")
            examples.append(ExampleQuery(title, shared_prefixes + "\n" + body))
    return examples


@cache
def readme_examples() -> list[ExampleQuery]:
    """The examples of ``ontology/README.md``, read once per process."""
    return example_queries(README.read_text("utf-8"))


def rebased(query: str) -> str:
    """``query`` with the placeholder base IRI of the README replaced by the release's."""
    return query.replace(DEFAULT_BASE_IRI, current_app.config["BASE_IRI"])


@blueprint.get("/query")
@blueprint.get("/query.json")
def editor() -> Response:
    """The editor, prefilled with example ``?example=N`` (from 1) or a starter query."""
    examples = [
        {"title": example.title, "query": rebased(example.query)} for example in readme_examples()
    ]
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
