"""Link extracted survey records: governments to JIS codes, codes to concepts, rows to IRIs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from dxkg.pipeline import iris
from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import (
    AiRpaUse,
    DigitalTalent,
    DxOrganisation,
    SharedSystemUse,
    SurveyCategory,
    SurveyExtract,
    SurveyRow,
)
from dxkg.pipeline.link.governments import GovernmentRegistry, LinkError
from dxkg.pipeline.link.participants import parse_participation
from dxkg.pipeline.link.records import (
    CategoryNode,
    CategorySchemeNode,
    DocumentNode,
    ExcerptNode,
    LinkedInitiative,
    LinkedOrganization,
    LinkedRole,
    LinkedSharedSystem,
    LinkedSurvey,
    SurveyNode,
    SurveyTableNode,
)
from dxkg.pipeline.records import Anomaly, CodedValue, SourceSpan
from dxkg.pipeline.text import match_key

TABLE_NAMES = {
    "1": ("①AI・RPA・チャットボット等", "Table 1: AI, RPA and chatbot uses"),
    "2": ("②システム共同利用", "Table 2: shared information systems"),
    "3-1": ("③-1 デジタル人材", "Table 3-1: digital talent"),
    "3-2": ("③-2 DX推進組織", "Table 3-2: DX organisations"),
}


@dataclass(frozen=True)
class CodeLists:
    """The survey's code lists, keyed by scheme name then by label match key."""

    concepts: dict[str, dict[str, tuple[str, int]]]

    @classmethod
    def load(cls, path: Path) -> CodeLists:
        """Read the SKOS schemes file; every ja prefLabel and altLabel is a key."""
        graph = Graph().parse(path, format="turtle")
        concepts: dict[str, dict[str, tuple[str, int]]] = {}
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            scheme_name = str(scheme).rsplit("/", 1)[1]
            notation = int(graph.value(concept, SKOS.notation))
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, prop):
                    if label.language == "ja":
                        concepts.setdefault(scheme_name, {})[match_key(label)] = (
                            str(concept),
                            notation,
                        )
        return cls(concepts)

    def decode(
        self, scheme: str, value: CodedValue, span: SourceSpan
    ) -> tuple[str, Anomaly | None]:
        """The concept IRI for a coded cell, by label; flag a number that disagrees."""
        try:
            concept, notation = self.concepts[scheme][value.label]
        except KeyError:
            raise LinkError(
                f"{span.document}:{span.first_line}: 「{value.text}」 is not a label of {scheme}"
            ) from None
        if value.number == notation:
            return concept, None
        return concept, Anomaly(
            kind="code-number-mismatch",
            document=span.document,
            line=span.first_line,
            detail=f"「{value.text}」: number {value.number}, {scheme} numbers that label {notation}",
        )


