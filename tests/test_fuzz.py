"""Fuzz tests against the running server: hostile requests on every route, over GET and POST.

hypothesis generates the requests (``tests/fuzzing.py``) and sends each one byte for byte
to ``dxkg serve`` on 127.0.0.1, which runs with a short query time limit. Every answer
must have the properties of :func:`fuzzing.verify`: no 5xx but the documented 503 of the
time and memory limits, an answer within the time limit plus a margin, and no fuzzed
markup raw in an HTML page. The requests cover:

- every route of the Flask application (read from its URL map), its path arguments and
  query string fuzzed: path traversal, overlong UTF-8, lone surrogates, ``%00``, double
  encoding, very long paths, hostile parameter values, any method, odd headers and bodies;
- ``/sparql`` with the vocabulary's example queries cut short or spliced, queries nested
  or chained thousands deep, invalid UTF-8, wrong media types, ``Accept`` and ``format``
  values, by GET, form POST and direct POST, with both engines;
- variants of the attacks of the endpoint's security issue (:func:`fuzzing.hostile_queries`):
  SERVICE hidden behind comments and escapes, LOAD, FROM, escaped quotes by the
  thousand, nesting hidden between ``<`` and ``>``, string-doubling chains, big answers,
  unknown functions, sorts, byte-order marks, updates naming "service". Their URLs lead
  to a loopback listener, and the servers start with every HTTP proxy pointing at it:
  it must see no connection. Updates must be refused (403), graphs no store holds must
  be empty, and no answer may pass the byte limit;
- the request-size limits at, just below and just above their values.

The search is derandomised, so a run repeats. ``DXKG_FUZZ_PROFILE`` picks the hypothesis
profile: ``ci`` (the default, some 2,100 requests) or ``full`` (some 57,000;
``benchmarks/fuzz.py`` runs it). The number of requests sent is printed at the end and,
when ``DXKG_REPORT_DIR`` is set, written to ``fuzz-<profile>.json`` there.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import fuzzing
from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.publish.examples import readme_examples
from dxkg.web.app import create_app
from dxkg.web.serve import MAX_REQUEST_LINE
from dxkg.web.settings import EndpointSettings
from dxkg.web.sparql.complexity import decode_escapes, nesting
from dxkg.web.views.facets import FACETS
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
    "updates": {"ci": 25, "full": 1_000},
    "graphs": {"ci": 25, "full": 1_000},
    "pages": {"ci": 25, "full": 1_000},
    "family": {"ci": 6, "full": 300},
}
SERVER_OPTIONS = ("--query-timeout", str(fuzzing.QUERY_TIMEOUT), "--workers", "3")
#: Largest request body (the request line's limit is gunicorn's, MAX_REQUEST_LINE).
MAX_BODY = EndpointSettings().max_request_bytes
#: Largest answer of the endpoint.
BYTE_LIMIT = EndpointSettings().byte_limit
#: Parameters the pages and the endpoint read, besides the facets' own.
PARAMETERS = (
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
)
#: Known-good path arguments the fuzz starts from and mixes with hostile pieces.
SEEDS = (
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
)
#: IRIs for parameters that take one (``in``, the facets, the dataset), and some that are not.
IRIS = (
    "https://dxkg.example.org/id/case/v2-2-18",
    "https://dxkg.example.org/id/municipality/130001",
    "https://dxkg.example.org/id/concept/technology-rpa",
    "https://dxkg.example.org/ontology#reportedBy",
    "https://dxkg.example.org/graph/municipalities",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "not an IRI",
    "javascript:dxkgfuzz()",
    "<https://dxkg.example.org/>",
)
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
def listener() -> Iterator[fuzzing.LoopbackListener]:
    """The loopback listener that the hostile queries name, and the servers' proxy."""
    with fuzzing.LoopbackListener() as listening:
        yield listening


