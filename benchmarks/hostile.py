"""The endpoint under attack: simple queries alone and beside hostile clients, in one run.

Run: .venv/bin/python benchmarks/hostile.py [--seconds 30] [--clients 4] [--slow 50]
     [--attackers 2] [--dist dist/] [--json PATH] [--no-peer]

Starts ``dxkg serve`` (gunicorn, default workers, threads and limits) on 127.0.0.1 over
the release (``--dist``, built if missing) and measures, each for ``--seconds`` after a
short warm-up:

1. **alone**: ``--clients`` closed-loop clients (``benchmarks/endpoint.py``) sending
   simple queries: ``ASK {}``, a label lookup, a small SELECT;
2. **under attack**: the same clients while hostile clients run beside them:

   - slow clients: ``--slow`` sockets, each sending one header line a second and never
     finishing its request (opened again when the server closes it);
   - large bodies: POSTs of 1 MiB, one byte under the body limit (answered) and one
     over (413);
   - complex queries: calls nested 5,000 deep between ``<`` and ``>`` (refused),
     40 CONCAT doublings (the memory or time limit), a three-way cross product (the
     time limit);
   - big answers: every triple with a 2 KB string (the byte limit, 16 MiB);

   ``--attackers`` threads for each of the last three, one request at a time each.

It reports requests, errors and p50/p95/p99 of the simple queries in both phases, the
statuses of the hostile requests, whether the server still answers afterwards, and
the memory high-water mark (``VmHWM``) of every server process: the gunicorn master,
its workers and their query processes, sampled every tenth of a second while they
come and go. A watchdog kills any server process whose resident memory passes
:data:`WATCHDOG_BYTES` (and reports it), so that the machine, shared with other work,
stays up. Then the same run against ``oxigraph serve-read-only`` over the same release
(the peer: the engine dxkg embeds, without dxkg's limits, started as
``tests/servers.py`` starts it), with the ratio
of the simple queries' p95 under attack, dxkg ÷ oxigraph. If the peer no longer
answers after the attack, each attack is sent alone to a fresh peer, to see which end
it, stall it or grow it past the watchdog's limit, and both servers are measured
again without those. Every loop stops by itself, everything is on 127.0.0.1, and the
servers started are stopped. It prints Markdown tables; ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from endpoint import ROOT, collect, percentile, sparql_requests, summary
from pyoxigraph import RdfFormat, Store

from servers import OXIGRAPH, free_port, process_table, running, stop, wait_until_up

#: Seconds of simple queries before each phase is measured.
WARM_UP = 2.0
#: Seconds between two readings of the server processes' memory (a string doubled
#: from 2 to 4 GiB takes longer than that).
SAMPLE_INTERVAL = 0.1
#: Resident memory past which a server process is killed. dxkg's query processes stop
#: at their 1 GiB limit; a server without one would take the machine's memory.
WATCHDOG_BYTES = 3 << 30
#: Seconds a hostile request may take before its client gives up (status 0).
ATTACK_TIMEOUT = 30.0
#: dxkg's body limit, which the large bodies aim at (README "Limits").
MAX_BODY = 1 << 20
#: How the peer runs, as ``servers.oxigraph_server`` runs it. Not with ``--timeout-s 5``:
#: oxigraph 0.5.13 then starts a thread per query that lives as long as the timeout,
#: and under the simple queries alone (some 2,000 a second) it ran out of threads
#: ("Resource temporarily unavailable") and aborted, in 4 of 17 such phases here.
PEER_OPTIONS = ("--union-default-graph",)
PREFIXES = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


# --- what is sent ------------------------------------------------------------------------


def simple_mix(dump: Path, lookups: int = 20) -> list[tuple[str, str]]:
    """(kind, query) pairs: ``ASK {}``, label lookups of resources of the release, and
    a small SELECT, interleaved."""
    store = Store()
    store.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
    rows = store.query(
        PREFIXES + "SELECT DISTINCT ?s WHERE { ?s rdfs:label ?label } LIMIT 2000",
        use_default_graph_as_union=True,
    )
    subjects = [row["s"].value for row in rows if not row["s"].value.startswith("_")]
    mix = []
    for n, subject in enumerate(subjects[:: max(len(subjects) // lookups, 1)][:lookups]):
        mix += [
            ("ask", "ASK {}"),
            ("label lookup", PREFIXES + f"SELECT ?label WHERE {{ <{subject}> rdfs:label ?label }}"),
            ("small select", f"SELECT ?s ?p WHERE {{ ?s ?p ?o }} LIMIT 5 OFFSET {n * 5}"),
        ]
    return mix


@dataclass(frozen=True)
class Attack:
    """One hostile request, sent on a connection of its own."""

    kind: str
    method: str
    body: bytes
    content_type: str


def doubling(times: int) -> str:
    """A string doubled ``times`` times by a chain of BINDs (the issue's attack: 921 bytes
    of such BINDs grew a process to 851 MB)."""
    binds = " ".join(f"BIND(CONCAT(?v{k}, ?v{k}) AS ?v{k + 1})" for k in range(times))
    return f'SELECT (STRLEN(?v{times}) AS ?n) WHERE {{ BIND("x" AS ?v0) {binds} }}'


#: Hostile requests by group; each group has its own attacker threads.
Groups = dict[str, list[Attack]]


def attack_groups() -> Groups:
    """The hostile requests by group."""
    query = "application/sparql-query"
    padded_ask = b"ASK {}\n#"
    nesting = "SELECT * WHERE { FILTER((1< " + "ABS(" * 5000 + "1" + ")" * 5000 + " >0)) }"
    # Every triple with 2 KB: 10,000 rows (the row limit) would be 20 MB.
    padded = 'SELECT ?s ?pad WHERE { ?s ?p ?o BIND("' + "x" * 2048 + '" AS ?pad) }'
    return {
        "large bodies": [
            Attack("body of 1 MiB", "POST", padded_ask.ljust(MAX_BODY, b"x"), query),
            Attack("body over 1 MiB", "POST", padded_ask.ljust(MAX_BODY + 1, b"x"), query),
        ],
        "complex queries": [
            Attack("nesting 5,000 deep", "POST", nesting.encode(), query),
            Attack("40 doublings", "POST", doubling(40).encode(), query),
            Attack(
                "cross product",
                "POST",
                b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                query,
            ),
        ],
        "big answers": [
            Attack(
                "big answer",
                "POST",
                padded.encode(),
                query,
            ),
        ],
    }


def without(groups: Groups, kinds: list[str]) -> Groups:
    """``groups`` without the attacks of ``kinds`` (and without groups left empty)."""
    kept = {name: [a for a in attacks if a.kind not in kinds] for name, attacks in groups.items()}
    return {name: attacks for name, attacks in kept.items() if attacks}


# --- the hostile clients -----------------------------------------------------------------

#: Statuses of hostile requests that got no HTTP answer.
NO_ANSWER = 0  # the connection failed, was closed, or timed out
HELD_OPEN = -1  # a slow client still open when the run ended
#: Limits an answer may name: a cut (``Result-Truncated-By``) or a 503's reason.
LIMIT_NOTES = ("byte-limit", "row-limit", "time limit", "memory limit")


@dataclass(frozen=True)
class Outcome:
    """What one hostile request got."""

    kind: str
    status: int
    seconds: float
    bytes: int = 0
    #: The limit the answer names (see :data:`LIMIT_NOTES`), if any.
    note: str = ""


def send_attack(endpoint: str, attack: Attack) -> Outcome:
    """Send ``attack`` on a new connection and read the answer to its end (discarding
    it as it comes); :data:`NO_ANSWER` if the connection failed or timed out."""
    url = urlsplit(endpoint)
    connection = HTTPConnection(url.hostname, url.port, timeout=ATTACK_TIMEOUT)
    started = time.monotonic()
    try:
        connection.request(
            attack.method, url.path, body=attack.body, headers={"Content-Type": attack.content_type}
        )
        response = connection.getresponse()
        first, size = response.read(1 << 16), 0
        while chunk := response.read(1 << 20):
            size += len(chunk)
        note = limit_note(response.getheader("Result-Truncated-By") or "", first)
        return Outcome(
            attack.kind, response.status, time.monotonic() - started, size + len(first), note
        )
    except (OSError, HTTPException):
        return Outcome(attack.kind, NO_ANSWER, time.monotonic() - started)
    finally:
        connection.close()


def limit_note(cut_by: str, body_start: bytes) -> str:
    """The limit an answer names: the cut it announces, or the one its message gives."""
    text = cut_by + " " + body_start[:300].decode("utf-8", "replace")
    return next((note for note in LIMIT_NOTES if note in text), "")


def attacker(endpoint: str, attacks: list[Attack], deadline: float, out: list) -> None:
    """Send ``attacks`` in turn, one at a time, until ``deadline`` (``time.monotonic()``)."""
    n = 0
    while time.monotonic() < deadline:
        out.append(send_attack(endpoint, attacks[n % len(attacks)]))
        n += 1


class SlowClient:
    """A connection sending a request's head one header line a second, never ending it."""

    def __init__(self, endpoint: str) -> None:
        url = urlsplit(endpoint)
        self.opened = time.monotonic()
        self.lines = 0
        self.sock = socket.create_connection((url.hostname, url.port), timeout=5)
        self.sock.sendall(
            f"GET {url.path}?query=ASK%7B%7D HTTP/1.1\r\nHost: {url.netloc}\r\n".encode()
        )

    def step(self) -> Outcome | None:
        """Send the next header line; the outcome once the server answered or closed."""
        if select.select([self.sock], [], [], 0)[0]:
            return self._ended()
        try:
            self.sock.sendall(b"X-Slow-%d: x\r\n" % self.lines)
        except OSError:
            return self._ended()
        self.lines += 1
        return None

    def close(self) -> None:
        self.sock.close()

    def _ended(self) -> Outcome:
        """What the server said (its status, or 0 if it closed without an answer)."""
        try:
            head = self.sock.recv(64)
        except OSError:
            head = b""
        self.close()
        parts = head.split(b" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else NO_ANSWER
        return Outcome("slow client", status, time.monotonic() - self.opened)


def slow_clients(endpoint: str, count: int, deadline: float, out: list) -> None:
    """Keep ``count`` slow clients open until ``deadline``, opening a new one for each
    that the server ends (or that cannot connect: status 0)."""
    clients: list[SlowClient] = []
    while (now := time.monotonic()) < deadline:
        while len(clients) < count:
            try:
                clients.append(SlowClient(endpoint))
            except OSError:
                out.append(Outcome("slow client", NO_ANSWER, 0.0))
                break
        still = []
        for client in clients:
            outcome = client.step()
            if outcome is None:
                still.append(client)
            else:
                out.append(outcome)
        clients = still
        time.sleep(max(0.0, 1.0 - (time.monotonic() - now)))
    for client in clients:
        out.append(Outcome("slow client", HELD_OPEN, time.monotonic() - client.opened))
        client.close()


def hostile_traffic(
    endpoint: str, seconds: float, slow: int, attackers: int, groups: Groups, queue
) -> None:
    """Every hostile client for ``seconds`` (run in a process of its own): ``slow`` slow
    clients, ``attackers`` threads per group; puts the outcomes on ``queue``."""
    deadline = time.monotonic() + seconds
    out: list[Outcome] = []
    threads = [threading.Thread(target=slow_clients, args=(endpoint, slow, deadline, out))]
    for attacks in groups.values():
        threads += [
            threading.Thread(target=attacker, args=(endpoint, attacks, deadline, out))
            for _ in range(attackers)
        ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(out)


def hostile_summary(outcomes: list[Outcome]) -> dict[str, dict]:
    """Per kind of hostile request: how many, their statuses, the p50 of their time,
    the largest answer, and the limits the answers name."""
    by_kind = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    return {
        kind: {
            "requests": len(group),
            "statuses": dict(Counter(STATUS_NAMES.get(o.status, str(o.status)) for o in group)),
            "p50_seconds": percentile([o.seconds for o in group], 50) / 1000,
            "largest_answer_mib": round(max(o.bytes for o in group) / (1 << 20), 1),
            "limits": dict(Counter(o.note for o in group if o.note)),
        }
        for kind, group in sorted(by_kind.items())
    }


STATUS_NAMES = {NO_ANSWER: "no answer", HELD_OPEN: "held open"}


# --- the memory of the server's processes --------------------------------------------------


@dataclass
class MemorySampler:
    """Reads the memory of a process and its descendants every :data:`SAMPLE_INTERVAL`
    seconds in a thread, keeping each process's highest ``VmHWM``, and kills (SIGKILL)
    any of them whose resident memory passes :data:`WATCHDOG_BYTES`."""

    root: int
    roles: tuple[str, ...]
    #: pid → (role, highest VmHWM seen, in KiB).
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: The processes the watchdog killed: (role, VmRSS in MiB, seconds since the start).
    killed: list[tuple[str, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL):
            self.sample()

    def sample(self) -> None:
        """Read every process of the tree once; kill those past the watchdog's limit."""
        for pid, role in process_tree(self.root, self.roles).items():
            hwm, rss = status_field(pid, "VmHWM:"), status_field(pid, "VmRSS:")
            if hwm is not None and hwm > self.peaks.get(pid, (role, 0))[1]:
                self.peaks[pid] = (role, hwm)
            if rss is not None and rss * 1024 > WATCHDOG_BYTES:
                os.kill(pid, signal.SIGKILL)  # one of the server's processes, started here
                self.killed.append((role, round(rss / 1024, 1), time.monotonic() - self._started))

    def by_role(self) -> dict[str, dict]:
        """Per role: processes seen, their highest and their summed VmHWM, in MiB."""
        grouped = defaultdict(list)
        for role, hwm in self.peaks.values():
            grouped[role].append(hwm)
        return {
            role: {
                "processes": len(hwms),
                "max_hwm_mib": round(max(hwms) / 1024, 1),
                "sum_hwm_mib": round(sum(hwms) / 1024, 1),
            }
            for role, hwms in grouped.items()
        }


def process_tree(root: int, roles: tuple[str, ...]) -> dict[int, str]:
    """``root`` and its descendants down to ``len(roles)`` levels, each with the role of
    its level (for dxkg: the master, its workers, their query processes)."""
    parents = {pid: parent for pid, (parent, _) in process_table().items()}
    tree, level = {root: roles[0]}, [root]
    for role in roles[1:]:
        level = [pid for pid, parent in parents.items() if parent in level]
        tree.update(dict.fromkeys(level, role))
    return tree


def status_field(pid: int, name: str) -> int | None:
    """A ``/proc/<pid>/status`` field in KiB, or None if the process has ended."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith(name)), None)
    return int(line.split()[1]) if line else None


# --- a run against one server ------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What a run does: its length, its clients, its attackers."""

    seconds: float
    clients: int
    slow: int
    attackers: int


def measure(endpoint: str, mix: list, settings: Settings, groups: Groups) -> dict:
    """The simple queries alone, then under attack by ``groups`` and slow clients; the
    hostile requests' outcomes; whether the server answers afterwards."""
    requests_ = sparql_requests(endpoint, mix)
    alone = collect(endpoint, requests_, settings.clients, settings.seconds, WARM_UP)
    queue = multiprocessing.Queue()
    seconds = WARM_UP + settings.seconds + 1
    hostile = multiprocessing.Process(
        target=hostile_traffic,
        args=(endpoint, seconds, settings.slow, settings.attackers, groups, queue),
    )
    hostile.start()
    attacked = collect(endpoint, requests_, settings.clients, settings.seconds, WARM_UP)
    outcomes = queue.get()
    hostile.join()
    return {
        "alone": summary(alone, settings.seconds),
        "under attack": summary(attacked, settings.seconds),
        "hostile": hostile_summary(outcomes),
        "answers afterwards": answers(endpoint),
    }


def answers(endpoint: str) -> bool:
    """Whether ``endpoint`` answers ``ASK {}`` within a few seconds."""
    url = urlsplit(endpoint)
    connection = HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        connection.request("GET", url.path + "?query=ASK%7B%7D")
        return connection.getresponse().status == 200
    except (OSError, HTTPException):
        return False
    finally:
        connection.close()


def run_dxkg(dist: Path, mix: list, settings: Settings, groups: Groups) -> dict:
    """``dxkg serve`` over ``dist`` with its defaults, measured with its memory."""
    port = free_port()
    command = [sys.executable, "-m", "dxkg", "serve", "--dist", str(dist), "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with running(command, base + "/") as server:
        with MemorySampler(server.pid, ("master", "worker", "query process")) as memory:
            result = measure(base + "/sparql", mix, settings, groups)
        result["still running"] = server.poll() is None
    return {**result, "memory": memory.by_role(), "killed by the watchdog": memory.killed}


def run_oxigraph(dump: Path, mix: list, settings: Settings, groups: Groups) -> dict:
    """The peer over ``dump``, measured with its memory (and its last words, if it
    ended)."""
    with peer(dump) as server, MemorySampler(server.process.pid, ("oxigraph",)) as memory:
        result = measure(server.endpoint, mix, settings, groups)
        result["still running"] = server.process.poll() is None
        if not result["still running"]:
            result["last words"] = server.last_words()
    return {**result, "memory": memory.by_role(), "killed by the watchdog": memory.killed}


@dataclass(frozen=True)
class Peer:
    """A running oxigraph server: its query endpoint, its process, its log."""

    endpoint: str
    process: subprocess.Popen
    log: Path

    def last_words(self) -> str:
        """The end of what it wrote to its standard error, on one line."""
        return " ".join(self.log.read_bytes()[-600:].decode("utf-8", "replace").split())


@contextmanager
def peer(dump: Path) -> Iterator[Peer]:
    """``oxigraph serve-read-only --union-default-graph`` over ``dump`` loaded into a
    store of its own (:data:`PEER_OPTIONS`); its standard error kept
    (``servers.oxigraph_server`` drops it), stopped on exit."""
    with tempfile.TemporaryDirectory() as scratch:
        store, log = Path(scratch) / "store", Path(scratch) / "oxigraph.log"
        load = ["load", "--location", str(store), "--file", str(dump)]
        subprocess.run([str(OXIGRAPH), *load], check=True, capture_output=True)
        port = free_port()
        serve = ["serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
        with log.open("wb") as errors:
            process = subprocess.Popen(
                [str(OXIGRAPH), *serve, *PEER_OPTIONS], stdout=subprocess.DEVNULL, stderr=errors
            )
        endpoint = f"http://127.0.0.1:{port}/query"
        try:
            with log.open("rb") as errors:
                wait_until_up(endpoint + "?query=ASK%7B%7D", process, 60, errors)
            yield Peer(endpoint, process, log)
        finally:
            stop(process)


def each_attack_alone(dump: Path, groups: Groups) -> dict[str, dict]:
    """What each attack, sent alone to a fresh peer, does to it, by kind: ``what`` in
    words, and whether it is ``harmful`` (the peer no longer answers afterwards)."""
    verdicts = {}
    for attack in (attack for attacks in groups.values() for attack in attacks):
        with peer(dump) as server, MemorySampler(server.process.pid, ("oxigraph",)) as memory:
            outcome = send_attack(server.endpoint, attack)
            verdicts[attack.kind] = verdict(server, memory, outcome)
    return verdicts


def verdict(server: Peer, memory: MemorySampler, outcome: Outcome) -> dict:
    """What became of ``server`` after the request that got ``outcome``."""
    if answers(server.endpoint):
        if outcome.status == NO_ANSWER:
            what = f"no answer in {outcome.seconds:.0f} s (the peer still answers others)"
        else:
            what = f"{outcome.status} in {outcome.seconds:.1f} s"
        return {"what": what, "harmful": False}
    if memory.killed:
        what = f"grows it past {WATCHDOG_BYTES >> 30} GiB (the watchdog killed it)"
    elif server.process.poll() is not None:
        what = f"ends it ({server.last_words()[-200:]})"
    else:
        what = "stalls it"
    return {"what": what, "harmful": True}


def run_peer(dist: Path, mix: list, settings: Settings, groups: Groups) -> dict[str, dict]:
    """The peer under the same attacks; if it no longer answers afterwards, what each
    attack alone does to it, and both servers again without the harmful attacks."""
    dump = dist / "dxkg.nq"
    results = {"oxigraph": run_oxigraph(dump, mix, settings, groups)}
    if results["oxigraph"]["answers afterwards"]:
        return results
    alone = each_attack_alone(dump, groups)
    results["oxigraph"]["each attack alone"] = alone
    harmful = [kind for kind, found in alone.items() if found["harmful"]]
    print(f"oxigraph no longer answered; harmful alone: {harmful}", file=sys.stderr)
    if harmful:
        rest, suffix = without(groups, harmful), f" without {', '.join(harmful)}"
        results["oxigraph" + suffix] = run_oxigraph(dump, mix, settings, rest)
        results["dxkg" + suffix] = run_dxkg(dist, mix, settings, rest)
    return results


# --- the report ----------------------------------------------------------------------------


def report(results: dict, settings: Settings) -> str:
    """The figures as Markdown tables."""
    setting = (
        f"{settings.clients} clients of simple queries, {settings.seconds:g} s per phase after "
        f"a {WARM_UP:g} s warm-up; under attack beside {settings.slow} slow clients and "
        f"{settings.attackers} attackers per group; 127.0.0.1"
    )
    lines = [
        setting,
        "",
        "| server | phase | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for server, result in results.items():
        for phase in ("alone", "under attack"):
            r = result[phase]
            lines.append(
                f"| {server} | {phase} | {r['requests']} | {r['errors']} | "
                f"{r['throughput']:.1f} | {_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['p99'])} |"
            )
    lines += ["", *ratio_lines(results), "", *hostile_table(results), "", *memory_table(results)]
    return "\n".join(lines)


def _ms(value: float) -> str:
    """A latency in ms, or a dash where nothing was answered."""
    return "–" if math.isnan(value) else f"{value:.1f}"


def ratio_lines(results: dict) -> list[str]:
    """The p95 of the simple queries under attack, dxkg ÷ oxigraph, for each mix."""
    lines = []
    for server, result in results.items():
        if not server.startswith("oxigraph"):
            continue
        mix = server.removeprefix("oxigraph") or " (the whole mix)"
        if result["answers afterwards"]:
            dxkg = results[server.replace("oxigraph", "dxkg", 1)]["under attack"]["p95"]
            ratio = f"{dxkg / result['under attack']['p95']:.2f}×"
        else:
            alone = result.get("each attack alone", {})
            harms = "; ".join(f"{kind}: {v['what']}" for kind, v in alone.items() if v["harmful"])
            ratio = f"none, oxigraph no longer answered (harmful alone: {harms or 'none'})"
        lines.append(f"simple queries' p95 under attack{mix}, dxkg ÷ oxigraph: {ratio}")
    return lines


def hostile_table(results: dict) -> list[str]:
    lines = [
        "| server | hostile kind | requests | statuses | p50 s | largest answer MiB | limits named |",
        "|---|---|---:|---|---:|---:|---|",
    ]
    for server, result in results.items():
        for kind, r in result["hostile"].items():
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(r["statuses"].items()))
            limits = ", ".join(f"{c}: {n}" for c, n in r["limits"].items()) or "–"
            lines.append(
                f"| {server} | {kind} | {r['requests']} | {statuses} | "
                f"{r['p50_seconds']:.2f} | {r['largest_answer_mib']} | {limits} |"
            )
    for server, result in results.items():
        killed = "; ".join(
            f"a {role} at {rss} MiB after {seconds:.0f} s"
            for role, rss, seconds in result["killed by the watchdog"]
        )
        lines.append(
            f"\n{server}: answers ASK {{}} afterwards: {result['answers afterwards']}; "
            f"process still running: {result['still running']}; "
            f"killed by the watchdog (over {WATCHDOG_BYTES >> 30} GiB): {killed or 'none'}"
        )
        if "last words" in result:
            lines.append(f"{server}'s last words: {result['last words'][-300:]}")
        for kind, found in result.get("each attack alone", {}).items():
            lines.append(f"- {kind}, alone, to a fresh {server}: {found['what']}")
    return lines


def memory_table(results: dict) -> list[str]:
    lines = [
        f"memory high-water marks (VmHWM, sampled every {SAMPLE_INTERVAL:g} s), MiB:",
        "",
        "| server | role | processes seen | highest | sum |",
        "|---|---|---:|---:|---:|",
    ]
    for server, result in results.items():
        for role, r in result["memory"].items():
            lines.append(
                f"| {server} | {role} | {r['processes']} | {r['max_hwm_mib']} | "
                f"{r['sum_hwm_mib']} |"
            )
    return lines


def arguments() -> argparse.Namespace:
    """The command line; builds the release into ``--dist`` first if it lacks a dump."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--slow", type=int, default=50, help="slow clients")
    parser.add_argument("--attackers", type=int, default=2, help="threads per attack group")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    if not (args.dist / "dxkg.nq").is_file():
        subprocess.run(
            [sys.executable, "-m", "dxkg", "build", "--dist", str(args.dist)], check=True
        )
    return args


def main() -> None:
    args = arguments()
    settings = Settings(args.seconds, args.clients, args.slow, args.attackers)
    dump = args.dist / "dxkg.nq"
    mix = simple_mix(dump)
    groups = attack_groups()
    results = {"dxkg": run_dxkg(args.dist, mix, settings, groups)}
    print("dxkg measured", file=sys.stderr)
    if args.peer:
        results.update(run_peer(args.dist, mix, settings, groups))
    print("\n" + report(results, settings))
    if args.json:
        figures = {"settings": asdict(settings), "results": results}
        args.json.write_text(json.dumps(without_nan(figures), indent=2), "utf-8")


def without_nan(value):
    """``value`` with every NaN (a latency where nothing was answered) as None, for JSON."""
    if isinstance(value, dict):
        return {key: without_nan(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nan(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


if __name__ == "__main__":
    main()
