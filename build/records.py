"""Typed records passed between the pipeline stages.

Each stage reads and writes these as JSON (``model_dump_json``), so a stage is
a function from files to files and every intermediate result can be inspected.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

TableId = Literal["1", "2", "3-1", "3-2"]


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


class SurveyTable(Record):
    """One of the four tables of the 2020 prefectural survey."""

    table: TableId
    heading: str
    stated_total: int
    source: SourceSpan


class SurveyCategory(Record):
    """A category row of a survey table: a field (分野) or one of its sub-categories."""

    table: TableId
    ordinal: int
    label: str
    level: int
    parent: int | None
    stated_count: int
    found_count: int
    source: SourceSpan


class SurveyRow(Record):
    """Columns every survey row has."""

    table: TableId
    row: int
    category: int
    prefecture: str
    status: CodedValue
    source: SourceSpan
    duplicate_of: int | None = None


class AiRpaUse(SurveyRow):
    """Table ①: a task made more efficient by AI, RPA, chatbots and the like."""

    name: str
    method: str
    shareability: CodedValue
    note: str | None


class SharedSystemUse(SurveyRow):
    """Table ②: an information system several local governments use together."""

    name: str
    business: str
    further_shareability: CodedValue
    note: str | None


class DigitalTalent(SurveyRow):
    """Table ③-1: a digital-talent post that a prefecture has or plans."""

    title: str
    talent_category: CodedValue
    employment: CodedValue
    background: str
    duties: str


class DxOrganisation(SurveyRow):
    """Table ③-2: an organisation or body a prefecture set up to drive DX."""

    name: str
    composition: str
    remit: str


class SurveyExtract(Record):
    """Everything extracted from the survey document."""

    document: str
    tables: list[SurveyTable]
    categories: list[SurveyCategory]
    ai_rpa_uses: list[AiRpaUse]
    shared_systems: list[SharedSystemUse]
    digital_talent: list[DigitalTalent]
    organisations: list[DxOrganisation]
    anomalies: list[Anomaly]
