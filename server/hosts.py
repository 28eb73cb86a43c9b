"""The hosts the server answers for: an unexpected ``Host`` is refused, never reflected.

What a client writes in ``Host`` would otherwise reach the absolute URLs the server
writes: the SPARQL service description and the base IRI of queries (werkzeug's URL of
the request) and redirects. :func:`install` checks it ahead of the whole application,
the SPARQL endpoint included (which is answered ahead of Flask): a request naming any
other host gets a one-line 400, which does not repeat the name.

The hosts allowed are the loopback names and the address the server listens on, each
bare and with the port, plus those the operator names (``dxkg serve --allowed-host``)
and the host of the public URL (``--public-url``: where the server is reached behind a
proxy). With a public URL, every request that passes is then taken as addressed to it,
so the absolute URLs name it whatever allowed host the proxy forwarded.

Flask's ``TRUSTED_HOSTS`` (werkzeug's ``host_is_trusted``) is not used: it ignores the
port, and cannot match an IPv6 literal such as ``[::1]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.wrappers import Response

from dxkg.media import TEXT
from dxkg.web import cors
from dxkg.web.security import add_security_headers

#: Names of this machine, allowed whatever the options.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
#: Bind addresses that listen on every interface, which name no host.
WILDCARDS = frozenset({"", "0.0.0.0", "::", "[::]"})
#: A host as ``Host`` carries it: a name or IPv4 address, or a bracketed IPv6 address,
#: and an optional port.
HOST = re.compile(r"(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?", re.ASCII | re.IGNORECASE)
#: The port a scheme implies, which a ``Host`` header may leave out or spell out.
DEFAULT_PORTS = {"http": ":80", "https": ":443"}
REFUSAL = b"400 Bad Request: this server does not answer for the host the request names\n"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def host_name(name: str) -> str:
    """``name`` (a host, with or without a port) as ``Host`` sends it: lower case, an
    international name in its ASCII form, an IPv6 address in brackets; or ValueError."""
    name = name.strip().lower()
    if name.count(":") > 1 and not name.startswith("["):
        name = f"[{name}]"  # a bare IPv6 address, as a bind address is written
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"{name!r} is not a host name") from None
    if not HOST.fullmatch(name):
        raise ValueError(f"{name!r} is not a host name (name or address, optional :port)")
    return name


def public_url(url: str) -> str:
    """The public URL ``url`` as ``scheme://host[:port]`` (no slash at the end); or
    ValueError if it is not an http(s) URL of a host alone.

    A path is refused: the pages link from the root of the host (``/page/…``).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{url!r} carries credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{url!r} has a path: the server is reached at the root of a host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{url!r} has an invalid port") from None
    host = host_name(parts.hostname)
    if port is not None and f":{port}" != DEFAULT_PORTS[parts.scheme]:
        host += f":{port}"
    return f"{parts.scheme}://{host}"


def allowed_hosts(
    bind_host: str, port: int, names: Iterable[str] = (), public: str | None = None
) -> frozenset[str]:
    """The ``Host`` values a server listening on ``bind_host:port`` answers: the loopback
    names, ``bind_host`` unless it is a wildcard, ``names`` and the host of the ``public``
    URL (see :func:`public_url`); those without a port both bare and with ``port``."""
    listed = [*LOOPBACK, *names]
    if bind_host.strip() not in WILDCARDS and _is_host(bind_host):
        listed.append(bind_host)  # else a scoped IPv6 address (fe80::1%eth0) or a socket path
    if public is not None:
        listed.append(urlsplit(public).netloc)
    hosts = set()
    for name in map(host_name, listed):
        hosts.add(name)
        if not _has_port(name):
            hosts.add(f"{name}:{port}")
    return frozenset(hosts)


def _is_host(name: str) -> bool:
    try:
        host_name(name)
    except ValueError:
        return False
    return True


def _has_port(host: str) -> bool:
    return ":" in host.rsplit("]", 1)[-1]


def request_host(environ: dict) -> str | None:
    """The request's ``Host`` in the form :func:`allowed_hosts` lists it, the scheme's
    default port left out; None when the request has no ``Host`` (HTTP/1.0)."""
    host = environ.get("HTTP_HOST")
    if host is None:
        return None
    default_port = DEFAULT_PORTS.get(environ.get("wsgi.url_scheme", ""))
    return host.lower().removesuffix(default_port) if default_port else host.lower()


class HostCheck:
    """WSGI middleware: refuse requests for hosts not in ``allowed``, and, given the
    public URL, present every other request as addressed to it."""

    def __init__(self, app: WSGIApp, allowed: frozenset[str], public: str | None) -> None:
        self.app = app
        self.allowed = allowed
        # (scheme, host) of the public URL, which replace the request's own.
        self.public = tuple(public.split("://", 1)) if public else None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = request_host(environ)
        # Without Host (HTTP/1.0), URLs are made of the listening address: not the client's.
        if host is not None and host not in self.allowed:
            return refusal()(environ, start_response)
        if self.public is not None:
            environ["wsgi.url_scheme"], environ["HTTP_HOST"] = self.public
        # The server answers at the root of its host, whatever a request claims.
        environ["SCRIPT_NAME"] = ""
        return self.app(environ, start_response)


def refusal() -> Response:
    """The one-line 400 for a request naming a host this server does not answer for."""
    answer = Response(REFUSAL, 400, mimetype=TEXT, headers=cors.HEADERS)
    return add_security_headers(answer)


def install(app: Flask, allowed: frozenset[str], public: str | None) -> None:
    """Check the ``Host`` of every request to ``app`` before anything else reads it."""
    app.wsgi_app = HostCheck(app.wsgi_app, allowed, public)


def absolute(path: str, public: str | None) -> str:
    """``path`` (from the root) on the public URL if there is one, else as it is: a
    relative reference, which takes no host from the request."""
    return public + path if public else path
