"""What linking hands to mapping: flat nodes with IRIs, one per graph node.

Written as JSON to ``work/link/`` (``survey.json``, ``cases.json``, ``entities.json``) and
turned into RDF by the JSON-LD contexts in ``mappings/``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from dxkg.pipeline.records import Anomaly, Record

MatchRule = Literal["same-title", "similar-title", "only-case-of-organisation"]


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
    #: The government the figure is for (``place`` resolved), which links to the figure.
    population_of: str | None = None


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


class CaseInitiativeNode(Record):
    """One real-world effort that one or more editions of a case report.

    Who, what and with whom are the union over its reports; costs, schedule and services are
    the nodes of the newest report that prints any (each stays a part of the report that
    printed it). The reports point to it with ``dxkg:describes``."""

    id: str
    type: str = "Initiative"
    label: str
    described_by: list[str]
    municipality: str | None
    prefecture: str
    uses_technology: list[str]
    providers: list[str]
    participants: list[str]
    costs: list[str]
    milestones: list[str]
    services: list[str]


class LinkedCases(Record):
    """Every case of the corpus after linking, with the category schemes they use."""

    schemes: list[CategorySchemeNode]
    categories: list[ConceptNode]
    cases: list[CaseNode]
    anomalies: list[Anomaly]


class UnresolvedName(Record):
    """A government's name in a source that no row of the table answers."""

    name: str
    context: str | None
    reason: str
    candidates: list[str]
    document: str
    line: int


class GovernmentNode(Record):
    """A local government, identified by its JIS X 0402 code."""

    id: str
    type: str
    label: str
    label_en: str | None
    kana: str
    code: str
    in_prefecture: str | None
    ward_of: str | None
    valid_until: str | None
    #: From localgovjp (``link/localgov.py``): the office's WGS84 point (decimal degrees, as
    #: printed) and the official website; None for a government it lacks.
    lat: str | None = None
    long: str | None = None
    homepage: str | None = None


class ReferenceDisagreement(Record):
    """A code, name, reading or English name localgovjp gives differently from the code
    table (``field`` ``code``: the code is in only one of them; the other value is None)."""

    code: str
    field: str
    table: str | None
    localgovjp: str | None


class AreaMapping(Record):
    """The outward link of a government to e-Stat's standard area code."""

    id: str
    close_match: str


class OrganisationNode(Record):
    """A company or other body named as provider or participant, one per real organisation,
    or the parent company of one that no case names (``type`` ``ParentCompany``)."""

    id: str
    type: str
    label: str
    alt_labels: list[str]
    suspected_typo_of: str | None
    suspected_correct_name: str | None
    #: The parent company (``mappings/reference/vendor-groups.csv``), where the table gives one.
    sub_organization_of: str | None = None


class DepartmentNode(Record):
    """A department of a local government, shared by every case that names it."""

    id: str
    type: str = "Department"
    label: str
    unit_of: str


class EditionLink(Record):
    """A case of the later edition and the same case in the earlier one."""

    later: str
    earlier: str
    rule: MatchRule
    title_similarity: float


class EditionMatching(Record):
    """The outcome of matching the editions (two, or a chain of them): pairs, cases new in
    their edition, earlier cases without a counterpart in the next edition covering them."""

    links: list[EditionLink]
    new_cases: list[str]
    unmatched_earlier: list[str]


class VendorCounts(Record):
    """Numbers for the build report.

    ``mechanical_merges`` is surface forms minus mechanical keys; ``curated_merges``
    is mechanical keys minus organisations (the alias table joining two keys).
    """

    mentions: int
    ignored: int
    surface_forms: int
    mechanical_keys: int
    organisations: int
    mechanical_merges: int
    curated_merges: int
    typos_flagged: int


class TaggingEvaluation(Record):
    """The tagger measured against a hand-labelled sample (``technology-gold.csv``)."""

    records: int
    tags_found: int
    correct: int
    wrong: int
    missed: int
    precision: float
    recall: float
    disagreements: dict[str, dict[str, list[str]]]


class TagNode(Record):
    """The evidence that a record uses a technology: where and what matched."""

    id: str
    type: str = "TechnologyTag"
    label: str
    label_en: str
    technology: str
    matched_field: list[str]
    matched_text: list[str]


class TaggedRecord(Record):
    """A case or survey row with the technologies its text names."""

    id: str
    uses_technology: list[str]
    technology_tag: list[TagNode]


class EditionNode(Record):
    """A case of the later edition: the same case in the earlier one, or new."""

    id: str
    was_revision_of: str | None
    new_in_edition: bool


class JointSystemNode(Record):
    """One system that several prefectures report in separate rows of table ②."""

    id: str
    type: str = "JointSharedSystem"
    label: str
    reported_by: list[str]
    used_by: list[str]
    reported_as: list[str]


class LinkedEntities(Record):
    """What linking adds across documents, and the measures the build report gives."""

    governments: list[GovernmentNode]
    area_mappings: list[AreaMapping]
    organisations: list[OrganisationNode]
    departments: list[DepartmentNode]
    tagged: list[TaggedRecord]
    editions: list[EditionNode]
    initiatives: list[CaseInitiativeNode]
    joint_systems: list[JointSystemNode]
    resolved_names: int
    unresolved_names: list[UnresolvedName]
    edition_matching: EditionMatching
    vendor_counts: VendorCounts
    tagging: TaggingEvaluation
    #: What changed between matched case editions (``link/changes.py``).
    edition_changes: list[EditionChangeNode]
    #: Where localgovjp and the code table disagree (``link/localgov.py``).
    reference_disagreements: list[ReferenceDisagreement]
    #: Records linked to the guide's focus areas and other items (``link/focusareas.py``).
    guide_links: list[GuideLinkedRecord]
    #: The rules behind those links, and the technologies they cover.
    guide_rules: list[GuideRuleNode]
    technology_guide_items: list[TechnologyGuideNode]


class EditionChangeNode(Record):
    """One value that changed between two editions of a case: which field, how, the old and
    the new value as printed, and the line each is printed on (in its edition's document)."""

    id: str
    type: str = "EditionChange"
    label: str
    label_en: str
    later_report: str
    earlier_report: str
    changed_field: str
    change_kind: Literal["added", "removed", "modified"]
    old_value: str | None
    new_value: str | None
    old_line: int | None
    new_line: int | None


class GuideRuleNode(Record):
    """A rule of ``mappings/reference/focus-area-rules.csv``: the guide item, what it
    matches (kind and value; a technology rule's technology), and the line of the guide
    (004) and the words that justify it."""

    id: str
    type: str = "GuideLinkRule"
    label: str
    guide_item: str
    rule_kind: Literal["technology", "category", "title-keyword"]
    rule_value: str
    rule_technology: str | None
    source: str
    source_line: int
    basis_quote: str
    comment: str


class GuideAssignmentNode(Record):
    """That a record concerns a guide item, and why: the rules that matched and what they
    matched (the record's technologies, its category label or a title keyword)."""

    id: str
    type: str = "GuideItemAssignment"
    label: str
    guide_item: str
    rule: list[str]
    via_technology: list[str]
    via_text: list[str]


class GuideLinkedRecord(Record):
    """A record with the focus areas and other guide items it concerns, and their basis."""

    id: str
    focus_area: list[str]
    guide_item: list[str]
    guide_assignment: list[GuideAssignmentNode]


class TechnologyGuideNode(Record):
    """A technology with the focus areas and other guide items its rules give it."""

    id: str
    focus_area: list[str]
    guide_item: list[str]
