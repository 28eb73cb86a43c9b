"""Project paths and publication settings shared by the pipeline and the server."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: The repository root: the folder holding ``sources/``, ``ontology/``, ``shapes/``, ...
PROJECT_ROOT = Path(__file__).resolve().parent.parent

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

    @property
    def work(self) -> Path:
        """Intermediate records of the stages, beside the release folder."""
        return self.dist.parent / "work"
