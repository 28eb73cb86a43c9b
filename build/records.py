"""What every stage's records are made of: the record base, source spans, anomalies, and the
edition numbers of the case collection (open values, ordered by number).

The stages' contracts are :mod:`dxkg.pipeline.extract.records` (extract → link) and
:mod:`dxkg.pipeline.link.records` (link → map). Each stage writes them as JSON
(``model_dump_json``) to ``work/``, so every intermediate result can be inspected.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class Record(BaseModel):
    """Base of every record: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceSpan(Record):
    """Where a record came from: a document and a 1-based line span, with the text itself."""

    document: str
    first_line: int
    last_line: int
    text: str


class Anomaly(Record):
    """Something odd in a source, kept verbatim in the graph and listed in the build report."""

    kind: str
    document: str
    line: int
    detail: str


class CodedValue(Record):
    """A coded cell such as ``②導入(実施)予定``: verbatim text, its circled number, its label."""

    text: str
    number: int | None
    label: str


#: An edition of the case collection by its number, as in 第4.0版: major.minor, no leading zeros.
EDITION_PATTERN = r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$"
Edition = Annotated[str, StringConstraints(pattern=EDITION_PATTERN)]


def edition_order(edition: str) -> tuple[int, int]:
    """The sort key of an edition number: ``10.0`` comes after ``4.0`` and ``4.5``."""
    major, minor = edition.split(".")
    return int(major), int(minor)


def edition_slug(edition: str) -> str:
    """An edition in case keys and IRIs: ``2.0`` → ``2``, ``10.0`` → ``10``, ``4.5`` → ``4.5``.

    Distinct editions give distinct slugs (a slug has a dot exactly when the minor number is not 0).
    """
    return edition.removesuffix(".0")


def slug_edition(slug: str) -> str:
    """The edition a slug stands for: ``4`` → ``4.0``, ``4.5`` → ``4.5``."""
    return slug if "." in slug else f"{slug}.0"


def edition_label(edition: str) -> str:
    """An edition as the collection prints it: ``4.0`` → ``第4.0版``."""
    return f"第{edition}版"
