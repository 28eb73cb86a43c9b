"""What an operator can set on the endpoint: limits, the engine, the hosts answered."""

from __future__ import annotations

from dataclasses import dataclass

from dxkg.web.hosts import LOOPBACK
from dxkg.web.sparql.results import DEFAULT_BYTE_LIMIT
from dxkg.web.sparql.sandbox import DEFAULT_MEMORY_BYTES


@dataclass(frozen=True)
class EndpointSettings:
    """Limits and options of the SPARQL endpoint, the same for every worker."""

    #: Seconds a query may run before its evaluation is stopped (503).
    query_timeout: float = 5.0
    #: Most solutions (or triples) in one answer; more are cut and the cut announced.
    row_limit: int = 10_000
    #: Most bytes in one answer; whole rows past it are cut and the cut announced.
    byte_limit: int = DEFAULT_BYTE_LIMIT
    #: Memory a query process may allocate beyond what it shares with its worker.
    query_memory_bytes: int = DEFAULT_MEMORY_BYTES
    #: A remote SPARQL endpoint to answer queries instead of the embedded store.
    remote_endpoint: str | None = None
    #: Largest request body (a query, or a form holding one), in bytes.
    max_request_bytes: int = 1 << 20
    #: The ``Host`` values answered, others refused with 400 (``hosts.allowed_hosts`` adds
    #: the listening address and port); by default the loopback names without a port.
    allowed_hosts: frozenset[str] = frozenset(LOOPBACK)
    #: Where the server is reached behind a proxy (``scheme://host[:port]``): absolute
    #: URLs name it. None: they name the request's own, allowed, host.
    public_url: str | None = None