@pytest.fixture(scope="module")
def fuzzed(release, listener) -> Iterator[str]:
    """``dxkg serve`` with the embedded engine and a short time limit."""
    paths, _ = release
    with fuzzed_server("embedded", paths.dist, listener) as base:
        yield base


@pytest.fixture(scope="module")
def fuzzed_remote(release, listener) -> Iterator[str]:
    """``dxkg serve`` in front of an oxigraph server, with a short time limit."""
    paths, _ = release
    with fuzzed_server("remote", paths.dist, listener) as base:
        yield base


@contextmanager
def fuzzed_server(mode: str, dist: Path, listener: fuzzing.LoopbackListener) -> Iterator[str]:
    """The server of ``mode`` (and, remote, its oxigraph), started with the listener as
    every HTTP proxy: a fetch of any host but 127.0.0.1 would arrive there."""
    with ExitStack() as stack:
        with fuzzing.proxy_environment(listener.url):  # only the processes started here
            base = stack.enter_context(endpoint_server(mode, dist, *SERVER_OPTIONS))
        yield base


@pytest.fixture(scope="module")
def routes(release) -> list[tuple[str, list[str]]]:
    """Every URL rule of the application: (rule, the methods it routes)."""
    paths, _ = release
    # A remote engine that is never asked: the URL map is all that is wanted here.
    app = create_app(paths.dist, EndpointSettings(remote_endpoint="http://127.0.0.1:9/"))
    return sorted((rule.rule, sorted(rule.methods)) for rule in app.url_map.iter_rules())


@pytest.fixture(scope="module")
def examples() -> tuple[str, ...]:
    """The vocabulary README's example queries and one query of each other kind."""
    return (*(example.query for example in readme_examples(PROJECT_ROOT / "ontology")), *KINDS)


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


def sparql_request(
    query: str, data: st.DataObject, listener: str
) -> tuple[str, bytes, list, bytes | None]:
    """``query`` as a protocol request: GET, form POST or direct POST, some bytes broken."""
    encoded = broken(query.encode("utf-8", "surrogatepass"), data)
    parameters = protocol_parameters(data, listener)
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


def protocol_parameters(data: st.DataObject, listener: str) -> bytes:
    """``&format=…`` and the protocol's dataset parameters, fuzzed; some graphs name
    the listener."""
    parameters = b""
    requested = data.draw(fuzzing.sparql_formats())
    if requested is not None:
        parameters = b"&format=" + requested
    for name in data.draw(st.lists(st.sampled_from([b"default-graph-uri", b"named-graph-uri"]))):
        parameters += b"&" + name + b"=" + data.draw(dataset_graphs(listener))
    return parameters


@cache
def dataset_graphs(listener: str) -> st.SearchStrategy[bytes]:
    """A graph of the protocol's dataset, encoded: an IRI or not, or one that names
    the listener (one strategy object per listener: see ``fuzzing``'s caching)."""
    return st.one_of(
        st.sampled_from(IRIS).map(fuzzing.encode),
        fuzzing.graph_iris(listener).map(fuzzing.encode),
        fuzzing.fragments(),
    )


def fuzz_sparql(
    base: str,
    test: str,
    examples: tuple[str, ...],
    listener: fuzzing.LoopbackListener,
    data: st.DataObject,
    heavy: bool = True,
) -> None:
    """Send one fuzzed query, then check the endpoint still answers a plain one, that
    the answer kept to the byte limit, and that the listener saw no connection."""
    seen = listener.connections
    query = data.draw(fuzzing.queries(examples, listener.url, heavy))
    method, target, headers, body = sparql_request(query, data, listener.url)
    reply = exchange(base, method, target, headers, body)
    what = f"{method} {target[:120]!r} {headers!r} body {(body or b'')[:200]!r}"
    check(reply, test, what)
    within_the_byte_limit(reply, what)
    after = exchange(base, "GET", b"/sparql?query=ASK%7B%7D")
    check(after, test, "ASK {} after the fuzzed query")
    assert after.status == 200, after.body
    listener.assert_untouched(what, since=seen)


