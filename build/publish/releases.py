"""Releases side by side, the current one named by the ``dist`` symlink.

A build never changes a published release; it writes a new one and switches to it::

    <parent>/dist -> dist.releases/<id>       the current release (a relative symlink)
    <parent>/dist.releases/<id>/              a complete release, never written again
    <parent>/dist.releases/.staging-*/        a release being written by a running build

``<id>`` is the UTC time of publication and the start of the SHA-256 of the release's
``SHA256SUMS`` (``20250401T093000Z-3f2a…``), so names sort by age and differ by content.
The switch replaces the symlink in one ``rename``: a reader resolving ``dist`` finds the
old release or the new one, complete. A server resolves ``dist`` once, at start, and
serves that folder until it stops (:func:`hold`); a rebuild does not change its answers.

Locks (``flock``) say who uses a folder, and are dropped by the kernel when the process
dies, however it dies: a server holds a shared lock on the release it serves, a build an
exclusive lock on its staging folder. A build keeps the newest :data:`KEEP` releases
(the current one and those before it, to go back to by hand) and any release a running
server holds; it removes the others, and staging folders that no running build holds
(left by a killed build). It removes nothing outside ``<dist>.releases/``. Locks are advisory and local: servers on another machine that
read the same folder over a network file system are not seen.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dxkg.release import CHECKSUMS, REPORT_JSON, ReleaseError, read_checksums, read_report

#: Published releases kept, newest first, the current one included; releases that a
#: running server holds are kept besides these.
KEEP = 3
STAGING_PREFIX = ".staging-"
#: What a release folder is called: publication time (UTC) and content hash.
RELEASE_NAME = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{12}")
#: How often a starting server looks again for a release moved away as it resolved it.
HOLD_ATTEMPTS = 20
#: What opening a release that a build has just moved or replaced fails with.
MOVED = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})

# The descriptors of the releases this process serves: kept open for its whole life,
# so that their shared locks last as long as the process (and its forked workers).
_held: list[int] = []


class ReleaseInUse(Exception):
    """The release cannot be switched: a running server serves ``dist`` as a plain
    folder (a release published before releases were kept side by side)."""


class NotARelease(Exception):
    """``dist`` names something that is not a release: dxkg replaces only its own."""


def check_replaceable(dist: Path) -> None:
    """Raise NotARelease if a symlink to a release cannot take the place of ``dist``
    without losing what is there, or its releases folder cannot be made: ``dist`` a
    file, a symlink that points anywhere but into its releases folder, or a folder that
    is not a release (:func:`is_release`); ``<dist>.releases`` anything but a folder.
    Missing, an empty folder or a release of the earlier layout are fine."""
    if not dist.name:
        raise NotARelease(f"{dist} cannot be a release folder: it has no name")
    _check_releases_dir(releases_dir(dist))
    if dist.is_symlink():
        _check_link(dist)
    elif not dist.exists():
        return
    elif not dist.is_dir():
        raise NotARelease(f"{dist} is a file, not a release: name another --dist")
    elif any(dist.iterdir()) and not is_release(dist):
        raise NotARelease(
            f"{dist} is a folder that holds no release (no valid {REPORT_JSON}, or files "
            f"its {CHECKSUMS} does not list): dxkg replaces --dist with a symlink to its "
            "releases; name another --dist"
        )


def _check_releases_dir(folder: Path) -> None:
    """Raise NotARelease if ``folder`` exists but is not a folder (nor a link to one)."""
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        raise NotARelease(
            f"{folder} is not a folder: dxkg keeps the releases there; "
            "move it away or name another --dist"
        )


def _check_link(dist: Path) -> None:
    """Raise NotARelease unless the symlink ``dist`` points into its releases folder."""
    if dist.resolve().parent != releases_dir(dist).resolve():
        raise NotARelease(
            f"{dist} is a symlink to {os.readlink(dist)}, not into "
            f"{releases_dir(dist).name}/: dxkg replaces only its own links; "
            "name another --dist"
        )


def is_release(folder: Path) -> bool:
    """Whether ``folder`` provably holds a dxkg release: a build report this dxkg reads,
    and only regular files that its checksum file lists (besides that file)."""
    try:
        read_report(folder / REPORT_JSON)
        listed = set(read_checksums(folder / CHECKSUMS))
    except (OSError, ValueError, ReleaseError):
        return False
    for path in folder.rglob("*"):
        if path.is_symlink() or not (path.is_dir() or path.is_file()):
            return False
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != CHECKSUMS and name not in listed:
            return False
    return True


def releases_dir(dist: Path) -> Path:
    """The folder holding the releases that ``dist`` may point to."""
    return dist.with_name(dist.name + ".releases")


@contextmanager
def staging_folder(dist: Path) -> Iterator[Path]:
    """A new, empty folder to write a release into, which no other build removes while
    this block runs; removed at its end unless :func:`publish` moved it into place."""
    folder = releases_dir(dist)
    folder.mkdir(parents=True, exist_ok=True)
    # Under the folder's lock, so another build's clean-up cannot see the new staging
    # folder before it is locked and take it for a dead build's.
    with _exclusive(folder):
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        descriptor = _open_dir(staging)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a release is for everyone to read
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing left there once published
        os.close(descriptor)


def publish(staging: Path, dist: Path, keep: int = KEEP, when: float | None = None) -> Path:
    """Move the complete release in ``staging`` into its own folder, switch ``dist`` to
    it, and remove what no longer needs keeping (see :func:`prune`); the release folder.
    ``when`` is the time of publication (default: now).

    Raises ReleaseInUse, leaving ``dist`` as it was, if ``dist`` is a plain folder that
    a running server serves.
    """
    folder = releases_dir(dist)
    with _exclusive(folder):
        adopt(dist)
        release = folder / release_name(staging / CHECKSUMS, when or time.time())
        if not release.exists():  # else published this second with the same content
            os.rename(staging, release)
        switch(dist, release)
        prune(dist, keep)
    return release


def release_name(checksums: Path, when: float) -> str:
    """The folder name of a release published at ``when`` whose checksum file is
    ``checksums`` (an empty hash input if it has none, as a folder adopted may not)."""
    content = checksums.read_bytes() if checksums.is_file() else b""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    return f"{stamp}-{hashlib.sha256(content).hexdigest()[:12]}"


def adopt(dist: Path) -> None:
    """Move ``dist``, if it is a plain folder (the layout before releases were kept),
    into the releases folder, so that a symlink can take its place; an empty folder is
    removed instead.

    ``dist`` is missing until :func:`switch` follows; a server starting in between
    waits for it (:func:`hold`). Raises ReleaseInUse if a running server serves it:
    moving it would change that server's files under it; NotARelease, changing
    nothing, if it is not a release (see :func:`check_replaceable`).
    """
    check_replaceable(dist)
    if dist.is_symlink() or not dist.is_dir():
        return
    if not any(dist.iterdir()):
        dist.rmdir()
        return
    descriptor = _open_dir(dist)
    try:
        if not _try_lock(descriptor):
            raise ReleaseInUse(
                f"{dist} is served by a running server as a plain folder; "
                "stop that server and build again"
            )
        when = dist.stat().st_mtime
        os.rename(dist, releases_dir(dist) / release_name(dist / CHECKSUMS, when))
    finally:
        os.close(descriptor)


def switch(dist: Path, release: Path) -> None:
    """Point ``dist`` at ``release`` in one step: a new symlink renamed over the old one."""
    temporary = _switch_link(dist, os.getpid())
    temporary.unlink(missing_ok=True)
    # Relative, so that the project folder can move with its releases.
    temporary.symlink_to(os.path.relpath(release, dist.parent))
    os.replace(temporary, dist)


def _switch_link(dist: Path, pid: int | str) -> Path:
    return dist.with_name(f".{dist.name}.switch-{pid}")


def prune(dist: Path, keep: int = KEEP) -> list[Path]:
    """Remove the releases older than the newest ``keep`` and the leftovers of killed
    builds, except what a running server or build holds; return what was removed.

    Leftovers are staging folders in the releases folder and unfinished switch links.
    Nothing else beside ``dist`` is removed: folders such as ``dist.previous``, which
    builds of an earlier layout left, may as well be someone's own.
    """
    folder = releases_dir(dist)
    current = dist.resolve()
    releases = sorted(
        (path for path in folder.iterdir() if RELEASE_NAME.fullmatch(path.name)), reverse=True
    )
    candidates = [path for path in releases[keep:] if path.resolve() != current]
    name = glob.escape(dist.name)
    candidates += folder.glob(STAGING_PREFIX + "*")
    removed = [path for path in candidates if _remove_unless_held(path)]
    for link in dist.parent.glob(f".{name}.switch-*"):
        if link.is_symlink():  # a build killed between making the link and renaming it
            link.unlink()
    return removed


def hold(dist: Path) -> Path:
    """The release ``dist`` names now, kept from removal while this process runs.

    A server calls this once, at start, and serves only the folder returned: the
    store, the pages and the downloads then come from one release whatever is built
    later. The shared lock taken here is inherited by forked workers and dropped
    when the last of them exits.
    """
    for _ in range(HOLD_ATTEMPTS):
        try:
            release = dist.resolve(strict=True)
            descriptor = _open_dir(release)
        except OSError as error:
            if error.errno not in MOVED:
                raise
            time.sleep(0.05)  # between a plain folder's adoption and the switch
            continue
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits while a build removes it
        if _same_folder(release, descriptor):
            _held.append(descriptor)
            return release
        os.close(descriptor)  # removed or moved while this waited: resolve again
    raise FileNotFoundError(f"no release at {dist}")


def _same_folder(path: Path, descriptor: int) -> bool:
    """Whether ``path`` still names the folder open as ``descriptor``."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino)


def _remove_unless_held(path: Path) -> bool:
    """Remove the folder ``path`` unless a process holds a lock on it; whether removed.

    The exclusive lock is kept while removing, so a server starting on it meanwhile
    waits, then finds it gone (see :func:`hold`).
    """
    try:
        descriptor = _open_dir(path)
    except OSError:
        return False  # not a folder (or a symlink): not a release, left alone
    try:
        if not _try_lock(descriptor):
            return False
        shutil.rmtree(path)
        return True
    finally:
        os.close(descriptor)


def _open_dir(path: Path) -> int:
    # O_NOFOLLOW: a symlink put where a release was is not followed to remove its target.
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _try_lock(descriptor: int) -> bool:
    """Take an exclusive lock on ``descriptor`` if nobody holds one; whether taken."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Builds one at a time in ``folder``: publishing and cleaning up exclude each other."""
    descriptor = _open_dir(folder)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
