"""What extraction hands to linking: the records of the survey and of the case collections.

Written as JSON to ``work/extract/`` and read back by the link stage. Text fields keep the
source verbatim; see :mod:`dxkg.pipeline.extract.cases` for the conventions the case
extractors follow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from dxkg.pipeline.records import Anomaly, CodedValue, Edition, Record, SourceSpan, edition_slug

TableId = Literal["1", "2", "3-1", "3-2"]
CostKind = Literal["initial", "running"]
CostStatus = Literal["amount", "none", "not-disclosed", "not-calculable"]
TaxBasis = Literal["excluded", "included"]
Product = Literal["package", "custom", "customised-package", "cloud-service"]
Environment = Literal["cloud", "on-premises"]


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


Coverage = Literal["full", "titles-only"]


PopulationClass = Literal[
    "under-10k", "10k-50k", "50k-100k", "100k-300k", "300k-plus-or-prefecture", "unknown"
]


class Cost(Record):
    """イニシャルコスト or ランニングコスト (1年あたり) of a case's cost table.

    ``raw`` is the value cell as printed (``約13,400千円``, ``－円``, ``(非公表)``);
    ``amount_yen`` is its value in yen (千円 × 1000) when a number is given.
    """

    kind: CostKind
    raw: str
    status: CostStatus
    amount_yen: Decimal | None
    approximate: bool
    tax: TaxBasis | None
    breakdown: str | None
    remarks: str | None
    line: int


class Milestone(Record):
    """One dated step of スケジュールの内訳: ``R5.2~4 仕様検討`` → 2023-02 … 2023-04."""

    raw_date: str
    start: str
    end: str | None
    text: str
    line: int


class Schedule(Record):
    """検討開始から導入までの期間 and the dated steps of スケジュールの内訳."""

    duration_raw: str
    duration_months: Decimal | None
    milestones: list[Milestone]
    steps_text: str | None
    line: int


class OperationMode(Record):
    """One 運用形態 value, for the services it names by number (empty: all)."""

    raw: str
    services: list[int]
    product: Product | None
    environment: Environment | None


class ServiceBlock(Record):
    """サービス提供事業者等: providers, service names, operation mode, other bodies.

    The ``*_raw`` fields hold the printed value; the lists split it into items
    (placeholders such as ``－`` give an empty list).
    """

    providers_raw: str | None
    providers: list[str]
    service_names_raw: str | None
    service_names: list[str]
    operation_mode_raw: str | None
    operation_modes: list[OperationMode]
    participants_raw: str | None
    participants: list[str]
    line: int


class Department(Record):
    """A responsible department (担当部署) with its phone and e-mail as printed."""

    name: str | None
    phone: str | None
    email: str | None
    undisclosed: bool
    line: int


class Population(Record):
    """【参考情報】 ○○人口：181.9万人（令和5年1月1日現在） → 1819000 on 2023-01-01."""

    raw: str
    place: str
    persons: int
    as_of: str
    line: int


class RelatedUrl(Record):
    """A 関連URL entry: its title where printed, and the URL."""

    title: str | None
    url: str
    line: int


class InterviewAnswer(Record):
    """One interview question with the answer given to it."""

    question: str
    answer: str
    first_line: int
    last_line: int


class Case(Record):
    """One case of one edition of the case collection."""

    document: str
    edition: Edition
    coverage: Coverage
    chapter: int
    chapter_label: str
    number: int
    title: str
    title_variants: list[str]
    toc_title: str | None
    category_path: list[str]
    organisation_text: str
    prefecture: str
    municipality: str | None
    population_class: PopulationClass | None
    population_label_raw: str | None
    page_count: int
    source: SourceSpan
    point: list[str] = Field(default_factory=list)
    overview: str | None = None
    effects: str | None = None
    interview: list[InterviewAnswer] = Field(default_factory=list)
    initial_cost: Cost | None = None
    running_cost: Cost | None = None
    schedule: Schedule | None = None
    services: ServiceBlock | None = None
    departments: list[Department] = Field(default_factory=list)
    population: Population | None = None
    urls: list[RelatedUrl] = Field(default_factory=list)
    awards: list[str] = Field(default_factory=list)
    cross_reference: str | None = None
    gap_before: bool = False

    @property
    def key(self) -> str:
        """``v2-3-19``: edition (its slug), chapter and number, unique within the corpus."""
        return f"v{edition_slug(self.edition)}-{self.chapter}-{self.number}"


class CaseCollectionExtract(Record):
    """Every case of one document, with the anomalies found on the way."""

    document: str
    edition: Edition
    cases: list[Case]
    anomalies: list[Anomaly]
