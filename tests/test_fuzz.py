"""Fuzz tests against the running server: hostile requests on every route, over GET and POST.

hypothesis generates the requests (``tests/fuzzing.py``) and sends each one byte for byte
to ``dxkg serve`` on 127.0.0.1, which runs with a short query time limit. Every answer
must have the properties of :func:`fuzzing.verify`: no 5xx but the documented 503 of the
time limit, an answer within the time limit plus a margin, and no fuzzed markup raw in
an HTML page. The requests cover:

- every route of the Flask application (read from its URL map), its path arguments and
  query string fuzzed: path traversal, overlong UTF-8, lone surrogates, ``%00``, double
  encoding, very long paths, hostile parameter values, any method, odd headers and bodies;
- ``/sparql`` with the vocabulary's example queries cut short or spliced, queries nested
  or chained thousands deep, invalid UTF-8, wrong media types, ``Accept`` and ``format``
  values, by GET, form POST and direct POST, with both engines;
- the request-size limits at, just below and just above their values.

The search is derandomised, so a run repeats. ``DXKG_FUZZ_PROFILE`` picks the hypothesis
profile: ``ci`` (the default, some 1,500 requests) or ``full`` (some 40,000;
``benchmarks/fuzz.py`` runs it). The number of requests sent is printed at the end and,
when ``DXKG_REPORT_DIR`` is set, written to ``fuzz-<profile>.json`` there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fuzzing
from dxkg.web.app import create_app
from dxkg.web.editor import README, example_queries
from dxkg.web.facets import FACETS
from dxkg.web.serve import MAX_REQUEST_LINE
from dxkg.web.settings import EndpointSettings
from fuzzing import check, exchange, profile_settings
from reporting import keep, show
from servers import endpoint_server

pytestmark = pytest.mark.e2e

fuzzing.register_profiles()
PROFILE = os.environ.get("DXKG_FUZZ_PROFILE", "ci")
#: Examples per test in each profile: one request each, two for /sparql (the query, then
#: a plain one to see the endpoint still answers).
EXAMPLES = {
    "routes": {"ci": 700, "full": 20_000},
    "sparql": {"ci": 400, "full": 10_000},
    "remote": {"ci": 150, "full": 3_000},
}
SERVER_OPTIONS = ("--query-timeout", str(fuzzing.QUERY_TIMEOUT), "--workers", "3")
#: Largest request body (the request line's limit is gunicorn's, MAX_REQUEST_LINE).
MAX_BODY = EndpointSettings().max_request_bytes
#: Parameters the pages and the endpoint read, besides the facets' own.
PARAMETERS = [
    "q",
    "class",
    "page",
    "sort",
    "lang",
    "in",
    "offset",
    "hops",
    "example",
    "format",
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    *sorted({facet.key for facets in FACETS.values() for facet in facets}),
]
#: Known-good path arguments the fuzz starts from and mixes with hostile pieces.
SEEDS = [
    "id/case/v2-2-18",
    "id/municipality/130001",
    "id/concept/technology-rpa",
    "graph/municipalities",
    "CaseStudy",
    "Initiative",
    "dxkg.nq",
    "csv/municipalities.csv",
    "SHA256SUMS",
    "style.css",
    "",
]
#: IRIs for parameters that take one (``in``, the facets, the dataset), and some that are not.
IRIS = [
    "https://dxkg.example.org/id/case/v2-2-18",
    "https://dxkg.example.org/id/municipality/130001",
    "https://dxkg.example.org/id/concept/technology-rpa",
    "https://dxkg.example.org/ontology#reportedBy",
    "https://dxkg.example.org/graph/municipalities",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "not an IRI",
    "javascript:dxkgfuzz()",
    "<https://dxkg.example.org/>",
]
#: Simple queries of each kind, beside the README's SELECTs.
KINDS = [
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE <https://dxkg.example.org/id/municipality/130001>",
    "SELECT ?s WHERE { ?s a ?c } LIMIT 3",
]


@pytest.fixture(scope="module", autouse=True)
def tally(request) -> Iterator[fuzzing.Tally]:
    """Count the requests of this module; print the totals and write them to the reports."""
    yield fuzzing.TALLY
    summary = fuzzing.TALLY.summary()
    written = keep(f"fuzz-{PROFILE}", {"profile": PROFILE, **summary})
    show(
        request.config,
        f"fuzz ({PROFILE} profile): {summary['requests']} requests, "
        f"per test {summary['per_test']}, statuses {summary['statuses']}"
        + (f"; written to {written}" if written else ""),
    )


@pytest.fixture(scope="module")
def fuzzed(release) -> Iterator[str]:
    """``dxkg serve`` with the embedded engine and a short time limit."""
    paths, _ = release
    with endpoint_server("embedded", paths.dist, *SERVER_OPTIONS) as base:
        yield base


@pytest.fixture(scope="module")
def fuzzed_remote(release) -> Iterator[str]:
    """``dxkg serve`` in front of an oxigraph server, with a short time limit."""
    paths, _ = release
    with endpoint_server("remote", paths.dist, *SERVER_OPTIONS) as base:
        yield base


@pytest.fixture(scope="module")
def routes(release) -> list[tuple[str, list[str]]]:
    """Every URL rule of the application: (rule, the methods it routes)."""
    paths, _ = release
    # A remote engine that is never asked: the URL map is all that is wanted here.
    app = create_app(paths.dist, EndpointSettings(remote_endpoint="http://127.0.0.1:9/"))
    return sorted((rule.rule, sorted(rule.methods)) for rule in app.url_map.iter_rules())


@pytest.fixture(scope="module")
def examples() -> list[str]:
    """The vocabulary README's example queries and one query of each other kind."""
    return [example.query for example in example_queries(README.read_text("utf-8"))] + KINDS


