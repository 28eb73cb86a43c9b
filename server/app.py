"""The Flask application: the released graph behind a read-only SPARQL endpoint."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, render_template
from pyoxigraph import RdfFormat, Store

from . import ontology, release, sparql

#: Largest request body accepted (a query, or a form holding one).
MAX_REQUEST_BYTES = 1 << 20


def load_store(dist: Path) -> Store:
    """An in-memory store holding the release's named graphs."""
    store = Store()
    store.bulk_load(path=str(dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return store


def create_app(dist: Path) -> Flask:
    """The application serving the release in ``dist``."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["STORE"] = load_store(dist)
    app.config["DIST"] = dist
    report = json.loads((dist / "build-report.json").read_text("utf-8"))
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(ontology.blueprint)
    app.register_blueprint(release.blueprint)

    @app.get("/")
    def home() -> str:
        return render_template("home.html", report=report)

    return app
