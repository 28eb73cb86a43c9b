"""Security of the running server, over real HTTP on 127.0.0.1 with each engine.

- the endpoint is read-only, whatever way an update is sent;
- the server never connects anywhere while answering: requests that would make a
  naive server fetch a URL point at a local "trap" listener, and the server runs with
  every HTTP proxy variable pointing at the trap too, so a fetch of any other host
  would land there as well; the trap must see no connection;
- only files of the release in ``dist/`` are served, whatever the path says;
- every answer carries ``nosniff`` and a Referrer-Policy, pages a strict
  Content-Security-Policy that Chromium enforces without breaking them.

SERVICE is one of the ways to make a server fetch; the variants that once slipped past
a check (a comment that ends at a carriage return, escapes, sub-queries, CONSTRUCT)
are here, and the query process itself is shown to have no network in
test_query_process.py.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect
from pyoxigraph import Store

from conftest import ENGINE_MODES
from fuzzing import proxy_environment
from servers import dxkg_server, endpoint_server
from test_endpoint_limits import server_pid

pytestmark = pytest.mark.e2e

CASE = "/page/id/case/v2-3-19"


# -- the trap --------------------------------------------------------------------------------


class Trap:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return  # closed
            with client:
                client.settimeout(2)
                try:
                    self.connections.append(client.recv(4096))  # what was asked, to report
                    client.sendall(b"HTTP/1.0 503 Trap\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        """Stop listening (the accepting thread ends with the socket)."""
        self.sock.close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    """One trap for the module's servers; a test that makes it catch something clears it."""
    listener = Trap()
    yield listener
    listener.close()


def proxied_through(trap: Trap):
    """Environment for the processes started inside: every HTTP(S) proxy is the trap, so a
    fetch of any host (but 127.0.0.1, reached directly) arrives at the trap."""
    return proxy_environment(trap.url)


@pytest.fixture(scope="module", params=ENGINE_MODES)
def trapped_server(request, release, trap: Trap) -> Iterator[str]:
    """``dxkg serve`` (and, remote, its oxigraph) started with the trap as every proxy."""
    paths, _ = release
    with ExitStack() as stack:
        with proxied_through(trap):  # only the processes started here see the proxies
            base = stack.enter_context(endpoint_server(request.param, paths.dist))
        yield base


def query(text: str, **params: str) -> tuple[str, dict]:
    """A GET of /sparql with ``text`` as its query and the protocol's other ``params``."""
    return "get", {"params": {"query": text, **params}}


def form(**fields: str) -> tuple[str, dict]:
    """A form POST of /sparql with ``fields``."""
    return "post", {"data": fields}