def within_the_byte_limit(reply: fuzzing.Reply, what: str) -> None:
    """An answer of the endpoint holds at most the byte limit, and a cut one says why."""
    assert len(reply.body) <= BYTE_LIMIT, f"{what}: {len(reply.body)} bytes"
    if reply.header("Result-Truncated") == "true":
        assert reply.header("Result-Truncated-By") in ("row-limit", "byte-limit"), what


def given_then(test: str, run: Callable[[st.DataObject], None]) -> Callable[[], None]:
    """``run`` as a hypothesis test with the examples of ``test`` in this profile, to be
    called once (so that the caller can check something after all its examples)."""
    return profile_settings(PROFILE, EXAMPLES[test][PROFILE])(given(data=st.data())(run))


def test_sparql_survives_fuzzed_queries(fuzzed, examples, listener):
    given_then("sparql", lambda data: fuzz_sparql(fuzzed, "sparql", examples, listener, data))()
    listener.assert_untouched("the embedded engine's fuzz run")


def test_sparql_in_front_of_a_remote_store_survives_fuzzed_queries(
    fuzzed_remote, examples, listener
):
    given_then(
        "remote",
        lambda data: fuzz_sparql(fuzzed_remote, "remote", examples, listener, data, heavy=False),
    )()
    listener.assert_untouched("the remote engine's fuzz run")


#: Each family of the issue's attacks with each engine (no heavy ones in front of a
#: remote store): the mixed runs above draw them among everything else, unevenly.
FAMILIES = [
    (engine, family)
    for engine, heavy in (("embedded", True), ("remote", False))
    for family in fuzzing.hostile_families("http://127.0.0.1:1", heavy)
]


@pytest.mark.parametrize(("engine", "family"), FAMILIES)
@profile_settings(PROFILE, EXAMPLES["family"][PROFILE])
@given(data=st.data())
def test_every_family_of_attacks_is_answered_safely(
    fuzzed, fuzzed_remote, listener, engine, family, data
):
    """A few variants of each attack, sent whole (a direct or a form POST): the
    properties of every answer, the byte limit, and no connection to the listener."""
    base = fuzzed if engine == "embedded" else fuzzed_remote
    seen = listener.connections
    query = data.draw(fuzzing.hostile_families(listener.url, engine == "embedded")[family])
    encoded = query.encode("utf-8", "surrogatepass")
    if data.draw(st.booleans()):
        headers, body = [("Content-Type", b"application/sparql-query")], encoded
    else:
        headers = [("Content-Type", b"application/x-www-form-urlencoded")]
        body = b"query=" + quote(encoded, safe="").encode()
    reply = exchange(base, "POST", b"/sparql", headers, body)
    what = f"{engine}, {family}: {query[:300]!r}"
    check(reply, "families", what)
    within_the_byte_limit(reply, what)
    listener.assert_untouched(what, since=seen)


@pytest.mark.parametrize("engine", ["embedded", "remote"])
@profile_settings(PROFILE, EXAMPLES["updates"][PROFILE])
@given(data=st.data())
def test_updates_naming_service_are_refused_as_updates(
    fuzzed, fuzzed_remote, listener, engine, data
):
    """An update is refused (403) however it is sent, whatever it says ("service" in a
    literal, a LOAD of the listener), unless a size limit refuses it first."""
    base = fuzzed if engine == "embedded" else fuzzed_remote
    seen = listener.connections
    update = data.draw(fuzzing.updates(listener.url))
    method, target, headers, body = update_request(update, data.draw(st.sampled_from(UPDATE_WAYS)))
    reply = exchange(base, method, target, headers, body)
    what = f"{engine}: {method} {target[:100]!r} body {(body or b'')[:200]!r}"
    check(reply, "updates", what)
    assert reply.status == refusal_status(target, body), (what, reply.status, reply.body[:200])
    listener.assert_untouched(what, since=seen)


