"""The ``dxkg`` command: build, validate, serve and inspect the knowledge graph."""

from __future__ import annotations

import copy
import re
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dxkg.config import DEFAULT_BASE_IRI, Paths, ProjectError, project_paths
from dxkg.web.sparql.results import DEFAULT_BYTE_LIMIT
from dxkg.web.sparql.sandbox import DEFAULT_MEMORY_BYTES

if TYPE_CHECKING:  # imported where used: `dxkg --help` loads neither pydantic nor rdflib
    from dxkg.release import NetworkSummary, Release

DIST_OPTION = click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder (default: $DXKG_DIST, else dist/ in the project; one of them is "
    "required when the project is read-only, as an installed package's own is).",
)
PROJECT_OPTION = click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Project folder holding sources/ (with manifest.toml), ontology/, mappings/ and "
    "shapes/ (default: $DXKG_PROJECT, else the source checkout, else the read-only copy "
    "installed with the package).",
)


def _paths(dist: Path | None, project: Path | None = None, work: Path | None = None) -> Paths:
    """The command's paths (see :func:`dxkg.config.project_paths`); a project that cannot
    be used as asked is the command's error."""
    try:
        return project_paths(project, dist, work)
    except ProjectError as error:
        raise click.UsageError(str(error)) from None


def _release(dist: Path) -> Release:
    """The release in ``dist``, read through the release contract (:mod:`dxkg.release`);
    none there is the command's error, in one line."""
    from dxkg.release import Release, ReleaseError

    try:
        return Release.open(dist)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _dump(release: Release) -> Iterator[Path]:
    """The dump of ``release``, for a command that parses it; a dump that does not parse
    is the command's error, in one line (see :meth:`Release.parsing_dump`)."""
    from dxkg.release import ReleaseError

    try:
        with release.parsing_dump() as dump:
            yield dump
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises SystemExit (status 143) as Ctrl-C raises
    KeyboardInterrupt, so that a killed build still removes its temporary work folder
    and its staging folder; the previous handler is restored after the block."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _text(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """An option's text without its surrounding spaces; empty is the option's error."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty")
    return value.strip() if value is not None else None


def _email_address(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    """An e-mail address (``mailto:`` dropped): a local part, ``@`` and a domain."""
    if value is None:
        return None
    address = value.strip().removeprefix("mailto:")
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\".]+(?:\.[^@\s<>\".]+)+", address):
        raise click.BadParameter(f"{value!r} is not an e-mail address")
    return address


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dxkg")
def main() -> None:
    """dxkg: a linked-data publisher for Japanese municipal DX (自治体DX)."""


@main.command()
@PROJECT_OPTION
@DIST_OPTION
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the stages' records, emptied by every build; dxkg empties only a "
    "folder it made (default: work/ in the project; a temporary folder, removed after the "
    "build, when the project is read-only).",
)
@click.option(
    "--base-iri",
    default=DEFAULT_BASE_IRI,
    show_default=True,
    help="Base under which the published IRIs are minted.",
)
@click.option(
    "--publisher-name",
    metavar="NAME",
    callback=_text,
    help="The publisher the catalogue names (default: [publisher] of "
    "mappings/catalogue.toml, in Japanese and English).",
)
@click.option(
    "--contact-name",
    metavar="NAME",
    callback=_text,
    help="The catalogue's contact point (default: [contact] of mappings/catalogue.toml).",
)
@click.option(
    "--contact-email",
    metavar="ADDRESS",
    callback=_email_address,
    help="The contact point's e-mail address (default: [contact] of mappings/catalogue.toml).",
)
def build(
    project: Path | None,
    dist: Path | None,
    work: Path | None,
    base_iri: str,
    publisher_name: str | None,
    contact_name: str | None,
    contact_email: str | None,
) -> None:
    """Build the graph from the project's sources/ into dist/ (extract, link, map,
    validate, publish).

    The previous release in dist/ stays untouched unless every stage passes. Nothing is
    written but dist/, the releases folder beside it (dist.releases/) and the work folder.
    """
    from dxkg.pipeline.extract.corpus import CorpusError
    from dxkg.pipeline.extract.sourcetext import SourceFormatError
    from dxkg.pipeline.link.survey import LinkError
    from dxkg.pipeline.pipeline import BuildError, run_build
    from dxkg.pipeline.publish.catalogue import Overrides
    from dxkg.pipeline.workdir import WorkFolderError

    if not base_iri.endswith(("/", "#")):
        raise click.BadParameter("must end with / or #", param_hint="--base-iri")
    paths = _paths(dist, project, work)
    try:
        overrides = Overrides(publisher_name, contact_name, contact_email)
        with _stopped_by_sigterm():
            built = run_build(paths, echo=click.echo, base_iri=base_iri, overrides=overrides)
    except (CorpusError, SourceFormatError, LinkError, WorkFolderError, BuildError) as error:
        click.secho(f"build failed: {error}", fg="red", err=True)
        there = paths.dist.exists() or paths.dist.is_symlink()
        click.echo(
            f"{paths.dist} was left unchanged." if there else "No release was published.", err=True
        )
        sys.exit(1)
    report = built.report
    click.echo(
        f"built {report.triples['total']} triples into {paths.dist} "
        f"in {sum(built.timings.values()):.1f} s; "
        f"anomalies: {sum(report.anomalies.counts.values())}, "
        f"SHACL: {report.shacl.counts or 'no findings'}"
    )


