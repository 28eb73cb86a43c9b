"""Real servers for the end-to-end tests and the benchmarks: started on 127.0.0.1, always stopped.

- ``dxkg serve`` over a release (the embedded engine, or a remote one);
- an ``oxigraph`` server (PyPI package ``oxigraph``) holding the same dump, with the
  union of the named graphs as its default graph, as dxkg's embedded store has:
  either loaded with ``oxigraph load`` and served read-only with
  ``--union-default-graph`` (the benchmarks), or started empty and filled with
  ``dxkg load --union-default-graph`` (the tests of the remote engine, whose FROM
  must select graphs).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

import requests

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], probe: str, timeout: float = 60) -> Iterator[subprocess.Popen]:
    """Start ``command``, wait until ``probe`` answers, and stop it on exit.

    Its stderr goes to a temporary file, not a pipe: nothing reads the pipe while the
    server runs, and a server that logs much (gunicorn logs every malformed request it
    refuses, found by the fuzz tests) blocks once the pipe is full.
    """
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            wait_until_up(probe, process, timeout, errors)
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """End ``process`` (a server started here): SIGTERM, then SIGKILL after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, errors: BinaryIO) -> None:
    """Poll ``url`` until it answers 200; fail with the server's stderr (written to
    ``errors``) if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            raise RuntimeError(f"server exited: {errors.read().decode(errors='replace')}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)  # not listening yet, or its workers are still loading
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@contextmanager
def dxkg_server(dist: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """``dxkg serve`` over ``dist`` with extra command-line ``options``; yields its base URL."""
    port = port or free_port()
    command = [sys.executable, "-m", "dxkg", "serve", "--dist", str(dist), "--port", str(port)]
    with running(command + list(options), f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def oxigraph_server(dump: Path, workdir: Path, *options: str) -> Iterator[str]:
    """``oxigraph serve-read-only`` over ``dump`` loaded into a store in ``workdir``;
    yields the URL of its SPARQL query endpoint."""
    store = workdir / "oxigraph-store"
    shutil.rmtree(store, ignore_errors=True)
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(store), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [
        str(OXIGRAPH),
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        *options,
    ]
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        with running(command, endpoint + "?query=ASK%7B%7D"):
            yield endpoint
    finally:
        shutil.rmtree(store, ignore_errors=True)


def publish_release(dist: Path, store: str, query_endpoint: str, *options: str) -> float:
    """Run ``dxkg load`` into a Graph Store endpoint; the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dxkg",
            "publish",
            "--dist",
            str(dist),
            "--endpoint",
            store,
            "--query-endpoint",
            query_endpoint,
            *options,
        ],
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


@contextmanager
def published_oxigraph(dist: Path) -> Iterator[tuple[str, float]]:
    """An empty in-memory ``oxigraph serve`` filled by ``dxkg load`` through the Graph
    Store Protocol; yields the URL of its SPARQL query endpoint and the load time."""
    port = free_port()
    command = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"]
    base = f"http://127.0.0.1:{port}"
    with running(command, base + "/query?query=ASK%7B%7D"):
        loaded = publish_release(dist, base + "/store", base + "/query", "--union-default-graph")
        yield base + "/query", loaded


@contextmanager
def endpoint_server(mode: str, dist: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """dxkg over ``dist`` answering from its embedded store (``mode="embedded"``) or
    from an oxigraph server the release was published into (``mode="remote"``)."""
    if mode == "embedded":
        with dxkg_server(dist, *options, port=port) as base:
            yield base
    else:
        with ExitStack() as stack:
            remote, _ = stack.enter_context(published_oxigraph(dist))
            yield stack.enter_context(
                dxkg_server(dist, "--sparql-endpoint", remote, *options, port=port)
            )


def process_table() -> dict[int, tuple[int, int]]:
    """Every process on the machine: {pid: (parent pid, CPU clock ticks used so far)},
    read from ``/proc/<pid>/stat``; the load tests and the time-limit tests use it to
    find a server's workers and query processes."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended while listed
            table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table
