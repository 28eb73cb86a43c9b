"""Link extracted cases: IRIs for every node, governments to their codes, codes to concepts,
providers and participants to organisations, departments to their government.

The printed text stays beside every link (``municipality_name``,
``provider_names``, the contact as printed), so a reader can check each one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from dxkg.pipeline import iris
from dxkg.pipeline.extract.cases.fields import PHONE, nfkc
from dxkg.pipeline.extract.records import Case, CaseCollectionExtract, Cost, Department, Milestone
from dxkg.pipeline.link.governments import GovernmentRegistry
from dxkg.pipeline.link.organisations import DepartmentDirectory, OrganisationDirectory
from dxkg.pipeline.link.records import (
    CaseNode,
    CategorySchemeNode,
    ConceptNode,
    ContactNode,
    CostNode,
    InterviewNode,
    LinkedCases,
    LinkNode,
    MilestoneNode,
    OperationModeNode,
    PopulationNode,
    ServiceNode,
)
from dxkg.pipeline.link.survey import excerpt_node
from dxkg.pipeline.records import Anomaly, edition_label, edition_order
from dxkg.pipeline.text import match_key

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def _date_fields(prefix: str, value: str | None) -> dict[str, str]:
    """An ISO date of any precision under the key its datatype needs."""
    if value is None:
        return {}
    kind = {4: "year", 7: "month", 10: "date"}[len(value)]
    return {f"{prefix}_{kind}": value}


def _months(duration: object) -> str | None:
    """Months as an xsd:duration: 57 → ``P4Y9M``; 0.5 → ``P0.5M``."""
    if duration is None:
        return None
    years, months = divmod(duration, 12)
    if months != int(months):
        return f"P{duration.normalize()}M"
    return f"P{int(years)}Y{int(months)}M" if years else f"P{int(months)}M"


class CategoryIndex:
    """The TOC headings of each edition as concepts, numbered by first appearance.

    ``3.2.1`` is the first sub-heading of the second heading of chapter 3's
    first group: the same source always gives the same notation and IRI.
    """

    def __init__(self) -> None:
        self.nodes: dict[tuple[str, tuple[str, ...]], ConceptNode] = {}
        self._children: Counter[tuple[str, tuple[str, ...]]] = Counter()

    def concept(self, edition: str, path: list[str]) -> str | None:
        """The concept of the most specific heading; creates the path's concepts."""
        parent: ConceptNode | None = None
        keys = [match_key(heading) for heading in path]
        for depth in range(1, len(path) + 1):
            key = (edition, tuple(keys[:depth]))
            if key not in self.nodes:
                self._children[(edition, key[1][:-1])] += 1
                position = self._children[(edition, key[1][:-1])]
                notation = f"{parent.notation}.{position}" if parent else str(position)
                scheme = iris.case_category_scheme(edition)
                self.nodes[key] = ConceptNode(
                    id=iris.case_category(edition, notation),
                    label=path[depth - 1],
                    in_scheme=scheme,
                    broader=parent.id if parent else None,
                    top_concept_of=None if parent else scheme,
                    notation=notation,
                )
            parent = self.nodes[key]
        return parent.id if parent else None


def _cost(case_id: str, cost: Cost) -> CostNode:
    return CostNode(
        id=f"{case_id}/cost/{cost.kind}",
        label=("イニシャルコスト" if cost.kind == "initial" else "ランニングコスト")
        + f" {cost.raw}",
        cost_kind=iris.code_concept("cost-kind", cost.kind),
        cost_status=iris.code_concept("cost-status", cost.status),
        raw_text=cost.raw,
        value=cost.amount_yen,
        currency="JPY" if cost.amount_yen is not None else None,
        approximate=cost.approximate,
        tax_basis=iris.code_concept("tax-basis", cost.tax) if cost.tax else None,
        breakdown=cost.breakdown,
        remarks=cost.remarks,
        source_line=cost.line,
    )


def _milestone(case_id: str, ordinal: int, milestone: Milestone) -> MilestoneNode:
    return MilestoneNode(
        id=f"{case_id}/milestone/{ordinal}",
        label=f"{milestone.raw_date} {milestone.text}".strip(),
        date_text=milestone.raw_date,
        ordinal=ordinal,
        source_line=milestone.line,
        **_date_fields("start", milestone.start),
        **_date_fields("end", milestone.end),
    )


def _contact(case_id: str, ordinal: int, department: Department, unit: str | None) -> ContactNode:
    phone = PHONE.search(nfkc(department.phone or ""))
    email = nfkc(department.email or "").strip()
    return ContactNode(
        id=f"{case_id}/department/{ordinal}",
        label=department.name or "（非公表）",
        department=unit,
        telephone=re.sub(r"\s*[（(].*$", "", phone.group(0)) if phone else None,
        email=email if _EMAIL.match(email) else None,
        phone_text=department.phone,
        email_text=department.email,
        undisclosed=department.undisclosed,
        source_line=department.line,
    )


