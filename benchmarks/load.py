"""Mixed traffic against the production server, with its memory before and after.

Run: .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 4]

Starts ``dxkg serve`` (gunicorn with its default workers, two per core plus one, and
default limits) on 127.0.0.1 over the release (``dist/``, built if missing) and drives
it with the closed-loop load generator of ``benchmarks/endpoint.py``: ``--clients``
processes, one request at a time each, all cycling through one list that interleaves
four kinds of request, so that every kind is in flight at once:

- entity: ``/page/…`` of 60 resources (``benchmarks/pages.py``);
- class: ``/class/…`` with facets chosen and sorted (``benchmarks/pages.py``);
- search: ``/search?q=…`` for the terms of ``benchmarks/search.py``;
- sparql: the query mix of ``benchmarks/endpoint.py`` POSTed to ``/sparql``.

A warm-up run of a few seconds first, on a new connection per request so that it
reaches every worker (each has then read its templates, forked its threads' query
processes, opened the search index), then the resident memory (VmRSS, and PSS,
which shares a page between the processes that map it) of every process of the
server: the gunicorn master, its workers and their query processes. Then the measured
run and the memory again. It prints requests, errors, throughput and p50/p95/p99 per
kind, and the memory per worker before and after. The load generator shares the
machine's cores with the server.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from itertools import chain, cycle, islice
from pathlib import Path

from endpoint import (
    Request,
    drive_requests,
    load_arguments,
    query_mix,
    sparql_requests,
)
from pages import class_paths, entity_paths, page_requests
from search import TERMS

from servers import free_port, process_table, running

#: Seconds of traffic before the memory is first read.
WARM_UP = 5.0
KINDS = ("entity", "class", "search", "sparql")


def mixed_requests(dist: Path) -> list[Request]:
    """The four kinds of request, interleaved one of each in turn."""
    base_iri = json.loads((dist / "build-report.json").read_text("utf-8"))["base_iri"]
    # Each query keeps its own kind until its Accept header is chosen (DESCRIBE's is Turtle).
    queries = sparql_requests("/sparql", query_mix(dist / "dxkg.nq"))
    kinds = [
        page_requests("entity", entity_paths(dist, base_iri)),
        page_requests("class", class_paths(base_iri)),
        page_requests("search", [f"/search?q={term}" for term in TERMS]),
        [("sparql", *request) for _, *request in queries],
    ]
    return interleave(kinds)


def connection_per_request(requests_: list[Request]) -> list[Request]:
    """``requests_``, each asking to close its connection: spread over every worker, as
    the kept-alive connections of the measured run may land on any of them."""
    return [
        (kind, method, target, body, {**headers, "Connection": "close"})
        for kind, method, target, body, headers in requests_
    ]


def interleave(lists: list[list]) -> list:
    """One item of each list in turn, the shorter lists repeated to the longest's length."""
    longest = max(len(items) for items in lists)
    return list(chain.from_iterable(zip(*(islice(cycle(items), longest) for items in lists))))


@dataclass(frozen=True)
class Process:
    """One process of the server and its memory, in KiB."""

    pid: int
    role: str  # "master", "worker" or "query process"
    parent: int
    rss: int
    pss: int


def server_processes(root: int) -> list[Process]:
    """The gunicorn master ``root``, its workers and their query processes, with memory."""
    parents = _parents()
    roles = {root: "master"}
    for role in ("worker", "query process"):
        found = [pid for pid, ppid in parents.items() if roles.get(ppid) == _previous(role)]
        roles.update(dict.fromkeys(found, role))
    processes = []
    for pid, role in roles.items():
        memory = _memory(pid)
        if memory is not None:  # it ended meanwhile
            processes.append(Process(pid, role, parents.get(pid, 0), *memory))
    return sorted(processes, key=lambda process: (process.parent, process.pid))


def _previous(role: str) -> str:
    return {"worker": "master", "query process": "worker"}[role]


