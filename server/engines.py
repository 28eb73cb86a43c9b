"""Query engines behind the endpoint: the embedded pyoxigraph store, or a remote endpoint.

Both take a :class:`~.executor.Job` and return an :class:`~.results.Answer`
serialised by pyoxigraph with the same row limit, so the web layer does not
know which one answered. The time limit is enforced here, on our side, in both.
"""

from __future__ import annotations

import ast
import json
import threading
import time
import urllib.error
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse, parse_query_results
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from .errors import ProtocolError
from .executor import Job, QueryProcess
from .results import Answer, NotAcceptable, serialise_capped

#: Largest response read from a remote endpoint, before our own row limit applies.
MAX_REMOTE_BYTES = 256 << 20


class Engine(Protocol):
    """Something that answers SPARQL queries."""

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer ``job`` within ``timeout`` seconds or raise a ProtocolError."""
        ...


class EmbeddedEngine:
    """The release's dump loaded into an in-memory pyoxigraph store.

    Each thread that asks gets a query process of its own: requests served by
    different threads of a worker do not wait for each other's queries.
    """

    def __init__(self, dump: Path) -> None:
        self._store = Store()
        self._store.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
        self._local = threading.local()

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate ``job`` in this thread's query process."""
        if not hasattr(self._local, "process"):
            self._local.process = QueryProcess(self._store)
        return self._local.process.run(job, timeout)


class RemoteEngine:
    """A SPARQL 1.1 endpoint elsewhere, queried through SPARQLWrapper.

    The query is sent as an urlencoded POST with the protocol dataset, results
    are asked for as SPARQL JSON or Turtle and parsed, then capped and
    re-serialised here, so limits and formats match the embedded engine. The
    remote store's own default graph applies (dxkg's releases expect it to be
    the union of the named graphs, as ``oxigraph serve --union-default-graph``).
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def run(self, job: Job, timeout: float) -> Answer:
        """Send ``job`` to the remote endpoint and serialise its answer here."""
        client = SPARQLWrapper(self.endpoint, agent="dxkg")
        # The same base IRI as the embedded engine; a BASE in the query still wins,
        # as a later BASE replaces an earlier one.
        client.setQuery(job.query if job.base_iri is None else f"BASE <{job.base_iri}> {job.query}")
        if not client.isSparqlQueryRequest():
            raise ProtocolError(403, "this endpoint is read-only: updates are refused")
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON if client.queryType in ("SELECT", "ASK") else TURTLE)
        client.setTimeout(timeout)
        for graph in job.default_graphs:
            client.addDefaultGraph(graph)
        for graph in job.named_graphs:
            client.addNamedGraph(graph)
        media_type, body, remote_cap = self._fetch(client, timeout)
        try:
            answer = serialise_capped(
                _parse(media_type, body),
                job.results_media_type,
                job.graph_media_type,
                job.row_limit,
            )
        except NotAcceptable:
            raise ProtocolError(
                406, "none of the accepted media types fits this kind of result"
            ) from None
        except SyntaxError as error:
            raise ProtocolError(
                502, f"the remote endpoint sent an unreadable result: {error}"
            ) from None
        if remote_cap is not None and not answer.truncated:
            # The store cut the result itself (Virtuoso's ResultSetMaxRows): say so.
            answer = replace(answer, cut_at=remote_cap)
        return answer

    def _fetch(self, client: SPARQLWrapper, timeout: float) -> tuple[str, bytes, int | None]:
        started = time.monotonic()
        try:
            response = client.query().response
            body = response.read(MAX_REMOTE_BYTES + 1)
        except QueryBadFormed as error:
            raise ProtocolError(400, f"malformed query: {_remote_message(error)}") from None
        except SPARQLWrapperException as error:
            raise ProtocolError(
                502, f"the remote endpoint failed: {_remote_message(error)}"
            ) from None
        except TimeoutError:
            raise ProtocolError(
                503, f"the query was stopped after the time limit of {timeout:g} s"
            ) from None
        except urllib.error.HTTPError as error:
            raise ProtocolError(
                502, f"the remote endpoint answered {error.code}: {error.reason}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise ProtocolError(502, f"the remote endpoint cannot be reached: {error}") from None
        if time.monotonic() - started > timeout:
            raise ProtocolError(503, f"the query was stopped after the time limit of {timeout:g} s")
        if len(body) > MAX_REMOTE_BYTES:
            raise ProtocolError(502, "the remote endpoint's result is larger than dxkg reads")
        return response.headers.get_content_type(), body, _announced_cap(response.headers)


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


def _remote_message(error: SPARQLWrapperException) -> str:
    """The remote endpoint's own message: SPARQLWrapper keeps the response body
    only as a bytes literal at the end of its exception message."""
    _, _, response = str(error).partition("Response:\n")
    try:
        return ast.literal_eval(response).decode("utf-8", "replace").strip()
    except (ValueError, SyntaxError, AttributeError):
        return error.msg
