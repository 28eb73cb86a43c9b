"""The build report (:class:`~dxkg.release.BuildReport`): counts checked against what the
documents state, anomalies, SHACL results (none: the release conforms) and the report's
own checks (``shapes/report/``); published as ``build-report.json`` and as Markdown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.pipeline.extract.records import Case, CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.link.records import LinkedEntities, LinkedSurvey, ReferenceDisagreement
from dxkg.pipeline.publish.dumps import rebase_iri
from dxkg.pipeline.records import Anomaly, edition_label, edition_order, slug_edition
from dxkg.pipeline.validate.shacl import ValidationReport
from dxkg.release import (
    REPORT_JSON,
    REPORT_MD,
    AnomalySummary,
    BuildReport,
    CaseCollectionSummary,
    CategoryCount,
    ChecksSummary,
    EditionLinking,
    GovernmentLinking,
    JointSystem,
    Licence,
    LinkingSummary,
    NetworkSize,
    OrganisationLinking,
    ReportedFinding,
    ReportedSource,
    ShaclSummary,
    SurveySummary,
    TableCount,
    TechnologyLinking,
)


def build_report(
    documents: dict[str, SourceDocument],
    survey: SurveyExtract,
    linked: LinkedSurvey,
    case_extracts: list[CaseCollectionExtract],
    entities: LinkedEntities,
    typos: list[Anomaly],
    validation: ValidationReport,
    checks: ValidationReport,
    triples: dict[str, int],
    classes: dict[str, int],
    csv_rows: dict[str, int],
    *,
    licence: Licence,
    networks: list[NetworkSize],
    release_date: str,
    base_iri: str,
) -> BuildReport:
    """Everything a reader needs to trust (or question) the release."""
    anomalies = sorted(
        [*linked.anomalies, *typos, *(a for extract in case_extracts for a in extract.anomalies)],
        key=lambda a: (a.document, a.line, a.kind, a.detail),
    )
    return BuildReport(
        sources=[ReportedSource(id=d.id, sha256=d.sha256) for d in documents.values()],
        survey=survey_summary(survey, linked),
        cases=[case_collection_summary(extract) for extract in case_extracts],
        linking=linking_summary(entities, base_iri),
        anomalies=AnomalySummary(
            counts=dict(sorted(Counter(a.kind for a in anomalies).items())), items=anomalies
        ),
        # The data against shapes/: a build that gets here conforms, with no result at all.
        shacl=ShaclSummary(conforms=validation.conforms, counts=validation.counts()),
        checks=checks_summary(checks, base_iri),
        triples={**triples, "total": sum(triples.values())},
        classes=classes,
        csv_rows=csv_rows,
        licence=licence,
        networks=networks,
        release_date=release_date,
        base_iri=base_iri,
    )


def survey_summary(survey: SurveyExtract, linked: LinkedSurvey) -> SurveySummary:
    """The survey's tables and categories, stated and found, and its nodes by class."""
    rows = survey.rows_per_table()
    return SurveySummary(
        tables=[
            TableCount(table=t.table, heading=t.heading, stated=t.stated_total, found=rows[t.table])
            for t in survey.tables
        ],
        categories=[
            CategoryCount(
                table=c.table,
                label=c.label,
                level=c.level,
                stated=c.stated_count,
                found=c.found_count,
            )
            for c in survey.categories
        ],
        entities={
            "Initiative": len(linked.initiatives),
            "SharedSystem": len(linked.shared_systems),
            "Role": len(linked.roles),
            "DXPromotionBody": len(linked.organizations),
        },
    )


def checks_summary(checks: ValidationReport, base_iri: str) -> ChecksSummary:
    """What ``shapes/report/`` finds: worth telling, not a reason to call the data wrong.
    The checks ran on the graphs as minted; their IRIs are given under ``base_iri``."""

    def findings(severity: str) -> list[ReportedFinding]:
        return [
            ReportedFinding(
                focus=rebase_iri(f.focus, base_iri),
                path=rebase_iri(f.path, base_iri),
                message=f.message,
            )
            for f in checks.findings
            if f.severity == severity
        ]

    return ChecksSummary(
        counts=checks.counts(), warnings=findings("Warning"), info=findings("Info")
    )


# How many cases of a document have each field: a field that a case's pages
# carry but the extractor dropped shows up as a lower count than expected.
CASE_FIELDS: dict[str, Callable[[Case], object]] = {
    "title": lambda c: c.title,
    "toc_title (differs)": lambda c: c.toc_title,
    "title_variants": lambda c: c.title_variants,
    "category_path": lambda c: len(c.category_path) > 1,
    "municipality": lambda c: c.municipality,
    "population_class": lambda c: c.population_class,
    "population_class unknown": lambda c: c.population_class == "unknown",
    "point": lambda c: c.point,
    "overview": lambda c: c.overview,
    "effects": lambda c: c.effects,
    "interview": lambda c: c.interview,
    "initial_cost": lambda c: c.initial_cost,
    "running_cost": lambda c: c.running_cost,
    "schedule": lambda c: c.schedule,
    "schedule milestones": lambda c: c.schedule and c.schedule.milestones,
    "services": lambda c: c.services,
    "providers": lambda c: c.services and c.services.providers,
    "service_names": lambda c: c.services and c.services.service_names,
    "operation_modes": lambda c: c.services and c.services.operation_modes,
    "participants": lambda c: c.services and c.services.participants,
    "departments": lambda c: c.departments,
    "several departments": lambda c: len(c.departments) > 1,
    "population": lambda c: c.population,
    "urls": lambda c: c.urls,
    "awards": lambda c: c.awards,
    "cross_reference": lambda c: c.cross_reference,
}


