"""dxkg's SPARQL endpoint against oxigraph's server and an rdflib endpoint, in one run.

Run: .venv/bin/pip install --constraint requirements.lock -e '.[bench]'
     .venv/bin/python benchmarks/endpoint.py [--seconds 15] [--rounds 4] [--clients 4]

Starts, on 127.0.0.1 and over the same release (``dist/``, built if missing):

- ``dxkg serve`` (gunicorn, embedded pyoxigraph store, default workers and limits);
- ``oxigraph serve-read-only --union-default-graph`` (PyPI package ``oxigraph``);
- rdflib-endpoint on uvicorn (``benchmarks/rdflib_server.py``).

Each is driven in turn by the same closed-loop load generator: ``--clients``
processes, each sending the fixed query mix (lookup by IRI, label search, a
two-hop aggregate, DESCRIBE, a list page) round-robin for ``--seconds`` after a
short warm-up, one request at a time over its own HTTP session. The servers take
turns for ``--rounds`` rounds, so that a change in the machine's speed during the
run (it is shared, and drifts by 10% in minutes) falls on all three alike rather
than on whichever ran then. It prints throughput, p50 and p99 latency per server
and per query kind over all rounds, and the ratios. The load generator shares the
machine's cores with the server under test, the same for all three.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from pyoxigraph import RdfFormat, Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from servers import dxkg_server, free_port, oxigraph_server, running

PREFIXES = """PREFIX dxkg: <https://dxkg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SEARCH_TERMS = ["RPA", "AI", "システム", "チャット", "窓口", "オンライン", "電子", "データ"]
#: One media type per kind of result, which every server offers.
ACCEPT = {
    "describe": {"Accept": "text/turtle"},
    "default": {"Accept": "application/sparql-results+json"},
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def query_mix(dump: Path) -> list[tuple[str, str]]:
    """(kind, query) pairs: the mix, parameterised with entities of the release."""
    store = Store()
    store.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
    entities = [
        row["s"].value
        for row in store.query(
            PREFIXES + "SELECT ?s WHERE { { ?s a dxkg:Initiative } UNION { ?s a dxkg:CaseStudy } } "
            "ORDER BY ?s",
            use_default_graph_as_union=True,
        )
    ][::25]
    mix = []
    for n, entity in enumerate(entities):
        term = SEARCH_TERMS[n % len(SEARCH_TERMS)]
        mix += [
            ("lookup", f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}"),
            (
                "label search",
                PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label "
                f'FILTER (CONTAINS(STR(?label), "{term}")) }} LIMIT 20',
            ),
            (
                "2-hop aggregate",
                PREFIXES + "SELECT ?prefecture (COUNT(DISTINCT ?technology) AS ?n) "
                "WHERE { ?initiative dxkg:reportedBy ?prefecture ; dxkg:usesTechnology ?technology . "
                "?technology skos:prefLabel ?label } GROUP BY ?prefecture ORDER BY DESC(?n) ?prefecture",
            ),
            ("describe", f"DESCRIBE <{entity}>"),
            (
                "list page",
                PREFIXES + "SELECT ?s ?label WHERE { ?s a dxkg:CaseStudy ; rdfs:label ?label } "
                f"ORDER BY ?label ?s LIMIT 20 OFFSET {20 * (n % 8)}",
            ),
        ]
    return mix


#: One prepared request: (kind, method, target, body, headers).
Request = tuple[str, str, str, bytes | None, dict[str, str]]


def sparql_requests(endpoint: str, mix: list, get_parameter: str | None = None) -> list[Request]:
    """The mix as requests: each query POSTed as the form field ``query``, or, with
    ``get_parameter``, sent as that URL parameter of a GET."""
    path = urlsplit(endpoint).path
    if get_parameter is not None:
        return [
            (kind, "GET", f"{path}?{urlencode({get_parameter: query})}", None, {})
            for kind, query in mix
        ]
    return [
        (
            kind,
            "POST",
            path,
            urlencode({"query": query}).encode(),
            {**ACCEPT.get(kind, ACCEPT["default"]), **FORM},
        )
        for kind, query in mix
    ]


def client(
    endpoint: str, requests_: list[Request], offset: int, warmup: float, seconds: float, out
) -> None:
    """One closed-loop client: (kind, seconds, status) per request after the warm-up.

    It uses http.client with requests encoded beforehand, so that the client costs
    little CPU next to the server it measures (both share the machine).
    """
    url = urlsplit(endpoint)
    connection = HTTPConnection(url.hostname, url.port, timeout=60)
    samples, n = [], offset
    start = time.monotonic()
    measure_from, stop = start + warmup, start + warmup + seconds
    while (now := time.monotonic()) < stop:
        kind, method, target, body, headers = requests_[n % len(requests_)]
        n += 1
        status = exchange(connection, method, target, body, headers)
        elapsed = time.monotonic() - now
        if now >= measure_from:
            samples.append((kind, elapsed, status))
    out.put(samples)


def exchange(
    connection: HTTPConnection, method: str, target: str, body: bytes | None, headers: dict
) -> int:
    """One request on ``connection``: the answer's status, or 0 if the connection failed
    (an error to count, not the end of the client, whose samples would be lost)."""
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
    except (OSError, HTTPException):
        connection.close()  # http.client connects again for the next request
        return 0
    if response.will_close:
        connection.close()
    return response.status


def drive(
    endpoint: str,
    mix: list,
    clients: int,
    seconds: float,
    warmup: float = 2.0,
    get_parameter: str | None = None,
) -> dict:
    """Drive ``endpoint`` with the query ``mix`` (see :func:`sparql_requests`)."""
    requests_ = sparql_requests(endpoint, mix, get_parameter)
    return drive_requests(endpoint, requests_, clients, seconds, warmup)


def drive_requests(
    endpoint: str, requests_: list[Request], clients: int, seconds: float, warmup: float = 2.0
) -> dict:
    """Run ``clients`` client processes on the server at ``endpoint``, cycling through
    ``requests_``; throughput and latencies, overall and per kind (``per_kind``)."""
    return summarise(collect(endpoint, requests_, clients, seconds, warmup), seconds)


def collect(
    endpoint: str, requests_: list[Request], clients: int, seconds: float, warmup: float = 2.0
) -> list[tuple[str, float, int]]:
    """The (kind, seconds, status) samples of ``clients`` client processes that cycle
    through ``requests_`` on the server at ``endpoint`` for ``seconds`` after ``warmup``."""
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=client,
            args=(endpoint, requests_, k * len(requests_) // clients, warmup, seconds, queue),
        )
        for k in range(clients)
    ]
    for worker in workers:
        worker.start()
    samples = [sample for _ in workers for sample in queue.get()]
    for worker in workers:
        worker.join()
    return samples


