"""Corporate groups of vendors, from the curated table ``mappings/reference/vendor-groups.csv``.

Each row says that an organisation the cases name belongs to a parent company, and on
what basis: ``source``, a line of a source document whose text establishes it (the row
quotes the words, and the build checks that the line still prints them), or
``legal-name``, a relation the legal names themselves establish (日本マイクロソフト株式会社
is Microsoft's Japanese company), with the reading in ``reason``. No row, no relation.

The graph states each row as ``org:subOrganizationOf``. A parent that no case names (the
head of a group, such as 日本電信電話株式会社) becomes a node of its own, a
``dxkg:ParentCompany``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from dxkg.pipeline import iris
from dxkg.pipeline.extract.citations import CitedRow, check_quoted_line
from dxkg.pipeline.link.governments import LinkError
from dxkg.pipeline.link.records import OrganisationNode
from dxkg.pipeline.link.vendors import organisation_key

Basis = Literal["source", "legal-name"]


class VendorGroupRow(CitedRow):
    """A row of the table: ``organisation`` belongs to ``parent``, and why.

    ``source`` is ``document:line`` and ``quote`` the words that line prints, for a row
    whose basis is ``source``; both are empty for a ``legal-name`` row.
    """

    organisation: str
    parent: str
    basis: Basis
    reason: str


def load_vendor_groups(path: Path) -> list[VendorGroupRow]:
    """The curated table; rejects rows without a basis, a parent given twice, and cycles."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [VendorGroupRow(**row) for row in csv.DictReader(handle)]
    parents: dict[str, str] = {}
    for row in rows:
        cites = row.basis == "source"
        if not row.reason.strip() or cites != bool(row.source and row.quote):
            raise ValueError(f"{path.name}: a row without its basis: {row}")
        if cites and not row.source.rpartition(":")[2].isdigit():
            raise ValueError(f"{path.name}: source is not document:line: {row}")
        key = organisation_key(row.organisation)
        if parents.setdefault(key, organisation_key(row.parent)) != organisation_key(row.parent):
            raise ValueError(f"{path.name}: two parents for {row.organisation}")
    for key in parents:
        _check_no_cycle(key, parents, path)
    return rows


def _check_no_cycle(key: str, parents: dict[str, str], path: Path) -> None:
    seen = {key}
    while key in parents:
        key = parents[key]
        if key in seen:
            raise ValueError(f"{path.name}: a cycle of parents through {key}")
        seen.add(key)


def cited_documents(rows: Iterable[VendorGroupRow]) -> set[str]:
    """The source documents the table cites."""
    return {row.cited_line()[0] for row in rows if row.basis == "source"}


def check_group_citations(rows: Iterable[VendorGroupRow], sources: Path) -> None:
    """Raise SourceFormatError unless every cited line still prints the row's quote."""
    for row in rows:
        if row.basis != "source":
            continue
        check_quoted_line(sources, row, f"vendor-groups.csv ({row.organisation} in {row.parent})")


def with_groups(
    nodes: list[OrganisationNode], rows: Iterable[VendorGroupRow]
) -> list[OrganisationNode]:
    """The organisation nodes with their parents (``sub_organization_of``), plus a
    ``ParentCompany`` node for each parent that no case names; sorted by IRI.

    Raises LinkError for a row whose organisation no case names (a stale row).
    """
    by_id = {node.id: node for node in nodes}
    for row in rows:
        child = iris.organisation(organisation_key(row.organisation))
        parent = iris.organisation(organisation_key(row.parent))
        if child not in by_id:
            raise LinkError(f"vendor-groups.csv: no case names {row.organisation}")
        by_id[child] = by_id[child].model_copy(update={"sub_organization_of": parent})
        if parent not in by_id:
            by_id[parent] = OrganisationNode(
                id=parent,
                type="ParentCompany",
                label=row.parent,
                alt_labels=[],
                suspected_typo_of=None,
                suspected_correct_name=None,
            )
    return sorted(by_id.values(), key=lambda node: node.id)