class SurveyLinker:
    """Turns a SurveyExtract into a LinkedSurvey."""

    def __init__(self, codes: CodeLists, governments: GovernmentRegistry) -> None:
        self.codes = codes
        self.governments = governments
        self.anomalies: list[Anomaly] = []

    def link(self, extract: SurveyExtract, documents: dict[str, SourceDocument]) -> LinkedSurvey:
        """Link every record of the extract; raise LinkError on a value with no match."""
        rows_found = extract.rows_per_table()
        linked = LinkedSurvey(
            documents=[document_node(doc) for doc in documents.values()],
            survey=SurveyNode(
                id=iris.survey(),
                label=documents[extract.document].title,
                derived_from=iris.document(extract.document),
            ),
            tables=[
                SurveyTableNode(
                    id=iris.survey_table(t.table),
                    label=t.heading,
                    survey=iris.survey(),
                    stated_count=t.stated_total,
                    found_count=rows_found[t.table],
                    category_scheme=iris.category_scheme(t.table),
                    derived_from=excerpt_node(t.source),
                )
                for t in extract.tables
            ],
            category_schemes=[
                CategorySchemeNode(
                    id=iris.category_scheme(table),
                    label=f"{names[0]} 分野",
                    label_en=f"{names[1]}: categories",
                )
                for table, names in TABLE_NAMES.items()
            ],
            categories=[category_node(c) for c in extract.categories],
            initiatives=[self._initiative(r) for r in extract.ai_rpa_uses],
            shared_systems=[self._shared_system(r) for r in extract.shared_systems],
            roles=[self._role(r) for r in extract.digital_talent],
            organizations=[self._organization(r) for r in extract.organisations],
            anomalies=[],
        )
        anomalies = sorted(
            [*extract.anomalies, *self.anomalies],
            key=lambda a: (a.document, a.line, a.kind, a.detail),
        )
        return linked.model_copy(update={"anomalies": anomalies})

    def _decode(self, scheme: str, value: CodedValue, span: SourceSpan) -> str:
        concept, anomaly = self.codes.decode(scheme, value, span)
        if anomaly:
            self.anomalies.append(anomaly)
        return concept

    def _common(self, row: SurveyRow, label: str, texts: list[str | None]) -> dict:
        """The fields every row has; ``texts`` are its free texts, searched for governments."""
        return {
            "id": iris.survey_row(row.table, row.row),
            "label": label,
            "table": iris.survey_table(row.table),
            "row": row.row,
            "category": iris.category(row.table, row.category),
            "reported_by": self.governments.prefecture(row.prefecture, row.source),
            "mentioned_governments": self.governments.mentions(texts, row.source, row.prefecture),
            "status": self._decode("implementation-status", row.status, row.source),
            "status_text": row.status.text,
            "duplicate_of": (
                iris.survey_row(row.table, row.duplicate_of) if row.duplicate_of else None
            ),
            "derived_from": excerpt_node(row.source),
        }

    def _initiative(self, row: AiRpaUse) -> LinkedInitiative:
        common = self._common(row, row.name, [row.method, row.note])
        return LinkedInitiative(
            **common,
            type="Initiative",
            municipality=common["reported_by"],
            usage=row.method,
            shareability=self._decode("shareability", row.shareability, row.source),
            shareability_text=row.shareability.text,
            remark=row.note,
        )

    def _shared_system(self, row: SharedSystemUse) -> LinkedSharedSystem:
        common = self._common(row, row.name, [row.business])
        participation = parse_participation(row.note, row.prefecture)
        return LinkedSharedSystem(
            **common,
            type="SharedSystem",
            used_by=list(
                dict.fromkeys(
                    [
                        common["reported_by"],
                        *self._governments(participation.named_governments, row),
                    ]
                )
            ),
            excluded_governments=self._governments(participation.excluded, row),
            other_participant_names=participation.other_bodies,
            participation_scope=participation.scope,
            participant_count=participation.participant_count,
            participant_total=participation.of_total,
            participant_count_text=participation.count_text,
            participation_planned=participation.planned,
            business=row.business,
            further_shareability=self._decode(
                "further-shareability", row.further_shareability, row.source
            ),
            further_shareability_text=row.further_shareability.text,
            remark=row.note,
        )

    def _governments(self, names: list[str], row: SurveyRow) -> list[str]:
        """The governments a note names, resolved in the reporting prefecture's context."""
        found = (
            self.governments.resolve_in_context(name, row.source, row.prefecture) for name in names
        )
        return [iri for iri in dict.fromkeys(found) if iri]

    def _role(self, row: DigitalTalent) -> LinkedRole:
        common = self._common(row, row.title, [row.background, row.duties])
        return LinkedRole(
            **common,
            type="Role",
            post_in=common["reported_by"],
            talent_category=self._decode("talent-category", row.talent_category, row.source),
            talent_category_text=row.talent_category.text,
            employment_type=self._decode("employment-type", row.employment, row.source),
            employment_type_text=row.employment.text,
            background=row.background,
            duties=row.duties,
        )

    def _organization(self, row: DxOrganisation) -> LinkedOrganization:
        common = self._common(row, row.name, [row.composition, row.remit])
        return LinkedOrganization(
            **common,
            type="DXPromotionBody",
            established_by=common["reported_by"],
            composition=row.composition,
            remit=row.remit,
        )


def excerpt_node(span: SourceSpan) -> ExcerptNode:
    """The node for a source span, labelled with document and lines."""
    lines = (
        f"{span.first_line}"
        if span.first_line == span.last_line
        else f"{span.first_line}–{span.last_line}"
    )
    return ExcerptNode(
        id=iris.excerpt(span.document, span.first_line, span.last_line),
        document=iris.document(span.document),
        first_line=span.first_line,
        last_line=span.last_line,
        text=span.text,
        label_ja=f"{span.document} {lines}行",
        label_en=f"{span.document} line {lines}",
    )


def category_node(category: SurveyCategory) -> CategoryNode:
    """A survey category as a concept of its table's scheme."""
    scheme = iris.category_scheme(category.table)
    return CategoryNode(
        id=iris.category(category.table, category.ordinal),
        label=category.label,
        in_scheme=scheme,
        broader=iris.category(category.table, category.parent) if category.parent else None,
        top_concept_of=None if category.parent else scheme,
        notation=f"{category.table}-{category.ordinal}",
        stated_count=category.stated_count,
        found_count=category.found_count,
        derived_from=excerpt_node(category.source),
    )


def document_node(doc: SourceDocument) -> DocumentNode:
    """A source document node from its manifest entry."""
    is_month = doc.issued is not None and len(doc.issued) == 7
    return DocumentNode(
        id=iris.document(doc.id),
        identifier=doc.id,
        label=doc.title,
        label_en=doc.title_en,
        publisher_name=doc.publisher,
        publisher_name_en=doc.publisher_en,
        edition=doc.edition,
        issued_date=None if is_month else doc.issued,
        issued_month=doc.issued if is_month else None,
        licence=doc.licence_url,
        licence_name=doc.licence,
        licence_note=doc.licence_note,
        sha256=doc.sha256,
    )


def link_survey(
    extract: SurveyExtract,
    documents: dict[str, SourceDocument],
    schemes_path: Path,
    governments: GovernmentRegistry,
) -> LinkedSurvey:
    """Link a survey extract against the code lists and the local-government table."""
    linker = SurveyLinker(CodeLists.load(schemes_path), governments)
    return linker.link(extract, documents)
