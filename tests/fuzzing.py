"""What the fuzz tests (``tests/test_fuzz.py``) send and what they check in every answer.

Requests go over a plain socket, byte for byte as generated: no HTTP library
normalises the path, re-encodes a percent-escape or refuses a header. Every answer
is checked against the same properties:

- no 5xx, except the documented 503 of the query time and memory limits;
- an answer within the time limit plus a margin, never a hang;
- no fuzzed markup raw in an HTML body (each marker below, if the server echoes
  it, must come back escaped).

The SPARQL strategies also generate variants of the attacks of the endpoint's
security issue (see :func:`hostile_queries`); those that name a URL name a
:class:`LoopbackListener`, which must see no connection.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import select
import socket
import string
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Self
from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

#: The query time limit the fuzzed server runs with (``--query-timeout``), in seconds.
QUERY_TIMEOUT = 1.0
#: How much longer than the time limit an answer may take: a page runs a few queries
#: in turn, and the machine is shared with the fuzzer and other work. A request that
#: hangs (a worker stuck in unbounded work, gunicorn's 31 s worker timeout) exceeds it.
MARGIN = 5.0
REPLY_LIMIT = QUERY_TIMEOUT + MARGIN
#: What the documented 503s say: the time limit (``--query-timeout``, README "Limits")
#: and a query process's memory limit ("the query needed more than its memory limit").
LIMIT_MESSAGE = re.compile(rb"time limit|memory limit|more memory than its limit")

#: Markup that must never come back raw in an HTML page, and the raw text that would
#: show it did: the script tag, an attribute breaking out of its quotes, a script URL.
MARKERS = (
    "<script>dxkgfuzz()</script>",
    '"><img src=x onerror=dxkgfuzz()>',
    "' onmouseover='dxkgfuzz()",
    '" onfocus="dxkgfuzz()',
    "javascript:dxkgfuzz()",
)
RAW_MARKUP = (
    b"<script>dxkgfuzz",
    b"<img src=x onerror=dxkgfuzz",
    b"' onmouseover='dxkgfuzz",
    b'" onfocus="dxkgfuzz',
    b'href="javascript:dxkgfuzz',
    b"href='javascript:dxkgfuzz",
)

#: Path and parameter tricks, sent exactly as written (their escapes are not re-encoded).
TRICKS = (
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e/%2e%2e/dist/dxkg.nq",
    "%252e%252e%252f",
    "..\\..\\..\\windows\\win.ini",
    "....//....//etc/passwd",
    "%c0%ae%c0%ae/%c0%af",
    "%e0%80%af",
    "%00",
    "a%00.ttl",
    "%ed%a0%80",
    "%ed%bf%bf%ed%a0%80",
    "%f4%90%80%80",
    "%ff%fe%fd",
    "%C2%85",
    "%C2%80",
    "%EF%BF%BE",
    "%F4%8F%BF%BF",
    "%E2%80%A8",
    "%0d%0aSet-Cookie:%20dxkgfuzz=1",
    "%",
    "%%",
    "%zz",
    "%8",
    "%2",
    "%25",
    "%2525",
    "%3Cscript%3Edxkgfuzz()%3C/script%3E",
    "%22%3E%3Cimg%20src=x%20onerror=dxkgfuzz()%3E",
    ";jsessionid=1",
    "//",
    "/./",
    "/../",
    "~",
    ".json",
    ".ttl",
    ".jsonld",
    ".rdf",
    ".nt",
    "index.json",
)
#: Words with a meaning somewhere (a template, a query, a shell, a path), percent-encoded
#: when sent.
WORDS = (
    *MARKERS,
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/x}",
    "' OR '1'='1",
    "> } ; DROP ALL ;",
    "<http://evil.example/>",
    "\\",
    "?",
    "#",
    "&",
    "=",
    "'",
    '"',
    "`",
    "|",
    "^",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    " ",
    "\r\n",
    "\x00",
    "\x7f",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\ud800",
    "\U0010ffff",
    "東京都",
    "ＲＰＡ",
    "https://dxkg.example.org/id/concept/technology-rpa",
    "https://dxkg.example.org/id/municipality/130001",
)
#: Characters a request target may carry unescaped.
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/")


@dataclass(frozen=True)
class Reply:
    """One answer, read to its end."""

    status: int
    media_type: str
    body: bytes
    seconds: float
    #: The answer's header fields, names in lower case.
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The value of the header field ``name`` (any case), or None."""
        return next((value for key, value in self.headers if key == name.lower()), None)


@dataclass
class Tally:
    """How many requests each test sent, and the statuses they got."""

    requests: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)

    def add(self, test: str, status: int) -> None:
        self.requests[test] += 1
        self.statuses[status] += 1

    def summary(self) -> dict:
        """Totals as JSON-ready data."""
        return {
            "requests": sum(self.requests.values()),
            "per_test": dict(sorted(self.requests.items())),
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
        }


TALLY = Tally()


# --- the client --------------------------------------------------------------------------


