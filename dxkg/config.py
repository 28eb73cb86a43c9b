"""Project paths and publication settings shared by the pipeline and the server.

A *project* is a folder holding the build's inputs: ``sources/`` (the documents and
``manifest.toml``), ``ontology/``, ``mappings/`` and ``shapes/``. In a source checkout the
default project is the checkout; an installed package carries a copy of its inputs as
package data, a read-only default project (see :func:`project_paths`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: The inputs installed with the package (``pip install .``): a read-only project.
PACKAGED_PROJECT = Path(__file__).resolve().parent / "project"
#: The default project: the packaged one when installed, else the source checkout.
PROJECT_ROOT = (
    PACKAGED_PROJECT
    if (PACKAGED_PROJECT / "sources").is_dir()
    else Path(__file__).resolve().parent.parent
)

#: Placeholder base under which every dxkg IRI is minted. Data files in the
#: repository are written against it; a deployment rebases them at publish time.
DEFAULT_BASE_IRI = "https://dxkg.example.org/"


@dataclass(frozen=True)
class Paths:
    """Where the pipeline reads its inputs and writes its outputs."""

    root: Path = PROJECT_ROOT
    dist: Path = field(
        default_factory=lambda: Path(os.environ.get("DXKG_DIST", PROJECT_ROOT / "dist"))
    )
    #: The stages' intermediate records; None: a temporary folder, removed after the build.
    work: Path | None = None

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def mappings(self) -> Path:
        return self.root / "mappings"


class ProjectError(ValueError):
    """The project or release folder named cannot be used as asked."""


def is_read_only(root: Path) -> bool:
    """Whether a build must not write into the project ``root``: the packaged project,
    or a folder this process cannot write."""
    return root.resolve() == PACKAGED_PROJECT or not os.access(root, os.W_OK)


def project_paths(
    project: Path | None = None, dist: Path | None = None, work: Path | None = None
) -> Paths:
    """The paths of a command: the project ``project`` (else ``$DXKG_PROJECT``, else the
    default project), the release ``dist`` (else ``$DXKG_DIST``, else ``<project>/dist``)
    and the work folder ``work`` (else ``<project>/work``).

    A read-only project (:func:`is_read_only`) gets no folder written into it: ``dist`` must
    be named (ProjectError otherwise) and the work folder is temporary unless named.
    """
    root = _absolute(project or os.environ.get("DXKG_PROJECT") or PROJECT_ROOT)
    if not root.is_dir():
        raise ProjectError(f"no project folder at {root}")
    read_only = is_read_only(root)
    dist = dist or os.environ.get("DXKG_DIST") or None
    if dist is None and read_only:
        raise ProjectError(
            f"the project {root} is read-only: name the release folder with --dist or $DXKG_DIST"
        )
    if work is None and not read_only:
        work = root / "work"
    return Paths(
        root=root,
        dist=_absolute(dist or root / "dist"),
        work=None if work is None else _absolute(work),
    )


def _absolute(path: str | Path) -> Path:
    """``path`` made absolute without following symlinks (``dist`` is one), ``~`` expanded."""
    return Path(os.path.abspath(os.path.expanduser(path)))
