"""Reading the graph for the pages: SPARQL through the same engine as the endpoint.

The browser never touches the store directly, so it works unchanged in front
of a remote triplestore and is bound by the same time and row limits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from flask import current_app
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, parse_query_results

from dxkg import namespaces
from dxkg.web.errors import ProtocolError
from dxkg.web.settings import EndpointSettings
from dxkg.web.sparql.engines import Engine
from dxkg.web.sparql.executor import Job
from dxkg.web.sparql.results import Answer

Term = NamedNode | BlankNode | Literal

#: The prefixes the pages name terms with (see :mod:`dxkg.namespaces`), which every query
#: of theirs may use: the W3C and schema.org namespaces, and ``dxkg:`` for the vocabulary
#: under the release's base IRI.
PREFIXES = (
    "rdf",
    "rdfs",
    "xsd",
    "owl",
    "skos",
    "prov",
    "dct",
    "org",
    "dcat",
    "void",
    "foaf",
    "schema",
    "dxkg",
)


def namespaces_by_prefix() -> dict[str, str]:
    """The namespace of each of :data:`PREFIXES`, ``dxkg:`` under the release's base IRI."""
    return namespaces.prefixes(PREFIXES, current_app.config["BASE_IRI"])


def prefixes() -> str:
    """The SPARQL declarations of :data:`PREFIXES`, a line each."""
    return namespaces.sparql_prefixes(PREFIXES, current_app.config["BASE_IRI"])


def vocabulary() -> str:
    """The vocabulary's namespace, which moves with the release's base IRI."""
    return _vocabulary(current_app.config["BASE_IRI"])


@functools.lru_cache(maxsize=8)
def _vocabulary(base_iri: str) -> str:
    """:func:`vocabulary` for ``base_iri``, made once: a page asks for it hundreds of times."""
    return str(namespaces.vocabulary(base_iri))


def _engine() -> Engine:
    return current_app.config["ENGINE"]


def _settings() -> EndpointSettings:
    return current_app.config["ENDPOINT"]


def run(job: Job) -> Answer:
    """The engine's answer to one of the pages' own queries.

    A query the engine refuses is the page's fault or its parameters', not the
    reader's: the message says so without the engine's words about a query the
    reader never wrote. The limits apply as on the endpoint; a 5xx (the time limit, a
    remote store that failed) stays as it is.
    """
    settings = _settings()
    job = replace(job, row_limit=settings.row_limit, byte_limit=settings.byte_limit)
    try:
        return _engine().run(job, settings.query_timeout)
    except ProtocolError as error:
        if error.status >= 500:  # the time limit, a remote store that failed
            raise
        raise ProtocolError(400, "this page cannot be shown with these parameters") from None


def select(query: str) -> list[dict[str, Term]]:
    """The solutions of a SELECT query, each a mapping of bound variables to terms."""
    answer = run(Job(prefixes() + query))
    solutions = parse_query_results(answer.body, format=QueryResultsFormat.JSON)
    variables = [variable.value for variable in solutions.variables]
    return [
        {name: solution[name] for name in variables if solution[name] is not None}
        for solution in solutions
    ]


def ask(query: str) -> bool:
    """The answer of an ASK query."""
    answer = run(Job(prefixes() + query))
    return bool(parse_query_results(answer.body, format=QueryResultsFormat.JSON))


def construct(query: str, media_type: str) -> Answer:
    """A CONSTRUCT or DESCRIBE query's graph, serialised as ``media_type``."""
    return run(Job(prefixes() + query, graph_media_type=media_type))


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI reference (``>`` and friends cannot occur in minted IRIs)."""
    return str(NamedNode(value))


@dataclass(frozen=True)
class Labels:
    """Japanese and English labels of a resource, either may be missing."""

    ja: str | None = None
    en: str | None = None

    def best(self, lang: str) -> str | None:
        """The label in ``lang`` if there is one, else the other."""
        return (self.en or self.ja) if lang == "en" else (self.ja or self.en)


LABEL_PATH = "rdfs:label|skos:prefLabel"


def labels_of(iris: set[str]) -> dict[str, Labels]:
    """The ja and en labels of ``iris`` in one query (the first of each language)."""
    if not iris:
        return {}
    values = " ".join(iri(value) for value in sorted(iris))
    rows = select(f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x {LABEL_PATH} ?label }}")
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        label = row["label"]
        language = label.language if isinstance(label, Literal) else None
        slot = "en" if language == "en" else "ja"
        found.setdefault(row["x"].value, {}).setdefault(slot, label.value)
    return {value: Labels(**found.get(value, {})) for value in iris}


def literal(text: str) -> str:
    """``text`` as a SPARQL string literal, quotes and backslashes escaped."""
    return str(Literal(text))
