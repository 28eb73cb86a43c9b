"""dxkg in front of each triplestore: load time and query-mix throughput, in one run.

Run: .venv/bin/pip install --constraint requirements.lock -e '.[bench]'
     .venv/bin/python benchmarks/stores.py [--seconds 15] [--clients 4]

For each store it measures how long ``dxkg publish`` takes to load the release
(Graph Store Protocol, verified counts), then drives ``dxkg serve
--sparql-endpoint`` over that store with the query mix of ``endpoint.py``, next
to dxkg's embedded store as the reference:

- embedded: dxkg's own pyoxigraph store (no load step: the dump is read at start);
- oxigraph: ``oxigraph serve`` (PyPI package ``oxigraph``), in memory;
- virtuoso: Debian's virtuoso-opensource via ``scripts/virtuoso``, if installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint import ROOT, drive, load_arguments, query_mix

from servers import dxkg_server, free_port, publish_release, published_oxigraph


@contextmanager
def virtuoso(dist: Path, folder: Path):
    script = str(ROOT / "scripts" / "virtuoso")
    http_port, sql_port = free_port(), free_port()
    subprocess.run([script, "start", str(folder), str(http_port), str(sql_port)], check=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        auth = ("--user", "dba", "--password", "dba", "--auth", "digest")
        yield (
            base + "/sparql",
            publish_release(dist, base + "/sparql-graph-crud-auth", base + "/sparql", *auth),
        )
    finally:
        subprocess.run([script, "stop", str(folder)], check=False)


def main() -> None:
    args = load_arguments(__doc__.split("\n")[0], seconds=15)
    mix = query_mix(args.dist / "dxkg.nq")
    results = {}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        stores = {
            "embedded": (None, None),
            "oxigraph": stack.enter_context(published_oxigraph(args.dist)),
        }
        if shutil.which("virtuoso-t"):
            stores["virtuoso"] = stack.enter_context(
                virtuoso(args.dist, Path(scratch) / "virtuoso")
            )
        for name, (endpoint, load_seconds) in stores.items():
            options = ["--sparql-endpoint", endpoint] if endpoint else []
            with dxkg_server(args.dist, *options) as base:
                results[name] = drive(base + "/sparql", mix, args.clients, args.seconds)
            results[name]["load"] = load_seconds
            print(f"{name}: {results[name]['requests']} requests", file=sys.stderr)
    reference = results["embedded"]["throughput"]
    print(f"\nquery mix of endpoint.py, {args.clients} clients, {args.seconds:g} s per store\n")
    print(
        "| store behind dxkg | load (s) | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) | ÷ embedded |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        load = "—" if r["load"] is None else f"{r['load']:.1f}"
        print(
            f"| {name} | {load} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | "
            f"{r['p50']:.1f} | {r['p99']:.1f} | {r['throughput'] / reference:.2f}× |"
        )


if __name__ == "__main__":
    main()