class CaseLinker:
    """Links the cases of every edition against shared registries."""

    def __init__(
        self,
        governments: GovernmentRegistry,
        organisations: OrganisationDirectory,
        departments: DepartmentDirectory,
    ) -> None:
        self.governments = governments
        self.organisations = organisations
        self.departments = departments
        self.categories = CategoryIndex()

    def government(self, case: Case) -> tuple[str, str | None]:
        """The case's prefecture (required) and the government it is about (reported if unknown)."""
        prefecture = self.governments.prefecture(case.prefecture, case.source)
        return prefecture, self.governments.resolve(case.organisation_text, case.source)

    def population_place(self, case: Case) -> str | None:
        """The government the case's population figure is for (its printed place, resolved
        within the case's prefecture or, failing that, alone), or None, reported."""
        population = case.population
        if population is None:
            return None
        span = (case.source.document, population.line)
        return self.governments.resolve_in_context(population.place, span, case.prefecture)

    def named(self, case: Case, role: str, names: list[str]) -> list[str]:
        """The organisations a provider or participant list names, in order, once each."""
        found = (self.organisations.refers_to(case.key, role, name) for name in names)
        return list(dict.fromkeys(iri for iri in found if iri))

    def contacts(self, case: Case, case_id: str, government: str | None) -> list[ContactNode]:
        """The case's printed departments, each pointing at its government's department."""
        names = [case.organisation_text, case.prefecture, case.municipality or ""]
        return [
            _contact(
                case_id,
                i,
                department,
                self.departments.department(department.name, government, names)
                if government and department.name and not department.undisclosed
                else None,
            )
            for i, department in enumerate(case.departments, 1)
        ]


def link_case(case: Case, linker: CaseLinker) -> CaseNode:
    """The graph node of one case, with its parts as nested nodes."""
    case_id = iris.case(case.key)
    prefecture, government = linker.government(case)
    contacts = linker.contacts(case, case_id, government)
    services = case.services
    schedule = case.schedule
    population = case.population
    return CaseNode(
        id=case_id,
        label=case.title,
        part_of=iris.document(case.document),
        edition=edition_label(case.edition),
        coverage=case.coverage,
        chapter=case.chapter,
        chapter_label=case.chapter_label,
        case_number=case.number,
        title_variants=case.title_variants,
        toc_title=case.toc_title,
        category=linker.categories.concept(case.edition, case.category_path)
        if len(case.category_path) > 1
        else None,
        organisation_text=case.organisation_text,
        prefecture=prefecture,
        municipality=government,
        municipality_name=case.municipality,
        mentioned_governments=linker.governments.mentions(
            [*case.point, case.overview, case.effects, *(a.answer for a in case.interview)],
            case.source,
            case.prefecture,
        ),
        population_class=iris.code_concept("population-size", case.population_class)
        if case.population_class
        else None,
        population_label_text=case.population_label_raw,
        page_count=case.page_count,
        gap_before=case.gap_before,
        point=case.point,
        overview=case.overview,
        effects=case.effects,
        interview=[
            InterviewNode(
                id=f"{case_id}/interview/{i}",
                label=answer.question,
                ordinal=i,
                question=answer.question,
                answer=answer.answer,
                first_line=answer.first_line,
                last_line=answer.last_line,
            )
            for i, answer in enumerate(case.interview, 1)
        ],
        costs=[_cost(case_id, c) for c in (case.initial_cost, case.running_cost) if c],
        duration_text=schedule.duration_raw if schedule else None,
        time_to_launch=_months(schedule.duration_months) if schedule else None,
        schedule_text=schedule.steps_text if schedule else None,
        milestones=[_milestone(case_id, i, m) for i, m in enumerate(schedule.milestones, 1)]
        if schedule
        else [],
        providers_text=services.providers_raw if services else None,
        provider_names=services.providers if services else [],
        providers=linker.named(case, "provider", services.providers) if services else [],
        services_text=services.service_names_raw if services else None,
        services=[
            ServiceNode(id=f"{case_id}/service/{i}", label=name, ordinal=i)
            for i, name in enumerate(services.service_names if services else [], 1)
        ],
        operation_mode_text=services.operation_mode_raw if services else None,
        operation_modes=[
            OperationModeNode(
                id=f"{case_id}/operation-mode/{i}",
                label=mode.raw,
                product_type=iris.code_concept("product-type", mode.product)
                if mode.product
                else None,
                environment=iris.code_concept("environment", mode.environment)
                if mode.environment
                else None,
                service_numbers=mode.services,
            )
            for i, mode in enumerate(services.operation_modes if services else [], 1)
        ],
        participants_text=services.participants_raw if services else None,
        participant_names=services.participants if services else [],
        participants=linker.named(case, "participant", services.participants) if services else [],
        contacts=contacts,
        responsible_departments=list(
            dict.fromkeys(contact.department for contact in contacts if contact.department)
        ),
        population=PopulationNode(
            id=f"{case_id}/population",
            label=population.raw,
            place=population.place,
            persons=population.persons,
            reference_date=population.as_of,
            source_line=population.line,
            population_of=linker.population_place(case),
        )
        if population
        else None,
        links=[
            LinkNode(
                id=f"{case_id}/link/{i}",
                label=link.title or link.url,
                url=iris.uri(link.url),  # as printed, spaces percent-encoded
                source_line=link.line,
            )
            for i, link in enumerate(case.urls, 1)
        ],
        awards=case.awards,
        cross_reference=case.cross_reference,
        derived_from=excerpt_node(case.source),
    )


def link_cases(extracts: Iterable[CaseCollectionExtract], linker: CaseLinker) -> LinkedCases:
    """Link the cases of every case-collection document."""
    cases: list[CaseNode] = []
    anomalies: list[Anomaly] = []
    editions: set[str] = set()
    for extract in extracts:
        editions.add(extract.edition)
        cases.extend(link_case(case, linker) for case in extract.cases)
        anomalies.extend(extract.anomalies)
    return LinkedCases(
        schemes=[
            CategorySchemeNode(
                id=iris.case_category_scheme(edition),
                label=f"自治体DX推進参考事例集【{edition_label(edition)}】 分類",
                label_en=f"Reference case collection, edition {edition}: categories",
            )
            for edition in sorted(editions, key=edition_order)
        ],
        categories=list(linker.categories.nodes.values()),
        cases=cases,
        anomalies=anomalies,
    )
