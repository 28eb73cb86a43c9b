"""Map linked records to RDF with the declarative JSON-LD contexts in ``mappings/``.

The records' JSON is given the context and read by rdflib's JSON-LD processor:
which property, datatype and language each field becomes is stated in the
context file, not in code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from dxkg.pipeline import iris
from dxkg.pipeline.link.records import LinkedCases, LinkedEntities, LinkedSurvey
from dxkg.pipeline.records import Record


def load_context(path: Path) -> dict:
    """The ``@context`` object of a context file."""
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def map_records(records: Iterable[Record], context: dict) -> Graph:
    """Apply a JSON-LD context to records; absent (None) fields produce no triple."""
    document = {
        "@context": context,
        "@graph": [record.model_dump(mode="json", exclude_none=True) for record in records],
    }
    return Graph().parse(data=json.dumps(document, ensure_ascii=False), format="json-ld")


def survey_nodes(linked: LinkedSurvey) -> list[Record]:
    """The nodes extracted from the survey document, in a fixed order.

    Documents and prefectures go to their own named graphs: a triple in two
    graphs would be counted twice by queries over the union of graphs.
    """
    return [
        linked.survey,
        *linked.tables,
        *linked.category_schemes,
        *linked.categories,
        *linked.initiatives,
        *linked.shared_systems,
        *linked.roles,
        *linked.organizations,
    ]


def link_nodes(entities: LinkedEntities) -> list[Record]:
    """What linking asserts across documents: outward area links, technology tags,
    edition links, the initiatives the cases report, joint systems and what changed between
    case editions (the "links" graph)."""
    return [
        *entities.area_mappings,
        *entities.tagged,
        *entities.editions,
        *entities.initiatives,
        *entities.joint_systems,
        *entities.edition_changes,
        *entities.guide_rules,
        *entities.guide_links,
        *entities.technology_guide_items,
    ]


def case_nodes(linked: LinkedCases, document: str) -> list[Record]:
    """The nodes extracted from one case-collection document.

    A category scheme goes with the document whose cases use it, so that each
    triple is in exactly one named graph.
    """
    document_iri = iris.document(document)
    cases = [case for case in linked.cases if case.part_of == document_iri]
    used = {case.category for case in cases}
    schemes = {node.in_scheme for node in linked.categories if node.id in used}
    return [
        *(scheme for scheme in linked.schemes if scheme.id in schemes),
        *(node for node in linked.categories if node.in_scheme in schemes),
        *cases,
    ]
