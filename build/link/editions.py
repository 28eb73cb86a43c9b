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

A v4 case with no v2 counterpart is new in v4: v2 is complete for chapters 1–3,
so nothing else can be its predecessor. A v2 case without a v4 counterpart is
only reported: the v4 documents do not cover every case (000 lacks 内部DX 1–10).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

from dxkg.pipeline.extract.records import Case
from dxkg.pipeline.link.records import EditionLink, EditionMatching, MatchRule
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
