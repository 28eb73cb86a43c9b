"""Host handling over real HTTP: a request naming a host the server does not answer for
is refused with a one-line 400, on the pages, on /sparql and on /id/…, and the name is
never repeated; with ``--public-url`` the absolute URLs name the public URL."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest
import requests
from click.testing import CliRunner

from dxkg.cli import main
from dxkg.web.hosts import allowed_hosts, public_url
from servers import dxkg_server

CASE = "id/case/v4-1-4"
PUBLIC = "https://data.example.org"
EVIL = "evil.example"
#: A route of each kind: pages, the endpoint, dereferencing, downloads, Flask's own
#: slash redirect, a 404, static files.
PATHS = [
    "/",
    "/class/",
    "/class",
    "/sparql",
    f"/{CASE}",
    f"/page/{CASE}",
    "/search?q=RPA",
    "/download/SHA256SUMS",
    "/.well-known/void",
    "/nothing-here",
    "/static/none.js",
]
NTRIPLES = {"Accept": "application/n-triples"}


@pytest.fixture(scope="module")
def local(release) -> Iterator[str]:
    """``dxkg serve`` with no host options."""
    paths, _ = release
    with dxkg_server(paths.dist) as base:
        yield base


@pytest.fixture(scope="module")
def proxied(release) -> Iterator[str]:
    """``dxkg serve`` behind a (pretend) proxy: a public URL and another allowed name."""
    paths, _ = release
    options = ("--public-url", PUBLIC, "--allowed-host", "proxy.internal")
    with dxkg_server(paths.dist, *options) as base:
        yield base


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def raw(base: str, request: bytes) -> bytes:
    """Send ``request`` as it is and read the whole answer (the server closes after it)."""
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def with_hosts(base: str, path: str, *hosts: str, method: str = "GET") -> http.client.HTTPResponse:
    """``path`` asked with exactly the ``Host`` headers given (http.client's left out)."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(base), timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for host in hosts:
        connection.putheader("Host", host)
    connection.endheaders()
    return connection.getresponse()


def assert_refused(
    response: requests.Response | http.client.HTTPResponse, body: bytes, one_line: bool = True
) -> None:
    """A 400 that names no host and redirects nowhere; ``one_line``: dxkg's, not gunicorn's."""
    status = response.status_code if isinstance(response, requests.Response) else response.status
    headers = dict(response.headers.items())
    assert status == 400
    assert "Location" not in headers
    assert EVIL.encode() not in body + str(headers).encode()
    if one_line:
        assert body.count(b"\n") == 1 and body.startswith(b"400 Bad Request: "), body


# -- refused --------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_host_is_refused_on_every_route(local, path):
    response = requests.get(local + path, headers={"Host": EVIL}, allow_redirects=False)
    assert_refused(response, response.content)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.e2e
@pytest.mark.parametrize(
    "host",
    [
        EVIL,
        EVIL + ":{port}",
        "127.0.0.1:1",  # an allowed name on another port
        "localhost:{other}",
        "127.0.0.1." + EVIL,
        "localhost." + EVIL,
        "localhost.",
        "",
        "[::2]:{port}",
        f"127.0.0.1:{{port}}@{EVIL}",
        f"{EVIL}#127.0.0.1:{{port}}",
        f"localhost:{{port}}, {EVIL}",
    ],
)
@pytest.mark.parametrize("path", ["/sparql", f"/{CASE}", "/class/"])
def test_host_variants_are_refused(local, host, path):
    port = port_of(local)
    response = with_hosts(local, path, host.format(port=port, other=port + 1))
    assert_refused(response, response.read())


@pytest.mark.e2e
def test_a_query_for_an_unknown_host_is_not_run(local):
    response = requests.post(
        f"{local}/sparql",
        data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Host": EVIL, "Accept": "application/sparql-results+json"},
    )
    assert_refused(response, response.content)


@pytest.mark.e2e
def test_a_second_host_header_is_refused(local):
    port = port_of(local)
    response = with_hosts(local, f"/{CASE}", f"127.0.0.1:{port}", EVIL)
    assert_refused(response, response.read(), one_line=False)  # gunicorn refuses it first


# -- answered -------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "LocalHost:{port}",
        "[::1]:{port}",
        "127.0.0.1",
        "localhost",
    ],
)
def test_local_names_are_answered_and_named(local, host):
    host = host.format(port=port_of(local))
    page = requests.get(f"{local}/class/", headers={"Host": host})
    assert page.status_code == 200
    description = requests.get(f"{local}/sparql", headers={"Host": host, **NTRIPLES})
    assert description.status_code == 200
    assert f"<http://{host.lower()}/sparql>".encode() in description.content
    thing = requests.get(f"{local}/{CASE}", headers={"Host": host}, allow_redirects=False)
    assert thing.status_code == 303
    assert thing.headers["Location"] == f"/page/{CASE}"  # relative: no host taken from the request


