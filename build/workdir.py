"""The build's work folder: the stages' records, in a folder that only dxkg clears.

A build empties its work folder before the first stage, and empties only a folder it
made: one holding the marker file :data:`MARKER`, written when dxkg creates the folder
or takes an empty one. A non-empty folder without the marker is refused, whatever it
holds, so that naming the wrong folder (``--work ~``) deletes nothing; so is a folder
that holds the release or an input of the project, or lies inside one, and a folder
another build is using (an ``flock``, dropped by the kernel when that build ends).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dxkg.config import Paths
from dxkg.pipeline.publish.releases import releases_dir

#: The file that says a folder is a dxkg work folder, to be emptied by the next build.
MARKER = ".dxkg-work"


class WorkFolderError(Exception):
    """The work folder named cannot be used; nothing was deleted."""


@contextmanager
def work_folder(paths: Paths) -> Iterator[Path]:
    """An empty work folder for one build: ``paths.work`` emptied and held for the
    block, or, when it is None, a temporary folder removed at the end of the block.

    Raises WorkFolderError, deleting nothing, if ``paths.work`` is not a folder dxkg
    made, overlaps the release or an input, or another build uses it.
    """
    if paths.work is None:
        with tempfile.TemporaryDirectory(prefix="dxkg-work-") as temporary:
            yield Path(temporary)
        return
    check_apart(paths.work, paths)
    with _held(paths.work) as work:
        yield clear(work)


def check_apart(work: Path, paths: Paths) -> None:
    """Raise WorkFolderError if ``work`` is, holds or lies in the release (``dist``, its
    releases folder) or an input folder of the project: emptying it would delete them."""
    guarded = [paths.dist, releases_dir(paths.dist)]
    guarded += [paths.sources, paths.ontology, paths.mappings, paths.shapes]
    folder = work.resolve()
    for path in guarded:
        # The folder the name is in, resolved, but not the name: dist is a symlink.
        other = path.parent.resolve() / path.name
        if folder == other or folder in other.parents or other in folder.parents:
            raise WorkFolderError(
                f"the work folder {work} overlaps {path}: emptying it would delete "
                "what the build reads or publishes; name another with --work"
            )


@contextmanager
def _held(work: Path) -> Iterator[Path]:
    """``work``, made if missing and locked for the block (no other build empties it)."""
    if work.exists() and not work.is_dir():
        raise WorkFolderError(f"the work folder {work} is not a folder")
    work.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkFolderError(f"another build is using the work folder {work}") from None
        yield work
    finally:
        os.close(descriptor)


def clear(work: Path) -> Path:
    """Empty the existing folder ``work`` and mark it as dxkg's; return it.

    Raises WorkFolderError, deleting nothing, if it holds anything and is not marked:
    a work folder that builds before the marker left is refused too, once, until
    emptied by hand.
    """
    entries = [entry for entry in work.iterdir() if entry.name != MARKER]
    if entries and not (work / MARKER).is_file():
        raise WorkFolderError(
            f"the work folder {work} is not empty and has no {MARKER} file: dxkg empties "
            "only a work folder it made; name another with --work, or empty this one "
            "(one an older dxkg left without it too: delete that once by hand)"
        )
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (work / MARKER).write_text(
        "A dxkg work folder: every build empties it before its first stage.\n", "utf-8"
    )
    return work
