"""What changed between two editions of a case, as data: one change node per changed value.

For each matched pair (``EditionMatching.links``) the later and the earlier ``CaseNode`` are
compared field by field on what was printed, never on IRIs (each edition has its own case,
part and category IRIs):

* texts by their comparison key (:func:`~dxkg.pipeline.text.match_key`: NFKC, spaced capitals
  collapsed, every whitespace removed), so a PDF hard-wrap or a full-width letter is no change;
* the category by its concept's label; costs by their printed value and the yen parsed from it;
  organisations by the names printed.

The two editions' documents were read by different extractors, which draw a section's edge
differently: the 第2.0版 reader keeps a figure's text in the overview and reads Point bullets
printed below the 事業効果 heading as effects, the 第4.0版 reader does neither. So a prose field
(Point, overview, effects) changed only if some of the text it gains or loses (each differing
run of its key, :data:`SHINGLE` characters or more) is not printed anywhere in the other
edition's case, or a shorter run differs: text one edition's reader put in another field, or
left out, is no change.

A field is a list of items (one for a single text such as the overview, one per cost, milestone,
provider...). An item has a key (what is compared), a slot (which items are "the same item":
a cost's kind, an interview's question, the field itself for a single text), the value as
printed and the line it is printed on. Items whose keys are on both sides are unchanged; of
the others, an earlier and a later item in the same slot are one *modified* value, the rest are
*removed* (only the earlier edition prints it) or *added* (only the later one does).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from rdflib.namespace import RDFS

from dxkg.namespaces import vocabulary
from dxkg.pipeline import iris
from dxkg.pipeline.link.records import (
    CaseNode,
    EditionChangeNode,
    EditionMatching,
    LinkedCases,
)
from dxkg.pipeline.text import FoldedText, match_key, nfkc

ChangeKind = Literal["added", "removed", "modified"]

#: Glyphs the PDF conversion of 001 and 004 printed for katakana (「デジタルデバйд」), and
#: quotation marks, which the editions print facing either way (“見て、触って”), and 「・」,
#: which marks list items (on their own lines or run together in a table cell) as often as
#: it separates words.
LOOKALIKES = str.maketrans(
    {"й": "イ", "д": "ド", "“": '"', "”": '"', "‘": "'", "’": "'", "・": None}
)
#: The heading some names of a list are printed after (「令和５年度実施事業者：」).
NAME_HEADING = re.compile(r"^.*[：:]")
HTML_TAG = re.compile(r"<[^>]*>")
#: A list marker at the start of a line: the editions mark the same list with 「○」, 「➤」
#: or a Markdown 「-」 (a note's 「※」 is text).
BULLET = re.compile(r"^[ \t\u3000]*(?:[○●◯■□◆◇➤•\uf0d8\uf06e]|-(?= ))", re.MULTILINE)
#: The length of the runs a moved text is recognised by in the other edition's case.
SHINGLE = 8
#: The share of a differing run that must be printed in the other edition's case.
COVERED = 0.9

DXKG = vocabulary()
#: How much of a value's comparison key is looked for in the case's excerpt to find its line,
#: longest first (a page break inside the first characters hides the longer one).
NEEDLES = (24, 8)
KIND_LABELS: dict[ChangeKind, tuple[str, str]] = {
    "added": ("追加", "added"),
    "removed": ("削除", "removed"),
    "modified": ("変更", "modified"),
}


@dataclass(frozen=True)
class Item:
    """One printed value of a field: what is compared, its slot, the value and its line."""

    slot: str | None
    key: str
    printed: str
    line: int | None


@dataclass(frozen=True)
class Change:
    """An earlier item, a later item or both (then modified) of one field."""

    kind: ChangeKind
    old: Item | None
    new: Item | None


def compare_key(text: str) -> str:
    """What a printed value is compared by: :func:`match_key` of the text without HTML tags
    (left in a few cells by the PDF conversion), list markers and lookalike glyphs."""
    return match_key(_cleaned(text))


def _cleaned(text: str) -> str:
    """The text in NFKC without HTML tags, list markers and lookalike glyphs; its lines kept
    (a line number counted in it is the source's)."""
    return BULLET.sub("", HTML_TAG.sub(" ", nfkc(text))).translate(LOOKALIKES)


class PrintedCase:
    """A case with its excerpt folded once: where each value is printed, and whether a text
    is printed anywhere in the case."""

    def __init__(self, case: CaseNode, categories: dict[str, str]) -> None:
        self.case = case
        self.categories = categories
        self._excerpt = FoldedText.of(_cleaned(case.derived_from.text), match_key)
        folded = self._excerpt.folded
        self._shingles = {folded[i : i + SHINGLE] for i in range(len(folded) - SHINGLE + 1)}

    def prints(self, key: str) -> bool:
        """Whether a run of :data:`SHINGLE` or more key characters is printed in the case
        (most of it, in runs of :data:`SHINGLE`, in any order: a figure's cells may be read
        in another order)."""
        if len(key) < SHINGLE:
            return False
        covered = [False] * len(key)
        for i in range(len(key) - SHINGLE + 1):
            if key[i : i + SHINGLE] in self._shingles:
                covered[i : i + SHINGLE] = [True] * SHINGLE
        return sum(covered) >= COVERED * len(key)

    def line_of(self, text: str | None) -> int | None:
        """The line of the case's document on which ``text`` starts (by comparison key)."""
        key = compare_key(text or "")
        for length in NEEDLES:
            at = self._excerpt.folded.find(key[:length]) if key else -1
            if at >= 0:
                start = self._excerpt.origin[at]
                return self.case.derived_from.first_line + self._excerpt.text.count("\n", 0, start)
        return None

    def text(self, slot: str, text: str | None) -> list[Item]:
        """A single printed text as one item (none when the edition prints none)."""
        if text is None or not compare_key(text):
            return []
        return [Item(slot, compare_key(text), text, self.line_of(text))]

    def prose(self, slot: str, text: str | None) -> list[Item]:
        """A prose field as one item, compared without the figure captions after its list
        (:meth:`without_captions`)."""
        compared = self.without_captions(text or "")
        if text is None or not compare_key(compared):
            return []
        return [Item(slot, compare_key(compared), text, self.line_of(text))]

    def without_captions(self, text: str) -> str:
        """A field's list items (with their wrapped lines), where it has a list: the
        第2.0版 reader also keeps the captions, sub-headings and cells of the figures printed
        among them (「【推進体制の全体像】」, 「出典：…」), which the 第4.0版 reader leaves
        out. A block that follows a blank line of the source and opens with no list marker is
        such a figure's; a wrapped item's next line follows no blank line. A text without a
        list is whole."""
        lines = text.split("\n")
        numbers = [self.line_of(line) for line in lines]
        kept: list[str] = []
        keeping = False
        for line, number in zip(lines, numbers, strict=True):
            if number and BULLET.match(self._source(number)):
                keeping = True
            elif number and not self._source(number - 1).strip():
                keeping = False
            if keeping:
                kept.append(line)
        return "\n".join(kept) if kept else text

    def _source(self, number: int) -> str:
        """Line ``number`` of the case's document, as printed ('' outside the excerpt)."""
        lines = self.case.derived_from.text.split("\n")
        index = number - self.case.derived_from.first_line
        return nfkc(lines[index]) if 0 <= index < len(lines) else ""

    def names(self, names: Iterable[str]) -> list[Item]:
        """Names printed in a list (providers, services...), each its own item, in the slot
        of the name after its heading (「令和５年度実施事業者：」), if it has one."""
        return [
            Item(
                compare_key(NAME_HEADING.sub("", name)), compare_key(name), name, self.line_of(name)
            )
            for name in names
        ]


@dataclass(frozen=True)
class FieldSpec:
    """A compared field: the property it is printed as, its labels, its items, whether a
    case whose running titles only are in the corpus (``titles-only``) prints it, and whether
    it is prose (whose edges the two extractors draw differently)."""

    prop: str
    label_ja: str
    label_en: str
    items: Callable[[PrintedCase], list[Item]]
    in_titles: bool = False
    prose: bool = False


def _title(printed: PrintedCase) -> list[Item]:
    return printed.text("title", printed.case.label)


def _category(printed: PrintedCase) -> list[Item]:
    label = printed.categories.get(printed.case.category or "")
    return [Item("category", compare_key(label), label, printed.line_of(label))] if label else []


def _organisation(printed: PrintedCase) -> list[Item]:
    case = printed.case
    return [
        *printed.text("organisation", case.organisation_text),
        *printed.text("municipality", case.municipality_name),
    ]


def _point(printed: PrintedCase) -> list[Item]:
    points = printed.case.point
    return printed.text("point", "\n".join(points)) if points else []


def _costs(printed: PrintedCase) -> list[Item]:
    return [
        Item(
            cost.cost_kind.rsplit("/", 1)[1],
            f"{compare_key(cost.raw_text)}|{cost.value}",
            cost.label,
            cost.source_line,
        )
        for cost in printed.case.costs
    ]


def _milestones(printed: PrintedCase) -> list[Item]:
    """Milestones, each in the slot of what happened (a step moved to another date is the
    same step modified)."""
    return [
        Item(
            compare_key(milestone.label.removeprefix(milestone.date_text)),
            compare_key(milestone.label),
            milestone.label,
            milestone.source_line,
        )
        for milestone in printed.case.milestones
    ]


def _population(printed: PrintedCase) -> list[Item]:
    figure = printed.case.population
    if figure is None:
        return []
    return [Item("population", compare_key(figure.label), figure.label, figure.source_line)]


def _contacts(printed: PrintedCase) -> list[Item]:
    items = []
    for contact in printed.case.contacts:
        text = " ".join(v for v in (contact.label, contact.phone_text, contact.email_text) if v)
        items.append(Item(compare_key(contact.label), compare_key(text), text, contact.source_line))
    return items


def _interview(printed: PrintedCase) -> list[Item]:
    return [
        Item(
            compare_key(answer.question),
            compare_key(answer.answer),
            f"{answer.question}\n{answer.answer}",
            answer.first_line,
        )
        for answer in printed.case.interview
    ]


FIELDS = (
    FieldSpec(str(RDFS.label), "事例名", "title", _title, in_titles=True),
    FieldSpec(DXKG.caseCategory, "事例の分類", "category", _category),
    FieldSpec(DXKG.organisationText, "団体名", "organisation", _organisation, in_titles=True),
    FieldSpec(DXKG.point, "ポイント", "Point", _point, prose=True),
    FieldSpec(
        DXKG.overview,
        "事業の概要",
        "overview",
        lambda p: p.prose("overview", p.case.overview),
        prose=True,
    ),
    FieldSpec(
        DXKG.effects,
        "事業効果",
        "effects",
        lambda p: p.prose("effects", p.case.effects),
        prose=True,
    ),
    FieldSpec(DXKG.cost, "コスト", "cost", _costs),
    FieldSpec(
        DXKG.timeToLaunchText,
        "導入までの期間",
        "time to launch",
        lambda p: p.text("duration", p.case.duration_text),
    ),
    FieldSpec(DXKG.milestone, "スケジュール", "milestone", _milestones),
    FieldSpec(
        DXKG.providerName,
        "サービス提供事業者",
        "provider",
        lambda p: p.names(p.case.provider_names),
    ),
    FieldSpec(
        DXKG.participantName,
        "参加団体・事業者",
        "participant",
        lambda p: p.names(p.case.participant_names),
    ),
    FieldSpec(
        DXKG.service, "サービス名", "service", lambda p: p.names(s.label for s in p.case.services)
    ),
    FieldSpec(DXKG.populationFigure, "人口", "population", _population),
    FieldSpec(DXKG.contact, "担当部署・連絡先", "contact", _contacts),
    FieldSpec(DXKG.interviewAnswer, "インタビュー", "interview", _interview),
)


def compare_items(old: list[Item], new: list[Item]) -> list[Change]:
    """The changes from ``old`` to ``new``: see the module docstring."""
    common = Counter(item.key for item in old) & Counter(item.key for item in new)
    removed = _without(old, common)
    added = _without(new, common)
    changes: list[Change] = []
    for item in removed:
        partner = next((a for a in added if item.slot is not None and a.slot == item.slot), None)
        if partner is None:
            changes.append(Change("removed", item, None))
        else:
            added.remove(partner)
            changes.append(Change("modified", item, partner))
    return changes + [Change("added", None, item) for item in added]


def _without(items: list[Item], common: Counter[str]) -> list[Item]:
    """``items`` less one occurrence per key counted in ``common``."""
    left = Counter(common)
    kept = []
    for item in items:
        if left[item.key] > 0:
            left[item.key] -= 1
        else:
            kept.append(item)
    return kept


def case_changes(later: PrintedCase, earlier: PrintedCase) -> list[EditionChangeNode]:
    """Every change from ``earlier`` to ``later``, numbered in field order; of a case with
    only its running titles in the corpus, only what the titles print is compared."""
    full = later.case.coverage == earlier.case.coverage == "full"
    found = [
        (spec, change)
        for spec in FIELDS
        if full or spec.in_titles
        for change in compare_items(spec.items(earlier), spec.items(later))
        if not (spec.prose and _moved(change, later, earlier))
    ]
    return [
        _node(later.case.id, earlier.case.id, number, spec, change)
        for number, (spec, change) in enumerate(found, start=1)
    ]


def _moved(change: Change, later: PrintedCase, earlier: PrintedCase) -> bool:
    """Whether every run of text the change gains is printed in the earlier case and every
    run it loses is printed in the later one (then only the field's edge moved)."""
    old = change.old.key if change.old else ""
    new = change.new.key if change.new else ""
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1 and not later.prints(old[i1:i2]):
            return False
        if j2 > j1 and not earlier.prints(new[j1:j2]):
            return False
    return True


def _node(
    later: str, earlier: str, number: int, spec: FieldSpec, change: Change
) -> EditionChangeNode:
    kind_ja, kind_en = KIND_LABELS[change.kind]
    return EditionChangeNode(
        id=f"{later}/change/{number}",
        label=f"{spec.label_ja}の{kind_ja}",
        label_en=f"{spec.label_en} {kind_en}",
        later_report=later,
        earlier_report=earlier,
        changed_field=str(spec.prop),
        change_kind=change.kind,
        old_value=change.old.printed if change.old else None,
        new_value=change.new.printed if change.new else None,
        old_line=change.old.line if change.old else None,
        new_line=change.new.line if change.new else None,
    )


def edition_changes(cases: LinkedCases, matching: EditionMatching) -> list[EditionChangeNode]:
    """The change nodes of every matched pair of case editions."""
    categories = {concept.id: concept.label for concept in cases.categories}
    by_id = {case.id: case for case in cases.cases}
    nodes: list[EditionChangeNode] = []
    for link in matching.links:
        later = PrintedCase(by_id[iris.case(link.later)], categories)
        earlier = PrintedCase(by_id[iris.case(link.earlier)], categories)
        nodes += case_changes(later, earlier)
    return nodes
