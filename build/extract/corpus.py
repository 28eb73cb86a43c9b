"""The source corpus: its manifest and the integrity check every build starts with.

Each document of ``sources/`` has an entry in ``sources/manifest.toml`` saying what it is
(``kind``: a case collection with its ``edition_number`` and the ``cases`` it holds per
chapter, a survey with its ``year``, a guide), which extractor reads it (``profile``, see
:mod:`dxkg.pipeline.extract.profiles`), a ``short_id``, how it is described in the
metadata, and its SHA-256. ``sources/README.md`` tells a maintainer how to add one.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from itertools import combinations
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from dxkg.pipeline.records import EDITION_PATTERN, edition_label, edition_order

MANIFEST_NAME = "manifest.toml"
DocumentKind = Literal["case-collection", "survey", "guide"]
#: The keys only one kind of document has, and must have.
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "case-collection": ("edition_number", "cases"),
    "survey": ("year",),
    "guide": (),
}
#: A document's file name: the next number and a 16-digit hex tag. Without ``.txt`` it is
#: the last segment of the document's IRI and named graph (``build/iris.py``), used as is.
DOCUMENT_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
#: An issue date: a year, a year and month, or a full date (ISO 8601).
ISSUED = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")
SHA256 = re.compile(r"[0-9a-f]{64}")


class CorpusError(Exception):
    """The corpus is missing, modified or its manifest is unreadable."""


class SourceDocument(BaseModel):
    """One document of the corpus as the manifest describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    short_id: str = Field(pattern=r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
    kind: DocumentKind
    profile: str
    edition_number: str | None = None
    cases: dict[PositiveInt, PositiveInt] | None = None
    year: int | None = None
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

    @field_validator("id", mode="before")
    @classmethod
    def _corpus_name(cls, value: object) -> object:
        if isinstance(value, str) and not DOCUMENT_NAME.fullmatch(value):
            raise ValueError(
                f'"{value}" is not named as the corpus names documents: three digits, "_", '
                '16 lower-case hex digits, ".txt" (e.g. "005_0123456789abcdef.txt")'
            )
        return value

    @field_validator("edition_number", mode="before")
    @classmethod
    def _major_dot_minor(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            # pydantic reports a ValueError as the key's problem (a TypeError escapes it)
            raise ValueError(f'a number in TOML; write it as a string, "{value}"')  # noqa: TRY004
        if isinstance(value, str) and not re.fullmatch(EDITION_PATTERN, value):
            raise ValueError(
                f'"{value}" is not major.minor without leading zeros (e.g. "5.0", "4.5")'
            )
        return value

    @field_validator("issued", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, datetime.datetime | datetime.time):
            raise ValueError(f'{value} is not a date; quote it as "YYYY-MM-DD"')  # noqa: TRY004
        if isinstance(value, datetime.date):
            return value.isoformat()  # an unquoted TOML date
        if isinstance(value, str) and not _is_iso_date(value):
            raise ValueError(f'"{value}" is not an ISO date: "YYYY", "YYYY-MM" or "YYYY-MM-DD"')
        return value

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower_hex(cls, value: object) -> object:
        if isinstance(value, str) and not SHA256.fullmatch(value):
            if SHA256.fullmatch(value.lower()):
                raise ValueError("write the SHA-256 in lower-case hex, as sha256sum prints it")
            raise ValueError(
                f'"{value}" is not a SHA-256 (64 hex digits): put what '
                "`sha256sum sources/<file>` prints"
            )
        return value

    @model_validator(mode="after")
    def _keys_of_its_kind(self) -> SourceDocument:
        for kind, keys in KIND_KEYS.items():
            for key in keys:
                given = getattr(self, key) is not None
                if given != (kind == self.kind):
                    need = "needs" if kind == self.kind else "cannot have"
                    raise ValueError(f'kind = "{self.kind}" {need} {key}')
        if self.edition_number and self.edition:
            printed = printed_editions(self.edition_number)
            if self.edition not in printed:
                expected = " or ".join(f'"{label}"' for label in printed)
                raise ValueError(
                    f'edition = "{self.edition}" is not edition_number = '
                    f'"{self.edition_number}" (expected {expected})'
                )
        return self


def printed_editions(edition_number: str) -> tuple[str, ...]:
    """How a document may print its edition: ``5.0`` as ``第5.0版`` or ``第5版``."""
    major, minor = edition_number.split(".")
    label = edition_label(edition_number)
    return (label, f"第{major}版") if minor == "0" else (label,)


def _is_iso_date(text: str) -> bool:
    """Whether ``text`` is a year, a year and month, or a date that exists."""
    if not ISSUED.fullmatch(text):
        return False
    try:
        return len(text) < 10 or bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def of_kind(documents: dict[str, SourceDocument], kind: DocumentKind) -> list[SourceDocument]:
    """The documents of one kind, in manifest (file name) order."""
    return [doc for doc in documents.values() if doc.kind == kind]


def load_manifest(sources_dir: Path) -> dict[str, SourceDocument]:
    """Read ``sources/manifest.toml`` into documents keyed by id (their file name)."""
    path = sources_dir / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"{path}: cannot read the corpus manifest: {error}") from error
    documents: dict[str, SourceDocument] = {}
    problems: list[str] = []
    for doc_id, fields in sorted(data.get("documents", {}).items()):
        try:
            documents[doc_id] = SourceDocument(id=doc_id, **fields)
        except ValidationError as error:
            problems += _described(doc_id, error)
    problems += [
        *_duplicate_short_ids(documents),
        *_duplicate_chapters(documents),
        *_editions_against_dates(documents),
    ]
    if problems:
        raise CorpusError(f"{path}: invalid manifest:\n  " + "\n  ".join(problems))
    return documents


def _described(doc_id: str, error: ValidationError) -> list[str]:
    """Each problem of one entry as ``[documents."<file>"] <key>: <problem>``."""
    return [
        f'[documents."{doc_id}"] '
        + "".join(f"{part}: " for part in problem["loc"][:1])
        + _message(problem)
        for problem in error.errors()
    ]


def _message(problem: ErrorDetails) -> str:
    """What is wrong, as the maintainer can act on it."""
    if problem["type"] == "missing" and problem["loc"][:1] == ("profile",):
        # Imported here: the profiles module imports this one.
        from dxkg.pipeline.extract.profiles import PROFILES

        known = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in PROFILES.items())
        return f"missing; known profiles are {known}"
    return problem["msg"].removeprefix("Value error, ")