@main.command()
@PROJECT_OPTION
@DIST_OPTION
def validate(project: Path | None, dist: Path | None) -> None:
    """Validate the published graph in dist/ against the project's shapes/ (exit 1 on any
    violation)."""
    from rdflib import Dataset

    from dxkg.pipeline.pipeline import validate_stage
    from dxkg.pipeline.publish.dumps import GRAPH_BASE

    paths = _paths(dist, project)
    dataset = Dataset()
    with _dump(_release(paths.dist)) as dump:
        dataset.parse(dump, format="nquads")
    graphs = {
        str(graph.identifier).removeprefix(GRAPH_BASE): graph
        for graph in dataset.graphs()
        if str(graph.identifier).startswith(GRAPH_BASE)
    }
    report = validate_stage(graphs, paths)
    click.echo(report.summary())
    sys.exit(0 if report.conforms else 1)


def _public_url(value: str | None) -> str | None:
    """``--public-url`` as ``scheme://host[:port]``; a bad one is the option's error."""
    from dxkg.web.hosts import public_url

    try:
        return None if value is None else public_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _host_name(value: str) -> str:
    """An ``--allowed-host`` as a ``Host`` header spells it; a bad one is the option's error."""
    from dxkg.web.hosts import host_name

    try:
        return host_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@DIST_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: two per core, plus one).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Threads per worker, each with its own query process (default: 2).",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds a SPARQL query may run before it is stopped.",
)
@click.option(
    "--row-limit",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows in one SPARQL answer; a cut is announced in the headers.",
)
@click.option(
    "--byte-limit",
    type=click.IntRange(min=1024),
    default=DEFAULT_BYTE_LIMIT,
    show_default=True,
    help="Most bytes in one SPARQL answer; whole rows past it are cut, the cut announced.",
)
@click.option(
    "--query-memory",
    "query_memory_mib",
    type=click.IntRange(min=64),
    default=DEFAULT_MEMORY_BYTES >> 20,
    show_default=True,
    help="MiB a query process may allocate beyond what it shares with its worker.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.5),
    default=None,
    help="Seconds a client has to send a whole request; a slower one gets 408 "
    "(default: 10, or $DXKG_REQUEST_TIMEOUT).",
)
@click.option(
    "--sparql-endpoint",
    metavar="URL",
    default=None,
    help="Answer queries from this remote SPARQL endpoint instead of the embedded store.",
)
@click.option(
    "--public-url",
    metavar="URL",
    default=None,
    callback=lambda _ctx, _param, value: _public_url(value),
    help="The URL the server is reached at behind a proxy (scheme://host[:port]): its host "
    "is answered, and absolute URLs (redirects, the service description) name it.",
)
@click.option(
    "--allowed-host",
    "allowed_host_names",
    multiple=True,
    metavar="NAME",
    callback=lambda _ctx, _param, values: tuple(map(_host_name, values)),
    help="Another Host the server answers for, NAME or NAME:PORT (repeatable); besides "
    "localhost, 127.0.0.1, [::1] and --host, each bare and with --port. Others get 400.",
)
def serve(
    dist: Path | None,
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    query_timeout: float,
    row_limit: int,
    byte_limit: int,
    query_memory_mib: int,
    request_timeout: float | None,
    sparql_endpoint: str | None,
    public_url: str | None,
    allowed_host_names: tuple[str, ...],
) -> None:
    """Serve the release in dist/: SPARQL endpoint at /sparql (gunicorn, read-only).

    The release dist/ names at start is served until the server stops: a rebuild
    changes what it answers only once it is restarted.
    """
    from dxkg.release import ReleaseError
    from dxkg.web.hosts import allowed_hosts
    from dxkg.web.serve import client_limits
    from dxkg.web.serve import serve as run_server
    from dxkg.web.settings import EndpointSettings

    paths = _paths(dist)
    # Opened (and checked) once: the symlink a rebuild switches is not read again while
    # serving; the application opens the same folder (see create_app).
    release = _release(paths.dist).folder
    settings = EndpointSettings(
        query_timeout=query_timeout,
        row_limit=row_limit,
        byte_limit=byte_limit,
        query_memory_bytes=query_memory_mib << 20,
        remote_endpoint=sparql_endpoint,
        allowed_hosts=allowed_hosts(host, port, allowed_host_names, public_url),
        public_url=public_url,
    )
    limits = client_limits(settings)
    if request_timeout is not None:
        limits = replace(limits, request_timeout=request_timeout)
    try:
        run_server(
            release, settings, host=host, port=port, workers=workers, threads=threads, limits=limits
        )
    except ReleaseError as error:  # the dump, parsed when the application is made
        raise click.ClickException(str(error)) from None