#: The ways an update may be sent: as a query (GET, form, direct POST), as the form
#: field ``update``, as ``application/sparql-update``.
UPDATE_WAYS = ("get", "form", "direct", "update field", "update body")


def update_request(update: str, way: str) -> tuple[str, bytes, list, bytes | None]:
    """``update`` sent to /sparql in ``way`` (one of :data:`UPDATE_WAYS`)."""
    encoded = quote(update.encode(), safe="").encode()
    form = [("Content-Type", b"application/x-www-form-urlencoded")]
    if way == "get":
        return "GET", b"/sparql?query=" + encoded, [], None
    if way == "form":
        return "POST", b"/sparql", form, b"query=" + encoded
    if way == "update field":
        return "POST", b"/sparql", form, b"update=" + encoded
    media_type = b"application/sparql-query" if way == "direct" else b"application/sparql-update"
    return "POST", b"/sparql", [("Content-Type", media_type)], update.encode()


def refusal_status(target: bytes, body: bytes | None) -> int:
    """What an update sent as ``target`` and ``body`` gets: 403, or the size limits' 414
    and 413, which come before the update is read."""
    if len(b"GET  HTTP/1.1") + len(target) > MAX_REQUEST_LINE:
        return 414
    if body is not None and len(body) > MAX_BODY:
        return 413
    return 403


@pytest.mark.parametrize("engine", ["embedded", "remote"])
@profile_settings(PROFILE, EXAMPLES["graphs"][PROFILE])
@given(data=st.data())
def test_graphs_no_store_holds_are_empty(fuzzed, fuzzed_remote, listener, engine, data):
    """A graph of FROM, FROM NAMED or the protocol's dataset that the store does not hold
    is empty, never fetched: the listener's, in any spelling, or any unknown host's."""
    base = fuzzed if engine == "embedded" else fuzzed_remote
    seen = listener.connections
    graph = data.draw(fuzzing.listener_iris(listener.url) | st.just("http://nonexistent.example/"))
    named = data.draw(st.booleans())
    if data.draw(st.booleans()):  # in the query
        keyword = "FROM NAMED" if named else "FROM"
        target = "/sparql?query=" + quote(f"ASK {keyword} <{graph}> {{ {EVERY_TRIPLE} }}")
    else:  # the protocol's dataset
        parameter = "named-graph-uri" if named else "default-graph-uri"
        target = f"/sparql?query={quote(f'ASK {{ {EVERY_TRIPLE} }}')}&{parameter}={quote(graph)}"
    reply = exchange(base, "GET", target.encode(), [("Accept", b"application/sparql-results+json")])
    check(reply, "graphs", f"{engine}: {target}")
    if reply.status == 400:  # the IRI is not one (an escape the engine refuses)
        assert b"IRI" in reply.body or b"malformed" in reply.body, reply.body[:200]
    else:
        assert reply.status == 200 and json.loads(reply.body)["boolean"] is False, reply.body[:200]
    listener.assert_untouched(f"{engine}: {target}", since=seen)


#: A pattern matching every triple, in the default graph or a named one.
EVERY_TRIPLE = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"


#: Class pages, and page numbers far past their last page, in several spellings.
CLASS_PAGES = ("CaseStudy", "Initiative", "Municipality", "SourceExcerpt", "CaseStudy.json")
PAGE_NUMBERS = (
    "0",
    "-1",
    "1e9",
    "99999999999999999999999",
    "9" * 4000,
    "9" * 5000,
    "0x10",
    "%202",
    "%EF%BC%92",  # a full-width 2, which int() reads
    "1%00",
)
#: Words of the pages' own queries, which an error page must not show.
INTERNAL_QUERY_TEXT = (b"OFFSET", b"GROUP BY ?s", b"SELECT ?s", b"PREFIX ")