def requests_naming_the_trap(trap: str) -> list[tuple[str, tuple[str, dict], int | tuple]]:
    """(what, (method, requests arguments) for /sparql, expected statuses): each would make
    a naive server open a connection to ``trap``. SERVICE SILENT may answer an empty
    result (the call fails silently, as SILENT asks) or be refused (in front of a remote
    store); Oxigraph reads no escapes outside literals, so an escaped keyword is malformed."""
    select = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    update = {"Content-Type": "application/sparql-update"}
    return [
        ("SERVICE", query(f"SELECT * {{ SERVICE <{trap}/sparql> {{ ?s ?p ?o }} }}"), 403),
        (
            "SERVICE SILENT",
            form(query=f"ASK {{ SERVICE SILENT <{trap}/s> {{ ?s ?p ?o }} }}"),
            (200, 403),
        ),
        (
            "SERVICE in EXISTS",
            query(f"ASK {{ FILTER EXISTS {{ SERVICE <{trap}/> {{ }} }} }}"),
            (200, 403),
        ),
        (
            "SERVICE after #\\r",
            query(f"SELECT ?s {{ #\rSERVICE <{trap}/x> {{ ?s ?p ?o }}\n}}"),
            403,
        ),
        (
            "SERVICE in a sub-query after #\\r",
            form(
                query=f"SELECT * {{ {{ SELECT ?s {{ #\rSERVICE <{trap}/> {{ ?s ?p ?o }}\n}} }} }}"
            ),
            403,
        ),
        (
            "SERVICE in CONSTRUCT after #\\r",
            query(f"CONSTRUCT {{ ?s ?p ?o }} {{ #\rSERVICE <{trap}/> {{ ?s ?p ?o }}\n}}"),
            403,
        ),
        (
            "SERVICE escaped",
            query(f"SELECT * {{ \\u0053ERVICE <{trap}/> {{ ?s ?p ?o }} }}"),
            (400, 403),
        ),
        (
            "SERVICE by prefix",
            query(f"PREFIX t: <{trap}/> SELECT * {{ SERVICE t:x {{ ?s ?p ?o }} }}"),
            403,
        ),
        ("FROM", query(f"SELECT * FROM <{trap}/data.ttl> {{ ?s ?p ?o }} LIMIT 1"), 200),
        ("FROM NAMED", query(f"SELECT * FROM NAMED <{trap}/g> {{ GRAPH ?g {{ ?s ?p ?o }} }}"), 200),
        ("default-graph-uri", query(select, **{"default-graph-uri": f"{trap}/d.ttl"}), 200),
        ("named-graph-uri", form(query=select, **{"named-graph-uri": f"{trap}/n.ttl"}), 200),
        ("DESCRIBE", query(f"DESCRIBE <{trap}/thing>"), 200),
        ("BASE", query(f"BASE <{trap}/> SELECT * FROM <x.ttl> {{ ?s ?p ?o }}"), 200),
        ("LOAD by form", form(update=f"LOAD <{trap}/data.ttl>"), 403),
        ("LOAD by GET", ("get", {"params": {"update": f"LOAD <{trap}/d.ttl>"}}), 403),
        ("LOAD as sparql-update", ("post", {"data": f"LOAD <{trap}/d>", "headers": update}), 403),
        ("LOAD sent as a query", form(query=f"LOAD SILENT <{trap}/d.ttl>"), 403),
    ]


def pages_naming_the_trap(trap: str) -> list[str]:
    """Browser paths about an IRI at the trap, and pages of things that link out."""
    encoded = quote(trap, safe="")
    return [
        f"/page/{trap}/x",
        f"/page/{encoded}",
        f"/data/{trap}/x.ttl",
        f"/view/{trap}/x",
        f"/id/{trap}/x",
        f"/search?q={encoded}",
        f"/query?query={encoded}",
        CASE,  # its 関連URL links point at the municipality's site: linked, never fetched
        "/ontology",
        "/downloads",
    ]


def test_no_request_makes_the_server_connect_anywhere(trapped_server: str, trap: Trap):
    """Every request naming the trap is answered (refused where it must be), and none of
    them, nor any page, makes the server or its engine open a connection."""
    problems = []
    for label, (method, arguments), expected in requests_naming_the_trap(trap.url):
        response = getattr(requests, method)(trapped_server + "/sparql", timeout=30, **arguments)
        if response.status_code not in (expected if isinstance(expected, tuple) else (expected,)):
            problems.append(f"{label}: {response.status_code} {response.text[:100]}")
    for path in pages_naming_the_trap(trap.url):
        response = requests.get(trapped_server + path, timeout=30)
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
    # a server that trusts the Host header could fetch its own "base" from it
    headers = {"Host": f"127.0.0.1:{trap.port}", "Referer": trap.url + "/", "Forwarded": "host=x"}
    assert requests.get(trapped_server + CASE, headers=headers, timeout=30).status_code < 500
    assert not problems, problems
    assert trap.connections == [], f"the server connected to the trap: {trap.connections}"


