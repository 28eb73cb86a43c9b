"""Run the application under gunicorn, the production WSGI server."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication

from .app import create_app


class _Gunicorn(BaseApplication):
    """gunicorn with its settings given in code instead of a config file."""

    def __init__(self, dist: Path, options: dict) -> None:
        self.dist = dist
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own store after the fork: the store is not shared.
        return create_app(self.dist)


def serve(dist: Path, host: str = "127.0.0.1", port: int = 8080, workers: int = 2) -> None:
    """Serve ``dist`` on ``host:port`` until interrupted."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 5,
    }
    _Gunicorn(dist, options).run()