@main.command()
@DIST_OPTION
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
    "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    default=None,
    help="The store's SPARQL endpoint, to count each graph after loading "
    "(default: read the graphs back from --endpoint).",
)
@click.option("--user", default=None, help="User name for HTTP authentication.")
@click.option(
    "--password",
    envvar="DXKG_STORE_PASSWORD",
    default=None,
    help="Password for HTTP authentication (or $DXKG_STORE_PASSWORD).",
)
@click.option(
    "--auth",
    "auth_scheme",
    type=click.Choice(["basic", "digest"]),
    default="basic",
    show_default=True,
    help="HTTP authentication scheme (Virtuoso uses digest).",
)
@click.option(
    "--union-default-graph",
    "union_default",
    is_flag=True,
    help="Also replace the store's default graph with the union of the release's graphs, "
    "as `dxkg serve --sparql-endpoint` expects of a store without a union default graph "
    "that honours FROM (Oxigraph).",
)
@click.option("--dry-run", is_flag=True, help="Only print what would change per graph.")
def load(
    dist: Path | None,
    endpoint: str,
    query_endpoint: str | None,
    user: str | None,
    password: str | None,
    auth_scheme: str,
    union_default: bool,
    dry_run: bool,
) -> None:
    """Load the release in dist/ into a triplestore, one named graph per PUT.

    Each graph is replaced in one request; unchanged graphs are not sent; after
    loading, every graph's size in the store is compared with the release's.
    `dxkg publish` is another name for this command.
    """
    import time

    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    from dxkg.pipeline.load import (
        GraphStore,
        GraphStoreError,
        describe,
        plan,
        release_graphs,
    )
    from dxkg.pipeline.load import publish as publish_graphs

    paths = _paths(dist)
    release = _release(paths.dist)
    auth = None
    if user is not None:
        auth = (HTTPDigestAuth if auth_scheme == "digest" else HTTPBasicAuth)(user, password or "")
    store = GraphStore(endpoint, auth)
    started = time.monotonic()
    try:
        with _dump(release) as dump:
            graphs = release_graphs(dump, union_default)
        if dry_run:
            changes = plan(store, graphs)
            for change in changes:
                click.echo(describe(change, "same" if change.unchanged else "would"))
        else:
            changes = publish_graphs(store, graphs, query_endpoint, echo=click.echo)
    except GraphStoreError as error:
        raise click.ClickException(str(error)) from None
    added = sum(change.added for change in changes)
    removed = sum(change.removed for change in changes)
    verb = "would change" if dry_run else "published and verified"
    click.echo(
        f"{verb}: {len(changes)} graphs, +{added} −{removed} triples "
        f"in {time.monotonic() - started:.1f} s"
    )


def _alias(command: click.Command, name: str) -> click.Command:
    """``command`` under another name as well, its help saying whose alias it is."""
    alias = copy.copy(command)
    alias.name = name
    alias.short_help = f"Alias of `dxkg {command.name}`."
    alias.help = f"Alias of `dxkg {command.name}`.\n\n{command.help}"
    return alias


main.add_command(_alias(load, "publish"))