class _Recorded:
    """A socket stand-in that lets http.client parse an answer already received."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, *args, **kwargs) -> io.BytesIO:
        return io.BytesIO(self._data)


def exchange(
    base: str,
    method: str,
    target: bytes,
    headers: list[tuple[str, bytes]] = (),
    body: bytes | None = None,
) -> Reply:
    """Send one request exactly as given (``Connection: close``) and read the answer."""
    lines = [method.encode("latin-1") + b" " + target + b" HTTP/1.1"]
    lines += [f"Host: {urlsplit(base).netloc}".encode(), b"Connection: close"]
    lines += [name.encode("latin-1") + b": " + value for name, value in headers]
    if body is not None:
        lines.append(b"Content-Length: %d" % len(body))
    reply = exchange_raw(base, b"\r\n".join(lines) + b"\r\n\r\n" + (body or b""), method)
    assert reply is not None, f"{method} {target[:200]!r}: closed without an answer"
    return reply


def exchange_raw(base: str, data: bytes, method: str = "GET") -> Reply | None:
    """Send ``data`` as it is and read the answer; None if the server closed without one."""
    url = urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=REPLY_LIMIT + 5) as sock:
        _send(sock, data)
        received = _receive(sock)
    seconds = time.monotonic() - started
    if not received:
        return None
    response = http.client.HTTPResponse(_Recorded(received), method=method)
    response.begin()
    payload = response.read()
    media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    fields = tuple((name.lower(), value) for name, value in response.getheaders())
    return Reply(response.status, media_type, payload, seconds, fields)


def _send(sock: socket.socket, data: bytes) -> None:
    """Send ``data``, stopping early when the server already answered (a 413 or 414
    comes before the rest of an oversized request is read)."""
    view = memoryview(data)
    for start in range(0, len(data), 1 << 16):
        if select.select([sock], [], [], 0)[0]:
            return
        try:
            sock.sendall(view[start : start + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            return


def _receive(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(1 << 16)
        except ConnectionResetError:
            break  # closed after an early answer to a request it did not read whole
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


# --- the loopback listener ------------------------------------------------------------


class LoopbackListener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it.

    The hostile queries name its URL (SERVICE, FROM, LOAD, function IRIs), and the
    fuzzed servers start with every HTTP proxy pointing at it (:func:`proxy_environment`),
    so a server that fetched anything, from here or from elsewhere, would show up here.
    It answers each connection with a 503 and keeps the first bytes it was sent.
    """

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        #: The first bytes of each connection, in order.
        self.received: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def connections(self) -> int:
        """How many connections it has accepted so far."""
        return len(self.received)

    def assert_untouched(self, what: str, since: int = 0) -> None:
        """Fail, naming ``what`` and what was asked, if a connection came after the
        first ``since``."""
        new = self.received[since:]
        assert not new, f"{what}: {len(new)} connection(s) to {self.url}, first {new[0][:300]!r}"

    def close(self) -> None:
        """Stop listening (the accepting thread ends with the socket)."""
        self._sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return  # closed
            with client:
                self.received.append(_first_bytes(client))


def _first_bytes(client: socket.socket) -> bytes:
    """What a client sends first (a request line, a TLS hello), answered with a 503."""
    client.settimeout(1)
    try:
        data = client.recv(4096)
        client.sendall(b"HTTP/1.0 503 Listener\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        return b""
    return data


#: The environment variables through which HTTP clients find a proxy.
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "all_proxy",
)