def _duplicate_chapters(documents: dict[str, SourceDocument]) -> list[str]:
    """Two case collections may not hold the same chapter of one edition: their cases
    would have the same keys."""
    first: dict[tuple[str, int], str] = {}
    problems = []
    for doc in of_kind(documents, "case-collection"):
        for chapter in doc.cases or {}:
            where = first.setdefault((doc.edition_number or "", chapter), doc.id)
            if where != doc.id:
                problems.append(
                    f'[documents."{doc.id}"] cases: chapter {chapter} of edition '
                    f'"{doc.edition_number}" is also in [documents."{where}"]'
                )
    return problems


def _duplicate_short_ids(documents: dict[str, SourceDocument]) -> list[str]:
    first: dict[str, str] = {}
    problems = []
    for doc in documents.values():
        if doc.short_id in first:
            problems.append(
                f'[documents."{doc.id}"] short_id: "{doc.short_id}" is also the short_id of '
                f'[documents."{first[doc.short_id]}"]'
            )
        first.setdefault(doc.short_id, doc.id)
    return problems


def _editions_against_dates(documents: dict[str, SourceDocument]) -> list[str]:
    """Editions are ordered by number; an issue date, where given, must not say otherwise."""
    dated = sorted(
        (edition_order(doc.edition_number), doc.issued, doc.id)
        for doc in of_kind(documents, "case-collection")
        if doc.edition_number and doc.issued
    )
    return [
        f'[documents."{later}"] issued: {later_date} is before {earlier_date}, the issue date '
        f'of [documents."{earlier}"], an earlier edition'
        for (earlier_number, earlier_date, earlier), (later_number, later_date, later) in (
            combinations(dated, 2)
        )
        if earlier_number < later_number and _before(later_date, earlier_date)
    ]


def _before(date: str, other: str) -> bool:
    """Whether ISO date ``date`` (a year, year-month or full date) is before ``other``."""
    length = min(len(date), len(other))
    return date[:length] < other[:length]


def require_declared(
    sources_dir: Path, documents: dict[str, SourceDocument], named: dict[str, Path]
) -> None:
    """Raise CorpusError naming every document that a curated file (``named``: document →
    file) refers to and the manifest does not declare: what it says would refer to nothing."""
    problems = [
        f"{sources_dir / document}: missing source document ({where} names it; "
        f"{MANIFEST_NAME} does not declare it)"
        for document, where in sorted(named.items())
        if document not in documents
    ]
    if problems:
        raise CorpusError("refusing to build:\n  " + "\n  ".join(problems))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_corpus(sources_dir: Path) -> dict[str, SourceDocument]:
    """Check that every document of the manifest is present and unmodified, and that every
    ``.txt`` in ``sources/`` is declared in the manifest.

    Raises CorpusError listing every undeclared, missing or modified document, so one run
    tells the whole story instead of failing on the first problem.
    """
    documents = load_manifest(sources_dir)
    problems = [
        f"{path}: not declared in {MANIFEST_NAME}; declare it (see sources/README.md) or remove it"
        for path in sorted(sources_dir.glob("*.txt"))
        if path.name not in documents
    ]
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
