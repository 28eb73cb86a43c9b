"""Connect the same case across the editions of the case collection.

Case numbers shift between editions (−1 to +9 in 内部DX, where cases were
inserted) and several municipalities have more than one case in a chapter
(神戸市 has three in v2's 内部DX), so neither the number nor the municipality
alone identifies a case. Two cases are the same when they are in the same
chapter, by the same organisation, and either

* their titles are alike (NFKC, no whitespace; similarity ≥ ``TITLE_SIMILARITY``,
  best pairs first, each case used once), or
* the organisation has exactly one case in that chapter in both editions, which
  carries a rewritten title (東京都's デジタルアカデミー case) across.

Editions are open values ordered by their number (2.0 → 4.0 → 5.0 → 10.0), and matched as a
chain, chapter by chapter (:func:`match_edition_chain`): each chapter of an edition is matched
against the same chapter of the latest earlier edition that has cases in it; its cases left
over are then tried against the editions before that, among the cases no edition since has
revised, so a case that an intermediate document happens to lack (000 lacks 内部DX 1–10) is
still found. A case with no counterpart in any earlier edition covering its chapter is new in
its edition (2.0 is complete for chapters 1–3, so nothing else can be a v4 case's predecessor);
the cases of the first edition to cover a chapter are neither. An earlier case without a
counterpart in the next edition covering its chapter is only reported: a later document need
not print every case (000 again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

from dxkg.pipeline.extract.records import Case
from dxkg.pipeline.link.records import EditionLink, EditionMatching, MatchRule
from dxkg.pipeline.records import edition_order
from dxkg.pipeline.text import match_key

TITLE_SIMILARITY = 0.6


def title_similarity(first: str, second: str) -> float:
    """Similarity of two titles' comparison keys, 0–1, rounded for stable output."""
    ratio = SequenceMatcher(None, match_key(first), match_key(second), autojunk=False).ratio()
    return round(ratio, 3)


def _by_chapter_and_organisation(cases: Iterable[Case]) -> dict[tuple[int, str], list[Case]]:
    groups: dict[tuple[int, str], list[Case]] = defaultdict(list)
    for case in cases:
        groups[(case.chapter, match_key(case.organisation_text))].append(case)
    return groups


def match_edition_chain(cases: Iterable[Case]) -> EditionMatching:
    """Pair the cases of every edition with those of the editions before it, chapter by
    chapter; see the module docstring."""
    coverage: dict[str, dict[int, list[Case]]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        coverage[case.edition][case.chapter].append(case)
    editions = sorted(coverage, key=edition_order)
    links: list[EditionLink] = []
    new_cases: list[str] = []
    unmatched: list[str] = []
    for index, edition in enumerate(editions):
        for chapter, later in sorted(coverage[edition].items()):
            before = reversed(editions[:index])
            earlier = [coverage[e][chapter] for e in before if chapter in coverage[e]]
            if earlier:
                matching = _match_back(earlier, later, {link.earlier for link in links})
                links += matching.links
                new_cases += matching.new_cases
                unmatched += matching.unmatched_earlier
    return EditionMatching(
        links=sorted(links, key=lambda link: link.later),
        new_cases=sorted(new_cases),
        unmatched_earlier=sorted(unmatched),
    )


def _match_back(earlier: list[list[Case]], later: list[Case], revised: set[str]) -> EditionMatching:
    """One chapter of an edition (``later``) against that chapter of the editions before it,
    latest first, skipping the ``revised`` cases: an earlier case has one revision at most."""
    links: list[EditionLink] = []
    left = later
    for previous in earlier:
        matching = match_editions([case for case in previous if case.key not in revised], left)
        links += matching.links
        left = [case for case in left if case.key in matching.new_cases]
    linked = {link.earlier for link in links}
    return EditionMatching(
        links=links,
        new_cases=[case.key for case in left],
        unmatched_earlier=[case.key for case in earlier[0] if case.key not in linked],
    )


def match_editions(earlier: list[Case], later: list[Case]) -> EditionMatching:
    """Pair the cases of ``later`` with those of ``earlier``; see the module docstring."""
    earlier_groups = _by_chapter_and_organisation(earlier)
    links: list[EditionLink] = []
    for key, candidates in sorted(_by_chapter_and_organisation(later).items()):
        previous = earlier_groups.get(key, [])
        links.extend(_pair_group(previous, candidates))
    linked_later = {link.later for link in links}
    linked_earlier = {link.earlier for link in links}
    return EditionMatching(
        links=sorted(links, key=lambda link: link.later),
        new_cases=sorted(case.key for case in later if case.key not in linked_later),
        unmatched_earlier=sorted(case.key for case in earlier if case.key not in linked_earlier),
    )


def _pair_group(earlier: list[Case], later: list[Case]) -> list[EditionLink]:
    """Pairs within one (chapter, organisation) group: best title match first."""
    if len(earlier) == 1 and len(later) == 1:
        similarity = title_similarity(earlier[0].title, later[0].title)
        rule: MatchRule = "same-title" if similarity == 1 else "only-case-of-organisation"
        return [
            EditionLink(
                later=later[0].key, earlier=earlier[0].key, rule=rule, title_similarity=similarity
            )
        ]
    scored = sorted(
        (
            (title_similarity(old.title, new.title), new.key, old.key)
            for old in earlier
            for new in later
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    links, used = [], set()
    for similarity, new, old in scored:
        if similarity < TITLE_SIMILARITY or new in used or old in used:
            continue
        used.update((new, old))
        rule = "same-title" if similarity == 1 else "similar-title"
        links.append(EditionLink(later=new, earlier=old, rule=rule, title_similarity=similarity))
    return links
