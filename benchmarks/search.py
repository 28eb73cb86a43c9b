"""Full-text search (``/search.json``, SQLite FTS5) against a SPARQL CONTAINS scan, in one run.

Run: .venv/bin/python benchmarks/search.py [--seconds 10] [--clients 4]

Starts ``dxkg serve`` on 127.0.0.1 over the release (``dist/``, built if missing) and
drives it in turn with the closed-loop load generator of ``benchmarks/endpoint.py``
(``--clients`` processes, one request at a time each, after a short warm-up):

- search: ``GET /search.json?q=TERM``, the grouped hits of the search page;
- search (queries): the same for :data:`QUERIES`, what the query parser handles
  (several terms, a phrase, a Japanese compound it segments, a term of two
  characters, a query that finds nothing and so asks for suggestions);
- SPARQL: ``POST /sparql``, every label and text of the same properties the index
  holds that contains the term, case-insensitively
  (``FILTER (CONTAINS(LCASE(STR(?text)), "term"))``), which is how one searches
  without the index.

Search and SPARQL cycle through the same terms. It prints requests, throughput and
p50/p95/p99 latency per side and the search ÷ SPARQL ratio, then the latency of one
``/search`` page rendered in-process by Flask's test client (no HTTP), per term and
query. The goal for search (issue 25) is p95 ≤ 20 ms.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from endpoint import drive, load_arguments

from dxkg.pipeline.publish.searchindex import EXCLUDED_CLASSES, LABEL_PROPERTIES, TEXT_PROPERTIES
from dxkg.release import REPORT_JSON, SEARCH_INDEX, read_report
from dxkg.web.app import create_app
from servers import dxkg_server

TERMS = ["RPA", "チャットボット", "電子申請", "AI-OCR", "長岡市", "マイナンバー"]
QUERIES = ["長岡市 RPA", '"自治体情報システム"', "自治体情報システム標準化", "AI", "RPA 北極"]
#: Renderings of one page per term for the in-process latency.
IN_PROCESS_RUNS = 50


def contains_query(term: str, base_iri: str) -> str:
    """The SPARQL scan for ``term`` over the resources and properties the search index holds."""
    vocabulary = f"{base_iri}ontology#"
    properties = [*LABEL_PROPERTIES, *(vocabulary + name for name in TEXT_PROPERTIES)]
    values = " ".join(f"<{iri}>" for iri in properties)
    excluded = " ".join(f"<{vocabulary}{name}>" for name in EXCLUDED_CLASSES)
    needle = json.dumps(term.lower(), ensure_ascii=False)
    return (
        f"SELECT ?s ?p ?text WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?text "
        f"FILTER (CONTAINS(LCASE(STR(?text)), {needle})) "
        f'FILTER (STRSTARTS(STR(?s), "{base_iri}id/")) '
        f"FILTER NOT EXISTS {{ VALUES ?excluded {{ {excluded} }} ?s a ?excluded }} }}"
    )


def in_process_latency(dist: Path) -> dict[str, float]:
    """Median milliseconds of one ``/search?q=TERM`` HTML page in Flask's test client."""
    client = create_app(dist).test_client()
    latencies = {}
    for term in TERMS + QUERIES:
        client.get("/search", query_string={"q": term})  # warm: connection, templates, janome
        times = []
        for _ in range(IN_PROCESS_RUNS):
            start = time.perf_counter()
            response = client.get("/search", query_string={"q": term})
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        latencies[term] = 1000 * statistics.median(times)
    return latencies


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=10, needs=SEARCH_INDEX)
    base_iri = read_report(args.dist / REPORT_JSON).base_iri
    results = {}
    with dxkg_server(args.dist) as server:
        results["search"] = drive(
            server + "/search.json",
            [("search", term) for term in TERMS],
            args.clients,
            args.seconds,
            get_parameter="q",
        )
        results["search (queries)"] = drive(
            server + "/search.json",
            [("search", query) for query in QUERIES],
            args.clients,
            args.seconds,
            get_parameter="q",
        )
        results["SPARQL CONTAINS"] = drive(
            server + "/sparql",
            [("contains", contains_query(term, base_iri)) for term in TERMS],
            args.clients,
            args.seconds,
        )
    print(
        f"\n{len(TERMS)} terms ({', '.join(TERMS)}) and {len(QUERIES)} queries "
        f"({', '.join(QUERIES)}), {args.clients} clients, "
        f"{args.seconds:g} s per side, dxkg serve on 127.0.0.1\n"
    )
    print("| side | requests | errors | req/s | p50 (ms) | p95 (ms) | p99 (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | "
            f"{r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} |"
        )
    search, sparql = results["search"], results["SPARQL CONTAINS"]
    print(
        f"\nsearch ÷ SPARQL: {search['throughput'] / sparql['throughput']:.1f}× the throughput, "
        f"p50 {sparql['p50'] / search['p50']:.1f}× lower (goal: ≥ 10×)"
    )
    latencies = in_process_latency(args.dist)
    print("\none /search page in Flask's test client, median of", IN_PROCESS_RUNS, "(ms):\n")
    print("| " + " | ".join(latencies) + " |")
    print("|" + "---:|" * len(latencies))
    print("| " + " | ".join(f"{latency:.2f}" for latency in latencies.values()) + " |")


if __name__ == "__main__":
    main()
