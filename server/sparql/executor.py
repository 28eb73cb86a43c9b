"""Query evaluation in a confined child process: the engine is the only parser, and the
operating system keeps the limits.

pyoxigraph evaluates a query in native code that cannot be interrupted from
Python: a timer in the same process could only stop waiting, not stop the
work. Each thread of a web worker therefore forks one child that holds the same
store (copy-on-write, nothing is reloaded) and evaluates its queries. The child is
confined before it reads its first query (:mod:`.sandbox`: no network, no programs,
an address-space limit, a CPU limit per query, death with its parent). When a query
overruns its time limit the child is killed, which frees the CPU at once, and the
next query forks a fresh child in a few milliseconds.

Everything that depends on what a query says is decided here, by the engine that
runs it: whether the text is a query, an update (refused) or neither; which graphs
``FROM`` and ``FROM NAMED`` select; what a ``SERVICE`` call does (it cannot connect).
Nothing in the worker parses a query, so no second parser can read it differently (the
worker scans the text for brackets, for ``SELECT *``'s column order, and, in front of a
remote store, for the word SERVICE: each counts more, or only orders what the engine
returned).

The fork happens in a threaded process, where the child gets a copy of locks that
other threads may hold. The child only reads jobs from its pipe, queries the
store and writes answers back, none of which takes a lock of the worker's other
threads (the interpreter resets its own after a fork), so none can deadlock it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
)

from dxkg import media
from dxkg.web.errors import ProtocolError
from dxkg.web.sparql import sandbox
from dxkg.web.sparql.results import (
    DEFAULT_BYTE_LIMIT,
    Answer,
    Failure,
    NotAcceptable,
    serialise_capped,
)

_FORK = multiprocessing.get_context("fork")
READ_ONLY = "this endpoint is read-only: updates are refused"
#: What Oxigraph's HTTP client says when the confinement stops a SERVICE call.
_NETWORK_FAILURE = re.compile(
    r"os error \d+\)|lookup address|not permitted|port \d+ is not allowed", re.IGNORECASE
)
#: How Oxigraph refuses a call of a function it does not know.
_UNKNOWN_FUNCTION = re.compile(r"The custom function <(.+)> is not supported")
#: Most distinct unknown functions one query may call.
MAX_UNKNOWN_FUNCTIONS = 16
#: The stack a remote store's query is read on: half the 2 MiB of the threads on which
#: ``oxigraph serve`` answers (a chain of 634 BINDs overflows those; 320 this one).
CHECK_STACK_BYTES = 1 << 20
#: Most bytes of the engine's last words kept from a query process that died.
LAST_WORDS_BYTES = 4096


@dataclass(frozen=True)
class Job:
    """One query with its protocol dataset and the negotiated output formats."""

    query: str
    #: Base IRI for relative IRIs in the query: the endpoint's URL, as the protocol suggests.
    base_iri: str | None = None
    #: ``default-graph-uri`` and ``named-graph-uri``; when both are empty the
    #: query's own FROM clauses apply, or else the store's default graph (the union
    #: of the release's named graphs, see :func:`union_default_graph`).
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_media_type: str | None = media.SPARQL_JSON
    graph_media_type: str | None = media.TURTLE
    row_limit: int = 10_000
    #: Most bytes in the serialised answer; rows past it are cut, and the cut announced.
    byte_limit: int = DEFAULT_BYTE_LIMIT
    #: The query comes from a client of the protocol endpoint, not from dxkg's pages.
    from_client: bool = False
    #: Only read the query, on an empty store, and answer the kind of result it gives
    #: (``solutions``, ``boolean`` or ``graph``), then the IRIs of the functions it calls
    #: that the engine does not know, a line each.
    check_only: bool = False
    #: Read it on a thread with :data:`CHECK_STACK_BYTES` of stack: for a remote store.
    small_stack: bool = False


def evaluate(store: Store, job: Job) -> Answer | Failure:
    """Run ``job`` on ``store`` (in the calling process) and serialise the answer."""
    try:
        dataset = _dataset(job)
    except ValueError as error:
        # Raised here it would end the query process, and the worker answer 500.
        return Failure(400, f"a graph of the dataset is not an IRI: {error}")
    query = job.query
    unknown: dict[NamedNode, object] = {}
    try:
        target = Store() if job.check_only else store
        result = _query(target, query, job.base_iri, dataset, unknown)
        if job.check_only:
            reading = [_kind(result), *(function.value for function in unknown)]
            return Answer(media.TEXT, "\n".join(reading).encode())
        return serialise_capped(
            result,
            job.results_media_type,
            job.graph_media_type,
            job.row_limit,
            job.byte_limit,
            query=job.query,
        )
    except SyntaxError as error:
        if parses_as_update(query, job.base_iri):
            return Failure(403, READ_ONLY)
        return Failure(400, f"malformed query: {error}")
    except NotAcceptable:
        return Failure(406, "none of the accepted media types fits this kind of result")
    except MemoryError:
        return Failure(503, "the query needed more memory than its limit")
    except OSError as error:
        # The store is in memory: the engine's input and output errors are a remote call
        # (SERVICE), which the confinement makes fail at the socket or the name lookup,
        # or a serialiser that cannot write a term (RDF 1.2 triples in JSON-LD).
        if _NETWORK_FAILURE.search(str(error)):
            return Failure(
                403,
                "this endpoint makes no outbound connection: SERVICE calls are not allowed "
                f"({_one_line(error)})",
            )
        return Failure(406, f"the answer cannot be written in that format: {_one_line(error)}")
    except (ValueError, RuntimeError, TypeError) as error:
        return Failure(400, f"the query could not be evaluated: {_one_line(error)}")
    except BaseException as error:  # pyo3's PanicException, which is not importable
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return Failure(400, f"the query engine failed on this query: {_one_line(error)}")


def _query(store: Store, query: str, base_iri: str | None, dataset: dict, unknown: dict):
    """``store.query`` with SPARQL's rule for functions the engine does not know: a call
    of one is an error, which leaves its variable unbound (SPARQL 1.1, 17.3), where
    Oxigraph refuses the query. The engine names each such function as it plans the
    query; at most :data:`MAX_UNKNOWN_FUNCTIONS` of them are bound to "no value", and
    added to ``unknown``."""
    while True:
        try:
            return store.query(query, base_iri=base_iri, custom_functions=unknown, **dataset)
        except RuntimeError as error:
            function = _UNKNOWN_FUNCTION.fullmatch(str(error))
            if function is None or len(unknown) >= MAX_UNKNOWN_FUNCTIONS:
                raise
            unknown[NamedNode(function.group(1))] = _no_value


def _no_value(*_arguments: object) -> None:
    """An unknown function's value: none (an evaluation error, so the variable is unbound)."""


