"""A time limit for Python work in the web worker itself: rdflib's SPARQL parser.

Queries are evaluated under the time limit in the worker's query process
(:mod:`.executor`), but two checks parse the query with rdflib in the worker first:
the SERVICE allow-list (:mod:`.federation`) and telling an update sent as a query from
a malformed query. rdflib's parser is pure Python and slow on long inputs: a
90 KB ``ORDER BY ?s ?s …`` that mentions SERVICE held a worker 21 s, and an 875 KB
``INSERT DATA`` 11 s, whatever ``--query-timeout`` said (found by ``tests/test_fuzz.py``).
A timer signal stops such work: its handler raises :class:`Expired` in the code the
main thread is running.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Expired(Exception):
    """The time box ran out before the work in it finished."""


@contextmanager
def time_box(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` in the body once ``seconds`` have passed.

    Only the main thread receives signals, and gunicorn's sync workers serve requests
    there; in another thread (a threaded development server) the body runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _expire(signum: int, frame: object) -> None:
    raise Expired
