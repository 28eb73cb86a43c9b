"""The Flask application: the released graph behind a read-only SPARQL endpoint."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, render_template

from . import ontology, release, sparql
from .engines import EmbeddedEngine, Engine, RemoteEngine
from .settings import EndpointSettings


def create_engine(dist: Path, settings: EndpointSettings) -> Engine:
    """The remote endpoint if one is set, else the release's dump in an embedded store."""
    if settings.remote_endpoint:
        return RemoteEngine(settings.remote_endpoint)
    return EmbeddedEngine(dist / "dxkg.nq")


def create_app(dist: Path, settings: EndpointSettings | None = None) -> Flask:
    """The application serving the release in ``dist``."""
    settings = settings or EndpointSettings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["ENDPOINT"] = settings
    app.config["ENGINE"] = create_engine(dist, settings)
    app.config["DIST"] = dist
    report = json.loads((dist / "build-report.json").read_text("utf-8"))
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(ontology.blueprint)
    app.register_blueprint(release.blueprint)

    @app.get("/")
    def home() -> str:
        return render_template("home.html", report=report)

    return app