def test_server_processes_hold_no_sockets_to_anywhere_else(trapped_server: str, trap: Trap):
    """At process level, after a round of requests: every TCP socket of the server's
    processes is its listening socket, a client connection to it, or (remote engine) a
    connection to its configured endpoint; and there is no UDP socket (no DNS lookup)."""
    for path in (CASE, "/view/id/case/v2-3-19", "/query", "/sparql?query=ASK%7B%7D"):
        requests.get(trapped_server + path, timeout=30)
    pid = server_pid(trapped_server)
    allowed_ports = {int(trapped_server.rsplit(":", 1)[1])}
    if endpoint := _option(pid, "--sparql-endpoint"):
        allowed_ports.add(urlsplit(endpoint).port)
    tcp, udp = _sockets(_process_tree(pid))
    strays = [
        (local, remote, state)
        for local, remote, state in tcp
        if state != "0A" and local[1] not in allowed_ports and remote[1] not in allowed_ports
    ]
    assert not strays, f"sockets to elsewhere: {strays}"
    assert not udp, f"UDP sockets: {udp}"
    assert any(state == "0A" for _, _, state in tcp), "the scan did not find the listening socket"


def test_the_trap_catches_an_engine_that_fetches(trap: Trap):
    """The methods above can see a fetch: the engine, unconfined, calls the trap as a
    SERVICE, and a child process's fetch of an outside host arrives through the proxy."""
    before = len(trap.connections)
    try:
        with proxied_through(trap):
            subprocess.run([sys.executable, "-c", OUTSIDE_FETCH], check=True, timeout=30)
        assert len(trap.connections) == before + 1 and b"example.org" in trap.connections[-1]
        text = f"SELECT * {{ SERVICE <{trap.url}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(OSError):  # the trap answers 503
            list(Store().query(text))
        assert len(trap.connections) == before + 2
    finally:
        del trap.connections[before:]  # the other tests must see only their own


#: A child process fetching a page of another host, as a naive server would.
OUTSIDE_FETCH = """
import urllib.request
try:
    urllib.request.urlopen("http://example.org/", timeout=5)
except OSError:
    pass
"""


def _option(pid: int, name: str) -> str | None:
    """The value of the command-line option ``name`` of process ``pid``, if given."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    return command[command.index(name) + 1] if name in command else None


def _process_tree(root: int) -> set[int]:
    """``root`` and every process below it (gunicorn, its workers, their query processes)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    for _ in range(5):
        tree |= {pid for pid, ppid in parents.items() if ppid in tree}
    return tree


