"""The browser's pages under load: entity pages (against Trifid's), class pages with facets, search.

Run: .venv/bin/python benchmarks/pages.py [--seconds 10] [--rounds 3] [--clients 4] [--dist dist/]

Starts ``dxkg serve`` on 127.0.0.1 over the release (``dist/``, built if missing)
and drives each kind of page in turn with the closed-loop load generator of
``benchmarks/endpoint.py`` (``--clients`` processes, one request at a time each,
after a warm-up), asking for HTML as a browser does:

- entity: ``/page/…`` of 60 resources, a dozen of each main class;
- class: ``/class/…`` with facets chosen (a technology, an edition, a prefecture),
  sorted by label or by a facet;
- search: ``/search?q=…`` for the terms of ``benchmarks/search.py``.

The peer of the entity pages is Trifid (npm ``trifid``, pinned in
``benchmarks/trifid/``, installed there with ``npm ci`` on first use; Node.js and npm
needed) over ``oxigraph serve-read-only`` holding the same dump, with the release's
base IRI as its dataset base URL, so that ``http://127.0.0.1:PORT/id/…`` renders the
same resources as dxkg's ``/page/id/…``. Both pages of every resource are checked
first (status 200, the resource's label in the page); any that is not, on either
server, is reported and left out of the timing on both (Trifid answers 404 for IRIs
with non-ASCII characters, which it looks up percent-encoded).
The entity pages of the two servers then take turns for ``--rounds`` rounds of
``--seconds`` each, so that a change in the shared machine's speed falls on both.

It prints requests, throughput and p50/p95/p99 latency per kind, and dxkg ÷ Trifid
for throughput and p95. Issue 25's goals: p95 ≤ 30 ms for entity pages, and at
least 5× Trifid's throughput; class pages p95 ≤ 60 ms, search p95 ≤ 20 ms. ``benchmarks/search.py`` compares search with a SPARQL
CONTAINS scan.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import requests
from endpoint import Request, collect, drive_requests, load_arguments, summarise
from pyoxigraph import RdfFormat, Store
from search import TERMS

from servers import dxkg_server, free_port, oxigraph_server, running

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
#: Classes whose instances the entity pages are drawn from, and how many of each.
ENTITY_CLASSES = ("CaseStudy", "Initiative", "Municipality", "Vendor", "Technology")
PER_CLASS = 12
#: Trifid's pinned install and its configuration.
TRIFID = Path(__file__).resolve().parent / "trifid"


def entities(dist: Path, base_iri: str) -> list[tuple[str, str]]:
    """(IRI, a label) of the first ``PER_CLASS`` instances of each class, by IRI."""
    store = Store()
    store.bulk_load(path=str(dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    found = []
    for name in ENTITY_CLASSES:
        query = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?s (MIN(STR(?l)) AS ?label) WHERE { "
            f"?s a/rdfs:subClassOf* <{base_iri}ontology#{name}> "
            "OPTIONAL { ?s rdfs:label|skos:prefLabel ?l } } "
            f"GROUP BY ?s ORDER BY ?s LIMIT {PER_CLASS}"
        )
        solutions = store.query(query, use_default_graph_as_union=True)
        found += [(row["s"].value, row["label"].value if row["label"] else "") for row in solutions]
    return found


def entity_pages(found: list[tuple[str, str]], base_iri: str) -> dict[str, list[tuple[str, str]]]:
    """(path, label) of the ``found`` entities' pages on each server: ``/page/id/…`` on
    dxkg, ``/id/…`` on Trifid (its dataset base URL rewritten to its origin)."""
    relative = [(iri.removeprefix(base_iri), label) for iri, label in found]
    return {
        "dxkg": [("/page/" + path, label) for path, label in relative],
        "Trifid": [("/" + path, label) for path, label in relative],
    }


def entity_paths(dist: Path, base_iri: str) -> list[str]:
    """The paths of the entity pages on ``dxkg serve``."""
    return [path for path, _ in entity_pages(entities(dist, base_iri), base_iri)["dxkg"]]


def class_paths(base_iri: str) -> list[str]:
    """Class pages with facets chosen and sorted, as a reader narrowing a list would ask."""
    rpa = f"{base_iri}id/concept/technology-rpa"
    tokyo = f"{base_iri}id/municipality/130001"
    return [
        "/class/Initiative",
        f"/class/Initiative?technology={rpa}",
        "/class/Initiative?sort=prefecture&page=3",
        "/class/CaseStudy",
        "/class/CaseStudy?edition=%E7%AC%AC2.0%E7%89%88&sort=prefecture",
        f"/class/CaseStudy?prefecture={tokyo}",
        "/class/SharedSystem",
        "/class/Municipality",
        "/class/Vendor?sort=-label",
    ]


def page_requests(kind: str, targets: list[str]) -> list[Request]:
    """GETs for HTML, with non-ASCII (Japanese IRIs, search terms) percent-encoded."""
    return [(kind, "GET", quote(target, safe="/?=&%:#"), None, HTML) for target in targets]


def install_trifid() -> None:
    """``npm ci`` in ``benchmarks/trifid/`` (the versions of its lock file), unless done."""
    if not (TRIFID / "node_modules" / "trifid" / "server.js").is_file():
        npm = shutil.which("npm") or "npm"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TRIFID, check=True)


@contextmanager
def trifid_server(endpoint: str, base_iri: str, probe_path: str) -> Iterator[str]:
    """Trifid over the SPARQL ``endpoint``, rewriting ``base_iri`` to its own origin;
    yields its base URL once ``probe_path`` (an entity) answers."""
    install_trifid()
    port = free_port()
    command = [
        shutil.which("node") or "node",
        str(TRIFID / "node_modules" / "trifid" / "server.js"),
        *("--config", str(TRIFID / "config.yaml"), "--port", str(port)),
        *("--sparql-endpoint-url", endpoint, "--dataset-base-url", base_iri),
    ]
    base = f"http://127.0.0.1:{port}"
    with running(command, base + quote(probe_path), timeout=120):
        yield base


def unrendered(base: str, pages: list[tuple[str, str]]) -> dict[int, str]:
    """The (path, label) ``pages`` of the server at ``base`` that do not answer 200 with
    the label in the page (read as UTF-8: Trifid names no charset): index: why."""
    failures = {}
    with requests.Session() as session:
        for n, (path, label) in enumerate(pages):
            response = session.get(base + quote(path, safe="/?=&%:#"), headers=HTML, timeout=60)
            if response.status_code != 200:
                failures[n] = f"{path}: status {response.status_code}"
            elif label not in html.unescape(response.content.decode("utf-8", "replace")):
                failures[n] = f"{path}: label {label!r} not in the page"
    return failures


def rendered_by_all(
    servers: dict[str, str], pages: dict[str, list[tuple[str, str]]]
) -> dict[str, list[tuple[str, str]]]:
    """The entity ``pages`` that every server renders (reporting on stderr those some
    server does not), so that all are timed on the same resources."""
    failed = set()
    for name, base in servers.items():
        failures = unrendered(base, pages[name])
        total = len(pages[name])
        print(f"{name}: {total - len(failures)} of {total} entity pages render", file=sys.stderr)
        for why in failures.values():
            print(f"  not rendered by {name}: {why}", file=sys.stderr)
        failed |= failures.keys()
    return {
        name: [p for n, p in enumerate(kept) if n not in failed] for name, kept in pages.items()
    }


def compare_entities(
    servers: dict[str, str], pages: dict[str, list[tuple[str, str]]], args
) -> dict[str, dict]:
    """The entity ``pages`` of each server in ``servers`` (name: base URL), in
    interleaved rounds: the summary per server over all rounds."""
    samples = {name: [] for name in servers}
    for round_ in range(1, args.rounds + 1):
        for name, base in servers.items():
            requests_ = page_requests("entity", [path for path, _ in pages[name]])
            samples[name] += collect(base, requests_, args.clients, args.seconds)
            print(f"round {round_}, {name} entity pages: {len(samples[name])}", file=sys.stderr)
    return {name: summarise(taken, args.rounds * args.seconds) for name, taken in samples.items()}


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=10, rounds=3)
    base_iri = json.loads((args.dist / "build-report.json").read_text("utf-8"))["base_iri"]
    pages = entity_pages(entities(args.dist, base_iri), base_iri)
    kinds = {
        "class page with facets": page_requests("class", class_paths(base_iri)),
        "search page": page_requests("search", [f"/search?q={term}" for term in TERMS]),
    }
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        servers = {"dxkg": stack.enter_context(dxkg_server(args.dist))}
        oxigraph = stack.enter_context(oxigraph_server(args.dist / "dxkg.nq", Path(scratch)))
        probe = pages["Trifid"][0][0]
        servers["Trifid"] = stack.enter_context(trifid_server(oxigraph, base_iri, probe))
        pages = rendered_by_all(servers, pages)
        entity = compare_entities(servers, pages, args)
        results = {f"entity page ({name})": (len(pages[name]), r) for name, r in entity.items()}
        for name, requests_ in kinds.items():
            r = drive_requests(servers["dxkg"], requests_, args.clients, args.seconds)
            results[name] = (len(requests_), r)
            print(f"{name}: {r['requests']} requests", file=sys.stderr)
    print_table(results, args)
    print_ratio(entity["dxkg"], entity["Trifid"])


def print_table(results: dict[str, tuple[int, dict]], args) -> None:
    """Requests, errors, throughput and latencies per kind of page (``results``: name:
    (distinct URLs, summary)), as a Markdown table."""
    print(
        f"\n{args.clients} clients, 127.0.0.1; entity pages {args.rounds} interleaved rounds "
        f"of {args.seconds:g} s per server, other kinds {args.seconds:g} s on dxkg serve\n"
    )
    print("| page | distinct URLs | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (distinct, r) in results.items():
        print(
            f"| {name} | {distinct} | {r['requests']} | {r['errors']} | "
            f"{r['throughput']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |"
        )


def print_ratio(dxkg: dict, trifid: dict) -> None:
    """dxkg ÷ Trifid for the entity pages' throughput and p95, against the goals."""
    throughput = dxkg["throughput"] / trifid["throughput"] if trifid["throughput"] else float("inf")
    p95 = trifid["p95"] / dxkg["p95"]
    print(
        f"\nentity pages: dxkg ÷ Trifid throughput {throughput:.2f}× (goal: ≥ 5×); "
        f"p95 {dxkg['p95']:.1f} ms against {trifid['p95']:.1f} ms, {p95:.2f}× lower "
        f"(goal: ≤ 30 ms)"
    )


if __name__ == "__main__":
    main()
