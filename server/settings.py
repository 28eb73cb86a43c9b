"""What an operator can set on the endpoint: limits, federation, the engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointSettings:
    """Limits and options of the SPARQL endpoint, the same for every worker."""

    #: Seconds a query may run before its evaluation is stopped (503).
    query_timeout: float = 5.0
    #: Most solutions (or triples) in one answer; more are cut and the cut announced.
    row_limit: int = 10_000
    #: Endpoints a query may call with SERVICE; empty means no federation at all.
    allowed_services: frozenset[str] = frozenset()
    #: A remote SPARQL endpoint to answer queries instead of the embedded store.
    remote_endpoint: str | None = None
    #: Largest request body (a query, or a form holding one), in bytes.
    max_request_bytes: int = 1 << 20