def fill(rule: str, data: st.DataObject) -> bytes:
    """The rule's path with each ``<converter:argument>`` replaced by a fuzzed piece."""
    parts = re.split(r"<[^>]+>", rule)
    target = fuzzing.encode(parts[0])
    for part in parts[1:]:
        target += data.draw(fuzzing.path_arguments(SEEDS)) + fuzzing.encode(part)
    return target


@profile_settings(PROFILE, EXAMPLES["routes"][PROFILE])
@given(data=st.data())
def test_every_route_survives_fuzzed_requests(fuzzed, routes, data):
    rule, _ = data.draw(st.sampled_from(routes))
    target = fill(rule, data) + data.draw(fuzzing.query_strings(PARAMETERS, IRIS))
    method = data.draw(st.sampled_from(fuzzing.METHODS))
    headers = data.draw(fuzzing.headers())
    body = data.draw(fuzzing.bodies()) if method in ("POST", "PUT", "PATCH") else None
    reply = exchange(fuzzed, method, target, headers, body)
    check(reply, "routes", f"{method} {target[:200]!r} {headers!r}")


def sparql_request(query: str, data: st.DataObject) -> tuple[str, bytes, list, bytes | None]:
    """``query`` as a protocol request: GET, form POST or direct POST, some bytes broken."""
    encoded = broken(query.encode("utf-8", "surrogatepass"), data)
    parameters = protocol_parameters(data)
    accept = ("Accept", data.draw(fuzzing.header_values()))
    transport = data.draw(st.sampled_from(["get", "form", "direct"]))
    if transport == "get":
        target = b"/sparql?query=" + quote(encoded, safe="").encode() + parameters
        return "GET", target, [accept], None
    if transport == "form":
        body = b"query=" + quote(encoded, safe="").encode() + parameters
        content_type = ("Content-Type", b"application/x-www-form-urlencoded")
        return "POST", b"/sparql", [accept, content_type], body
    content_type = ("Content-Type", data.draw(fuzzing.header_values()))
    if data.draw(st.booleans()):
        content_type = ("Content-Type", b"application/sparql-query")
    return "POST", b"/sparql?" + parameters.lstrip(b"&"), [accept, content_type], encoded


def broken(encoded: bytes, data: st.DataObject) -> bytes:
    """``encoded`` as it is, or with a byte sequence that is not UTF-8 put in somewhere."""
    if not data.draw(st.booleans()):
        return encoded
    at = data.draw(st.integers(0, len(encoded)))
    invalid = data.draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00"]))
    return encoded[:at] + invalid + encoded[at:]


def protocol_parameters(data: st.DataObject) -> bytes:
    """``&format=…`` and the protocol's dataset parameters, fuzzed."""
    parameters = b""
    requested = data.draw(fuzzing.sparql_formats())
    if requested is not None:
        parameters = b"&format=" + requested
    for name in data.draw(st.lists(st.sampled_from([b"default-graph-uri", b"named-graph-uri"]))):
        graph = data.draw(st.one_of(st.sampled_from(IRIS).map(fuzzing.encode), fuzzing.fragments()))
        parameters += b"&" + name + b"=" + graph
    return parameters