@pytest.mark.e2e
def test_a_request_without_host_is_named_by_the_listening_address(local):
    answer = raw(local, b"GET /sparql HTTP/1.0\r\nAccept: application/n-triples\r\n\r\n")
    assert answer.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200"))
    assert f"<{local}/sparql>".encode() in answer


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/sparql", f"/{CASE}"])
def test_the_authority_of_an_absolute_request_target_is_not_reflected(local, path):
    port = port_of(local)
    request = (
        f"GET http://{EVIL}{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: application/n-triples\r\nConnection: close\r\n\r\n"
    )
    answer = raw(local, request.encode())
    assert EVIL.encode() not in answer
    assert answer.startswith((b"HTTP/1.1 200", b"HTTP/1.1 303", b"HTTP/1.1 400"))


# -- behind a proxy -------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize(
    "host", ["data.example.org", "127.0.0.1:{port}", "proxy.internal", "proxy.internal:{port}"]
)
def test_the_public_url_names_the_server(proxied, host):
    headers = {"Host": host.format(port=port_of(proxied))}
    thing = requests.get(f"{proxied}/{CASE}", headers=headers, allow_redirects=False)
    assert thing.status_code == 303
    assert thing.headers["Location"] == f"{PUBLIC}/page/{CASE}"
    description = requests.get(f"{proxied}/sparql", headers={**headers, **NTRIPLES})
    assert f"<{PUBLIC}/sparql>".encode() in description.content
    assert b"127.0.0.1" not in description.content and b"proxy.internal" not in description.content
    # Relative IRIs in a query resolve against the endpoint's URL: the public one.
    answer = requests.get(
        f"{proxied}/sparql",
        headers=headers,
        params={"query": "SELECT ?x WHERE { BIND(<x> AS ?x) }", "format": "json"},
    )
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == f"{PUBLIC}/x"
    slash = requests.get(f"{proxied}/class", headers=headers, allow_redirects=False)
    assert slash.headers["Location"] == f"{PUBLIC}/class/"


@pytest.mark.e2e
def test_behind_a_proxy_other_hosts_are_still_refused(proxied):
    response = requests.get(f"{proxied}/{CASE}", headers={"Host": EVIL}, allow_redirects=False)
    assert_refused(response, response.content)


# -- the options ----------------------------------------------------------------------------


def test_allowed_hosts_come_from_the_bind_address_and_the_options():
    hosts = allowed_hosts("10.0.0.5", 8080, ["Proxy.Internal", "other:9000"], public_url(PUBLIC))
    expected = {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "10.0.0.5:8080"}
    assert expected | {"proxy.internal:8080", "other:9000", "data.example.org"} <= hosts
    assert "other" not in hosts and "other:8080" not in hosts
    assert not any(host.startswith("0.0.0.0") for host in allowed_hosts("0.0.0.0", 80))
    assert "[::1]:80" in allowed_hosts("::1", 80)


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://Data.Example.org/", "https://data.example.org"),
        ("http://data.example.org:80", "http://data.example.org"),
        ("https://data.example.org:8443", "https://data.example.org:8443"),
        ("https://例え.jp", "https://xn--r8jz45g.jp"),
    ],
)
def test_a_public_url_is_normalised(url, normalised):
    assert public_url(url) == normalised


@pytest.mark.parametrize(
    "url",
    [
        "ftp://data.example.org",
        "data.example.org",
        "https://data.example.org/dxkg/",
        "https://user:secret@data.example.org",
        "https://data.example.org/?x=1",
        "https://bad_name.example.org",
        "https://data.example.org:99999",
    ],
)
def test_a_bad_public_url_is_refused_by_serve(url, tmp_path):
    result = CliRunner().invoke(main, ["serve", "--dist", str(tmp_path), "--public-url", url])
    assert result.exit_code == 2 and "--public-url" in result.output


def test_a_bad_allowed_host_is_refused_by_serve(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--dist", str(tmp_path), "--allowed-host", "a/b"])
    assert result.exit_code == 2 and "--allowed-host" in result.output
