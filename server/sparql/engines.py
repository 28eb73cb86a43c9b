"""Query engines behind the endpoint: the embedded pyoxigraph store, or a remote endpoint.

Both take a :class:`~.executor.Job` and return an :class:`~.results.Answer`
serialised by pyoxigraph with the same row and byte limits, so the web layer does
not know which one answered. The time limit is enforced here, on our side, in both.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse, parse_query_results

from dxkg.media import N_TRIPLES, SPARQL_JSON, TURTLE
from dxkg.web.errors import ProtocolError
from dxkg.web.sparql.complexity import decode_escapes
from dxkg.web.sparql.executor import Job, QueryProcess, union_default_graph
from dxkg.web.sparql.results import Answer, NotAcceptable, serialise_capped
from dxkg.web.sparql.sandbox import DEFAULT_MEMORY_BYTES

#: Largest response read from a remote endpoint, before our own limits apply: what the
#: byte limit's default lets through, four times over for the larger formats.
MAX_REMOTE_BYTES = 64 << 20
#: Bytes read from a remote endpoint at a time, the time limit checked between reads.
READ_CHUNK = 1 << 20
#: What the remote endpoint is asked for, by the kind of result the query gives.
REMOTE_ACCEPT = {
    "solutions": SPARQL_JSON,
    "boolean": SPARQL_JSON,
    "graph": f"{N_TRIPLES}, {TURTLE};q=0.9",
}
_SERVICE = re.compile("service", re.IGNORECASE)
REMOTE_SERVICE_REFUSED = (
    "in front of a remote store this endpoint refuses every query that contains the "
    "word SERVICE (even in a literal or a comment): it cannot stop the store's outbound "
    'calls. Write such a literal in parts, e.g. CONCAT("serv", "ice")'
)
#: Requests to the remote store go straight to it, whatever proxy the environment names.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Engine(Protocol):
    """Something that answers SPARQL queries."""

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer ``job`` within ``timeout`` seconds or raise a ProtocolError."""
        ...

    def check(self, job: Job, timeout: float) -> str:
        """Read ``job``'s query without evaluating it: the kind of result it gives
        (``solutions``, ``boolean``, ``graph``), or the ProtocolError of an update (403)
        or a malformed query (400)."""
        ...