@main.command()
@DIST_OPTION
def stats(dist: Path | None) -> None:
    """Print counts of the release in dist/: triples per graph, instances per class."""
    from pyoxigraph import RdfFormat, Store

    release = _release(_paths(dist).dist)
    store = Store()
    with _dump(release) as dump:
        store.load(path=str(dump), format=RdfFormat.N_QUADS)
    per_graph = Counter(str(quad.graph_name.value) for quad in store)
    click.echo("triples per graph:")
    for name, count in sorted(per_graph.items()):
        click.echo(f"  {count:>7}  {name}")
    click.echo("instances per class:")
    query = (
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) "
        "WHERE { GRAPH ?g { ?s a ?class } } GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    for row in store.query(query):
        click.echo(f"  {int(row['n'].value):>7}  {row['class'].value}")
    anomalies = release.report.anomalies.counts
    click.echo("anomalies: " + ", ".join(f"{k} {v}" for k, v in anomalies.items()))


@main.command()
@DIST_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder the exports are written to (made if missing; files of the same names "
    "are replaced, nothing else in it is touched).",
)
def network(dist: Path | None, out: Path) -> None:
    """Build the vendor, technology and shared-system networks of the release in dist/,
    write them (GEXF, GraphML, CSV, Cytoscape.js JSON, figures) into --out and print a
    summary. The release already holds them, in network/."""
    import time

    from pyoxigraph import RdfFormat, Store

    from dxkg.pipeline.analysis.export import write_analysis
    from dxkg.pipeline.analysis.measures import analyse
    from dxkg.pipeline.analysis.networks import build_networks

    paths = _paths(dist)
    release = _release(paths.dist)
    _check_network_out(out, paths, release.folder)
    started = time.perf_counter()
    store = Store()
    with _dump(release) as dump:
        store.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
    analysis = analyse(build_networks(store, release.report.base_iri))
    out.mkdir(parents=True, exist_ok=True)
    before = _file_states(out)
    summary = write_analysis(analysis, out, release.report.release_date)
    written = sum(1 for path, state in _file_states(out).items() if before.get(path) != state)
    elapsed = time.perf_counter() - started
    _print_network_summary(summary)
    click.echo(f"wrote {written} files into {out} in {elapsed:.2f} s")


def _check_network_out(out: Path, paths: Paths, release: Path) -> None:
    """Refuse, as the option's error, an ``--out`` inside a release (the one read, the
    ``dist`` link, any ``*.releases`` folder) or an input folder of the project."""
    from dxkg.pipeline.publish.releases import releases_dir

    folder = out.resolve()
    guarded = [release, releases_dir(paths.dist), paths.dist.parent.resolve() / paths.dist.name]
    guarded += [paths.sources, paths.ontology, paths.mappings, paths.shapes]
    inside = [path for path in guarded if folder.is_relative_to(path.resolve())]
    inside += [path for path in (folder, *folder.parents) if path.name.endswith(".releases")]
    if inside:
        raise click.BadParameter(
            f"{out} lies in {inside[0]}: dxkg network never writes into a release or the "
            "project's inputs; name another folder",
            param_hint="--out",
        )


def _file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file directly in ``folder``: its inode, size and change time, to tell which
    files a command wrote."""
    states = {}
    for path in folder.iterdir():
        if path.is_file():
            stat = path.stat()
            states[path.name] = (stat.st_ino, stat.st_size, stat.st_ctime_ns)
    return states


def _print_network_summary(summary: NetworkSummary) -> None:
    click.echo(
        f"{'network':<28} {'nodes':>6} {'govts':>6} {'others':>6} {'edges':>6} "
        f"{'comps':>6} {'communities':>11}"
    )
    for n in summary.networks:
        click.echo(
            f"{n.name:<28} {n.nodes:>6} {n.governments:>6} {n.others:>6} "
            f"{n.edges:>6} {n.components:>6} {n.communities:>11}"
        )
    click.echo("top vendors by municipalities served:")
    for rank, vendor in enumerate(summary.top_vendors[:10], 1):
        click.echo(
            f"  {rank:>2}. {vendor.label}  municipalities {vendor.municipalities}, "
            f"initiatives {vendor.initiatives}, prefectures {vendor.prefectures}"
        )
    vendors = next(n for n in summary.networks if n.name == "vendor-municipality")
    click.echo(
        f"communities (Louvain) in vendor-municipality: {vendors.communities}, "
        f"largest {vendors.community_sizes[:5]}"
    )
