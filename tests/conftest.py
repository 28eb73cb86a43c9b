"""Shared fixtures: the real corpus, one real build, and a real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.cases.records import CaseCollectionExtract
from dxkg.pipeline.pipeline import CASE_EXTRACTORS, run_build
from dxkg.pipeline.records import SurveyExtract
from dxkg.pipeline.survey import DOCUMENT_ID, extract_survey

SOURCES = PROJECT_ROOT / "sources"


@pytest.fixture(scope="session")
def survey() -> SurveyExtract:
    """The survey document extracted from the real corpus."""
    return extract_survey(SOURCES / DOCUMENT_ID)


@pytest.fixture(scope="session")
def case_extracts() -> list[CaseCollectionExtract]:
    """Every case-collection document extracted from the real corpus."""
    return [extract(SOURCES / document) for document, extract in CASE_EXTRACTORS.items()]


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> tuple[Paths, dict]:
    """One full build of the real corpus into a temporary dist/."""
    paths = Paths(dist=tmp_path_factory.mktemp("release") / "dist")
    return paths, run_build(paths, echo=lambda _: None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(release) -> Iterator[str]:
    """``dxkg serve`` on 127.0.0.1 over the release; stopped after the session."""
    paths, _ = release
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dxkg", "serve", "--dist", str(paths.dist), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()}")
        try:
            if requests.get(base + "/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("server did not come up")


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Paths:
    """A project root whose sources/ is a private copy; the rest links to the real files."""
    root = tmp_path / "project"
    (root / "sources").mkdir(parents=True)
    for path in SOURCES.iterdir():
        (root / "sources" / path.name).write_bytes(path.read_bytes())
    for folder in ("ontology", "shapes", "mappings"):
        (root / folder).symlink_to(PROJECT_ROOT / folder)
    return Paths(root=root, dist=root / "dist")