def _sockets(pids: set[int]) -> tuple[list, list]:
    """The TCP sockets ((local ip, port), (remote ip, port), state) and UDP sockets of ``pids``."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue  # a query process that has ended
    return (
        [s for name in ("tcp", "tcp6") for s in _table(name, inodes)],
        [s for name in ("udp", "udp6") for s in _table(name, inodes)],
    )


def _table(name: str, inodes: set[str]) -> Iterator[tuple]:
    for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            yield _address(fields[1]), _address(fields[2]), fields[3]


def _address(text: str) -> tuple[str, int]:
    host, port = text.split(":")
    return host, int(port, 16)


# -- read-only ------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:dxkg:test> <urn:dxkg:p> <urn:dxkg:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <https://dxkg.example.org/graph/metadata>",
    "CREATE GRAPH <urn:dxkg:new>",
    "LOAD <urn:dxkg:nothing> INTO GRAPH <urn:dxkg:new>",
    "INSERT { ?s <urn:dxkg:p> 1 } WHERE { ?s ?p ?o }",
]


def _update_requests(update: str) -> list[tuple[str, dict]]:
    """Every way the protocol (or a confused client) can send ``update``."""
    body = update.encode()
    return [
        ("post", {"data": body, "headers": {"Content-Type": "application/sparql-update"}}),
        ("post", {"data": {"update": update}}),
        ("get", {"params": {"update": update}}),
        ("post", {"data": {"query": update}}),
        ("get", {"params": {"query": update}}),
        ("post", {"data": body, "headers": {"Content-Type": "application/sparql-query"}}),
    ]


def _size(server: str) -> int:
    text = "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    answer = requests.get(server + "/sparql", params={"query": text, "format": "csv"})
    return int(answer.text.split()[1])


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_every_way_and_change_nothing(server, update):
    """test_server.py sends INSERT DATA by form and DROP ALL as a query; these are the rest."""
    before = _size(server)
    for method, kwargs in _update_requests(update):
        response = getattr(requests, method)(server + "/sparql", timeout=30, **kwargs)
        assert response.status_code == 403, (method, kwargs, response.status_code)
        assert "read-only" in response.text.lower()
    assert _size(server) == before > 0
    inserted = requests.get(server + "/sparql", params={"query": "ASK { ?s <urn:dxkg:p> ?o }"})
    assert inserted.json()["boolean"] is False


# -- files only from dist/ ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def canary_server(release, tmp_path_factory) -> Iterator[tuple[str, Path, str]]:
    """A server over a copy of the release, next to a secret file outside its dist/, with
    symlinks to that file inside dist/: one listed in SHA256SUMS as if published, one in
    csv/, one not listed, and the VoID file and the ontology's Turtle replaced by one.
    Yields (URL, dist, secret)."""
    paths, _ = release
    root = tmp_path_factory.mktemp("canary")
    dist = root / "dist"
    shutil.copytree(paths.dist, dist)
    secret = secrets.token_hex(16)
    canary = root / "canary.txt"
    canary.write_text(f"SECRET {secret}\n")
    for link in ("leak.txt", "csv/leak.csv", "unlisted.txt", "void.ttl", "ontology/dxkg.ttl"):
        (dist / link).unlink(missing_ok=True)
        (dist / link).symlink_to(canary)
    with (dist / "SHA256SUMS").open("a") as listing:
        listing.write(f"{'0' * 64}  leak.txt\n{'0' * 64}  csv/leak.csv\n")
    with dxkg_server(dist) as base:
        yield base, dist, secret


def _raw_get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` exactly as written (requests would normalise dot segments)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def traversal_paths(dist: Path) -> list[str]:
    canary = str(dist.parent / "canary.txt")
    server_source = "app.py"  # beside static/ in the package: must not be reachable either
    return [
        "/download/../canary.txt",
        "/download/..%2fcanary.txt",
        "/download/..%2Fcanary.txt",
        "/download/%2e%2e%2fcanary.txt",
        "/download/%2e%2e/canary.txt",
        "/download/.%2e/canary.txt",
        "/download/csv/..%2f..%2fcanary.txt",
        "/download/csv%2f..%2f..%2fcanary.txt",
        "/download/..%5ccanary.txt",
        "/download/..\\canary.txt",
        "/download/%2e%2e%5c%2e%2e%5ccanary.txt",
        "/download/%252e%252e%252fcanary.txt",
        "/download/" + canary,
        "/download/%2F" + canary.lstrip("/"),
        "/download/" + quote(canary, safe=""),
        "/download/file:" + canary,
        "/download/leak.txt",
        "/download/csv/leak.csv",
        "/download/unlisted.txt",
        "/download/dxkg.nq%00.txt",
        "/download/SHA256SUMS/../canary.txt",
        "/.well-known/void",
        "/context.jsonld/../../canary.txt",
        f"/static/..%2f{server_source}",
        f"/static/%2e%2e/{server_source}",
        f"/static/vendor/..%2f..%2f{server_source}",
        "/ontology/../../canary.txt",
        "/ontology.ttl",
    ]


def test_no_path_reaches_a_file_outside_dist(canary_server):
    base, dist, secret = canary_server
    source = (Path(__file__).parents[1] / "server" / "app.py").read_bytes()
    served = []
    for path in traversal_paths(dist):
        status, headers, body = _raw_get(base, path)
        if 300 <= status < 400:  # werkzeug merges slashes; follow it once, as a browser would
            location = urlsplit(headers["Location"])._replace(scheme="", netloc="")
            status, _, body = _raw_get(base, location.geturl())
        if status not in (400, 404) or secret.encode() in body or source in body:
            served.append((path, status, body[:60]))
    assert not served, served


def test_published_files_are_still_served(canary_server):
    """The guard does not refuse the release's own files (plain or in a folder)."""
    base, dist, _ = canary_server
    for name in ("SHA256SUMS", "dxkg.nt.gz", "csv/vendors.csv", "context.jsonld"):
        status, _, body = _raw_get(base, f"/download/{name}")
        assert status == 200 and body == (dist / name).read_bytes(), name
    status, _, body = _raw_get(base, "/ontology.html")
    assert status == 200 and body == (dist / "ontology" / "index.html").read_bytes()


