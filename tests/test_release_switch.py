"""One release at a time: a server answers from the release ``dist`` named when it
started, whatever is built after; builds publish beside the releases in use and clean
up after killed builds.

The end-to-end tests serve a copy of the session's release, kill a build mid-publish,
then rebuild under another base IRI (so that every IRI, count and file differs) while
the server runs, and compare what it answers with the files of the first release. The
unit tests drive :mod:`dxkg.pipeline.publish.releases` on small fake releases.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from dxkg.pipeline.publish import releases
from servers import dxkg_server

OLD_BASE = "https://dxkg.example.org/"
NEW_BASE = "http://data.example.jp/dx/"
CASE = "id/case/v4-1-4"
#: Files of the release compared byte for byte between a download and the folder: the
#: dump, the checksums, VoID, the catalogue, the build report and a network file.
COMPARED = {
    "/download/dxkg.nq": "dxkg.nq",
    "/download/SHA256SUMS": "SHA256SUMS",
    "/.well-known/void": "void.ttl",
    "/download/catalog.ttl": "catalog.ttl",  # /catalog moves its URLs onto the server's host
    "/download/build-report.json": "build-report.json",
    "/download/network/summary.json": "network/summary.json",
}


def published_copy(source: Path, dist: Path, when: float | None = None) -> Path:
    """The release in ``source`` published at ``dist`` as a build publishes one."""
    with releases.staging_folder(dist) as staging:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        return releases.publish(staging, dist, when=when)


def build_command(dist: Path) -> list[str]:
    command = [sys.executable, "-m", "dxkg", "build", "--dist", str(dist)]
    return [*command, "--work", str(dist.with_name("work")), "--base-iri", NEW_BASE]


def kill_mid_publish(dist: Path, timeout: float = 240) -> list[Path]:
    """Start a build into ``dist``, kill it (SIGKILL) while it writes its staging
    folder, and return the staging folders it left."""
    folder = releases.releases_dir(dist)
    build = subprocess.Popen(build_command(dist), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and build.poll() is None:
            if any(any(staging.iterdir()) for staging in folder.glob(".staging-*")):
                break  # the publish stage has started writing
            time.sleep(0.05)
        assert build.poll() is None, f"the build ended before publishing: {build.stderr.read()}"
    finally:
        build.kill()
        build.wait()
    return list(folder.glob(".staging-*"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def old_base_quads(release: Path) -> int:
    """Quads of the release whose subject is minted under the default base."""
    with (release / "dxkg.nq").open("rb") as dump:
        return sum(line.startswith(b"<" + OLD_BASE.encode()) for line in dump)


def count_old_base_quads(server: str) -> int:
    """The same count, asked of the server's SPARQL endpoint."""
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?s), "{OLD_BASE}")) }}'
    )
    answer = requests.get(f"{server}/sparql", params={"query": query, "format": "json"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@dataclass
class Rebuilt:
    """The scenario's state: a server started on release ``old``, then ``dist`` rebuilt
    into ``new`` while it ran."""

    dist: Path
    old: Path
    new: Path
    server: str
    killed_staging: list[Path]
    earlier_layout_leftovers: list[Path]


@pytest.fixture(scope="module")
def rebuilt(release, tmp_path_factory) -> Iterator[Rebuilt]:
    paths, _ = release
    dist = tmp_path_factory.mktemp("switch") / "dist"
    old = published_copy(paths.dist, dist)
    # Named as the earlier layout's killed builds left them beside dist/: kept, as they
    # may be anyone's.
    leftovers = [dist.with_name("dist.staging-k1ll3d"), dist.with_name("dist.previous")]
    for leftover in leftovers:
        (leftover / "network").mkdir(parents=True)
        (leftover / "dxkg.nq").write_text("half written\n")
    with dxkg_server(dist) as server:
        killed = kill_mid_publish(dist)
        assert dist.resolve() == old, "a killed build switched dist"
        subprocess.run(build_command(dist), check=True, capture_output=True)
        yield Rebuilt(dist, old, dist.resolve(), server, killed, leftovers)


@pytest.mark.e2e
def test_the_rebuild_published_a_different_release(rebuilt):
    assert rebuilt.new != rebuilt.old
    assert rebuilt.new.parent == rebuilt.old.parent == releases.releases_dir(rebuilt.dist)
    assert os.readlink(rebuilt.dist) == f"dist.releases/{rebuilt.new.name}"  # relative
    assert releases.RELEASE_NAME.fullmatch(rebuilt.new.name)
    assert old_base_quads(rebuilt.old) > 0
    assert old_base_quads(rebuilt.new) == 0
    for name in COMPARED.values():
        assert (rebuilt.old / name).read_bytes() != (rebuilt.new / name).read_bytes(), name


@pytest.mark.e2e
def test_a_running_server_still_counts_the_old_release(rebuilt):
    assert count_old_base_quads(rebuilt.server) == old_base_quads(rebuilt.old)


@pytest.mark.e2e
@pytest.mark.parametrize("url", COMPARED)
def test_a_running_server_still_sends_the_old_files(rebuilt, url):
    response = requests.get(rebuilt.server + url)
    assert response.status_code == 200
    assert sha256(response.content) == sha256((rebuilt.old / COMPARED[url]).read_bytes())


@pytest.mark.e2e
def test_a_running_server_still_shows_the_old_pages(rebuilt):
    page = requests.get(f"{rebuilt.server}/page/{CASE}.json").json()
    assert page["iri"] == OLD_BASE + CASE
    listed = requests.get(f"{rebuilt.server}/downloads.json").json()
    digests = {f["name"]: f["sha256"] for group in listed["groups"] for f in group["files"]}
    assert digests["dxkg.nq"] == sha256((rebuilt.old / "dxkg.nq").read_bytes())
    hits = requests.get(f"{rebuilt.server}/search.json", params={"q": "RPA"}).json()
    iris = [hit["iri"] for group in hits["groups"] for hit in group["hits"]]
    assert iris and all(iri.startswith(OLD_BASE) for iri in iris)


@pytest.mark.e2e
def test_a_new_server_answers_the_new_release(rebuilt):
    with dxkg_server(rebuilt.dist) as server:
        assert count_old_base_quads(server) == 0
        assert requests.get(f"{server}/page/{CASE}.json").json()["iri"] == NEW_BASE + CASE
        for url, name in COMPARED.items():
            expected = sha256((rebuilt.new / name).read_bytes())
            assert sha256(requests.get(server + url).content) == expected, url


@pytest.mark.e2e
def test_the_next_build_removes_what_killed_builds_left(rebuilt):
    assert rebuilt.killed_staging, "the killed build left no staging folder to clean up"
    for leftover in rebuilt.killed_staging:
        assert not leftover.exists(), leftover
    for leftover in rebuilt.earlier_layout_leftovers:  # outside dist.releases/: not removed
        assert (leftover / "dxkg.nq").read_text() == "half written\n", leftover
    assert not list(rebuilt.dist.parent.glob(".dist.switch-*"))


@pytest.mark.e2e
def test_the_release_a_server_runs_on_is_kept(rebuilt):
    assert sorted(p.name for p in releases.releases_dir(rebuilt.dist).iterdir()) == sorted(
        [rebuilt.old.name, rebuilt.new.name]
    )


# -- the releases folder, on fake releases --------------------------------------------------


def fake_release(tmp_path: Path, content: str) -> Path:
    """A folder holding a release's checksum file, whose content names the release."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "SHA256SUMS").write_text(content)
    return folder


def publish_fakes(
    tmp_path: Path, dist: Path, count: int, start: float = 1.7e9, label: str = "release"
) -> list[Path]:
    """``count`` fake releases published at ``dist`` a minute apart, oldest first, their
    checksum files saying ``<label> <n>``."""
    return [
        published_copy(fake_release(tmp_path, f"{label} {n}\n"), dist, when=start + 60 * n)
        for n in range(count)
    ]


def test_publishing_switches_dist_and_keeps_the_newest_releases(tmp_path):
    dist = tmp_path / "dist"
    published = publish_fakes(tmp_path, dist, releases.KEEP + 2)
    assert (dist / "SHA256SUMS").read_text() == f"release {releases.KEEP + 1}\n"
    assert dist.resolve() == published[-1]
    kept = sorted(releases.releases_dir(dist).iterdir())
    assert kept == published[-releases.KEEP :]


def test_a_release_a_server_holds_is_not_removed(tmp_path):
    dist = tmp_path / "dist"
    first = publish_fakes(tmp_path, dist, 1)[0]
    assert releases.hold(dist) == first  # what a starting server does
    later = publish_fakes(tmp_path, dist, releases.KEEP + 1, start=1.8e9)
    assert first.is_dir()
    assert sorted(releases.releases_dir(dist).iterdir()) == [first, *later[-releases.KEEP :]]


def test_a_server_keeps_its_release_after_a_switch(tmp_path):
    dist = tmp_path / "dist"
    first = publish_fakes(tmp_path, dist, 1, label="first")[0]
    served = releases.hold(dist)
    publish_fakes(tmp_path, dist, 1, start=1.8e9, label="second")
    assert (dist / "SHA256SUMS").read_text() == "second 0\n"
    assert (served / "SHA256SUMS").read_text() == "first 0\n"
    assert served == first and dist.resolve() != first


def test_staging_folders_are_removed_unless_their_build_runs(tmp_path):
    dist = tmp_path / "dist"
    publish_fakes(tmp_path, dist, 1)
    dead = releases.releases_dir(dist) / ".staging-dead"
    dead.mkdir()
    (dead / "dxkg.nq").write_text("half written\n")
    with releases.staging_folder(dist) as running:
        (running / "dxkg.nq").write_text("being written\n")
        removed = releases.prune(dist)
        assert dead in removed and not dead.exists()
        assert running.is_dir()  # locked by its build
    assert not running.exists()  # not published: removed when its build ends


def test_a_failed_publish_leaves_the_current_release(tmp_path):
    dist = tmp_path / "dist"
    current = publish_fakes(tmp_path, dist, 1)[0]
    with pytest.raises(RuntimeError), releases.staging_folder(dist) as staging:
        (staging / "SHA256SUMS").write_text("never published\n")
        raise RuntimeError("a stage failed")
    assert dist.resolve() == current
    assert list(releases.releases_dir(dist).iterdir()) == [current]


def test_a_plain_dist_folder_is_adopted_as_a_release(release, tmp_path):
    paths, _ = release
    dist = tmp_path / "dist"
    shutil.copytree(paths.dist.resolve(), dist)  # a release of the earlier layout
    checksums = (dist / "SHA256SUMS").read_text()
    new = publish_fakes(tmp_path, dist, 1, start=time.time() + 60)[0]
    assert dist.is_symlink() and dist.resolve() == new
    (adopted,) = [p for p in releases.releases_dir(dist).iterdir() if p != new]
    assert releases.RELEASE_NAME.fullmatch(adopted.name)
    assert (adopted / "SHA256SUMS").read_text() == checksums


def test_a_plain_dist_folder_a_server_holds_is_not_moved(release, tmp_path):
    paths, _ = release
    dist = tmp_path / "dist"
    shutil.copytree(paths.dist.resolve(), dist)
    checksums = (dist / "SHA256SUMS").read_text()
    releases.hold(dist)
    with pytest.raises(releases.ReleaseInUse, match="stop that server"):
        publish_fakes(tmp_path, dist, 1)
    assert not dist.is_symlink() and (dist / "SHA256SUMS").read_text() == checksums
    assert not list(releases.releases_dir(dist).iterdir())  # the staging folder went too


def test_a_symlink_in_the_releases_folder_is_not_followed(tmp_path):
    """A link named like an old release is left alone: removing it must not remove
    what it points to."""
    dist = tmp_path / "dist"
    publish_fakes(tmp_path, dist, releases.KEEP)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not a release\n")
    (releases.releases_dir(dist) / "20000101T000000Z-000000000000").symlink_to(outside)
    releases.prune(dist)
    assert (outside / "keep.txt").is_file()
