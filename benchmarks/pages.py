"""The browser's pages under load: entity pages, class pages with facets, search.

Run: .venv/bin/python benchmarks/pages.py [--seconds 10] [--clients 4]

Starts ``dxkg serve`` on 127.0.0.1 over the release (``dist/``, built if missing)
and drives each kind of page in turn with the closed-loop load generator of
``benchmarks/endpoint.py`` (``--clients`` processes, one request at a time each,
after a warm-up), asking for HTML as a browser does:

- entity: ``/page/…`` of 60 resources, a dozen of each main class;
- class: ``/class/…`` with facets chosen (a technology, an edition, a prefecture),
  sorted by label or by a facet;
- search: ``/search?q=…`` for the terms of ``benchmarks/search.py``.

It prints requests, throughput and p50/p95/p99 latency per kind; the issue's goal
is p95 ≤ 50 ms for entity pages. ``benchmarks/search.py`` compares search with a
SPARQL CONTAINS scan.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import quote

from endpoint import Request, drive_requests, load_arguments
from pyoxigraph import RdfFormat, Store
from search import TERMS

from servers import dxkg_server

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
#: Classes whose instances the entity pages are drawn from, and how many of each.
ENTITY_CLASSES = ("CaseStudy", "Initiative", "Municipality", "Vendor", "Technology")
PER_CLASS = 12


def entity_paths(dist: Path, base_iri: str) -> list[str]:
    """The first ``PER_CLASS`` instances of each class (by IRI): their page paths."""
    store = Store()
    store.bulk_load(path=str(dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    paths = []
    for name in ENTITY_CLASSES:
        query = (
            "SELECT DISTINCT ?s WHERE { ?s a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
            f"<{base_iri}ontology#{name}> }} ORDER BY ?s LIMIT {PER_CLASS}"
        )
        solutions = store.query(query, use_default_graph_as_union=True)
        paths += ["/page/" + row["s"].value.removeprefix(base_iri) for row in solutions]
    return paths


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


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=10)
    base_iri = json.loads((args.dist / "build-report.json").read_text("utf-8"))["base_iri"]
    kinds = {
        "entity page": page_requests("entity", entity_paths(args.dist, base_iri)),
        "class page with facets": page_requests("class", class_paths(base_iri)),
        "search page": page_requests("search", [f"/search?q={term}" for term in TERMS]),
    }
    results = {}
    with dxkg_server(args.dist) as server:
        for name, requests_ in kinds.items():
            results[name] = drive_requests(server, requests_, args.clients, args.seconds)
            print(f"{name}: {results[name]['requests']} requests", file=sys.stderr)
    print(f"\n{args.clients} clients, {args.seconds:g} s per kind, dxkg serve on 127.0.0.1\n")
    print("| page | distinct URLs | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {len(kinds[name])} | {r['requests']} | {r['errors']} | "
            f"{r['throughput']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |"
        )
    entity_p95 = results["entity page"]["p95"]
    print(f"\nentity page p95 {entity_p95:.1f} ms (goal: ≤ 50 ms)")


if __name__ == "__main__":
    main()
