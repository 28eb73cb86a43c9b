"""Query evaluation in a child process, so that the time limit stops the work.

pyoxigraph evaluates a query in native code that cannot be interrupted from
Python: a timer in the same process could only stop waiting, not stop the
work. Each thread of a web worker therefore forks one child that holds the same
store (copy-on-write, nothing is reloaded) and evaluates its queries. When a query
overruns its time limit the child is killed, which frees the CPU at once, and
the next query forks a fresh child in a few milliseconds.

The fork happens in a threaded process, where the child gets a copy of locks that
other threads may hold. The child only reads jobs from its pipe, queries the
store and writes answers back, none of which takes a lock of the worker's other
threads (the interpreter resets its own after a fork), so none can deadlock it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pyoxigraph import NamedNode, Store

from .errors import ProtocolError
from .results import Answer, Failure, NotAcceptable, serialise_capped

_FORK = multiprocessing.get_context("fork")


@dataclass(frozen=True)
class Job:
    """One query with its protocol dataset and the negotiated output formats."""

    query: str
    #: Base IRI for relative IRIs in the query: the endpoint's URL, as the protocol suggests.
    base_iri: str | None = None
    #: ``default-graph-uri`` and ``named-graph-uri``; when both are empty the
    #: query's own FROM clauses apply, or else the union of all graphs.
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_media_type: str | None = "application/sparql-results+json"
    graph_media_type: str | None = "text/turtle"
    row_limit: int = 10_000


def evaluate(store: Store, job: Job) -> Answer | Failure:
    """Run ``job`` on ``store`` (in the calling process) and serialise the answer."""
    try:
        dataset = _dataset(job)
    except ValueError as error:
        # Raised here it would end the query process, and the worker answer 500.
        return Failure(400, f"a graph of the dataset is not an IRI: {error}")
    try:
        result = store.query(
            job.query, base_iri=job.base_iri, use_default_graph_as_union=not dataset, **dataset
        )
        return serialise_capped(result, job.results_media_type, job.graph_media_type, job.row_limit)
    except SyntaxError as error:
        return Failure(400, f"malformed query: {error}")
    except NotAcceptable:
        return Failure(406, "none of the accepted media types fits this kind of result")
    except (ValueError, OSError) as error:
        return Failure(400, f"the query could not be evaluated: {error}")


def _dataset(job: Job) -> dict:
    """The protocol's dataset as ``Store.query`` arguments (none without one); a
    ValueError for a graph name that is not an IRI."""
    if not (job.default_graphs or job.named_graphs):
        return {}
    # The protocol's dataset replaces the query's FROM / FROM NAMED entirely.
    return {
        "default_graph": [NamedNode(graph) for graph in job.default_graphs],
        "named_graphs": [NamedNode(graph) for graph in job.named_graphs],
    }


class QueryProcess:
    """The child process that evaluates this worker's queries under a time limit."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._child: multiprocessing.Process | None = None
        self._connection: Connection | None = None
        self._owner = os.getpid()

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate ``job``; a 503 ProtocolError if it takes longer than ``timeout`` seconds."""
        with self._lock:
            connection = self._ensure_child()
            connection.send(job)
            if not connection.poll(timeout):
                self._stop_child()
                raise ProtocolError(
                    503, f"the query was stopped after the time limit of {timeout:g} s"
                )
            try:
                outcome = connection.recv()
            except EOFError:
                self._stop_child()
                raise ProtocolError(500, "the query engine stopped on this query") from None
        if isinstance(outcome, Failure):
            raise ProtocolError(outcome.status, outcome.message)
        return outcome

    def close(self) -> None:
        """Stop the child process, if any."""
        with self._lock:
            self._stop_child()

    @property
    def child_pid(self) -> int | None:
        """The process id of the current child (for tests and monitoring)."""
        return self._child.pid if self._child is not None else None

    def _ensure_child(self) -> Connection:
        if self._owner != os.getpid():
            # This object was inherited through a fork: the child belongs to the parent.
            self._child, self._connection, self._owner = None, None, os.getpid()
        if self._child is None or not self._child.is_alive():
            ours, theirs = _FORK.Pipe()
            self._child = _FORK.Process(
                target=_serve, args=(theirs, ours, self._store), daemon=True
            )
            self._child.start()
            theirs.close()
            self._connection = ours
        return self._connection

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.join()
            self._connection.close()
        self._child, self._connection = None, None


def _serve(connection: Connection, parent_end: Connection, store: Store) -> None:
    """The child's loop: evaluate jobs until the parent closes its end of the pipe."""
    parent_end.close()  # so that the parent's exit shows here as end of file
    # Let go of every other file the worker had open: its listening socket, its
    # clients' connections, a test's browser driver pipes. Held here, they would stay
    # open as long as this process lives, after their owner had closed them.
    os.closerange(3, connection.fileno())
    os.closerange(connection.fileno() + 1, os.sysconf("SC_OPEN_MAX"))
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1):
        # Forget the web server's handlers: they would act on the parent's state.
        signal.signal(signum, signal.SIG_DFL)
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        connection.send(evaluate(store, job))