def linking_summary(entities: LinkedEntities, base_iri: str) -> LinkingSummary:
    """What linking resolved, merged and tagged, and what it could not (the joint
    systems named by their IRIs under ``base_iri``)."""
    matching = entities.edition_matching
    return LinkingSummary(
        governments=GovernmentLinking(
            resolved_names=entities.resolved_names,
            unresolved_names=entities.unresolved_names,
            referenced_by_kind=dict(sorted(Counter(g.type for g in entities.governments).items())),
            with_localgovjp=sum(1 for g in entities.governments if g.homepage),
            reference_disagreements=entities.reference_disagreements,
        ),
        organisations=OrganisationLinking(
            **entities.vendor_counts.model_dump(),
            nodes=dict(sorted(Counter(o.type for o in entities.organisations).items())),
            departments=len(entities.departments),
        ),
        technologies=TechnologyLinking(
            records_tagged=len(entities.tagged),
            tags=sum(len(record.uses_technology) for record in entities.tagged),
            evaluation=entities.tagging,
        ),
        editions=EditionLinking(
            linked_pairs=len(matching.links),
            pairs_by_rule=dict(sorted(Counter(link.rule for link in matching.links).items())),
            new_in_later_edition=matching.new_cases,
            earlier_without_counterpart=matching.unmatched_earlier,
            initiatives=len(entities.initiatives),
            changes_by_field=dict(
                sorted(
                    Counter(_local_name(c.changed_field) for c in entities.edition_changes).items()
                )
            ),
        ),
        joint_systems=[
            JointSystem(
                id=rebase_iri(joint.id, base_iri), label=joint.label, rows=len(joint.reported_as)
            )
            for joint in entities.joint_systems
        ],
        guide_items=dict(
            sorted(
                Counter(
                    item.rsplit("/", 1)[-1]
                    for record in entities.guide_links
                    for item in record.guide_item
                ).items()
            )
        ),
    )


def _local_name(iri: str) -> str:
    """``…/rdf-schema#label`` → ``label``: a vocabulary term by its local name."""
    return iri.rsplit("#", 1)[-1]


def case_collection_summary(extract: CaseCollectionExtract) -> CaseCollectionSummary:
    """Cases per chapter and, per field, how many cases have it."""
    return CaseCollectionSummary(
        document=extract.document,
        edition=extract.edition,
        cases=len(extract.cases),
        chapters=dict(sorted(Counter(str(c.chapter) for c in extract.cases).items())),
        fields={
            name: sum(1 for case in extract.cases if has(case)) for name, has in CASE_FIELDS.items()
        },
    )


def write(report: BuildReport, out_dir: Path) -> None:
    """Write the report as JSON and as Markdown."""
    (out_dir / REPORT_JSON).write_text(report.to_json(), "utf-8")
    (out_dir / REPORT_MD).write_text(to_markdown(report), "utf-8")


