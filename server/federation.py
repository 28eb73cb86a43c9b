"""Federated queries: ``SERVICE`` is allowed only to the endpoints on an allow-list.

The check reads the query's algebra (rdflib's SPARQL parser), so prefixed names,
``BASE`` and nesting in sub-queries or ``EXISTS`` are resolved before the
endpoint is compared; a ``SERVICE ?variable`` is never allowed. Queries whose
text cannot contain the keyword skip the parse: SPARQL keywords are matched
case-insensitively and cannot be written with escapes, so a query without the
letters ``service`` (after decoding ``\\u`` escapes, which some engines apply to
the whole query) has no SERVICE clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from .errors import ProtocolError
from .timebox import Expired, time_box

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def check_services(query: str, allowed: Iterable[str], timeout: float | None = None) -> None:
    """Raise a 403 ProtocolError if ``query`` calls a SERVICE not in ``allowed``.

    The parse counts against the query's ``timeout`` (seconds): past it, the answer is
    the 503 of the time limit (rdflib needs seconds for some long queries).
    """
    if "service" not in _decode_escapes(query).lower():
        return
    allowed = set(allowed)
    try:
        with time_box(timeout) if timeout else nullcontext():
            endpoints = list(service_endpoints(query))
    except Expired:
        raise ProtocolError(
            503, f"the query was stopped after the time limit of {timeout:g} s"
        ) from None
    for endpoint in endpoints:
        if endpoint is None:
            raise ProtocolError(403, "SERVICE with a variable endpoint is not allowed")
        if endpoint not in allowed:
            raise ProtocolError(
                403,
                f"SERVICE <{endpoint}> is not allowed: federated queries may only "
                "call the endpoints on this server's allow-list"
                + ("" if allowed else " (which is empty)"),
            )


def service_endpoints(query: str) -> Iterator[str | None]:
    """The endpoint IRI of every SERVICE clause in ``query`` (None for a variable)."""
    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except (ParseException, ValueError, TypeError, RecursionError) as error:
        # The engine will report the syntax error; without an algebra the SERVICE
        # clauses cannot be checked, so the query is refused (fail closed).
        raise ProtocolError(
            400, f"cannot check the SERVICE clauses of this query: {error}"
        ) from None
    found: list[CompValue] = []
    traverse(algebra, visitPre=lambda node: _collect_service(node, found))
    for pattern in found:
        yield str(pattern.term) if isinstance(pattern.term, URIRef) else None


def _collect_service(node: object, found: list[CompValue]) -> None:
    if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
        found.append(node)


def _decode_escapes(text: str) -> str:
    return _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