def summarise(samples: list[tuple[str, float, int]], seconds: float) -> dict:
    """Throughput and latencies of ``samples`` taken over ``seconds``, overall and per
    kind (``per_kind``), with the p50 of each kind (``kinds``)."""
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample[0]].append(sample)
    return {
        **summary(samples, seconds),
        "kinds": {
            kind: percentile([elapsed for _, elapsed, _ in group], 50)
            for kind, group in sorted(by_kind.items())
        },
        "per_kind": {kind: summary(group, seconds) for kind, group in sorted(by_kind.items())},
    }


def summary(samples: list[tuple[str, float, int]], seconds: float) -> dict:
    """Requests, errors (any status but 200, or no answer), throughput and latencies."""
    answered = [elapsed for _, elapsed, status in samples if status == 200]
    return {
        "requests": len(samples),
        "errors": len(samples) - len(answered),
        # Only answered requests count: a fast error is not throughput.
        "throughput": len(answered) / seconds,
        "p50": percentile(answered, 50),
        "p95": percentile(answered, 95),
        "p99": percentile(answered, 99),
        "statuses": dict(Counter(status for _, _, status in samples)),
    }


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile in milliseconds."""
    if len(values) < 2:
        return 1000 * values[0] if values else float("nan")
    return 1000 * statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def load_arguments(
    description: str, seconds: float, needs: str = "dxkg.nq", rounds: int | None = None
) -> argparse.Namespace:
    """``--seconds``, ``--clients`` and ``--dist`` of a load benchmark, and ``--rounds``
    if it has a default; builds the release into ``--dist`` first when it lacks the
    file ``needs``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=seconds)
    if rounds is not None:
        parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    if not (args.dist / needs).is_file():
        subprocess.run(
            [sys.executable, "-m", "dxkg", "build", "--dist", str(args.dist)], check=True
        )
    return args


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=15, rounds=4)
    dump = args.dist / "dxkg.nq"
    mix = query_mix(dump)
    results = {}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as servers:
        endpoints = {
            "dxkg": servers.enter_context(dxkg_server(args.dist)) + "/sparql",
            "oxigraph": servers.enter_context(oxigraph_server(dump, Path(scratch))),
        }
        port = free_port()
        rdflib_command = [
            sys.executable,
            str(ROOT / "benchmarks" / "rdflib_server.py"),
            str(dump),
            str(port),
        ]
        rdflib = f"http://127.0.0.1:{port}/sparql"
        servers.enter_context(running(rdflib_command, rdflib + "?query=ASK%7B%7D", timeout=300))
        endpoints["rdflib-endpoint"] = rdflib
        samples = {name: [] for name in endpoints}
        for round_ in range(1, args.rounds + 1):
            for name, endpoint in endpoints.items():
                requests_ = sparql_requests(endpoint, mix)
                samples[name] += collect(endpoint, requests_, args.clients, args.seconds)
                print(f"round {round_}, {name}: {len(samples[name])} requests", file=sys.stderr)
        for name, taken in samples.items():
            results[name] = summarise(taken, args.rounds * args.seconds)
    print_table(results, args)


def print_table(results: dict, args) -> None:
    dxkg = results["dxkg"]
    print(
        f"\nquery mix of {len(dxkg['kinds'])} kinds, {args.clients} clients, "
        f"{args.rounds} rounds of {args.seconds:g} s per server, interleaved, 127.0.0.1\n"
    )
    print(
        "| server | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) | dxkg ÷ server |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ratio = dxkg["throughput"] / r["throughput"] if r["throughput"] else float("inf")
        print(
            f"| {name} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | "
            f"{r['p50']:.1f} | {r['p99']:.1f} | {ratio:.2f}× |"
        )
    print("\np50 per query kind (ms):\n")
    kinds = list(dxkg["kinds"])
    print("| server | " + " | ".join(kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for name, r in results.items():
        print(
            f"| {name} | "
            + " | ".join(f"{r['kinds'].get(k, float('nan')):.1f}" for k in kinds)
            + " |"
        )
    print(
        "\n"
        + json.dumps(
            {
                name: {k: v for k, v in r.items() if k not in ("kinds", "per_kind")}
                for name, r in results.items()
            }
        )
    )


if __name__ == "__main__":
    main()