def parses_as_update(text: str, base_iri: str | None = None) -> bool:
    """True if the engine reads ``text`` as SPARQL Update.

    The update is run on a new, empty store that is thrown away: the engine's parser
    decides, and nothing reaches the release (nor the network, in a query process).
    """
    try:
        # A base, so that relative IRIs (``INSERT DATA { <a> <b> <c> }``) still parse.
        Store().update(text, base_iri=base_iri or "http://localhost/")
    except SyntaxError:
        return False
    except BaseException as error:  # it parsed, and failed on the empty store
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
    return True


def union_default_graph(store: Store) -> None:
    """Copy the triples of every named graph of ``store`` into its default graph.

    The release keeps all its triples in named graphs. With the union as the real
    default graph, the engine's own dataset rules apply unchanged: a query without
    ``FROM`` reads the union, ``FROM`` and ``FROM NAMED`` select graphs of the store
    (an unknown graph is empty), and the protocol's dataset replaces both.
    (Oxigraph's ``use_default_graph_as_union`` instead ignores ``FROM``.)
    """
    named = [quad for quad in store if not isinstance(quad.graph_name, DefaultGraph)]
    store.bulk_extend(Quad(quad.subject, quad.predicate, quad.object) for quad in named)


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


def _kind(result: QuerySolutions | QueryBoolean | QueryTriples) -> str:
    if isinstance(result, QuerySolutions):
        return "solutions"
    return "boolean" if isinstance(result, QueryBoolean) else "graph"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


