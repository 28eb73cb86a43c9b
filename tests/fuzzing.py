"""What the fuzz tests (``tests/test_fuzz.py``) send and what they check in every answer.

Requests go over a plain socket, byte for byte as generated: no HTTP library
normalises the path, re-encodes a percent-escape or refuses a header. Every answer
is checked against the same properties:

- no 5xx, except the documented 503 of the query time limit;
- an answer within the time limit plus a margin, never a hang;
- no fuzzed markup raw in an HTML body (each marker below, if the server echoes
  it, must come back escaped).
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import string
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
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
#: What the documented 503 says (``--query-timeout``, README "Limits").
TIME_LIMIT_MESSAGE = b"time limit"

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
    return Reply(response.status, media_type, payload, seconds)


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


# --- the properties ----------------------------------------------------------------------


def check(reply: Reply, test: str, what: str, also: tuple[int, ...] = ()) -> None:
    """Count ``reply`` under ``test`` and assert the properties of :func:`verify`."""
    TALLY.add(test, reply.status)
    verify(reply, what, also)


def verify(reply: Reply, what: str, also: tuple[int, ...] = ()) -> None:
    """Assert the properties every answer must have (``what`` names the request in the
    message). Statuses in ``also`` are allowed too (HTTP's own 501 and 505 for
    malformed requests)."""
    time_limit = reply.status == 503 and TIME_LIMIT_MESSAGE in reply.body
    allowed = reply.status < 500 or time_limit or reply.status in also
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


def encode(text: str, raw: bool = False) -> bytes:
    """``text`` for a request target: percent-encoded as UTF-8 (lone surrogates as their
    invalid three bytes), or with non-ASCII letters sent ``raw`` as bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if raw:
        return b"".join(
            bytes([b]) if b > 0x7F or chr(b) in UNRESERVED else f"%{b:02X}".encode() for b in data
        )
    return quote(data, safe="".join(sorted(UNRESERVED))).encode("ascii")


def long_runs() -> st.SearchStrategy[str]:
    """A letter repeated hundreds to thousands of times (around the 8 KiB request line)."""
    return st.builds(
        lambda letter, n: letter * n,
        st.sampled_from(["a", "東", "%", "/", ".", "<", "{"]),
        st.integers(200, 9000),
    )


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """``st.one_of`` with each strategy as many times as its weight (one_of draws its
    branches alike)."""
    return st.one_of(*(strategy for weight, strategy in choices for _ in range(weight)))


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


def path_arguments(seeds: list[str]) -> st.SearchStrategy[bytes]:
    """A path argument: a known-good value, perhaps with pieces after it, or fuzz alone."""
    tail = st.lists(fragments(), max_size=2).map(b"".join)
    return st.one_of(
        st.builds(lambda seed, rest: encode(seed) + rest, st.sampled_from(seeds), tail),
        st.lists(fragments(), min_size=1, max_size=3).map(b"".join),
    )


def query_strings(names: list[str], iris: list[str]) -> st.SearchStrategy[bytes]:
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


def header_values() -> st.SearchStrategy[bytes]:
    """A header value: a media type, hostile text, or a long run; no CR or LF."""
    text = st.one_of(st.sampled_from(MEDIA_TYPES), st.sampled_from(WORDS), st.text(max_size=30))
    return st.one_of(
        text.map(lambda value: value.encode("utf-8", "surrogatepass")),
        st.binary(max_size=30),
        st.integers(100, 9000).map(lambda n: b"a" * n),
    ).map(lambda value: value.replace(b"\r", b"").replace(b"\n", b""))


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


def mutated(examples: list[str]) -> st.SearchStrategy[str]:
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


def queries(examples: list[str], heavy: bool = True) -> st.SearchStrategy[str]:
    """A SPARQL query, valid, broken, nested deep, long, or no query at all.

    Without ``heavy``, no query that is slow to evaluate: in front of a remote store
    dxkg's time limit ends its wait, not the store's work (a sort by 3,000 keys would
    keep oxigraph busy for minutes after the 503).
    """
    light = [
        st.sampled_from(examples),
        mutated(examples),
        nested(st.integers(1, 20)),
        st.text(max_size=200),
        st.sampled_from(WORDS),
        st.builds(
            lambda marker, q: q + " # " + marker,
            st.sampled_from(MARKERS),
            st.sampled_from(examples),
        ),
    ]
    if not heavy:
        return st.one_of(*light)
    return st.one_of(
        *light,
        nested(st.integers(20, 300)),
        nested(st.sampled_from([900, 2000, 3000, 10_000, 60_000])),
        long_queries(st.integers(100, 3000)),
    )


def sparql_formats() -> st.SearchStrategy[bytes | None]:
    """The ``format`` parameter: a known alias, a media type, or anything."""
    known = ["json", "xml", "csv", "tsv", "ttl", "jsonld", "nquads", "text/html", "html"]
    return st.one_of(st.none(), st.sampled_from(known).map(str.encode), fragments())
