"""Links from records to the items of the DX promotion plan and guide (004): its six focus
areas (重点取組事項), its steps and its promotion-structure items.

The links follow the curated rules of ``mappings/reference/focus-area-rules.csv``, one rule a
row: a guide item (``scheme/notation`` of ``ontology/schemes/dx-guide.ttl``), a kind
(``technology``: the record uses the technology or a narrower one; ``category``: the
record's category is labelled so; ``title-keyword``: the record's title contains the word),
a value, and its basis: a line of 004 and the words it prints, which the build checks. No
rule, no link.

A record matched by one or more rules of a guide item gets one link node for that item,
naming every rule that matched and what matched it (technologies, category label, keyword).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SKOS

from dxkg.pipeline import iris
from dxkg.pipeline.extract.citations import CitedRow, check_quoted_line
from dxkg.pipeline.link.records import (
    GuideAssignmentNode,
    GuideLinkedRecord,
    GuideRuleNode,
    TechnologyGuideNode,
)
from dxkg.pipeline.text import match_key

RuleKind = Literal["technology", "category", "title-keyword"]
#: The IRIs of the focus-area concepts start so (``…/concept/focus-area-ai-rpa``).
FOCUS_AREA_PREFIX = iris.code_concept("focus-area", "")


class GuideRuleRow(CitedRow):
    """A row of the rules table: ``guide_item`` concerns what ``kind`` and ``value`` match,
    on the basis of ``source`` (``document:line``) printing ``quote``."""

    guide_item: str
    kind: RuleKind
    value: str
    reason: str


@dataclass(frozen=True)
class GuideSubject:
    """What the rules read of a record: its IRI, the technology concepts tagged on it, its
    category's label and its title."""

    id: str
    technologies: Sequence[str]
    category_label: str | None
    title: str


@dataclass(frozen=True)
class GuideRule:
    """A rule resolved against the schemes: its node, the concepts a technology rule
    covers (the technology and every narrower one), the key its value matches by."""

    node: GuideRuleNode
    technologies: frozenset[str]
    key: str


def load_rule_rows(path: Path) -> list[GuideRuleRow]:
    """The rules table; rejects a row without its basis or citing no line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [GuideRuleRow(**row) for row in csv.DictReader(handle)]
    for row in rows:
        if not (row.value and row.quote and row.reason) or "/" not in row.guide_item:
            raise ValueError(f"{path.name}: a row without its basis: {row}")
        if not row.source.rpartition(":")[2].isdigit():
            raise ValueError(f"{path.name}: source is not document:line: {row}")
    return rows


def check_rule_citations(rows: Iterable[GuideRuleRow], sources: Path) -> None:
    """Raise SourceFormatError unless every cited line still prints the row's quote."""
    for row in rows:
        check_quoted_line(sources, row, f"focus-area-rules.csv ({row.guide_item})")


def resolve_rules(
    rows: Iterable[GuideRuleRow], guide_scheme: Path, technology_scheme: Path
) -> list[GuideRule]:
    """The rules with their guide concepts and technologies as IRIs; ValueError for a
    guide item or technology that the schemes do not hold."""
    guide = Graph().parse(guide_scheme, format="turtle")
    technologies = Graph().parse(technology_scheme, format="turtle")
    return [_resolve(row, guide, technologies) for row in rows]


def _resolve(row: GuideRuleRow, guide: Graph, technologies: Graph) -> GuideRule:
    scheme, _, notation = row.guide_item.partition("/")
    item = iris.code_concept(scheme, notation)
    if not _has_notation(guide, item, notation):
        raise ValueError(f"focus-area-rules.csv: no guide concept {row.guide_item}")
    covered: frozenset[str] = frozenset()
    if row.kind == "technology":
        concept = iris.code_concept("technology", row.value)
        if not _has_notation(technologies, concept, row.value):
            raise ValueError(f"focus-area-rules.csv: no technology {row.value}")
        covered = _narrower_closure(technologies, concept)
    document, line = row.cited_line()
    node = GuideRuleNode(
        id=iris.guide_rule(row.guide_item, row.kind, row.value),
        label=f"{row.guide_item}: {row.kind} {row.value}",
        guide_item=item,
        rule_kind=row.kind,
        rule_value=row.value,
        rule_technology=iris.code_concept("technology", row.value) if covered else None,
        source=iris.document(document),
        source_line=line,
        basis_quote=row.quote,
        comment=row.reason,
    )
    return GuideRule(node=node, technologies=covered, key=match_key(row.value))


def _has_notation(graph: Graph, concept: str, notation: str) -> bool:
    return (URIRef(concept), SKOS.notation, RdfLiteral(notation)) in graph


def _narrower_closure(graph: Graph, concept: str) -> frozenset[str]:
    """The concept and every concept below it through ``skos:broader``."""
    return frozenset(str(c) for c in graph.transitive_subjects(SKOS.broader, URIRef(concept)))


def link_guide_items(
    subjects: Iterable[GuideSubject], rules: Sequence[GuideRule]
) -> list[GuideLinkedRecord]:
    """One node per subject that some rule matches, holding one assignment per guide item
    (with every rule that matched it and what matched), in the subjects' order."""
    linked = []
    for subject in subjects:
        assignments = _assignments(subject, rules)
        if assignments:
            linked.append(
                GuideLinkedRecord(
                    id=subject.id,
                    focus_area=[a.guide_item for a in assignments if _is_focus_area(a.guide_item)],
                    guide_item=[a.guide_item for a in assignments],
                    guide_assignment=assignments,
                )
            )
    return linked


def _assignments(subject: GuideSubject, rules: Sequence[GuideRule]) -> list[GuideAssignmentNode]:
    """The subject's assignments, one per guide item, sorted by guide item."""
    by_item: dict[str, list[tuple[GuideRule, list[str], str | None]]] = {}
    for rule in rules:
        matched = _match(subject, rule)
        if matched is not None:
            by_item.setdefault(rule.node.guide_item, []).append((rule, *matched))
    return [
        GuideAssignmentNode(
            id=iris.guide_assignment(subject.id, item),
            label=f"{item.rsplit('/', 1)[1]} ← {subject.title}",
            guide_item=item,
            rule=sorted({rule.node.id for rule, _, _ in found}),
            via_technology=sorted({tech for _, techs, _ in found for tech in techs}),
            via_text=sorted({text for _, _, text in found if text}),
        )
        for item, found in sorted(by_item.items())
    ]


def _match(subject: GuideSubject, rule: GuideRule) -> tuple[list[str], str | None] | None:
    """What of the subject the rule matches: (technologies, text), or None."""
    if rule.node.rule_kind == "technology":
        techs = sorted(rule.technologies.intersection(subject.technologies))
        return (techs, None) if techs else None
    if rule.node.rule_kind == "category":
        label = subject.category_label
        return ([], label) if label and match_key(label) == rule.key else None
    return ([], rule.node.rule_value) if rule.key in match_key(subject.title) else None


def technology_guide_items(rules: Iterable[GuideRule]) -> list[TechnologyGuideNode]:
    """Each technology a technology rule covers, with the guide items it concerns."""
    items: dict[str, set[str]] = {}
    for rule in rules:
        for technology in rule.technologies:
            items.setdefault(technology, set()).add(rule.node.guide_item)
    return [
        TechnologyGuideNode(
            id=technology,
            focus_area=sorted(item for item in found if _is_focus_area(item)),
            guide_item=sorted(found),
        )
        for technology, found in sorted(items.items())
    ]


def _is_focus_area(concept: str) -> bool:
    return concept.startswith(FOCUS_AREA_PREFIX)