class EmbeddedEngine:
    """The release's dump loaded into an in-memory pyoxigraph store.

    The store's default graph is the union of the release's named graphs (see
    :func:`~.executor.union_default_graph`). Each thread that asks gets a confined
    query process of its own: requests served by different threads of a worker do not
    wait for each other's queries.
    """

    def __init__(self, dump: Path, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        self._store = Store()
        self._store.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
        union_default_graph(self._store)
        self._processes = _ProcessPerThread(self._store, memory_bytes)

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate ``job`` in this thread's query process."""
        return self._processes.get().run(job, timeout)

    def check(self, job: Job, timeout: float) -> str:
        """Read ``job``'s query in this thread's query process (see :meth:`Engine.check`)."""
        return _reading(self._processes.get(), job, timeout)[0]


class RemoteEngine:
    """A SPARQL 1.1 endpoint elsewhere, queried over HTTP.

    Before a query leaves, the same engine as the embedded one reads it in a confined
    query process over an empty store (``Job.check_only``): an update or a malformed
    query is refused there, and a query that would crash the engine crashes that
    process, not the store. dxkg cannot take the network away from the store, so a
    client's query that contains the word ``service`` anywhere (even in a literal or a
    comment, where no second parser can disagree about it) is refused. The pages' own
    queries are exempt: dxkg writes them, with every value from a request inserted as
    a checked IRI or an escaped literal, and none calls a SERVICE.

    The query is sent as an urlencoded POST with the protocol dataset; the results
    are parsed, capped and re-serialised here, so limits and formats match the
    embedded engine. The store's own default graph applies: dxkg's releases expect the
    union of the named graphs there (``dxkg load --union-default-graph``).
    """

    def __init__(self, endpoint: str, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        self.endpoint = endpoint
        self._checkers = _ProcessPerThread(Store(), memory_bytes)

    def run(self, job: Job, timeout: float) -> Answer:
        """Check ``job`` here, send it to the remote endpoint, and serialise its answer here."""
        started = time.monotonic()
        kind, *unknown_functions = _reading(self._checkers.get(), job, timeout, small_stack=True)
        if unknown_functions:
            # dxkg binds them to "no value" in its own engine; a remote store fails the query.
            raise ProtocolError(
                400,
                "the remote store cannot evaluate a call of a function its engine does not "
                f"know: <{unknown_functions[0]}>",
            )
        if job.from_client and _SERVICE.search(decode_escapes(job.query)):
            raise ProtocolError(403, REMOTE_SERVICE_REFUSED)
        media_type, body, remote_cap = self._fetch(job, kind, started + timeout, timeout)
        try:
            answer = serialise_capped(
                _parse(media_type, body),
                job.results_media_type,
                job.graph_media_type,
                job.row_limit,
                job.byte_limit,
                query=job.query,
            )
        except NotAcceptable:
            raise ProtocolError(
                406, "none of the accepted media types fits this kind of result"
            ) from None
        except SyntaxError as error:
            raise ProtocolError(
                502, f"the remote endpoint sent an unreadable result: {error}"
            ) from None
        except OSError as error:  # a term the format cannot hold (RDF 1.2 triples in JSON-LD)
            raise ProtocolError(
                406, f"the answer cannot be written in that format: {error}"
            ) from None
        if remote_cap is not None and not answer.truncated:
            # The store cut the result itself (Virtuoso's ResultSetMaxRows): say so.
            answer = replace(answer, cut_at=remote_cap)
        return answer

    def check(self, job: Job, timeout: float) -> str:
        """Read ``job``'s query here, in a confined process (see :meth:`Engine.check`)."""
        return _reading(self._checkers.get(), job, timeout, small_stack=True)[0]

    def _fetch(
        self, job: Job, kind: str, deadline: float, timeout: float
    ) -> tuple[str, bytes, int | None]:
        """The remote endpoint's answer to ``job`` by ``deadline`` (``time.monotonic()``)
        at the latest: media type, body, announced row cap."""
        query = job.query if job.base_iri is None else f"BASE <{job.base_iri}> {job.query}"
        form = [("query", query)]
        form += [("default-graph-uri", graph) for graph in job.default_graphs]
        form += [("named-graph-uri", graph) for graph in job.named_graphs]
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={"Accept": REMOTE_ACCEPT[kind], "User-Agent": "dxkg"},
        )
        try:
            wait = max(deadline - time.monotonic(), 0.01)
            with _NO_PROXY.open(request, timeout=wait) as response:
                body = _read_by(response, deadline)
                headers = response.headers
        except urllib.error.HTTPError as error:
            message = _error_message(error)
            if error.code == 400:
                raise ProtocolError(400, f"malformed query: {message}") from None
            raise ProtocolError(
                502, f"the remote endpoint answered {error.code}: {message}"
            ) from None
        except TimeoutError:
            raise ProtocolError(
                503, f"the query was stopped after the time limit of {timeout:g} s"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError):
                raise ProtocolError(
                    503, f"the query was stopped after the time limit of {timeout:g} s"
                ) from None
            raise ProtocolError(502, f"the remote endpoint cannot be reached: {error}") from None
        if body is None:
            raise ProtocolError(503, f"the query was stopped after the time limit of {timeout:g} s")
        if len(body) > MAX_REMOTE_BYTES:
            raise ProtocolError(502, "the remote endpoint's result is larger than dxkg reads")
        return headers.get_content_type(), body, _announced_cap(headers)


def _error_message(error: urllib.error.HTTPError) -> str:
    """The remote endpoint's one-line message for an error answer (its reason if the
    body cannot be read), the answer closed."""
    with error:
        try:
            body = error.read(4096).decode("utf-8", "replace")
        except OSError:
            body = ""
    return " ".join(body.split()) or str(error.reason)


def _read_by(response: http.client.HTTPResponse, deadline: float) -> bytes | None:
    """The body of ``response``, read in chunks, at most :data:`MAX_REMOTE_BYTES` and one
    more; None if ``deadline`` (``time.monotonic()``) passes first: a socket timeout
    bounds each read, not the whole body."""
    chunks, size = [], 0
    while size <= MAX_REMOTE_BYTES:
        if time.monotonic() > deadline:
            return None
        chunk = response.read1(READ_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _reading(
    process: QueryProcess, job: Job, timeout: float, small_stack: bool = False
) -> list[str]:
    """What the engine reads in ``job``'s query: the kind of result it gives, then the
    functions it calls that the engine does not know (see ``Job.check_only``); read on
    a small stack for a remote store, whose threads' stacks are smaller than ours."""
    reading = replace(job, check_only=True, small_stack=small_stack)
    return process.run(reading, timeout).body.decode().split("\n")


class _ProcessPerThread:
    """One confined query process per thread that asks, over one store."""

    def __init__(self, store: Store, memory_bytes: int) -> None:
        self._store = store
        self._memory_bytes = memory_bytes
        self._local = threading.local()

    def get(self) -> QueryProcess:
        """This thread's query process (started on its first query)."""
        if not hasattr(self._local, "process"):
            self._local.process = QueryProcess(self._store, self._memory_bytes)
        return self._local.process


def _announced_cap(headers) -> int | None:
    """The row limit a store says it applied (Virtuoso's ``X-SPARQL-MaxRows``)."""
    value = headers.get("X-SPARQL-MaxRows")
    return int(value) if value and value.strip().isdigit() else None


def _parse(media_type: str, body: bytes):
    results_format = QueryResultsFormat.from_media_type(media_type)
    if results_format == QueryResultsFormat.JSON and b'"bnode"' in body:
        body = _with_plain_blank_node_labels(body)
    if results_format is not None:
        return parse_query_results(body, results_format)
    graph_format = RdfFormat.from_media_type(media_type)
    if graph_format is None:
        raise ProtocolError(502, f"the remote endpoint answered in an unexpected {media_type}")
    return parse(body, format=graph_format)


def _with_plain_blank_node_labels(body: bytes) -> bytes:
    """SPARQL JSON results with blank node labels that pyoxigraph accepts.

    Virtuoso labels blank nodes ``nodeID://b10007``, which is not a valid label;
    the label only has to be consistent within the result, so it is hex-encoded.
    """
    results = json.loads(body)
    for binding in results.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode":
                term["value"] = "b" + term["value"].encode("utf-8").hex()
    return json.dumps(results).encode("utf-8")