def fuzz_sparql(
    base: str, test: str, examples: list[str], data: st.DataObject, heavy: bool = True
) -> None:
    """Send one fuzzed query, then check the endpoint still answers a plain one."""
    query = data.draw(fuzzing.queries(examples, heavy))
    method, target, headers, body = sparql_request(query, data)
    reply = exchange(base, method, target, headers, body)
    check(reply, test, f"{method} {target[:120]!r} {headers!r} body {(body or b'')[:200]!r}")
    after = exchange(base, "GET", b"/sparql?query=ASK%7B%7D")
    check(after, test, "ASK {} after the fuzzed query")
    assert after.status == 200, after.body


@profile_settings(PROFILE, EXAMPLES["sparql"][PROFILE])
@given(data=st.data())
def test_sparql_survives_fuzzed_queries(fuzzed, examples, data):
    fuzz_sparql(fuzzed, "sparql", examples, data)


@profile_settings(PROFILE, EXAMPLES["remote"][PROFILE])
@given(data=st.data())
def test_sparql_in_front_of_a_remote_store_survives_fuzzed_queries(fuzzed_remote, examples, data):
    fuzz_sparql(fuzzed_remote, "remote", examples, data, heavy=False)


def deep_and_long_queries(engine: str) -> list[str]:
    """Every nesting shape thousands deep, and every long shape some 100 KB long, with a
    mention of SERVICE and, for the embedded engine, without (a remote store would work
    on a sort by 30,000 keys for many minutes after dxkg's 503)."""
    nested = [
        head + opener * 3000 + middle + closer * 3000
        for head, opener, closer, middle in fuzzing.NESTINGS
    ]
    long = [head + part * 30_000 + tail for head, part, tail in fuzzing.LONG_SHAPES]
    service = ["# SERVICE\n" + query for query in long]
    return nested + service + (long if engine == "embedded" else [])


@pytest.mark.parametrize("engine", ["embedded", "remote"])
def test_deep_and_long_queries_are_refused_or_stopped_in_time(fuzzed, fuzzed_remote, engine):
    """Oxigraph overflows its stack on queries nested or chained a few thousand times
    (the embedded engine's query process died, a remote oxigraph server aborted), and
    rdflib's parser takes seconds over long queries: each is refused (400), stopped at
    the time limit (503) or answered in time, and the server still answers afterwards."""
    base = fuzzed if engine == "embedded" else fuzzed_remote
    headers = [("Content-Type", b"application/sparql-query")]
    for query in deep_and_long_queries(engine):
        reply = exchange(base, "POST", b"/sparql", headers, query.encode())
        check(reply, "deep and long", f"{engine}: {query[:80]!r}…")
        assert reply.status in (200, 400, 403, 503), (query[:80], reply.status, reply.body[:200])
    after = exchange(base, "GET", b"/sparql?query=ASK%7B%7D")
    assert after.status == 200, after.body


@pytest.mark.parametrize(
    ("target", "status"),
    [
        # Escapes that decode to letters no IRI may hold: 500 (pyoxigraph refused the IRI).
        (b"/page/id/%C2%85", 404),
        (b"/id/case/%EF%BF%BE", 404),
        (b"/data/id/%F4%8F%BF%BF.ttl", 404),
        (b"/view/id/%F3%BF%9E%81", 404),
        (b"/graph/%C2%80", 404),
        # ``in=`` that is not an IRI: 500.
        (b"/page/id/case/v2-2-18?in=not%20an%20IRI", 400),
        # A dataset graph that is not an IRI ended the query process: 500.
        (b"/sparql?query=ASK%7B%7D&default-graph-uri=%3E", 400),
        (b"/sparql?query=ASK%7B%7D&named-graph-uri=graph", 400),
    ],
)
def test_requests_that_failed_once(fuzzed, target, status):
    reply = exchange(fuzzed, "GET", target, [("Accept", b"text/html")])
    check(reply, "regressions", repr(target))
    assert reply.status == status, reply.body[:200]


@pytest.mark.parametrize("marker", fuzzing.MARKERS)
def test_echoed_markup_comes_back_escaped(fuzzed, marker):
    """The pages that show what they were sent (the search text, a chosen facet, the
    IRI or parameter an error names) escape it; the search page shows it escaped."""
    text = quote(marker, safe="")
    for target in (
        f"/search?q={text}",
        f"/class/CaseStudy?edition={text}",
        f"/class/CaseStudy?prefecture={text}",
        f"/page/id/case/v2-2-18?in={text}",
        f"/page/id/{text}",
        f"/view/id/{text}",
    ):
        reply = exchange(fuzzed, "GET", target.encode(), [("Accept", b"text/html")])
        check(reply, "markup", target)
        assert reply.media_type == "text/html", (target, reply.status)
        if target.startswith("/search"):
            escaped = marker.replace("<", "&lt;").replace(">", "&gt;")
            escaped = escaped.replace('"', "&#34;").replace("'", "&#39;")
            assert escaped.encode() in reply.body


