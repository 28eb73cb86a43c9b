"""The vocabulary's example queries: those of ``ontology/README.md``, published in the
release as ``ontology/examples.json`` for the SPARQL page (:mod:`dxkg.web.views.editor`).

The test suite runs every one of them against the build, so the page never offers a
query that returns nothing. The README writes them under the placeholder base IRI; the
release holds them under its own, as it holds the vocabulary's documentation.
"""

from __future__ import annotations

import re
from pathlib import Path

from dxkg.config import DEFAULT_BASE_IRI
from dxkg.release import EXAMPLE_QUERIES, ExampleQuery, json_text

#: The README of the vocabulary's folder (``ontology/`` in the project), which holds them.
EXAMPLES_README = "README.md"

#: A fenced block of Markdown: its language (may be empty) and its text.
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
LIST_NUMBER = re.compile(r"^\d+\.\s+")
#: The Japanese of an example: a quote under its English title, ``> **title** description``.
JAPANESE = re.compile(r"^\*\*(?P<title>.+?)\*\*\s*(?P<description>.*)$", re.DOTALL)


def example_queries(readme_text: str) -> list[ExampleQuery]:
    """The ```` ```sparql ```` blocks of the vocabulary README. Each is titled by the
    paragraph before it, without its list number and closing colon; a quote between
    that paragraph and the block gives its Japanese title (in bold) and description.
    Each is preceded by the README's shared block of PREFIX declarations, so that every
    query runs as it is."""
    shared_prefixes = None
    examples = []
    for fence in FENCE.finditer(readme_text):
        language, body = fence.groups()
        if not language and shared_prefixes is None and body.startswith("PREFIX "):
            shared_prefixes = body
        elif language == "sparql":
            if shared_prefixes is None:
                raise ValueError("the README has a sparql block before its block of prefixes")
            examples.append(
                titled(readme_text[: fence.start()], query=shared_prefixes + "\n" + body)
            )
    return examples


def titled(text_before: str, query: str) -> ExampleQuery:
    """The example ``query`` titled by the last paragraphs of ``text_before``: the
    English title, then the Japanese quote if there is one."""
    paragraphs = text_before.rstrip().split("\n\n")
    japanese = {"title_ja": "", "description_ja": ""}
    if paragraphs[-1].lstrip().startswith(">"):
        quote = "".join(
            line.strip().removeprefix(">").strip() for line in paragraphs.pop().split("\n")
        )
        if not (match := JAPANESE.match(quote)):
            raise ValueError(f"a Japanese quote without its title in bold: {quote}")
        japanese = {"title_ja": match["title"], "description_ja": match["description"]}
    title = LIST_NUMBER.sub("", " ".join(paragraphs[-1].split())).removesuffix(":")
    return ExampleQuery(title=title, query=query, **japanese)


def readme_examples(ontology: Path) -> list[ExampleQuery]:
    """The example queries of the README in the vocabulary's folder ``ontology``, under
    the placeholder base IRI."""
    return example_queries((ontology / EXAMPLES_README).read_text("utf-8"))


def write_example_queries(ontology: Path, out_dir: Path, base_iri: str) -> list[ExampleQuery]:
    """Write the examples of the README in ``ontology``, under ``base_iri``, as
    ``ontology/examples.json`` in the release ``out_dir``; return them."""
    examples = [
        example.model_copy(update={"query": example.query.replace(DEFAULT_BASE_IRI, base_iri)})
        for example in readme_examples(ontology)
    ]
    path = out_dir / EXAMPLE_QUERIES
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_text([example.model_dump() for example in examples]), "utf-8")
    return examples