# -- headers ----------------------------------------------------------------------------------

HTML_PAGES = [
    "/",
    "/class/",
    "/class/CaseStudy",
    CASE,
    "/view/id/case/v2-3-19",
    "/query",
    "/search?q=RPA",
    "/downloads",
    "/ontology",
    "/no-such-page",
]
OTHER_ANSWERS = [
    "/sparql?query=ASK%7B%7D",
    "/sparql?query=SELECT%20*%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201&format=xml",
    "/sparql?update=CLEAR%20ALL",
    "/download/dxkg.nt.gz",
    "/data/id/case/v2-3-19.rdf",
    "/id/case/v2-3-19",
    "/static/style.css",
    "/page/id/case/v2-3-19.json",
    "/catalog",
]


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive → sources."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", HTML_PAGES)
def test_pages_carry_a_strict_content_security_policy(server, path):
    response = requests.get(server + path, headers={"Accept": "text/html"}, allow_redirects=False)
    assert response.headers["Content-Type"].startswith("text/html")
    csp = policy(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert not any("unsafe-eval" in s or "*" in s for sources in csp.values() for s in sources)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert not inline_scripts(response.text), "the policy would block these"


@pytest.mark.parametrize("path", OTHER_ANSWERS)
def test_every_answer_forbids_sniffing_and_sends_no_referrer_away(server, path):
    response = requests.get(server + path, allow_redirects=False, timeout=30)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if "xml" in response.headers.get("Content-Type", ""):
        # a browser may render XML as a document: nothing in it may run or load
        assert policy(response.headers["Content-Security-Policy"])["default-src"] == ["'none'"]


class _ScriptFinder(HTMLParser):
    """Collects what a script-src 'self' policy blocks: inline scripts, event-handler
    attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        data_block = values.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and "src" not in values and not data_block:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")


def csp_violations(console_text: str) -> list[str]:
    """The console message if it is Chromium reporting a Content-Security-Policy refusal."""
    return [console_text] if "Content Security Policy" in console_text else []


def inline_scripts(html: str) -> list[str]:
    finder = _ScriptFinder()
    finder.feed(html)
    return finder.found


# -- the policy in Chromium ------------------------------------------------------------------------


def test_chromium_enforces_the_policy_and_the_pages_still_work(page: Page, server: str):
    """No page breaks the policy, the editor and the graph still draw, and script injected
    into a page (as an escaping bug would) does not run."""
    violations: list[str] = []
    page.on("console", lambda message: violations.extend(csp_violations(message.text)))

    page.goto(server + "/view/id/case/v2-3-19")
    expect(page.locator("#graph canvas").first).to_be_attached()
    page.goto(server + "/query")
    page.locator("[data-example]").first.click()
    page.locator(".yasqe_queryButton").last.click()
    expect(page.locator(".yasr table tbody tr").first).to_be_visible(timeout=15_000)
    for path in ("/", CASE, "/ontology", "/search?q=RPA", "/downloads", "/no-such-page"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    assert violations == []

    page.goto(server + CASE)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inline = 1";
            document.body.append(script);
            document.body.insertAdjacentHTML(
                "beforeend", '<img src="/no-such-image" onerror="window.__handler = 1">');
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # the image's error event, were the handler allowed
    assert page.evaluate("[typeof window.__inline, typeof window.__handler]") == [
        "undefined",
        "undefined",
    ]
    assert len(violations) == 2, violations  # both were refused, and said so