@profile_settings(PROFILE, EXAMPLES["pages"][PROFILE])
@given(data=st.data())
def test_class_pages_past_the_last_one_are_not_found(fuzzed, data):
    """A page number past the last page is 404, however large (one once reached the
    engine and came back in a 500 with the page's query), and no error shows a query."""
    name = data.draw(st.sampled_from(CLASS_PAGES))
    number = data.draw(st.integers(-(2**80), 2**80).map(str) | st.sampled_from(PAGE_NUMBERS))
    target = f"/class/{name}?page={number}".encode()
    if data.draw(st.booleans()):
        target += b"&sort=" + data.draw(st.sampled_from([b"label", b"-label", b"prefecture"]))
    reply = exchange(fuzzed, "GET", target, [("Accept", b"text/html")])
    check(reply, "pages", repr(target[:200]))
    assert reply.status in (200, 400, 404, 414), (target[:200], reply.status)
    if requested_page(number) > 10_000:  # no class has half a million instances
        assert reply.status == 404, (target[:200], reply.status)
    if reply.status >= 400:
        shown = [text for text in INTERNAL_QUERY_TEXT if text in reply.body]
        assert not shown, (target[:200], reply.status, shown, reply.body[:300])


def requested_page(number: str) -> int:
    """The page a class page reads from ``page=number``, as werkzeug's ``type=int``
    does: the decoded text as an integer, or page 1 if it is not one."""
    try:
        return int(unquote(number))
    except ValueError:
        return 1


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
    memory = b"the query needed more than its memory limit of 1024 MiB"
    fuzzing.verify(fuzzing.Reply(503, "text/plain", memory, 1), "")
    fuzzing.verify(fuzzing.Reply(200, "application/json", html.body, 0.1), "")
    big = fuzzing.Reply(200, "text/csv", b"x" * (BYTE_LIMIT + 1), 0.1)
    with pytest.raises(AssertionError):
        within_the_byte_limit(big, "an answer past the byte limit")


def test_the_listener_sees_a_connection():
    """A connection to the listener, made here as a fetching server would, fails its
    check (so that no connection during a fuzz run means none was made)."""
    with fuzzing.LoopbackListener() as listening:
        listening.assert_untouched("before")
        reply = fuzzing.exchange(listening.url, "GET", b"/sparql?query=ASK%7B%7D")
        assert reply.status == 503
        with pytest.raises(AssertionError, match="1 connection"):
            listening.assert_untouched("after a request")
        listening.assert_untouched("since it", since=1)


