"""Run the application under gunicorn, the production WSGI server."""

from __future__ import annotations

import os
import select
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.workers.sync import SyncWorker

from .app import create_app
from .settings import EndpointSettings

#: gunicorn's own ceiling for the request line: longer GET queries get 414 and
#: should be sent by POST, whose body may be up to ``max_request_bytes``.
MAX_REQUEST_LINE = 8190


def default_workers() -> int:
    """gunicorn's advice for synchronous workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


class ExclusiveSyncWorker(SyncWorker):
    """gunicorn's sync worker, woken alone when a connection arrives.

    Idle sync workers wait in ``select()`` on the shared listening socket, and the
    kernel wakes every one of them for each connection although only one can accept
    it; with the default five workers those wake-ups cost more than a lookup. Waiting
    in epoll with ``EPOLLEXCLUSIVE`` wakes one. Still one request at a time and no
    threads, so forking the query process is as safe as in the sync worker.
    """

    _poller: select.epoll | None = None

    def wait(self, timeout: float) -> list:
        """Wait until a listening socket (returned) or the signal pipe is readable."""
        self.notify()
        if self._poller is None:  # created in the worker, after the fork
            self._poller = select.epoll()
            for listener in self.sockets:
                self._poller.register(listener, select.EPOLLIN | select.EPOLLEXCLUSIVE)
            self._poller.register(self.PIPE[0], select.EPOLLIN)
        ready = {fd for fd, _ in self._poller.poll(timeout)}
        if self.PIPE[0] in ready:  # a signal arrived: the loop checks whether to stop
            os.read(self.PIPE[0], 1)
        return [listener for listener in self.sockets if listener.fileno() in ready]


class _Gunicorn(BaseApplication):
    """gunicorn with its settings given in code instead of a config file."""

    def __init__(self, dist: Path, settings: EndpointSettings, options: dict) -> None:
        self.dist = dist
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Called once, in the master (preload_app); each worker forks its own query process.
        return create_app(self.dist, self.settings)


def serve(
    dist: Path,
    settings: EndpointSettings,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int | None = None,
) -> None:
    """Serve ``dist`` on ``host:port`` until interrupted."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": ExclusiveSyncWorker,
        "accesslog": "-",
        # A worker is only declared hung well after its query's own time limit.
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        # The store is loaded once, in the master, and the workers share its pages
        # copy-on-write: 26% less memory (PSS) with five workers, and a worker that
        # gunicorn replaces starts without reloading the dump.
        "preload_app": True,
    }
    _Gunicorn(dist, settings, options).run()
