"""Typed records of the case collections, passed from extraction to linking as JSON.

Conventions that every extractor follows (and that the test fixtures assume):

* Text fields keep the source verbatim, with only line-layout artefacts undone:
  bullet markers (``- ``, ``○ ``, ``➤ ``, ``▶``) and ``**`` emphasis are removed
  from the start and end of a line, and lines are joined with ``\\n``. Nothing
  inside a line is corrected, so OCR errors stay visible.
* ``None`` means the document has no such field for the case; an explicit
  placeholder (``－``, ``(非公表)``) is recorded as such, never as ``None``.
* Dates are ISO 8601 strings at the precision the source gives: ``2023``,
  ``2023-02`` or ``2023-02-17``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from dxkg.pipeline.records import (
    Anomaly,
    CategorySchemeNode,
    ConceptNode,
    ExcerptNode,
    Record,
    SourceSpan,
)

Edition = Literal["2.0", "4.0"]
Coverage = Literal["full", "titles-only"]
PopulationClass = Literal[
    "under-10k", "10k-50k", "50k-100k", "100k-300k", "300k-plus-or-prefecture", "unknown"
]
CostKind = Literal["initial", "running"]
CostStatus = Literal["amount", "none", "not-disclosed", "not-calculable"]
TaxBasis = Literal["excluded", "included"]
Product = Literal["package", "custom", "customised-package", "cloud-service"]
Environment = Literal["cloud", "on-premises"]


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
        """``v2-3-19``: edition, chapter and number, unique within the corpus."""
        return f"v{self.edition[0]}-{self.chapter}-{self.number}"


class CaseCollectionExtract(Record):
    """Every case of one document, with the anomalies found on the way."""

    document: str
    edition: Edition
    cases: list[Case]
    anomalies: list[Anomaly]


# -- Linked nodes: one per graph node, turned into RDF by mappings/cases.context.jsonld --


class CostNode(Record):
    """A cost of a case as a monetary amount in yen, with the printed value."""

    id: str
    type: str = "Cost"
    label: str
    cost_kind: str
    cost_status: str
    raw_text: str
    value: Decimal | None
    currency: str | None
    approximate: bool
    tax_basis: str | None
    breakdown: str | None
    remarks: str | None
    source_line: int


class MilestoneNode(Record):
    """A dated step of a case's schedule; start and end at the precision printed."""

    id: str
    type: str = "Milestone"
    label: str
    date_text: str
    ordinal: int
    start_date: str | None = None
    start_month: str | None = None
    start_year: str | None = None
    end_date: str | None = None
    end_month: str | None = None
    end_year: str | None = None
    source_line: int


class ServiceNode(Record):
    """A service or product a case names (サービス名), in the order printed."""

    id: str
    type: str = "Service"
    label: str
    ordinal: int


class OperationModeNode(Record):
    """How (some of) a case's services are run: product type × environment."""

    id: str
    type: str = "OperationMode"
    label: str
    product_type: str | None
    environment: str | None
    service_numbers: list[int]


class ContactNode(Record):
    """A responsible department as one case prints it, with its contact as printed and parsed."""

    id: str
    type: str = "DepartmentContact"
    label: str
    department: str | None
    telephone: str | None
    email: str | None
    phone_text: str | None
    email_text: str | None
    undisclosed: bool
    source_line: int


class PopulationNode(Record):
    """A population figure at a reference date, as given by 【参考情報】."""

    id: str
    type: str = "PopulationFigure"
    label: str
    place: str
    persons: int
    reference_date: str
    source_line: int


class InterviewNode(Record):
    """One question of a case's interview with its answer."""

    id: str
    type: str = "InterviewAnswer"
    label: str
    ordinal: int
    question: str
    answer: str
    first_line: int
    last_line: int


class LinkNode(Record):
    """A related web page (関連URL)."""

    id: str
    type: str = "RelatedLink"
    label: str
    url: str
    source_line: int


class CaseNode(Record):
    """A case of one edition of the case collection."""

    id: str
    type: str = "CaseStudy"
    label: str
    part_of: str
    edition: str
    coverage: str
    chapter: int
    chapter_label: str
    case_number: int
    title_variants: list[str]
    toc_title: str | None
    category: str | None
    organisation_text: str
    prefecture: str
    municipality: str | None
    municipality_name: str | None
    mentioned_governments: list[str]
    population_class: str | None
    population_label_text: str | None
    page_count: int
    gap_before: bool
    point: list[str]
    overview: str | None
    effects: str | None
    interview: list[InterviewNode]
    costs: list[CostNode]
    duration_text: str | None
    time_to_launch: str | None
    schedule_text: str | None
    milestones: list[MilestoneNode]
    providers_text: str | None
    provider_names: list[str]
    providers: list[str]
    services_text: str | None
    services: list[ServiceNode]
    operation_mode_text: str | None
    operation_modes: list[OperationModeNode]
    participants_text: str | None
    participant_names: list[str]
    participants: list[str]
    contacts: list[ContactNode]
    responsible_departments: list[str]
    population: PopulationNode | None
    links: list[LinkNode]
    awards: list[str]
    cross_reference: str | None
    derived_from: ExcerptNode


class LinkedCases(Record):
    """Every case of the corpus after linking, with the category schemes they use."""

    schemes: list[CategorySchemeNode]
    categories: list[ConceptNode]
    cases: list[CaseNode]
    anomalies: list[Anomaly]
