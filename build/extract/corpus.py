"""The source corpus: its manifest and the integrity check every build starts with."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

MANIFEST_NAME = "manifest.toml"


class CorpusError(Exception):
    """The corpus is missing, modified or its manifest is unreadable."""


class SourceDocument(BaseModel):
    """One document of the corpus as the manifest describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    title_en: str
    publisher: str
    publisher_en: str
    edition: str | None = None
    edition_note: str | None = None
    issued: str | None = None
    issued_note: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    licence_note: str | None = None
    sha256: str


def load_manifest(sources_dir: Path) -> dict[str, SourceDocument]:
    """Read ``sources/manifest.toml`` into documents keyed by id (their file name)."""
    path = sources_dir / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"{path}: cannot read the corpus manifest: {error}") from error
    return {
        doc_id: SourceDocument(id=doc_id, **fields)
        for doc_id, fields in sorted(data.get("documents", {}).items())
    }


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_corpus(sources_dir: Path) -> dict[str, SourceDocument]:
    """Check that every document of the manifest is present and unmodified.

    Raises CorpusError listing every missing or modified document, so one run
    tells the whole story instead of failing on the first problem.
    """
    documents = load_manifest(sources_dir)
    problems = []
    for doc in documents.values():
        path = sources_dir / doc.id
        if not path.is_file():
            problems.append(f"{path}: missing source document")
        elif (actual := sha256_of(path)) != doc.sha256:
            problems.append(
                f"{path}: modified source document (sha256 {actual}, manifest says {doc.sha256})"
            )
    if problems:
        raise CorpusError("refusing to build:\n  " + "\n  ".join(problems))
    return documents
