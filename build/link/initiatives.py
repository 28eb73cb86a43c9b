"""One initiative per real-world effort: the editions of a case report the same one.

A case of 第2.0版 and its revision in 第4.0版 (matched by :mod:`.editions`) are two printed
reports of one initiative. The initiative is named by the first edition's case
(:func:`dxkg.pipeline.iris.case_initiative`) and carries:

* who and with whom, what: the municipality and prefecture of its newest report, and the
  union over its reports of the technologies tagged, the providers and the participants;
* how much and when, which may change between editions: the costs, milestones and services
  of the newest report that prints any. Each of those nodes stays a part of the report that
  printed it, so an edition-specific value is attributable to its edition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from dxkg.pipeline import iris
from dxkg.pipeline.link.records import (
    CaseInitiativeNode,
    CaseNode,
    CostNode,
    EditionLink,
    MilestoneNode,
    ServiceNode,
    TaggedRecord,
)
from dxkg.pipeline.records import edition_order


def case_chains(cases: Iterable[CaseNode], links: Iterable[EditionLink]) -> list[list[CaseNode]]:
    """The cases grouped by the initiative they report, each group oldest edition first."""
    by_key = {_key(case): case for case in cases}
    earlier_of = {link.later: link.earlier for link in links}
    chains: dict[str, list[CaseNode]] = {}
    for key, case in by_key.items():
        first = key
        while first in earlier_of:
            first = earlier_of[first]
        chains.setdefault(first, []).append(case)
    return [sorted(chain, key=_edition_order) for _, chain in sorted(chains.items())]


def case_initiatives(
    cases: Iterable[CaseNode], links: Iterable[EditionLink], tagged: Mapping[str, TaggedRecord]
) -> list[CaseInitiativeNode]:
    """The initiative of every chain of case editions; ``tagged`` by case IRI."""
    return [_initiative(chain, tagged) for chain in case_chains(cases, links)]


def _initiative(chain: list[CaseNode], tagged: Mapping[str, TaggedRecord]) -> CaseInitiativeNode:
    newest = chain[-1]
    return CaseInitiativeNode(
        id=iris.case_initiative(_key(chain[0])),
        label=newest.label,
        described_by=[case.id for case in chain],
        municipality=newest.municipality,
        prefecture=newest.prefecture,
        uses_technology=_union(tagged[c.id].uses_technology for c in chain if c.id in tagged),
        providers=_union(case.providers for case in chain),
        participants=_union(case.participants for case in chain),
        costs=[cost.id for cost in _newest_printed(chain, lambda case: case.costs)],
        milestones=[step.id for step in _newest_printed(chain, lambda case: case.milestones)],
        services=[service.id for service in _newest_printed(chain, lambda case: case.services)],
    )


def _edition_order(case: CaseNode) -> tuple[int, int]:
    """A case's edition as a sort key: its label ``第4.0版`` holds the number."""
    return edition_order(case.edition.removeprefix("第").removesuffix("版"))


def _key(case: CaseNode) -> str:
    return case.id.removeprefix(iris.case(""))


def _union(lists: Iterable[list[str]]) -> list[str]:
    return sorted({item for items in lists for item in items})


Part = CostNode | MilestoneNode | ServiceNode


def _newest_printed(
    chain: list[CaseNode], part: Callable[[CaseNode], Sequence[Part]]
) -> Sequence[Part]:
    """The parts (costs, milestones…) of the newest report that prints any."""
    return next((part(case) for case in reversed(chain) if part(case)), [])