def _parents() -> dict[int, int]:
    """The parent of every process."""
    return {pid: parent for pid, (parent, _) in process_table().items()}


def _memory(pid: int) -> tuple[int, int] | None:
    """VmRSS and PSS of ``pid`` in KiB, or None if it has ended."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
        rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    return _field(status, "VmRSS:"), _field(rollup, "Pss:")


def _field(text: str, name: str) -> int:
    line = next(line for line in text.splitlines() if line.startswith(name))
    return int(line.split()[1])


def growth(before: list[dict], after: list[dict]) -> dict[int, float]:
    """How much the RSS of each process in both readings grew, in MiB, by pid, from the
    processes of :func:`run_load`'s memory readings. A query process that first
    appears in the later reading is a thread's first query, not growth."""
    earlier = {p["pid"]: p["rss"] for p in before}
    return {p["pid"]: (p["rss"] - earlier[p["pid"]]) / 1024 for p in after if p["pid"] in earlier}


def run_load(dist: Path, clients: int, seconds: float, warm_up: float = WARM_UP) -> dict:
    """Start ``dxkg serve`` over ``dist``, warm it up, read its memory, drive it for
    ``seconds`` with mixed traffic, read its memory again; the figures."""
    requests_ = mixed_requests(dist)
    port = free_port()
    command = [sys.executable, "-m", "dxkg", "serve", "--dist", str(dist), "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with running(command, base + "/") as server:
        started = server_processes(server.pid)
        drive_requests(base, connection_per_request(requests_), clients, warm_up, warmup=0)
        before = server_processes(server.pid)
        result = drive_requests(base, requests_, clients, seconds, warmup=0)
        after = server_processes(server.pid)
    return {
        "clients": clients,
        "seconds": seconds,
        "warm_up": warm_up,
        "distinct_requests": len(requests_),
        **result,
        "memory": {
            "started": [asdict(p) for p in started],
            "before": [asdict(p) for p in before],
            "after": [asdict(p) for p in after],
        },
    }


def report(result: dict) -> str:
    """The figures as Markdown tables."""
    setting = (
        f"{result['clients']} clients, {result['seconds']:g} s of mixed traffic after a "
        f"{result['warm_up']:g} s warm-up, dxkg serve on 127.0.0.1"
    )
    lines = [
        setting,
        "",
        "| kind | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, r in [*((kind, result["per_kind"][kind]) for kind in KINDS), ("all", result)]:
        lines.append(
            f"| {kind} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |"
        )
    lines += ["", *memory_table(result["memory"])]
    return "\n".join(lines)


def memory_table(memory: dict[str, list[dict]]) -> list[str]:
    """Each process's memory when the server had started, before and after the run."""
    lines = [
        "memory, MiB (VmRSS counts the pages a query process shares with its worker in both;",
        "PSS counts a page shared by n processes as 1/n):",
        "",
        "| process | started RSS | before RSS | after RSS | after PSS |",
        "|---|---:|---:|---:|---:|",
    ]
    stages = {stage: {p["pid"]: p for p in processes} for stage, processes in memory.items()}
    for pid, process in stages["after"].items():
        cells = [
            _mib(stages[stage][pid]["rss"]) if pid in stages[stage] else "–"
            for stage in ("started", "before", "after")
        ]
        lines.append(f"| {process['role']} {pid} | {' | '.join(cells)} | {_mib(process['pss'])} |")
    totals = [_mib(sum(p["rss"] for p in stages[stage].values())) for stage in stages]
    pss = _mib(sum(p["pss"] for p in stages["after"].values()))
    lines.append(f"| total | {' | '.join(totals)} | {pss} |")
    return lines


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=60)
    result = run_load(args.dist, args.clients, args.seconds)
    print("\n" + report(result))
    print("\n" + json.dumps({k: v for k, v in result.items() if k != "memory"}))


if __name__ == "__main__":
    main()
