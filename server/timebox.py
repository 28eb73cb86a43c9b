"""A time limit for Python work in the web worker itself: rdflib's SPARQL parser.

Queries are evaluated under the time limit in the worker's query process
(:mod:`.executor`), but two checks parse the query with rdflib in the worker first:
the SERVICE allow-list (:mod:`.federation`) and telling an update sent as a query from
a malformed query. rdflib's parser is pure Python and slow on long inputs: a
90 KB ``ORDER BY ?s ?s …`` that mentions SERVICE held a worker 21 s, and an 875 KB
``INSERT DATA`` 11 s, whatever ``--query-timeout`` said (found by ``tests/test_fuzz.py``).

gunicorn's threaded workers serve requests outside the main thread, where no signal
arrives, so a timer thread stops such work instead: it raises :class:`Expired`
asynchronously in the thread that runs the body (``PyThreadState_SetAsyncExc``), which
takes effect at that thread's next bytecode. That stops Python code like the parser;
it would not stop a call blocked in native code, which is why queries run elsewhere.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Expired(Exception):
    """The time box ran out before the work in it finished."""


@contextmanager
def time_box(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` in the body once ``seconds`` have passed, in any thread."""
    thread = threading.get_ident()
    guard = threading.Lock()
    running = True

    def expire() -> None:
        with guard:  # never once the body has ended: it would strike unrelated code
            if running:
                _raise_in(thread, Expired)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            running = False
        timer.cancel()
        # An Expired raised by the timer just as the body ended is still pending: drop it.
        _raise_in(thread, None)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Make ``thread`` raise ``exception`` at its next bytecode (None: no longer)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), None if exception is None else ctypes.py_object(exception)
    )
