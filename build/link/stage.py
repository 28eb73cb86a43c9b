"""The link stage: one identity per thing across documents, and links outward.

Reads the extracts and returns three record sets: the linked survey, the
linked cases, and the entities and links that span documents (governments,
organisations, departments, technology tags, edition links, joint systems),
with what could not be resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dxkg.config import DEFAULT_BASE_IRI
from dxkg.pipeline import iris
from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.link.cases import CaseLinker, link_cases
from dxkg.pipeline.link.changes import edition_changes
from dxkg.pipeline.link.editions import match_edition_chain
from dxkg.pipeline.link.focusareas import (
    GuideRule,
    GuideSubject,
    link_guide_items,
    load_rule_rows,
    resolve_rules,
    technology_guide_items,
)
from dxkg.pipeline.link.governments import GovernmentRegistry
from dxkg.pipeline.link.groups import load_vendor_groups, with_groups
from dxkg.pipeline.link.initiatives import case_initiatives
from dxkg.pipeline.link.organisations import DepartmentDirectory, OrganisationDirectory
from dxkg.pipeline.link.participants import joint_system_groups
from dxkg.pipeline.link.records import (
    CaseInitiativeNode,
    CaseNode,
    EditionMatching,
    EditionNode,
    JointSystemNode,
    LinkedCases,
    LinkedEntities,
    LinkedSharedSystem,
    LinkedSurvey,
    TaggedRecord,
    TagNode,
)
from dxkg.pipeline.link.survey import link_survey
from dxkg.pipeline.link.technologies import TechnologyMatch, TechnologyTagger, evaluate_tags
from dxkg.pipeline.link.vendors import load_vendor_aliases, resolve_organisations


@dataclass(frozen=True)
class ReferenceFiles:
    """The curated inputs of linking, all in the repository."""

    code_lists: Path
    municipalities: Path
    prefectures: Path
    vendor_aliases: Path
    vendor_groups: Path
    technologies: Path
    technology_gold: Path
    #: localgovjp's municipalities and prefectures (``link/localgov.py``).
    localgovjp: tuple[Path, Path]
    #: The focus-area rules and the guide's schemes they name (``link/focusareas.py``).
    guide_rules: Path
    guide_schemes: Path


def link_corpus(
    survey: SurveyExtract,
    case_extracts: list[CaseCollectionExtract],
    documents: dict[str, SourceDocument],
    files: ReferenceFiles,
) -> tuple[LinkedSurvey, LinkedCases, LinkedEntities]:
    """Link every record of the corpus; see the module docstring."""
    governments = GovernmentRegistry.load(files.municipalities, files.prefectures, files.localgovjp)
    linked_survey = link_survey(survey, documents, files.code_lists, governments)
    vendors = resolve_organisations(
        _organisation_mentions(case_extracts), load_vendor_aliases(files.vendor_aliases)
    )
    organisations = OrganisationDirectory(vendors, governments)
    departments = DepartmentDirectory()
    linked_cases = link_cases(case_extracts, CaseLinker(governments, organisations, departments))
    tagger = TechnologyTagger.load(files.technologies)
    tagged = [
        *(_tagged(case.id, tagger.tag(_case_fields(case))) for case in linked_cases.cases),
        *(
            _tagged(row.id, tagger.tag([("title", row.label), ("usage", row.usage)]))
            for row in linked_survey.initiatives
        ),
        *(
            _tagged(row.id, tagger.tag([("title", row.label), ("business", row.business)]))
            for row in linked_survey.shared_systems
        ),
    ]
    matching = match_edition_chain(case for extract in case_extracts for case in extract.cases)
    rules = _guide_rules(files)
    initiatives = case_initiatives(
        linked_cases.cases, matching.links, {record.id: record for record in tagged}
    )
    entities = LinkedEntities(
        governments=governments.nodes(),
        area_mappings=governments.area_mappings(),
        organisations=with_groups(organisations.nodes, load_vendor_groups(files.vendor_groups)),
        departments=sorted(departments.nodes.values(), key=lambda node: node.id),
        tagged=[record for record in tagged if record.uses_technology],
        editions=_edition_nodes(matching),
        initiatives=initiatives,
        joint_systems=_joint_systems(survey, linked_survey.shared_systems),
        resolved_names=governments.resolved_names,
        unresolved_names=governments.unresolved,
        reference_disagreements=governments.reference_disagreements(),
        edition_matching=matching,
        vendor_counts=vendors.counts,
        edition_changes=edition_changes(linked_cases, matching),
        guide_rules=[rule.node for rule in rules],
        guide_links=link_guide_items(
            _guide_subjects(linked_survey, linked_cases, initiatives, tagged), rules
        ),
        technology_guide_items=technology_guide_items(rules),
        tagging=evaluate_tags(
            {
                record.id.removeprefix(DEFAULT_BASE_IRI): {
                    _notation(t) for t in record.technology_tag
                }
                for record in tagged
            },
            files.technology_gold,
        ),
    )
    return linked_survey, linked_cases, entities


def _guide_rules(files: ReferenceFiles) -> list[GuideRule]:
    """The focus-area rules resolved against the schemes."""
    return resolve_rules(load_rule_rows(files.guide_rules), files.guide_schemes, files.technologies)


def _guide_subjects(
    survey: LinkedSurvey,
    cases: LinkedCases,
    initiatives: list[CaseInitiativeNode],
    tagged: list[TaggedRecord],
) -> list[GuideSubject]:
    """What the focus-area rules read of the initiatives (the cases', each as its newest
    report files and titles it, and the survey's) and the survey's shared systems:
    technologies, category label, title."""
    technologies = {record.id: record.uses_technology for record in tagged}
    labels = {node.id: node.label for node in [*cases.categories, *survey.categories]}
    newest = {case.id: case for case in cases.cases}
    subjects = [
        GuideSubject(
            id=initiative.id,
            technologies=initiative.uses_technology,
            category_label=labels.get(newest[initiative.described_by[-1]].category or ""),
            title=initiative.label,
        )
        for initiative in initiatives
    ]
    return subjects + [
        GuideSubject(
            id=record.id,
            technologies=technologies.get(record.id, []),
            category_label=labels.get(record.category),
            title=record.label,
        )
        for record in [*survey.initiatives, *survey.shared_systems]
    ]


def _organisation_mentions(extracts: Iterable[CaseCollectionExtract]) -> list[tuple[str, str, str]]:
    """Every provider and participant string, in document order, with its case and role."""
    return [
        (text, case.key, role)
        for extract in extracts
        for case in extract.cases
        if case.services
        for role, names in (
            ("provider", case.services.providers),
            ("participant", case.services.participants),
        )
        for text in names
    ]


def _case_fields(case: CaseNode) -> list[tuple[str, str | None]]:
    """The texts of a case the tagger reads: title, Point, overview, service names."""
    return [
        ("title", case.label),
        *(("point", point) for point in case.point),
        ("overview", case.overview),
        *(("service", service.label) for service in case.services),
    ]


def _tagged(record: str, matches: list[TechnologyMatch]) -> TaggedRecord:
    by_concept: dict[str, list[TechnologyMatch]] = {}
    for match in matches:
        by_concept.setdefault(match.concept, []).append(match)
    return TaggedRecord(
        id=record,
        uses_technology=sorted(by_concept),
        technology_tag=[
            TagNode(
                id=iris.technology_tag(record, found[0].notation),
                label=f"技術タグ: {found[0].technology_label}",
                label_en=f"technology tag: {found[0].notation}",
                technology=concept,
                matched_field=sorted({match.field for match in found}),
                matched_text=sorted({match.matched_text for match in found}),
            )
            for concept, found in sorted(by_concept.items())
        ],
    )


def _notation(tag: TagNode) -> str:
    return tag.id.rsplit("/", 1)[1]


def _edition_nodes(matching: EditionMatching) -> list[EditionNode]:
    return sorted(
        [
            *(
                EditionNode(
                    id=iris.case(link.later),
                    was_revision_of=iris.case(link.earlier),
                    new_in_edition=False,
                )
                for link in matching.links
            ),
            *(
                EditionNode(id=iris.case(key), was_revision_of=None, new_in_edition=True)
                for key in matching.new_cases
            ),
        ],
        key=lambda node: node.id,
    )


def _joint_systems(
    survey: SurveyExtract, linked: list[LinkedSharedSystem]
) -> list[JointSystemNode]:
    """Rows that several prefectures report as one system, as one node over the rows."""
    by_row = {row.row: row for row in linked}
    nodes = []
    for group in joint_system_groups(survey.shared_systems):
        rows = [by_row[number] for number in sorted(group)]
        nodes.append(
            JointSystemNode(
                id=f"{iris.ID}shared-system/{iris.SURVEY_KEY}-joint-"
                + "-".join(str(row.row) for row in rows),
                label=" / ".join(dict.fromkeys(row.label for row in rows)),
                reported_by=sorted({row.reported_by for row in rows}),
                used_by=sorted({government for row in rows for government in row.used_by}),
                reported_as=[row.id for row in rows],
            )
        )
    return nodes