def to_markdown(report: BuildReport) -> str:
    """A human-readable rendering of the report."""
    out = ["# dxkg build report", "", "## Survey tables (stated vs found)", ""]
    out += ["| table | heading | stated | found |", "|---|---|---|---|"]
    out += [f"| {t.table} | {t.heading} | {t.stated} | {t.found} |" for t in report.survey.tables]
    out += [
        "",
        "## Categories",
        "",
        "| table | category | stated | found | |",
        "|---|---|---|---|---|",
    ]
    for c in report.survey.categories:
        indent = "└ " if c.level == 2 else ""
        flag = "⚠ mismatch" if c.stated != c.found else ""
        out.append(f"| {c.table} | {indent}{c.label} | {c.stated} | {c.found} | {flag} |")
    for summary in report.cases:
        out += ["", f"## Cases of {summary.document} (第{summary.edition}版)", ""]
        out += [f"{summary.cases} cases; per chapter: {summary.chapters}", ""]
        out += ["| field | cases with it |", "|---|---|"]
        out += [f"| {name} | {count} |" for name, count in summary.fields.items()]
    out += linking_markdown(report.linking)
    out += ["", "## Entities", ""]
    out += [f"- {name}: {count}" for name, count in report.survey.entities.items()]
    out += ["", "## Anomalies", ""]
    out += [f"- {kind}: {count}" for kind, count in report.anomalies.counts.items()]
    out += ["", "| kind | document | line | detail |", "|---|---|---|---|"]
    out += [
        f"| {a.kind} | {a.document} | {a.line} | {a.detail.replace('|', '¦')} |"
        for a in report.anomalies.items
    ]
    out += ["", "## SHACL", ""]
    out += [
        "The data conforms to `shapes/dxkg.shapes.ttl`: no result."
        if report.shacl.conforms
        else f"Results by severity: {report.shacl.counts}"
    ]
    checks = report.checks
    out += ["", "## Checks (`shapes/report/`)", ""]
    out += ["Worth telling, not part of the shapes the data conforms to.", ""]
    out += [f"Results by severity: {checks.counts or 'none'}", ""]
    out += [f"- Warning: <{w.focus}> {w.message}" for w in checks.warnings]
    out += [
        f"- Info: {message} ({count})"
        for message, count in sorted(Counter(i.message for i in checks.info).items())
    ]
    out += ["", "## Triples per graph", ""]
    out += [f"- {name}: {count}" for name, count in report.triples.items()]
    out += ["", "## Main classes (`?x a dxkg:C`, with what the inferred graph entails)", ""]
    out += [f"- dxkg:{name}: {count}" for name, count in report.classes.items()]
    out += ["", "## CSV exports (rows)", ""]
    out += [f"- csv/{name}.csv: {count}" for name, count in report.csv_rows.items()]
    out += ["", "## Networks (network/)", ""]
    out += ["| network | nodes | governments | others | edges | components | communities |"]
    out += ["|---|---|---|---|---|---|---|"]
    out += [
        f"| {n.name} | {n.nodes} | {n.governments} | {n.others} | {n.edges} "
        f"| {n.components} | {n.communities} |"
        for n in report.networks
    ]
    return "\n".join(out) + "\n"


def linking_markdown(linking: LinkingSummary) -> list[str]:
    """The linking section of the Markdown report."""
    governments, organisations = linking.governments, linking.organisations
    evaluation = linking.technologies.evaluation
    editions = linking.editions
    out = ["", "## Linking", ""]
    organisation_line = (
        f"- Organisation names: {organisations.surface_forms} surface forms → "
        f"{organisations.organisations} organisations ({organisations.mechanical_merges} "
        f"mechanical and {organisations.curated_merges} curated merges, "
        f"{organisations.typos_flagged} probable typos flagged); "
        f"departments: {organisations.departments}"
    )
    technology_line = (
        f"- Technology tags: {linking.technologies.tags} on "
        f"{linking.technologies.records_tagged} records; precision "
        f"{evaluation.precision}, recall {evaluation.recall} on {evaluation.records} "
        "hand-labelled records"
    )
    out += [
        (
            f"- Government names resolved: {governments.resolved_names}; "
            f"unresolved: {len(governments.unresolved_names)}"
        ),
        f"- Governments referred to: {governments.referenced_by_kind}",
        (
            f"- Governments with localgovjp's office point and website: "
            f"{governments.with_localgovjp} of {sum(governments.referenced_by_kind.values())}; "
            "localgovjp and the code table disagree on "
            f"{len(governments.reference_disagreements)} entries"
        ),
        organisation_line,
        technology_line,
        (
            f"- Edition pairs: {editions.linked_pairs} {editions.pairs_by_rule}; "
            f"{new_per_edition(editions.new_in_later_edition)}"
        ),
        f"- Initiatives the cases report (one per chain of editions): {editions.initiatives}",
        f"- Edition changes by field: {editions.changes_by_field}",
        f"- Records linked to each item of the guide (004): {linking.guide_items}",
        f"- Joint shared systems: {len(linking.joint_systems)}",
    ]
    out += disagreement_table(governments.reference_disagreements)
    if governments.unresolved_names:
        out += [
            "",
            "| unresolved name | context | reason | document | line |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {n.name} | {n.context or ''} | {n.reason} | {n.document} | {n.line} |"
            for n in governments.unresolved_names
        ]
    return out


def disagreement_table(disagreements: list[ReferenceDisagreement]) -> list[str]:
    """The entries localgovjp and the code table disagree on, as a Markdown table (none: [])."""
    if not disagreements:
        return []
    return [
        "",
        "| code | field | code table | localgovjp |",
        "|---|---|---|---|",
        *(
            f"| {d.code} | {d.field} | {d.table or '—'} | {d.localgovjp or '—'} |"
            for d in disagreements
        ),
    ]


def new_per_edition(keys: list[str]) -> str:
    """``new in 第4.0版: 22, 第5.0版: 1``: the new cases of each edition, by their keys
    (``v4-3-23``: ``v`` and the edition's slug first)."""
    counts = Counter(slug_edition(key[1:].split("-")[0]) for key in keys)
    editions = sorted(counts, key=edition_order)
    return "new in " + (", ".join(f"{edition_label(e)}: {counts[e]}" for e in editions) or "none")
