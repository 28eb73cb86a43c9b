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

    def rows_per_table(self) -> dict[TableId, int]:
        """How many data rows each table has."""
        return {
            "1": len(self.ai_rpa_uses),
            "2": len(self.shared_systems),
            "3-1": len(self.digital_talent),
            "3-2": len(self.organisations),
        }


# -- Linked records: flat, with IRIs, one per graph node; the JSON-LD context
# -- in mappings/ turns their JSON into RDF. ------------------------------------


class ExcerptNode(Record):
    """A source excerpt node: the line span a fact came from, with its text."""

    id: str
    type: str = "SourceExcerpt"
    document: str
    first_line: int
    last_line: int
    text: str
    label_ja: str
    label_en: str


class DocumentNode(Record):
    """A source document with what the manifest says of it."""

    id: str
    type: str = "SourceDocument"
    identifier: str
    label: str
    label_en: str
    publisher_name: str
    publisher_name_en: str
    edition: str | None
    issued_date: str | None
    issued_month: str | None
    licence: str | None
    licence_name: str | None
    licence_note: str | None
    sha256: str


class SurveyNode(Record):
    """The survey as a whole."""

    id: str
    type: str = "Survey"
    label: str
    derived_from: str


class SurveyTableNode(Record):
    """One table of the survey, with its stated and found row counts."""

    id: str
    type: str = "SurveyTable"
    label: str
    survey: str
    stated_count: int
    found_count: int
    category_scheme: str
    derived_from: ExcerptNode


class ConceptNode(Record):
    """A SKOS concept built from the data, such as a table-of-contents heading."""

    id: str
    type: str = "Concept"
    label: str
    in_scheme: str
    broader: str | None
    top_concept_of: str | None
    notation: str


class CategoryNode(ConceptNode):
    """A survey category as a SKOS concept in its table's category scheme."""

    stated_count: int
    found_count: int
    derived_from: ExcerptNode


class CategorySchemeNode(Record):
    """A concept scheme built from the data: a survey table's or an edition's categories."""

    id: str
    type: str = "ConceptScheme"
    label: str
    label_en: str


class LinkedSurveyRow(Record):
    """Columns every linked survey row has."""

    id: str
    type: str
    label: str
    table: str
    row: int
    category: str
    reported_by: str
    mentioned_governments: list[str]
    status: str
    status_text: str
    duplicate_of: str | None
    derived_from: ExcerptNode


class LinkedInitiative(LinkedSurveyRow):
    """An Initiative from table ①."""

    municipality: str
    usage: str
    shareability: str
    shareability_text: str
    remark: str | None


class LinkedSharedSystem(LinkedSurveyRow):
    """A SharedSystem from table ②."""

    used_by: list[str]
    excluded_governments: list[str]
    other_participant_names: list[str]
    participation_scope: str | None
    participant_count: int | None
    participant_total: int | None
    participant_count_text: str | None
    participation_planned: bool
    business: str
    further_shareability: str
    further_shareability_text: str
    remark: str | None


class LinkedRole(LinkedSurveyRow):
    """A Role (digital-talent post) from table ③-1."""

    post_in: str
    talent_category: str
    talent_category_text: str
    employment_type: str
    employment_type_text: str
    background: str
    duties: str


class LinkedOrganization(LinkedSurveyRow):
    """An Organization from table ③-2."""

    established_by: str
    composition: str
    remit: str


class LinkedSurvey(Record):
    """The survey after linking: every node the mapping stage turns into RDF."""

    documents: list[DocumentNode]
    survey: SurveyNode
    tables: list[SurveyTableNode]
    category_schemes: list[CategorySchemeNode]
    categories: list[CategoryNode]
    initiatives: list[LinkedInitiative]
    shared_systems: list[LinkedSharedSystem]
    roles: list[LinkedRole]
    organizations: list[LinkedOrganization]
    anomalies: list[Anomaly]
