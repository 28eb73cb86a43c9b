"""Tag records with the technology concepts their texts name.

The tagger is a dictionary matcher over the SKOS labels of
``ontology/schemes/technologies.ttl``: every ja prefLabel, altLabel and
hiddenLabel is a surface form. Matching runs on comparison keys (NFKC, no
whitespace, Latin case-folded) so ``A I - O C R``, ``ＡＩ－ＯＣＲ`` and
``AI-OCR`` meet; each match is mapped back to the verbatim source text, which
the graph keeps as the tag's provenance.

Longest match wins at a position, so ``AI-OCR`` tags AI-OCR and not AI plus
OCR. Broader concepts are never added (SPARQL reaches them with
``skos:broader*``), and a broader concept that a record names besides a
narrower one (「AI」 next to 「AIチャットボット」) is dropped as implied. A Latin label must not touch another Latin letter or digit,
so ``AI`` is not found inside ``MAIA``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from dxkg.pipeline.link.records import TaggingEvaluation
from dxkg.pipeline.records import Record
from dxkg.pipeline.text import FoldedText, nfkc

_LATIN = re.compile(r"[0-9a-z]")


class TechnologyMatch(Record):
    """One occurrence of a technology's label in one field of a record."""

    concept: str
    notation: str
    technology_label: str
    field: str
    matched_text: str
    label: str


def _key_fold(char: str) -> str:
    """One character's share of a comparison key: NFKC, case-folded, no whitespace."""
    return "".join(c for c in nfkc(char).casefold() if not c.isspace())


def surface_key(label: str) -> str:
    """The comparison key of a label, as texts are keyed for matching."""
    return FoldedText.of(label, _key_fold).folded


class TechnologyTagger:
    """Finds the technologies of a scheme in texts."""

    def __init__(
        self,
        labels: dict[str, tuple[str, str, str]],
        ancestors: dict[str, frozenset[str]],
        names: dict[str, str],
    ) -> None:
        """``labels``: surface key → (concept IRI, notation, label as written);
        ``ancestors``: concept IRI → every concept above it; ``names``: its ja prefLabel."""
        self.labels = labels
        self.ancestors = ancestors
        self.names = names
        alternatives = sorted(labels, key=lambda key: (-len(key), key))
        self.pattern = re.compile("|".join(re.escape(key) for key in alternatives))

    @classmethod
    def load(cls, scheme_path: Path) -> TechnologyTagger:
        """Read every non-English label of the technology scheme."""
        graph = Graph().parse(scheme_path, format="turtle")
        labels: dict[str, tuple[str, str, str]] = {}
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for concept, label in graph.subject_objects(prop):
                if label.language == "en" or (concept, SKOS.inScheme, None) not in graph:
                    continue
                notation = str(graph.value(concept, SKOS.notation))
                labels[surface_key(label)] = (str(concept), notation, str(label))
        ancestors = {
            str(concept): frozenset(
                str(up) for up in graph.transitive_objects(concept, SKOS.broader)
            )
            - {str(concept)}
            for concept in graph.subjects(SKOS.inScheme, None)
        }
        names = {
            str(concept): str(label)
            for concept, label in graph.subject_objects(SKOS.prefLabel)
            if label.language == "ja"
        }
        return cls(labels, ancestors, names)

    def matches(self, field: str, text: str | None) -> list[TechnologyMatch]:
        """Every technology label in ``text``, leftmost-longest, not overlapping."""
        if not text:
            return []
        keyed = FoldedText.of(text, _key_fold)
        found = []
        position = 0
        while match := self.pattern.search(keyed.folded, position):
            start, end = match.span()
            if _touches_latin(keyed.folded, start, end):
                position = start + 1
                continue
            concept, notation, label = self.labels[match.group()]
            found.append(
                TechnologyMatch(
                    concept=concept,
                    notation=notation,
                    technology_label=self.names[concept],
                    field=field,
                    matched_text=keyed.verbatim(start, end),
                    label=label,
                )
            )
            position = end
        return found

    def tag(self, fields: Iterable[tuple[str, str | None]]) -> list[TechnologyMatch]:
        """The matches in every (field name, text) of one record, in field order,
        without those of a concept implied by a narrower one the record names."""
        found = [match for field, text in fields for match in self.matches(field, text)]
        implied = set().union(*(self.ancestors.get(match.concept, ()) for match in found))
        return [match for match in found if match.concept not in implied]


def _touches_latin(key: str, start: int, end: int) -> bool:
    """Whether a Latin-edged match continues a longer Latin word (``AI`` in ``maia``)."""
    before = start > 0 and _LATIN.match(key[start]) and _LATIN.match(key[start - 1])
    after = end < len(key) and _LATIN.match(key[end - 1]) and _LATIN.match(key[end])
    return bool(before or after)


def evaluate_tags(tags: dict[str, set[str]], gold_path: Path) -> TaggingEvaluation:
    """Compare the notations tagged per record (relative IRI → notations) with the sample.

    A record of the sample that the build did not produce is an error: the
    sample would silently shrink.
    """
    with gold_path.open(encoding="utf-8", newline="") as handle:
        gold = {row["record"]: set(row["technologies"].split()) for row in csv.DictReader(handle)}
    missing = sorted(set(gold) - set(tags))
    if missing:
        raise ValueError(f"{gold_path.name}: records not in the build: {', '.join(missing)}")
    correct = wrong = missed = 0
    disagreements: dict[str, dict[str, list[str]]] = {}
    for record, expected in sorted(gold.items()):
        found = tags[record]
        correct += len(found & expected)
        wrong += len(found - expected)
        missed += len(expected - found)
        if found != expected:
            disagreements[record] = {
                "wrong": sorted(found - expected),
                "missed": sorted(expected - found),
            }
    return TaggingEvaluation(
        records=len(gold),
        tags_found=correct + wrong,
        correct=correct,
        wrong=wrong,
        missed=missed,
        precision=round(correct / (correct + wrong), 3) if correct + wrong else 0.0,
        recall=round(correct / (correct + missed), 3) if correct + missed else 0.0,
        disagreements=disagreements,
    )