class QueryProcess:
    """The confined child process that evaluates this worker thread's queries."""

    def __init__(
        self,
        store: Store,
        memory_bytes: int = sandbox.DEFAULT_MEMORY_BYTES,
        own_network: bool = True,
    ) -> None:
        self._store = store
        self._memory_bytes = memory_bytes
        self._own_network = own_network
        self._lock = threading.Lock()
        self._child: multiprocessing.Process | None = None
        self._connection: Connection | None = None
        self._last_words: int | None = None  # the read end of the child's stderr
        self._owner = os.getpid()

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate ``job``; a 503 ProtocolError if it takes longer than ``timeout`` seconds."""
        with self._lock:
            connection = self._ensure_child()
            try:
                connection.send((job, timeout))
            except OSError:  # it ended since the last query (killed from outside)
                self._stop_child()
                connection = self._ensure_child()
                connection.send((job, timeout))
            if not connection.poll(timeout):
                self._stop_child()
                raise ProtocolError(
                    503, f"the query was stopped after the time limit of {timeout:g} s"
                )
            try:
                outcome = connection.recv()
            except (EOFError, OSError):  # its end closed, or reset with the job unread
                raise self._died(timeout) from None
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
            self._last_words = None
        if self._child is None or not self._child.is_alive():
            self._stop_child()
            ours, theirs = _FORK.Pipe()
            words_read, words_write = os.pipe()
            self._child = _FORK.Process(
                target=_serve,
                args=(theirs, ours, words_write, self._store, self._confinement()),
                daemon=True,
            )
            self._child.start()
            theirs.close()
            os.close(words_write)
            os.set_blocking(words_read, False)
            self._connection, self._last_words = ours, words_read
        return self._connection

    def _confinement(self) -> dict:
        return {"memory_bytes": self._memory_bytes, "own_network": self._own_network}

    def _died(self, timeout: float) -> ProtocolError:
        """The error for a child that ended while evaluating: why, from how it ended
        and the engine's last words on its standard error."""
        self._child.join(1)  # it may still be ending after a reset
        exitcode = self._child.exitcode or 0
        words = self._read_last_words()
        self._stop_child()
        if exitcode == -signal.SIGXCPU:
            return ProtocolError(
                503, f"the query was stopped after the time limit of {timeout:g} s"
            )
        if "memory allocation" in words:
            limit = self._memory_bytes >> 20
            return ProtocolError(503, f"the query needed more than its memory limit of {limit} MiB")
        if "overflowed its stack" in words or exitcode == -signal.SIGSEGV:
            return ProtocolError(
                400, "the query nests too deeply for the engine (it ran out of stack)"
            )
        how = signal.Signals(-exitcode).name if exitcode < 0 else f"exit status {exitcode}"
        return ProtocolError(400, f"the query engine stopped on this query: {words or how}")

    def _read_last_words(self) -> str:
        try:
            data = os.read(self._last_words, LAST_WORDS_BYTES)
        except (BlockingIOError, OSError, TypeError):
            return ""
        return " ".join(data.decode("utf-8", "replace").split())

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.join()
            self._connection.close()
        if self._last_words is not None:
            os.close(self._last_words)
        self._child, self._connection, self._last_words = None, None, None


def _serve(
    connection: Connection,
    parent_end: Connection,
    last_words: int,
    store: Store,
    confinement: dict,
) -> None:
    """The child's loop: evaluate jobs until the parent closes its end of the pipe."""
    parent_end.close()  # so that the parent's exit shows here as end of file
    os.dup2(last_words, 2)  # the engine's panic and abort messages go to the worker
    # Let go of every other file the worker had open: its listening socket, its
    # clients' connections, a test's browser driver pipes. Held here, they would stay
    # open as long as this process lives, after their owner had closed them.
    keep = connection.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1):
        # Forget the web server's handlers: they would act on the parent's state.
        signal.signal(signum, signal.SIG_DFL)
    sandbox.confine(**confinement)
    while True:
        try:
            job, timeout = connection.recv()
        except EOFError:
            return
        sandbox.limit_cpu(timeout)
        connection.send(_on_small_stack(store, job) if job.small_stack else evaluate(store, job))


def _on_small_stack(store: Store, job: Job) -> Answer | Failure:
    """:func:`evaluate` of ``job`` on a thread with a small stack.

    The job reads a query bound for a remote store, whose engine (Oxigraph's server)
    runs each request on a thread of a few MiB: a query that nests or chains deep
    enough to overflow that stack must overflow here first, ending this process (400,
    see :meth:`QueryProcess._died`) and never reaching the store.
    """
    outcome: list[Answer | Failure] = []
    threading.stack_size(CHECK_STACK_BYTES)
    reader = threading.Thread(target=lambda: outcome.append(evaluate(store, job)))
    reader.start()
    reader.join()
    return outcome[0]
