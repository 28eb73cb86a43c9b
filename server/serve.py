"""Run the application under gunicorn, the production WSGI server."""

from __future__ import annotations

import os
from pathlib import Path

from gunicorn.app.base import BaseApplication

from dxkg.web.app import create_app
from dxkg.web.settings import EndpointSettings
from dxkg.web.worker import ClientLimits, RequestBufferingWorker

#: gunicorn's own ceiling for the request line: longer GET queries get 414 and
#: should be sent by POST, whose body may be up to ``max_request_bytes``.
MAX_REQUEST_LINE = 8190
#: Threads per worker. Each has its own query process (see engines.EmbeddedEngine), so
#: a slow query holds one thread while the others serve the worker's other connections.
DEFAULT_THREADS = 2
#: Environment variables that change how many seconds a client has to send a whole
#: request, and to take an answer (``worker.REQUEST_TIMEOUT``, 10 s, and
#: ``worker.SEND_TIMEOUT``, 30 s, plus the answer's size at ``worker.MIN_SEND_RATE``
#: bytes a second, by default): the tests shorten them to see slow clients closed.
REQUEST_TIMEOUT_ENV = "DXKG_REQUEST_TIMEOUT"
SEND_TIMEOUT_ENV = "DXKG_SEND_TIMEOUT"
MIN_SEND_RATE_ENV = "DXKG_MIN_SEND_RATE"


def default_workers() -> int:
    """gunicorn's advice for the number of workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


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
        # Called once, in the master (preload_app); the workers' threads fork query processes.
        return create_app(self.dist, self.settings)


def client_limits(settings: EndpointSettings) -> ClientLimits:
    """How long clients have to send a request and read the answer, and the largest body."""
    timeouts = {
        "request_timeout": os.environ.get(REQUEST_TIMEOUT_ENV),
        "send_timeout": os.environ.get(SEND_TIMEOUT_ENV),
        "min_send_rate": os.environ.get(MIN_SEND_RATE_ENV),
    }
    return ClientLimits(
        max_body=settings.max_request_bytes,
        **{name: float(value) for name, value in timeouts.items() if value},
    )


def serve(
    dist: Path,
    settings: EndpointSettings,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int | None = None,
    threads: int | None = None,
    limits: ClientLimits | None = None,
) -> None:
    """Serve ``dist`` on ``host:port`` until interrupted; ``limits`` on clients default to
    :func:`client_limits`."""
    # Set in the master, which forks the workers: they inherit the class as it is.
    RequestBufferingWorker.configure(limits or client_limits(settings))
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        # Threaded workers keep connections alive between requests, as browsers (YASGUI,
        # the pages), HTTP sessions and Comunica expect: 8% more queries answered than
        # with sync workers, which close the connection after every answer. gthread's
        # threads read requests themselves, with no deadline, so slow clients took them
        # all; this one reads them in its event loop and gives a thread only whole ones.
        "worker_class": "dxkg.web.worker.RequestBufferingWorker",
        "threads": threads or DEFAULT_THREADS,
        "accesslog": "-",
        # A worker is only declared hung well after its query's own time limit.
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        # The store is loaded once, in the master, and the workers share its pages
        # copy-on-write: 26% less memory (PSS) with five workers, and a worker that
        # gunicorn replaces starts without reloading the dump.
        "preload_app": True,
        # gunicorn 25.1+ opens a control socket, by default at one path for every server
        # of the user ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): any
        # local process of the user could stop or resize a server through it, and one
        # server's exit removed the socket another had opened. Nothing uses it: off.
        "control_socket_disable": True,
        # No client is trusted to say which scheme or path prefix it reached the server
        # by (X-Forwarded-Proto, SCRIPT_NAME), loopback included, as gunicorn would by
        # default: they would reach the absolute URLs. Behind a proxy, --public-url says it.
        "forwarded_allow_ips": "",
    }
    _Gunicorn(dist, settings, options).run()
