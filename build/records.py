"""What every stage's records are made of: the record base, source spans, anomalies.

The stages' contracts are :mod:`dxkg.pipeline.extract.records` (extract → link) and
:mod:`dxkg.pipeline.link.records` (link → map). Each stage writes them as JSON
(``model_dump_json``) to ``work/``, so every intermediate result can be inspected.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