def test_the_checks_catch_what_they_look_for():
    """A raw marker in HTML, a 500, a 503 that is not the time limit and a slow answer
    each fail :func:`fuzzing.verify` (so a passing fuzz run means something)."""
    html = fuzzing.Reply(200, "text/html", b"<p>" + fuzzing.MARKERS[0].encode(), 0.1)
    failures = [
        html,
        fuzzing.Reply(500, "text/plain", b"internal error", 0.1),
        fuzzing.Reply(503, "text/plain", b"overloaded", 0.1),
        fuzzing.Reply(200, "text/plain", b"", fuzzing.REPLY_LIMIT + 1),
    ]
    for reply in failures:
        with pytest.raises(AssertionError):
            fuzzing.verify(reply, "a reply that must fail")
    fuzzing.verify(fuzzing.Reply(503, "text/plain", b"stopped after the time limit", 1), "")
    fuzzing.verify(fuzzing.Reply(200, "application/json", html.body, 0.1), "")


def padded(query: str, size: int) -> bytes:
    """``query`` followed by a comment that makes it ``size`` bytes long."""
    head = query.encode() + b"\n#"
    return head + b"x" * (size - len(head))


@pytest.mark.parametrize("size", [MAX_BODY - 1, MAX_BODY, MAX_BODY + 1, 2 * MAX_BODY])
def test_request_bodies_around_the_size_limit(fuzzed, size):
    direct = padded("ASK { ?s ?p ?o }", size)
    headers = [("Content-Type", b"application/sparql-query")]
    reply = exchange(fuzzed, "POST", b"/sparql", headers, direct)
    check(reply, "limits", f"direct POST of {size} bytes")
    assert reply.status == (200 if size <= MAX_BODY else 413), reply.body[:200]
    form = b"query=" + padded("ASK { ?s ?p ?o }", size - len(b"query="))
    headers = [("Content-Type", b"application/x-www-form-urlencoded")]
    reply = exchange(fuzzed, "POST", b"/sparql", headers, form)
    check(reply, "limits", f"form POST of {size} bytes")
    assert reply.status == (200 if size <= MAX_BODY else 413), reply.body[:200]


@pytest.mark.parametrize("excess", [-100, -20, 0, 1, 100, 60_000])
def test_request_lines_around_the_length_limit(fuzzed, excess):
    """The request line (``GET <target> HTTP/1.1``) up to gunicorn's limit, and beyond."""
    prefix = b"/sparql?query=ASK%7B%7D%23"
    length = MAX_REQUEST_LINE + excess - len(b"GET  HTTP/1.1")
    target = prefix + b"x" * (length - len(prefix))
    reply = exchange(fuzzed, "GET", target)
    check(reply, "limits", f"request line of {MAX_REQUEST_LINE + excess} bytes")
    assert reply.status == (200 if excess <= 0 else 414), reply.body[:200]


@pytest.mark.parametrize(
    "line",
    [
        b"GET",
        b"GET /",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello
        b"GET / HTTP/9.9",
        b"GET /\x00 HTTP/1.1",
        b"GET /\xff\xfe HTTP/1.1",
        b"GET / HTTP/1.1\r\nX: " + b"a" * 20_000,
        b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 200,
        b"POST /sparql HTTP/1.1\r\nContent-Length: -1",
        b"POST /sparql HTTP/1.1\r\nContent-Length: 99999999999999999999",
        b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz",
        b"GET /../../etc/passwd HTTP/1.1",
        b"GET http://evil.example/ HTTP/1.1",
    ],
)
def test_malformed_http_is_refused(fuzzed, line):
    reply = fuzzing.exchange_raw(fuzzed, line + b"\r\n\r\n")
    if reply is not None:  # or the connection was closed without an answer, which is fine
        check(reply, "http", repr(line[:60]), also=(501, 505))


def test_the_release_files_stay_out_of_reach(fuzzed):
    for target in (
        b"/download/../build-report.json",
        b"/download/%2e%2e/%2e%2e/pyproject.toml",
        b"/download/..%2F..%2Fpyproject.toml",
        b"/static/../../pyproject.toml",
        b"/static/%2e%2e/%2e%2e/pyproject.toml",
        b"/download/" + quote(str(Path(__file__).resolve()), safe="").encode(),
    ):
        reply = exchange(fuzzed, "GET", target)
        check(reply, "traversal", repr(target))
        # werkzeug merges the slashes of a decoded %2F and redirects (308): no file either.
        assert reply.status in (308, 400, 404), (target, reply.status)
        assert b"[project]" not in reply.body and b"dxkgfuzz" not in reply.body