URL = "http://127.0.0.1:4567"
#: What the hostile strategies must generate, by name: the family (of
#: :func:`fuzzing.hostile_queries`) and a test of a query it made. Each is an attack of
#: the security issue, or a variant of one.
SHAPES: dict[str, tuple[st.SearchStrategy[str], Callable[[str], object]]] = {
    "SERVICE after a comment ended by CR": (
        fuzzing.hidden_services(URL),
        lambda q: re.search(r"#[^\r\n]*\r(?!\n)SERVICE <", q),
    ),
    "SERVICE after a comment ended by U+2028": (
        fuzzing.hidden_services(URL),
        lambda q: "\u2028SERVICE" in q.upper(),
    ),
    "SERVICE with an escaped letter": (
        fuzzing.hidden_services(URL),
        lambda q: "SERVICE" not in q.upper() and "SERVICE" in decode_escapes(q).upper(),
    ),
    "SERVICE SILENT to the listener": (
        fuzzing.hidden_services(URL),
        lambda q: f"SERVICE SILENT <{URL}" in q,
    ),
    "SERVICE to a prefixed name": (
        fuzzing.hidden_services(URL),
        lambda q: re.search(r"SERVICE t:", q, re.IGNORECASE),
    ),
    "SERVICE to the listener spelled 2130706433": (
        fuzzing.hidden_services(URL),
        lambda q: "2130706433" in q and "SERVICE" in q.upper(),
    ),
    "SERVICE in a sub-query after #\\r": (
        fuzzing.hidden_services(URL),
        lambda q: re.search(
            r"\{ SELECT \?s WHERE \{ [^}]*#[^\r\n]*\r(?!\n)SERVICE", q, re.IGNORECASE
        ),
    ),
    "SERVICE in CONSTRUCT": (
        fuzzing.hidden_services(URL),
        lambda q: re.search(r"^[^{]*CONSTRUCT.*SERVICE", q, re.DOTALL | re.IGNORECASE),
    ),
    "LOAD of the listener": (fuzzing.loads(URL), lambda q: f"LOAD <{URL}" in q),
    "LOAD SILENT after a comment": (
        fuzzing.loads(URL),
        lambda q: re.search(r"#.*\sLOAD SILENT", q, re.DOTALL),
    ),
    "FROM the listener": (fuzzing.datasets(URL), lambda q: f"FROM <{URL}" in q),
    "FROM NAMED a graph nobody has": (
        fuzzing.datasets(URL),
        lambda q: "FROM NAMED <http://nonexistent.example/" in q,
    ),
    "40,000 escaped quotes after a quote": (
        fuzzing.escape_runs(),
        lambda q: '"' + '\\"' * 40_000 in q,
    ),
    "a query of 240 KB": (fuzzing.escape_runs(), lambda q: len(q) >= 240_000),
    "ABS nested 5,000 deep between < and >": (
        fuzzing.bracket_nestings(st.sampled_from([5000])),
        lambda q: "((1<" + "ABS(" * 5000 in q,
    ),
    "nesting just past the limit, between < and >": (
        fuzzing.bracket_nestings(st.integers(1, 120)),
        lambda q: 100 < nesting(q) <= 120,
    ),
    "40 CONCAT doublings": (
        fuzzing.doubling_chains(st.integers(17, 45)),
        lambda q: "BIND(CONCAT(?v39, ?v39) AS ?v40)" in q,
    ),
    "a REPLACE squaring": (
        fuzzing.doubling_chains(st.integers(17, 45)),
        lambda q: 'REPLACE(?v2, "x", ?v2)' in q,
    ),
    "an answer of 16 KB rows": (
        fuzzing.big_answers(),
        lambda q: "{ ?s ?p ?o BIND(" in q and "AS ?v14)" in q,
    ),
    "an unknown function in BIND": (
        fuzzing.unknown_functions(URL),
        lambda q: "BIND(<http://example.org/fn>(" in q,
    ),
    "a function of the listener": (
        fuzzing.unknown_functions(URL),
        lambda q: re.search(f"<{re.escape(URL)}[^>]*>\\(", q),
    ),
    "ORDER BY ?o LIMIT 1": (
        fuzzing.ordered_slices(),
        lambda q: q == "SELECT ?o { ?s ?p ?o } ORDER BY ?o LIMIT 1",
    ),
    "an OFFSET past 2^64": (fuzzing.ordered_slices(), lambda q: "OFFSET 1" + "0" * 30 in q),
    "a byte-order mark first": (
        fuzzing.bom_prefixed(st.just("ASK {}")),
        lambda q: q == "\ufeffASK {}",
    ),
    'an update with "service" in a literal': (
        fuzzing.updates(URL),
        lambda q: q.startswith("INSERT DATA") and '"service"' in q,
    ),
    "INSERT DATA of 800 KB": (
        fuzzing.updates(URL),
        lambda q: q.startswith("INSERT DATA") and len(q) > 800_000,
    ),
}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # big reprs
@pytest.mark.parametrize("shape", SHAPES)
def test_the_strategies_generate_the_attacks_of_the_issue(shape):
    family, condition = SHAPES[shape]
    search = settings(
        database=None,
        derandomize=True,
        max_examples=1000,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    find(family, lambda query: bool(condition(query)), settings=search)


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
