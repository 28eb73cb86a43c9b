"""The Flask application: the released graph behind a read-only SPARQL endpoint and a browser."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from dxkg.release import Release
from dxkg.web import cors, hosts, security
from dxkg.web.errors import ProtocolError
from dxkg.web.settings import EndpointSettings
from dxkg.web.sparql import endpoint as sparql
from dxkg.web.sparql.engines import EmbeddedEngine, Engine, RemoteEngine
from dxkg.web.views import (
    classes,
    downloads,
    editor,
    geo,
    graphview,
    home,
    i18n,
    network,
    ontology,
    pages,
    resources,
    search,
)
from dxkg.web.views import files as release
from dxkg.web.views import map as geomap


def create_engine(served: Release, settings: EndpointSettings) -> Engine:
    """The remote endpoint if one is set, else the release's dump in an embedded store."""
    if settings.remote_endpoint:
        return RemoteEngine(settings.remote_endpoint, settings.query_memory_bytes)
    with served.parsing_dump() as dump:
        return EmbeddedEngine(dump, settings.query_memory_bytes)


def create_app(dist: Path, settings: EndpointSettings | None = None) -> Flask:
    """The application serving the release ``dist`` names when it is created.

    Raises ReleaseError (:mod:`dxkg.release`) when there is no release to serve.
    """
    settings = settings or EndpointSettings()
    # One release for the server's life, opened before anything else is read: ``dist``
    # (a symlink a rebuild switches) resolved once to the release's own absolute folder,
    # which no build removes while the server runs. Every view reads it through
    # ``files.current()`` (its files, report, networks, example queries).
    served = Release.open(dist)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["ENDPOINT"] = settings
    app.config["ENGINE"] = create_engine(served, settings)
    app.config["RELEASE"] = served
    app.json.ensure_ascii = False  # Japanese stays readable in the JSON pages
    # IRIs are minted under this base; the server answers for them on the hosts it allows
    # (see hosts).
    app.config["BASE_IRI"] = served.report.base_iri
    i18n.install(app)
    security.install(app)
    cors.install(app)
    app.jinja_env.filters["merge_query"] = pages.merge_query
    app.jinja_env.globals["small_map"] = geo.small_map
    app.register_error_handler(HTTPException, pages.error_page)
    app.register_error_handler(ProtocolError, pages.error_page)
    # The SPARQL endpoint, the hot path, is answered ahead of Flask (see sparql.mount).
    sparql.mount(app)
    # Ahead of both: no request for another host reaches them (see hosts).
    hosts.install(app, settings.allowed_hosts, settings.public_url)
    # Conditional GET for the pages (after-request hooks run last registered first: the
    # headers above are added to its 304s too).
    app.after_request(pages.conditional)
    for module in (
        ontology,
        release,
        home,
        resources,
        classes,
        downloads,
        editor,
        graphview,
        search,
        network,
        geomap,
    ):
        app.register_blueprint(module.blueprint)
    return app