@contextmanager
def proxy_environment(proxy: str) -> Iterator[None]:
    """Every HTTP(S) proxy variable set to ``proxy`` (but not for 127.0.0.1 and localhost)
    while inside: for the servers started there, a fetch of any outside host lands at
    ``proxy``."""
    names = (*PROXY_VARIABLES, "NO_PROXY", "no_proxy")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(dict.fromkeys(PROXY_VARIABLES, proxy))
    os.environ.update(dict.fromkeys(("NO_PROXY", "no_proxy"), "127.0.0.1,localhost"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- the properties ----------------------------------------------------------------------


def check(reply: Reply, test: str, what: str, also: tuple[int, ...] = ()) -> None:
    """Count ``reply`` under ``test`` and assert the properties of :func:`verify`."""
    TALLY.add(test, reply.status)
    verify(reply, what, also)


def verify(reply: Reply, what: str, also: tuple[int, ...] = ()) -> None:
    """Assert the properties every answer must have (``what`` names the request in the
    message). Statuses in ``also`` are allowed too (HTTP's own 501 and 505 for
    malformed requests)."""
    a_limit = reply.status == 503 and LIMIT_MESSAGE.search(reply.body) is not None
    allowed = reply.status < 500 or a_limit or reply.status in also
    assert allowed, f"{what} → {reply.status}: {reply.body[:300]!r}"
    assert reply.seconds <= REPLY_LIMIT, f"{what} took {reply.seconds:.1f} s"
    if reply.media_type == "text/html":
        for raw in RAW_MARKUP:
            assert raw not in reply.body, f"{what} → raw {raw!r} in the HTML"


def profile_settings(profile: str, examples: int) -> settings:
    """Hypothesis settings of ``profile`` with ``examples`` examples (derandomised)."""
    return settings(settings.get_profile(profile), max_examples=examples)


def register_profiles() -> None:
    """The "ci" and "full" profiles: the same fixed-seed search, shorter or longer."""
    common = {
        "derandomize": True,
        "database": None,  # nothing written to .hypothesis/; derandomised runs repeat anyway
        # An example sends at most two requests, each held to REPLY_LIMIT by verify()
        # (whose message says which); the deadline only bounds the example as a whole.
        "deadline": timedelta(seconds=2 * REPLY_LIMIT + 2),
        "phases": (Phase.explicit, Phase.generate, Phase.shrink),
        "suppress_health_check": (
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ),
        "print_blob": True,
    }
    settings.register_profile("ci", **common)
    settings.register_profile("full", **common)


# --- the strategies ----------------------------------------------------------------------
#
# Each factory with arguments that can be hashed is cached: hypothesis works out a
# strategy's properties on its first draw, which for the SPARQL strategies costs
# more than sending the request, so a test draws from one strategy object throughout.


def encode(text: str, raw: bool = False) -> bytes:
    """``text`` for a request target: percent-encoded as UTF-8 (lone surrogates as their
    invalid three bytes), or with non-ASCII letters sent ``raw`` as bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if raw:
        return b"".join(
            bytes([b]) if b > 0x7F or chr(b) in UNRESERVED else f"%{b:02X}".encode() for b in data
        )
    return quote(data, safe="".join(sorted(UNRESERVED))).encode("ascii")


@cache
def long_runs() -> st.SearchStrategy[str]:
    """A letter repeated hundreds to thousands of times (around the 8 KiB request line)."""
    return st.builds(
        lambda letter, n: letter * n,
        st.sampled_from(["a", "東", "%", "/", ".", "<", "{"]),
        st.integers(200, 9000),
    )


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """``st.one_of`` with each strategy ``weight`` times.

    Each copy is wrapped (``.map``): ``one_of`` merges the branches of a nested
    ``one_of`` into its own and keeps one copy of a repeated strategy object, so plain
    repeats would weigh nothing, and a nested ``one_of`` as much as its branches.
    (hypothesis's search still leans to the branches with more left to try.)
    """
    return st.one_of(
        *(strategy.map(_unchanged) for weight, strategy in choices for _ in range(weight))
    )


def _unchanged(value):
    return value


def shares(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of the strategies, each about as often as its share says: a choice among
    them first, then a draw from the one chosen. (Within a ``one_of``, hypothesis's
    search goes to the branches that have the most left to try, whatever the weights:
    a family of large variants would take nearly every example.)"""
    picks = [strategy for share, strategy in choices for _ in range(share)]
    return st.integers(0, len(picks) - 1).flatmap(picks.__getitem__)


@cache
def fragments() -> st.SearchStrategy[bytes]:
    """One piece of a path or parameter, encoded for the request target: a trick sent
    as written, a hostile word or any text percent-encoded (or its non-ASCII sent raw),
    random bytes, a long run."""
    return weighted(
        (3, st.sampled_from(TRICKS).map(str.encode)),
        (3, st.sampled_from(WORDS).map(encode)),
        (2, st.builds(encode, st.text(max_size=30), st.booleans())),
        (1, st.binary(max_size=20).map(lambda data: quote(data, safe="").encode("ascii"))),
        (1, long_runs().map(encode)),
    )


@cache
def path_arguments(seeds: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    """A path argument: a known-good value, perhaps with pieces after it, or fuzz alone."""
    tail = st.lists(fragments(), max_size=2).map(b"".join)
    return st.one_of(
        st.builds(lambda seed, rest: encode(seed) + rest, st.sampled_from(seeds), tail),
        st.lists(fragments(), min_size=1, max_size=3).map(b"".join),
    )


@cache
def query_strings(names: tuple[str, ...], iris: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    """``?name=value&…`` with the routes' own parameter names (and others), and values
    that are hostile, numbers far out of range, or IRIs of the release."""
    number = st.integers(-(2**70), 2**70).map(lambda n: str(n).encode())
    name = weighted((3, st.sampled_from(names).map(str.encode)), (1, fragments()))
    value = weighted(
        (3, fragments()), (1, number), (1, st.sampled_from(iris).map(encode)), (1, st.just(b""))
    )
    pair = st.builds(lambda n, v: n + b"=" + v, name, value)
    return st.lists(weighted((4, pair), (1, fragments())), max_size=5).map(
        lambda pairs: b"?" + b"&".join(pairs) if pairs else b""
    )


#: Accept and Content-Type values: real ones, odd q-values, wrong and garbage types.
MEDIA_TYPES = (
    "*/*",
    "text/html",
    "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "application/json",
    "application/sparql-results+json",
    "application/sparql-results+xml;q=0.1, text/csv;q=0.2",
    "text/turtle;q=0",
    "application/ld+json;q=1.0000001",
    "text/*;q=abc",
    "*/*;q=-1",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/sparql-query",
    "application/sparql-query; charset=utf-16",
    "application/sparql-query; charset=UTF8",
    "application/sparql-update",
    "multipart/form-data; boundary=dxkgfuzz",
    "multipart/form-data",
    "image/png",
    'text/html; charset="<script>dxkgfuzz()</script>"',
    "",
    ",,,;;;",
    "a/b/c",
    "text",
    "/",
    ";q=1",
)
#: Methods, the protocol's and others (gunicorn and Flask answer those themselves).
METHODS = (
    *["GET"] * 8,
    "POST",
    "POST",
    "POST",
    "HEAD",
    "OPTIONS",
    "PUT",
    "DELETE",
    "PATCH",
    "TRACE",
    "DXKGFUZZ",
)


@cache
def header_values() -> st.SearchStrategy[bytes]:
    """A header value: a media type, hostile text, or a long run; no CR or LF."""
    text = st.one_of(st.sampled_from(MEDIA_TYPES), st.sampled_from(WORDS), st.text(max_size=30))
    return st.one_of(
        text.map(lambda value: value.encode("utf-8", "surrogatepass")),
        st.binary(max_size=30),
        st.integers(100, 9000).map(lambda n: b"a" * n),
    ).map(lambda value: value.replace(b"\r", b"").replace(b"\n", b""))


@cache
def headers() -> st.SearchStrategy[list[tuple[str, bytes]]]:
    """Request headers a browser, a SPARQL client or an attacker might send."""
    names = st.sampled_from(
        [
            "Accept",
            "Accept",
            "Content-Type",
            "Accept-Language",
            "Accept-Encoding",
            "Cookie",
            "If-None-Match",
            "If-Modified-Since",
            "Range",
            "Origin",
            "Access-Control-Request-Method",
            "X-Forwarded-For",
            "Referer",
        ]
    )
    cookie = header_values().map(lambda value: b"dxkg-lang=" + value)
    ranges = st.sampled_from([b"bytes=0-0", b"bytes=-1", b"bytes=9999999999-", b"bytes=5-1"])
    pair = st.one_of(
        st.tuples(names, header_values()),
        st.tuples(st.just("Cookie"), cookie),
        st.tuples(st.just("Range"), ranges),
        st.tuples(st.just("Range"), st.integers(1, 500).map(lambda n: b"bytes=" + b"0-0," * n)),
    )
    return st.lists(pair, max_size=4)


@cache
def bodies() -> st.SearchStrategy[bytes | None]:
    """A request body: none, garbage bytes (invalid UTF-8 too), a form, or a big one."""
    return st.one_of(
        st.none(),
        st.binary(max_size=200),
        st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(fragments(), max_size=5).map(lambda pieces: b"&".join(pieces)),
        st.integers(1, 3 << 20).map(lambda n: b"x" * n),
    )


# --- SPARQL ----------------------------------------------------------------------------------

#: Shapes that nest or chain without end: parser and evaluator recursion, and time.
NESTINGS = (
    ("SELECT * WHERE ", "{", "}", ""),
    ("SELECT * WHERE { FILTER(", "(", ")", "true) }"),
    ("SELECT * WHERE { BIND(", "CONCAT(", ")", '"a" AS ?x) }'),
    ("SELECT * WHERE { FILTER(", "EXISTS { FILTER(", ") }", "true) }"),
    ("SELECT * WHERE { ?s ?p ", "[ ?p ", " ]", "?o }"),
    ("SELECT * WHERE { FILTER(", "!", "", "true) }"),
    ("SELECT * WHERE { FILTER(1", " + 1", "", ") }"),
    ("SELECT * WHERE { BIND(1 AS ?a) FILTER(?a", " || ?a", "", ") }"),
    ("SELECT * WHERE { {?s ?p ?o}", " UNION {?s ?p ?o}", "", " } LIMIT 1"),
    ("SELECT * WHERE { ?s <p>", "/<p>", "", " ?o } LIMIT 1"),
    ("SELECT * WHERE ", "{ SELECT * WHERE ", "}", "{}"),
    ("ASK ", "{ OPTIONAL ", "}", "{}"),
)


def nested(depth: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """One of :data:`NESTINGS` repeated ``depth`` times, closed or left open."""

    def build(shape: tuple[str, str, str, str], n: int, closed: bool) -> str:
        head, opener, closer, middle = shape
        return head + opener * n + middle + (closer * n if closed else "")

    return st.builds(build, st.sampled_from(NESTINGS), depth, st.booleans())


#: Flat shapes that grow long without nesting: (head, repeated part, tail). rdflib's
#: parser, which reads queries that mention SERVICE and tells updates from broken
#: queries, needs seconds for some of them.
LONG_SHAPES = (
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY", " ?s", ""),
    ("SELECT ?s WHERE { ?s ?p ?o } GROUP BY", " ?s", ""),
    ("SELECT * WHERE { VALUES ?x {", ' "a"', " } }"),
    ("SELECT * WHERE {", " ?s ?p ?o .", " }"),
    ("INSERT { ?s ?p ?o } WHERE { SELECT * WHERE { ?s ?p ?o } ORDER BY", " ?s", " }"),
)


def long_queries(lengths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """One of :data:`LONG_SHAPES` with its part repeated, closed or cut short, and
    perhaps a comment naming SERVICE (which sends it through the allow-list check)."""

    def build(shape: tuple[str, str, str], n: int, service: bool, closed: bool) -> str:
        head, part, tail = shape
        return ("# SERVICE\n" if service else "") + head + part * n + (tail if closed else "")

    return st.builds(build, st.sampled_from(LONG_SHAPES), lengths, st.booleans(), st.booleans())


def mutated(examples: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A valid query cut short, with a piece cut out, or with hostile text put in."""

    def cut(query: str, at: float) -> str:
        return query[: int(len(query) * at)]

    def spliced(query: str, at: float, length: int, insert: str) -> str:
        start = int(len(query) * at)
        return query[:start] + insert + query[start + length :]

    example = st.sampled_from(examples)
    fraction = st.floats(0, 1)
    insert = st.one_of(st.sampled_from(WORDS), st.text(max_size=20), st.just(""))
    return st.one_of(
        st.builds(cut, example, fraction),
        st.builds(spliced, example, fraction, st.integers(0, 30), insert),
    )


@cache
def queries(examples: tuple[str, ...], listener: str, heavy: bool = True) -> st.SearchStrategy[str]:
    """A SPARQL query, valid, broken, nested deep, long, or no query at all; about a
    third of them variants of the security issue's attacks (:func:`hostile_queries`),
    whose URLs lead to the listener at ``listener``; some after a byte-order mark.

    Without ``heavy``, no query that is slow to evaluate: in front of a remote store
    dxkg's time limit ends its wait, not the store's work (a sort by 3,000 keys would
    keep oxigraph busy for minutes after the 503).
    """
    example = st.sampled_from(examples)
    light = [
        example,
        mutated(examples),
        nested(st.integers(1, 20)),
        st.text(max_size=200),
        st.sampled_from(WORDS),
        st.builds(lambda marker, q: q + " # " + marker, st.sampled_from(MARKERS), example),
        bom_prefixed(weighted((3, example), (1, hostile_queries(listener, heavy=False)))),
    ]
    heavy_ones = [
        nested(st.integers(20, 300)),
        nested(st.sampled_from([900, 2000, 3000, 10_000, 60_000])),
        long_queries(st.integers(100, 3000)),
    ]
    ordinary = light + (heavy_ones if heavy else [])
    # In front of a remote store the ordinary queries are fewer and soon tried: a larger share.
    return shares((2 if heavy else 4, st.one_of(*ordinary)), (1, hostile_queries(listener, heavy)))


@cache
def sparql_formats() -> st.SearchStrategy[bytes | None]:
    """The ``format`` parameter: a known alias, a media type, or anything."""
    known = ["json", "xml", "csv", "tsv", "ttl", "jsonld", "nquads", "text/html", "html"]
    return st.one_of(st.none(), st.sampled_from(known).map(str.encode), fragments())


# --- hostile SPARQL: the shapes of the endpoint's security issue ---------------------------
#
# Each attack of the issue as a family of variants: where it came in (a comment's line
# terminator, an escape, a prefix, a sub-query), how big (a depth, a length, a chain),
# and which URL it names (the listener, spelled in several ways, or a host outside that
# the proxy would send to the listener).

#: Where a comment may end, for one reader or another: SPARQL's own (CR, LF) and those
#: at which Python's ``str.splitlines`` and Unicode also break lines. A checker that
#: ended ``#…\r`` elsewhere than the engine did missed the SERVICE after it.
LINE_TERMINATORS = ("\r", "\n", "\r\n", "\n\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")
#: How a query may write a code point as an escape (``\u0053ERVICE``).
ESCAPES = ("\\u{:04X}", "\\u{:04x}", "\\U{:08X}")
#: Spellings of 127.0.0.1 that an HTTP client may resolve to it.
LOOPBACK_HOSTS = (
    "127.0.0.1",
    "localhost",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "[::ffff:127.0.0.1]",
    "127.0.0.1.",
)
#: Paths after the listener's address.
LISTENER_PATHS = ("", "/", "/sparql", "/x", "/graph#g", "/?query=ASK%7B%7D")
#: Hosts elsewhere: the fuzzed servers' proxy is the listener, so a fetch lands there too.
OUTSIDE_IRIS = (
    "http://nonexistent.example/",
    "http://evil.example/sparql",
    "https://dxkg.example.org/sparql",
)
#: Graphs of the release (``FROM`` selects them) besides those that name the listener.
RELEASE_GRAPHS = (
    "https://dxkg.example.org/graph/municipalities",
    "https://dxkg.example.org/graph/links",
    "https://dxkg.example.org/graph/ontology",
)
#: Prefixes every hostile query may use.
PROLOGUE = (
    "PREFIX ex: <http://example.org/> "
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
    "PREFIX fn: <http://www.w3.org/2005/xpath-functions#> "
)


def escape_at(text: str, escapes: list[tuple[int, str]]) -> str:
    """``text`` with the characters at the given positions written as the given escapes."""
    chars = list(text)
    for position, form in escapes:
        chars[position] = form.format(ord(chars[position]))
    return "".join(chars)


def escapes_in(text: str, most: int = 3) -> st.SearchStrategy[list[tuple[int, str]]]:
    """Up to ``most`` (position in ``text``, escape form) pairs, each at another position."""
    pair = st.tuples(st.integers(0, len(text) - 1), st.sampled_from(ESCAPES))
    return st.lists(pair, max_size=most, unique_by=lambda escape: escape[0])


def spelled(word: str) -> st.SearchStrategy[str]:
    """A keyword as a query may write it: in any case, some letters as ``\\u`` escapes
    (which SPARQL does not decode in keywords, but a checker might)."""
    cased = st.sampled_from([word.upper(), word.lower(), word.title()])
    escaped = cased.flatmap(lambda text: escapes_in(text).map(lambda at: escape_at(text, at)))
    return weighted((2, cased), (1, escaped))


@cache
def listener_iris(listener: str) -> st.SearchStrategy[str]:
    """IRIs that lead to the listener at ``listener`` (``http://127.0.0.1:PORT``): its
    host spelled in other ways, a path after it, some letters escaped; or a host
    outside, reached through the proxy."""
    port = urlsplit(listener).port
    paths = st.sampled_from(LISTENER_PATHS)
    spelled_host = st.builds(
        lambda scheme, host, path: f"{scheme}://{host}:{port}{path}",
        st.sampled_from(["http", "HTTP", "https"]),
        st.sampled_from(LOOPBACK_HOSTS),
        paths,
    )
    plain = weighted(
        (3, paths.map(lambda path: listener + path)),
        (2, spelled_host),
        (1, st.sampled_from(OUTSIDE_IRIS)),
    )
    escaped = plain.flatmap(lambda iri: escapes_in(iri, 2).map(lambda at: escape_at(iri, at)))
    return weighted((3, plain), (1, escaped))


@cache
def graph_iris(listener: str) -> st.SearchStrategy[str]:
    """Graph names for FROM, FROM NAMED and the protocol's dataset: the listener's, the
    release's own, and ones no store holds."""
    unknown = st.builds(
        lambda tail: "http://nonexistent.example/" + tail, st.sampled_from(["", "g", "x/y#z"])
    )
    return weighted(
        (3, listener_iris(listener)), (1, st.sampled_from(RELEASE_GRAPHS)), (1, unknown)
    )


#: (prologue, reference, text before the call): an IRI named outright, by a prefix,
#: relative to a BASE, or bound to a variable first.
Reference = tuple[str, str, str]


def references(iris: st.SearchStrategy[str]) -> st.SearchStrategy[Reference]:
    """One of ``iris`` as a query may refer to it."""

    def outright(iri: str) -> Reference:
        return "", f"<{iri}>", ""

    def prefixed(iri: str) -> Reference:
        head, _, local = iri.rpartition("/")
        return f"PREFIX t: <{head}/> ", f"t:{local}", ""

    def relative(iri: str) -> Reference:
        head, _, local = iri.rpartition("/")
        return f"BASE <{head}/> ", f"<{local}>", ""

    def variable(iri: str, how: str) -> Reference:
        return "", "?endpoint", how.format(iri)

    binding = st.sampled_from(["BIND(<{}> AS ?endpoint) ", "VALUES ?endpoint {{ <{}> }} "])
    return weighted(
        (3, iris.map(outright)),
        (1, iris.map(prefixed)),
        (1, iris.map(relative)),
        (1, st.builds(variable, iris, binding)),
    )


@cache
def comment_hiders() -> st.SearchStrategy[str]:
    """What comes before a keyword: a space, or a comment that one of
    :data:`LINE_TERMINATORS` ends (``#\\rSERVICE`` hid a call from a checker)."""
    comment = st.builds(
        lambda text, end: "#" + text + end,
        st.sampled_from(["", " ", "x", "SERVICE", "}", '"']),
        st.sampled_from(LINE_TERMINATORS),
    )
    return weighted((1, st.just(" ")), (3, comment))


#: Where a SERVICE call may sit: a group, a sub-query, CONSTRUCT, EXISTS, and more.
SERVICE_PLACES = (
    "SELECT * WHERE {{ {call} }}",
    "SELECT ?s WHERE {{ {call}\n}}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ {call} }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {call}\n}}",
    "CONSTRUCT WHERE {{ {call} }}",
    "ASK {{ FILTER EXISTS {{ {call} }} }}",
    "ASK {{ FILTER NOT EXISTS {{ {call} }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ {call} }} }}",
    "SELECT * WHERE {{ {{ }} UNION {{ {call} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ {call} }} }}",
    "DESCRIBE ?s WHERE {{ {call} }}",
    "INSERT {{ ?s ?p ?o }} WHERE {{ {call} }}",
)
#: What the remote service is asked.
SERVICE_PATTERNS = ("{ ?s ?p ?o }", "{ }", "{ SELECT * WHERE { ?s ?p ?o } LIMIT 1 }")


@cache
def hidden_services(listener: str) -> st.SearchStrategy[str]:
    """A SERVICE call (SILENT or not) to the listener, its keyword spelled in any way,
    behind a comment, somewhere in a query."""

    def build(place: str, hider: str, keyword: str, silent: str, ref: Reference, pattern: str):
        prologue, reference, before = ref
        call = f"{before}{hider}{keyword}{silent} {reference} {pattern}"
        return PROLOGUE + prologue + place.format(call=call)

    return st.builds(
        build,
        st.sampled_from(SERVICE_PLACES),
        comment_hiders(),
        spelled("SERVICE"),
        st.sampled_from(["", " SILENT", " silent"]),
        references(listener_iris(listener)),
        st.sampled_from(SERVICE_PATTERNS),
    )


@cache
def loads(listener: str, escaped: bool = True) -> st.SearchStrategy[str]:
    """``LOAD [SILENT] <listener> [INTO GRAPH …]`` in any case, maybe after another
    update; with ``escaped``, its keyword's letters also as escapes (which the engine
    does not read: a malformed update)."""

    def build(first: str, hider: str, keyword: str, silent: str, ref: Reference, into: str):
        prologue, reference, _ = ref
        return f"{prologue}{first}{hider}{keyword}{silent} {reference}{into}"

    return st.builds(
        build,
        st.sampled_from(["", "CLEAR SILENT DEFAULT ;\n", 'INSERT DATA { <a> <b> "c" } ;']),
        comment_hiders(),
        spelled("LOAD") if escaped else st.sampled_from(["LOAD", "load", "Load"]),
        st.sampled_from(["", " SILENT"]),
        references(listener_iris(listener)).filter(_loadable),
        st.sampled_from(["", " INTO GRAPH <urn:g>"]),
    )


def _loadable(ref: Reference) -> bool:
    """Whether LOAD can name ``ref``: an IRI outright, or by a prefix or a BASE with a
    plain local name (the engine's lexer reads ``t:127.0.0.1:80`` otherwise)."""
    prologue, reference, before = ref
    return not before and (not prologue or re.fullmatch(r"<\w*>|t:\w*", reference) is not None)


#: Queries over a dataset that ``{dataset}`` (FROM and FROM NAMED clauses) chooses.
DATASET_QUERIES = (
    "SELECT * {dataset} WHERE {{ ?s ?p ?o }} LIMIT 3",
    "ASK {dataset} {{ ?s ?p ?o }}",
    "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} {dataset} WHERE {{ ?s ?p ?o }} LIMIT 3",
    "DESCRIBE <http://nonexistent.example/> {dataset}",
)


@cache
def datasets(listener: str) -> st.SearchStrategy[str]:
    """One to three FROM / FROM NAMED clauses naming the listener, the release's graphs
    or graphs no store holds."""

    def clause(keyword: str, ref: Reference) -> tuple[str, str]:
        prologue, reference, _ = ref
        return prologue, f"{keyword} {reference}"

    clauses = st.lists(
        st.builds(
            clause,
            st.sampled_from(["FROM", "FROM NAMED", "from named"]),
            references(graph_iris(listener)).filter(lambda ref: not ref[2]),
        ),
        min_size=1,
        max_size=3,
    )
    return st.builds(
        lambda query, chosen: (
            "".join(dict.fromkeys(p for p, _ in chosen))
            + query.format(dataset=" ".join(c for _, c in chosen))
        ),
        st.sampled_from(DATASET_QUERIES),
        clauses,
    )


@cache
def escape_runs() -> st.SearchStrategy[str]:
    """A quote followed by thousands of escaped quotes or backslashes (up to some 240 KB),
    closed or not, in a query: the text on which a backtracking pattern for string
    literals took quadratic time (``"`` + ``\\"`` × 40,000 held a worker 24 s)."""

    def build(opener: str, unit: str, n: int, closed: bool, place: str) -> str:
        literal = opener + unit * n + (opener if closed else "")
        return place.format(literal)

    count = weighted(
        (1, st.integers(1, 200)),
        (2, st.integers(1000, 40_000)),
        (1, st.sampled_from([40_000, 80_000, 120_000])),
    )
    return st.builds(
        build,
        st.sampled_from(['"', "'", '"""', "'''"]),
        st.sampled_from(['\\"', "\\'", "\\\\", '\\"\\', "\\u", '""', "\\n"]),
        count,
        st.booleans(),
        st.sampled_from(
            ["{}", "SELECT * WHERE {{ BIND({} AS ?x) }}", "ASK {{ FILTER({}) }}", "# {}"]
        ),
    )


#: (head, tail) around a ``1 < calls… > 0`` comparison hidden where a lexer may see an IRI.
BRACKET_PLACES = (
    ("SELECT * WHERE { FILTER((1", "0)) }"),
    ("SELECT * WHERE { BIND(1 AS ?x) FILTER((?x", "?x)) }"),
    ("ASK { FILTER(1", "0) }"),
    ("SELECT ((1", "0) AS ?y) WHERE {}"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o", "?o) } LIMIT 1"),
)
#: Calls that nest: the opening text, and what closes it.
NESTING_CALLS = (
    ("ABS(", ")"),
    ("STR(", ")"),
    ("UCASE(", ")"),
    ("CEIL(", ")"),
    ("(", ")"),
    ("-(", ")"),
    ("!(", ")"),
    ("COALESCE(", ")"),
    ("IF(true, 1, ", ")"),
    ("xsd:integer(", ")"),
)


def bracket_nestings(depths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """Calls nested ``depth`` deep between a ``<`` and a ``>``, where a lexer may see an
    IRI and a parser sees comparisons: ``FILTER((1< ABS(ABS(…1)) >0))``."""

    def build(place, calls, depth: int, less: str, greater: str) -> str:
        head, tail = place
        chain = [calls[n % len(calls)] for n in range(depth)]
        inner = "".join(o for o, _ in chain) + "1" + "".join(c for _, c in reversed(chain))
        return PROLOGUE + head + less + inner + greater + tail

    return st.builds(
        build,
        st.sampled_from(BRACKET_PLACES),
        st.lists(st.sampled_from(NESTING_CALLS), min_size=1, max_size=3),
        depths,
        st.sampled_from(["<", "< ", " < ", "<="]),
        st.sampled_from([">", " >", " > ", ">="]),
    )


#: Expressions that grow the string in ``?{a}`` (doubling, tripling, squaring).
GROWTHS = (
    "CONCAT(?{a}, ?{a})",
    "CONCAT(?{a}, ?{a}, ?{a})",
    "CONCAT(?{a}, UCASE(?{a}))",
    'REPLACE(?{a}, "x", ?{a})',
)
#: How the grown string is asked for: whole, its length only, or not at all.
GROWTH_HEADS = (
    "SELECT ?{last} WHERE {{ {chain} }}",
    "SELECT (STRLEN(?{last}) AS ?length) WHERE {{ {chain} }}",
    "ASK {{ {chain} }}",
    "SELECT * WHERE {{ {chain} }}",
)


def growth_chain(seed: str, growths: list[str], n: int) -> str:
    """``BIND(seed AS ?v0)`` then ``n`` BINDs, each growing the previous variable."""
    binds = [f"BIND({seed} AS ?v0)"]
    for k in range(n):
        grown = growths[k % len(growths)].format(a=f"v{k}")
        binds.append(f"BIND({grown} AS ?v{k + 1})")
    return " ".join(binds)


def doubling_chains(
    lengths: st.SearchStrategy[int], growths: tuple[str, ...] = GROWTHS
) -> st.SearchStrategy[str]:
    """A string grown by a chain of BINDs of random length (a 921-byte query of
    ``BIND(CONCAT(?v,?v) AS ?w)`` grew a process to 851 MB)."""

    def build(head: str, seed: str, chosen: list[str], n: int) -> str:
        return head.format(last=f"v{n}", chain=growth_chain(seed, chosen, n))

    return st.builds(
        build,
        st.sampled_from(GROWTH_HEADS),
        st.sampled_from(['"x"', '"xx"', '"xxxxxxxx"', '"東"']),
        st.lists(st.sampled_from(growths), min_size=1, max_size=2),
        lengths,
    )


@cache
def big_answers() -> st.SearchStrategy[str]:
    """Queries of a few hundred bytes whose answers would be tens of megabytes: every
    triple with a string doubled ``k`` times, or a cross product (an 809-byte query
    returned 32 MB before the byte limit)."""

    def padded(form: str, k: int, limit: str) -> str:
        chain = growth_chain('"x"', [GROWTHS[0]], k)
        return form.format(chain=chain, last=f"v{k}") + limit

    forms = st.sampled_from(
        [
            "SELECT ?s ?{last} WHERE {{ ?s ?p ?o {chain} }}",
            "CONSTRUCT {{ ?s <urn:p> ?{last} }} WHERE {{ ?s ?p ?o {chain} }}",
        ]
    )
    limits = st.sampled_from(["", " LIMIT 100", " LIMIT 2000", " LIMIT 10000", " LIMIT 20000"])
    cross = st.builds(lambda limit: "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }" + limit, limits)
    return st.one_of(st.builds(padded, forms, st.integers(6, 14), limits), cross)


@cache
def unknown_functions(listener: str) -> st.SearchStrategy[str]:
    """A call of a function the engine does not know (its IRI the listener's, or any),
    in BIND, a projection, FILTER, ORDER BY or GROUP BY
    (``BIND(<http://example.org/fn>(1) AS ?x)`` got a 500)."""
    function = st.one_of(
        st.sampled_from(["<http://example.org/fn>", "ex:fn", "<fn>", "xsd:nothing", "fn:nothing"]),
        listener_iris(listener).map(lambda iri: f"<{iri}>"),
    )
    arguments = st.lists(st.sampled_from(["1", '"a"', "?s", "<urn:x>", "ex:y"]), max_size=3)
    place = st.sampled_from(
        [
            "SELECT * WHERE {{ BIND({call} AS ?x) }}",
            "SELECT ({call} AS ?x) WHERE {{}}",
            "SELECT * WHERE {{ ?s ?p ?o FILTER({call}) }} LIMIT 1",
            "ASK {{ FILTER({call}) }}",
            "SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY {call} LIMIT 1",
            "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ({call} AS ?g)",
        ]
    )
    return st.builds(
        lambda f, args, where: PROLOGUE + where.format(call=f"{f}({', '.join(args)})"),
        function,
        arguments,
        place,
    )


@cache
def ordered_slices() -> st.SearchStrategy[str]:
    """A sort of every term of the store, sliced (``SELECT ?o { ?s ?p ?o } ORDER BY ?o
    LIMIT 1`` got a 500: the engine's sort aborts on the release's terms)."""
    keys = st.lists(
        st.sampled_from(["?o", "DESC(?o)", "ASC(?s)", "?p", "STR(?o)", "LANG(?o)", "DATATYPE(?o)"]),
        min_size=1,
        max_size=2,
    )
    numbers = st.sampled_from([0, 1, 2, 10, 10_001, 2**31, 2**63 - 1, 2**64, 10**30])
    slices = st.builds(
        lambda limit, offset: (
            (f" LIMIT {limit}" if limit is not None else "")
            + (f" OFFSET {offset}" if offset is not None else "")
        ),
        st.none() | numbers,
        st.none() | numbers,
    )
    return st.builds(
        lambda modifier, projection, order, rest: (
            f"SELECT {modifier}{projection} {{ ?s ?p ?o }} ORDER BY {' '.join(order)}{rest}"
        ),
        st.sampled_from(["", "DISTINCT ", "REDUCED "]),
        st.sampled_from(["?o", "?s", "*"]),
        keys,
        slices,
    )


def bom_prefixed(queries_: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A query after byte-order marks (one, two, after a space) or with one inside."""

    def build(query: str, how: str) -> str:
        return how.replace("Q", query) if how != "middle" else query.replace(" ", " \ufeff", 1)

    hows = st.sampled_from(
        ["\ufeffQ", "\ufeff\ufeffQ", " \ufeffQ", "\ufeff Q", "Q\ufeff", "middle"]
    )
    return st.builds(build, queries_, hows)


#: Updates that say "service" somewhere other than a SERVICE call ({w}: the word).
SERVICE_WORD_UPDATES = (
    'INSERT DATA {{ <urn:s> <urn:p> "{w}" }}',
    'INSERT DATA {{ GRAPH <urn:g> {{ <urn:s> <urn:p> """{w}""" }} }}',
    "DELETE DATA {{ <urn:s> <urn:p> '{w}' }}",
    'DELETE WHERE {{ ?s ?p "{w}" }}',
    'INSERT {{ ?s <urn:p> "{w}" }} WHERE {{ ?s ?p ?o }}',
    "INSERT DATA {{ <urn:{w}> <urn:p> 1 }}",
    "# {w}\nCLEAR ALL",
    "PREFIX {w}: <urn:> INSERT DATA {{ {w}:a {w}:b {w}:c }}",
    'INSERT DATA {{ <urn:s> <urn:p> "\\u0073ervice" }}',
    'WITH <urn:g> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p "{w}" }} WHERE {{ ?s ?p ?o }}',
    "DROP SILENT GRAPH <urn:{w}>",
    "CREATE GRAPH <urn:{w}> ; ADD <urn:{w}> TO DEFAULT",
)


@cache
def service_word_updates() -> st.SearchStrategy[str]:
    """Updates with the word "service" in a literal, an IRI, a prefix or a comment, and
    INSERT DATA of up to some 800 KB (both must be refused as updates, 403)."""
    word = st.sampled_from(["service", "SERVICE", "Service", "sErViCe", "services"])
    small = st.builds(lambda form, w: form.format(w=w), st.sampled_from(SERVICE_WORD_UPDATES), word)
    large = st.builds(
        lambda w, n: "INSERT DATA {" + f' <urn:s> <urn:p> "{w}" .' * n + " }",
        word,
        st.sampled_from([100, 1000, 10_000, 30_000]),
    )
    return weighted((3, small), (1, large))


@cache
def updates(listener: str) -> st.SearchStrategy[str]:
    """An update the engine reads, to be refused (403): one that names "service", or
    a LOAD."""
    return weighted((3, service_word_updates()), (1, loads(listener, escaped=False)))


@cache
def hostile_queries(listener: str, heavy: bool = True) -> st.SearchStrategy[str]:
    """The attacks of the security issue, each as a family of variants
    (:func:`hostile_families`), the families drawn alike."""
    return shares(*((1, family) for family in hostile_families(listener, heavy).values()))


def hostile_families(listener: str, heavy: bool = True) -> dict[str, st.SearchStrategy[str]]:
    """The families of variants of the security issue's attacks, by name: SERVICE
    hidden from a checker, updates naming "service", LOAD, FROM and FROM NAMED,
    escaped quotes by the thousand, nesting hidden between ``<`` and ``>``,
    string-growing chains, unknown functions, a sort sliced, big answers.

    Without ``heavy`` (in front of a remote store, which dxkg cannot stop), nothing
    that costs the store more than a moment, and nothing that ends it: chains of at
    most 16 doublings, no big answers, no sort of every term (oxigraph 0.5.13's server
    aborts on ``ORDER BY DESC(?o)`` over the release; ``test_fuzz.py`` keeps that
    defect as an expected failure).
    """
    families = {
        "hidden SERVICE": hidden_services(listener),
        "update": updates(listener),
        "LOAD": loads(listener),
        "dataset": datasets(listener),
        "escape run": escape_runs(),
        "nesting in <>": bracket_nestings(
            weighted((2, st.integers(1, 120)), (1, st.sampled_from([900, 5000])))
        ),
        "short growth": doubling_chains(st.integers(1, 16), GROWTHS[:1]),
        "unknown function": unknown_functions(listener),
    }
    if heavy:
        families["sorted slice"] = ordered_slices()
        families["long growth"] = doubling_chains(st.integers(17, 45))
        families["big answer"] = big_answers()
    return families
