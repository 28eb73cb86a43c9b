"""Vendors and other organisations named in the case collections' サービス提供事業者等 block.

A provider or participant string is messy: the legal form comes before or after
the name (株式会社X, X株式会社), capitals are spaced out (``N T T``), a role note
follows in brackets or after 「：」, a prefix says which year's contractors these
are, a branch office is named, and one company goes by several names (NTT東日本,
東日本電信電話株式会社). Resolution happens in two steps:

* mechanically: ``organisation_key`` folds width, spacing, case, middle dots,
  legal forms and branches, so 株式会社NTTデータ, NTTデータ and ＮＴＴデータ株式会社 meet;
* by curation: ``mappings/reference/vendor-aliases.csv`` records every decision
  a reader had to make (trade names, misspellings, public bodies, look-alikes
  that are different companies), each with its reason.

Misspellings are flagged, never merged, so the graph shows what the source
printed and what it probably meant.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, get_args

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.cases.fields import PLACEHOLDERS
from dxkg.pipeline.link.records import VendorCounts
from dxkg.pipeline.records import Record
from dxkg.pipeline.text import collapse_spaced_capitals, nfkc

Role = Literal["provider", "participant"]
LegalFormPosition = Literal["prefix", "suffix", "none"]
OrganisationKind = Literal["company", "association", "public-body"]
AliasDecision = Literal["alias", "typo", "not-organisation", "public-body", "distinct"]

VENDOR_ALIASES_FILE = PROJECT_ROOT / "mappings" / "reference" / "vendor-aliases.csv"


# -- records -----------------------------------------------------------------


class OrganisationMention(Record):
    """One provider or participant string taken apart.

    ``name`` is a verbatim substring of ``text``: the organisation as written,
    legal form and branch included. ``legal_form`` is the full form
    (㈱ → 株式会社) or an English form as written (``Inc.``).
    """

    text: str
    name: str
    legal_form: str | None
    legal_form_position: LegalFormPosition
    branch: str | None
    prefix: str | None
    role_note: str | None
    and_others: bool = False


class VendorAlias(Record):
    """A row of the curated alias table: a decision a reader made, and why."""

    surface: str
    decision: AliasDecision
    canonical: str
    reason: str


class OrganisationCase(Record):
    """An organisation's part in one case, with the string and notes as written there."""

    case: str
    role: Role
    text: str
    prefix: str | None
    role_note: str | None


class OrganisationFlag(Record):
    """Something a reader should check, such as a name that is probably a misspelling."""

    kind: Literal["probable-typo"]
    of: str
    of_key: str
    reason: str


class Organisation(Record):
    """A vendor or participating body after merging, one per graph node."""

    key: str
    label: str
    alt_labels: list[str]
    kind: OrganisationKind
    cases: list[OrganisationCase]
    flags: list[OrganisationFlag]


class IgnoredMention(Record):
    """A string that names no organisation, with the reason."""

    text: str
    case: str
    role: Role
    reason: str


class SimilarPair(Record):
    """Two organisations whose keys look alike and that no row of the alias table reviews."""

    keys: tuple[str, str]
    labels: tuple[str, str]


class VendorIndex(Record):
    """Every organisation of the case collections, and what was left out."""

    organisations: list[Organisation]
    ignored: list[IgnoredMention]
    unreviewed_similar: list[SimilarPair]
    counts: VendorCounts

    def organisation_for(self, name: str) -> Organisation | None:
        """The organisation with this name as its label or one of its written forms."""
        key = organisation_key(name)
        for organisation in self.organisations:
            if key == organisation.key or name in organisation.alt_labels:
                return organisation
            if any(organisation_key(alt) == key for alt in organisation.alt_labels):
                return organisation
        return None


# -- parsing -----------------------------------------------------------------

# Longest first, so 一般社団法人 is not read as 社団法人 and the like.
_JAPANESE_FORMS = {
    "特定非営利活動法人": "特定非営利活動法人",
    "地方独立行政法人": "地方独立行政法人",
    "独立行政法人": "独立行政法人",
    "国立大学法人": "国立大学法人",
    "一般社団法人": "一般社団法人",
    "一般財団法人": "一般財団法人",
    "公益社団法人": "公益社団法人",
    "公益財団法人": "公益財団法人",
    "社会福祉法人": "社会福祉法人",
    "学校法人": "学校法人",
    "NPO法人": "特定非営利活動法人",
    "ＮＰＯ法人": "特定非営利活動法人",
    "株式会社": "株式会社",
    "有限会社": "有限会社",
    "合同会社": "合同会社",
    "合資会社": "合資会社",
    "合名会社": "合名会社",
    "㈱": "株式会社",
    "㈲": "有限会社",
    "(株)": "株式会社",
    "（株）": "株式会社",
    "(有)": "有限会社",
    "（有）": "有限会社",
    "(同)": "合同会社",
    "（同）": "合同会社",
}
_JAPANESE_FORM = re.compile("|".join(re.escape(form) for form in _JAPANESE_FORMS))
# English forms count only at the end of a name, after a space or comma: 「Co」 or
# 「Corp」 inside a word is part of the name.
_ENGLISH_FORM = re.compile(
    r"(?:(?<=\s)|(?<=,)|(?<=、))(?:Co\.,?\s*Ltd\.?|Inc\.?|Corporation|Corp\.|L\.?L\.?C\.?|"
    r"Ltd\.?|Limited|K\.K\.|GmbH)$",
    re.IGNORECASE,
)
_COMPANY_FORMS = {"株式会社", "有限会社", "合同会社", "合資会社", "合名会社"}
_ASSOCIATION_FORMS = {
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "社会福祉法人",
    "学校法人",
}
_PUBLIC_FORMS = {"独立行政法人", "地方独立行政法人", "国立大学法人"}
# Bodies with no legal form whose name says they are associations.
_ASSOCIATION_NAME = re.compile(r"(?:協議会|協会|組合|連合会|機構)$")

_PREFIX_BRACKET = re.compile(r"^\s*[【\[［]([^】\]］]+)[】\]］]\s*")
_COLON = re.compile(r"[：:]")
_PAIRS = {"）": "（", ")": "(", "】": "【", "］": "［", "]": "["}
_AND_OTHERS = re.compile(r"(?:等|など)$")
_BRANCH = re.compile(r"(?:支社|支店|営業所)$")
# Branch names are place names, two characters as a rule (関西, 福岡, 神戸); these are
# the three-character ones that would otherwise lose a character.
_LONG_PLACES = (
    "北海道",
    "神奈川",
    "和歌山",
    "鹿児島",
    "名古屋",
    "北九州",
    "横須賀",
    "宇都宮",
    "八王子",
    "東日本",
    "西日本",
)
_CJK = re.compile(r"[\u3400-\u9fff々]+$")
_FORM_ABBREVIATION = {"株", "有", "同"}


def parse_organisation(text: str) -> OrganisationMention | None:
    """Split one provider or participant string into name, legal form, branch and notes.

    ``令和5年度実施事業者：株式会社東日本計算センター`` → prefix 令和5年度実施事業者, name
    株式会社東日本計算センター; ``株式会社オプティマ（保守事業者）`` → role note 保守事業者;
    ``株式会社MAIA：…`` → role note …; ``株式会社アイネス関西支社`` → branch 関西支社.
    Returns None when the string names nothing: a bracketed role note that belongs
    to the name before it (``(スマートストアの運営)``) or a placeholder (``－（職員による内製）``).
    """
    rest = text.strip()
    prefix: str | None = None
    notes: list[str] = []

    and_others = False
    trimmed = _AND_OTHERS.sub("", rest).rstrip()
    # 「…（業務システム改修）等」: 等 ends the list, it is not part of a name.
    if trimmed != rest and (trimmed.endswith(tuple(_PAIRS)) or _form_at_end(trimmed)):
        rest, and_others = trimmed, True

    bracket = _PREFIX_BRACKET.match(rest)
    if bracket:
        prefix, rest = bracket.group(1).strip(), rest[bracket.end() :]

    rest, note = _split_trailing_note(rest)
    if note is not None:
        notes.append(note)

    colon = _COLON.search(rest)
    if colon:
        head, tail = rest[: colon.start()].strip(), rest[colon.end() :].strip()
        if _has_legal_form(tail) and not _has_legal_form(head):
            # 「令和5年度実施事業者：株式会社…」「研修提供：日本マイクロソフト株式会社」
            prefix = head if prefix is None else f"{prefix} {head}"
            rest = tail
        else:
            # 「株式会社MAIA：特定のデジタル分野に…」: a description of what the company does.
            rest = head
            notes.insert(0, tail)

    name = rest.strip()
    if not name or name in PLACEHOLDERS:
        return None

    legal_form, position = _legal_form(name)
    return OrganisationMention(
        text=text,
        name=name,
        legal_form=legal_form,
        legal_form_position=position,
        branch=_branch(name),
        prefix=prefix,
        role_note="；".join(notes) if notes else None,
        and_others=and_others,
    )


def _split_trailing_note(text: str) -> tuple[str, str | None]:
    """``X（保守事業者）`` → (X, 保守事業者); a closing bracket must be the last character."""
    text = text.rstrip()
    if not text or text[-1] not in _PAIRS:
        return text, None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in _PAIRS:
            depth += 1
        elif char in _PAIRS.values():
            depth -= 1
            if depth == 0:
                inner = text[index + 1 : -1]
                if inner.strip() in _FORM_ABBREVIATION:
                    return text, None  # X(株): a legal form, not a note
                return text[:index].rstrip(), inner.strip() or None
    return text, None


def _has_legal_form(text: str) -> bool:
    return bool(_JAPANESE_FORM.search(text) or _ENGLISH_FORM.search(text.strip()))


def _form_at_end(text: str) -> bool:
    return any(text.endswith(form) for form in _JAPANESE_FORMS) or bool(_ENGLISH_FORM.search(text))


def _legal_form(name: str) -> tuple[str | None, LegalFormPosition]:
    """The legal form of a name and where it stands; a form before a branch counts as suffix."""
    match = _JAPANESE_FORM.search(name)
    if match:
        position: LegalFormPosition = "prefix" if match.start() == 0 else "suffix"
        return _JAPANESE_FORMS[match.group(0)], position
    match = _ENGLISH_FORM.search(name)
    if match:
        return match.group(0), "suffix"
    return None, "none"


def _branch(name: str) -> str | None:
    """``株式会社日立製作所神戸支店`` → ``神戸支店``."""
    suffix = _BRANCH.search(name)
    if not suffix:
        return None
    before = name[: suffix.start()]
    run = _CJK.search(before)
    if not run:
        return None
    place = run.group(0)
    if len(place) > 2:
        place = next((p for p in _LONG_PLACES if place.endswith(p)), place[-2:])
    body = before[: -len(place)]
    if not _JAPANESE_FORM.sub("", body).strip():
        return None  # nothing left but the place: the whole name is the organisation
    return place + suffix.group(0)


# -- keys --------------------------------------------------------------------

_NFKC_FORMS = sorted({nfkc(form) for form in _JAPANESE_FORMS}, key=len, reverse=True)
_NFKC_FORM = re.compile("|".join(re.escape(form) for form in _NFKC_FORMS))
_FOLDED = re.compile(r"[\s・·]+")
_SCRIPT_GAP = re.compile(
    r"(?<=[A-Za-z0-9])\s+(?=[\u3040-\u30ff\u3400-\u9fff])"
    r"|(?<=[\u3040-\u30ff\u3400-\u9fff])\s+(?=[A-Za-z0-9])"
)


def organisation_key(name: str) -> str:
    """The mechanical comparison key of an organisation name.

    NFKC, spaced capitals collapsed, legal forms removed wherever they stand, a
    branch office removed, middle dots and whitespace removed, Latin case-folded:
    株式会社NTTデータ, NTTデータ and ＮＴＴデータ株式会社 all give ``nttデータ``.
    """
    text = collapse_spaced_capitals(nfkc(name)).strip()
    text = _ENGLISH_FORM.sub("", text).rstrip(" ,、")
    branch = _branch(text)
    if branch:
        text = text[: -len(branch)]
    text = _NFKC_FORM.sub(" ", text)
    return _FOLDED.sub("", text).casefold()


def tidy_label(name: str) -> str:
    """A name fit for a label: NFKC, spaced capitals collapsed, no space beside a legal form
    or between Latin and Japanese script.

    ``S B ペイメントサービス株式会社`` → ``SBペイメントサービス株式会社``;
    ``株式会社 北見コンピューター・ビジネス`` → ``株式会社北見コンピューター・ビジネス``.
    Spaces inside a name (``LINE WORKS``, ``アマゾン ウェブ サービス``) stay.
    """
    text = collapse_spaced_capitals(nfkc(name)).strip()
    text = re.sub(rf"\s*({_NFKC_FORM.pattern})\s*", r"\1", text)
    text = _SCRIPT_GAP.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


# -- the alias table -----------------------------------------------------------


def load_vendor_aliases(path: Path = VENDOR_ALIASES_FILE) -> list[VendorAlias]:
    """The curated table; rejects unknown decisions, missing reasons and conflicting rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [VendorAlias(**row) for row in csv.DictReader(handle)]
    seen: dict[str, VendorAlias] = {}
    canonicals: dict[str, str] = {}
    for row in rows:
        if not row.reason.strip() or not row.surface.strip():
            raise ValueError(f"alias row without surface or reason: {row}")
        if row.decision in ("alias", "typo", "distinct") and not row.canonical.strip():
            raise ValueError(f"{row.decision} row without canonical: {row}")
        if row.decision == "distinct":
            continue  # one name can be distinct from several others
        key = organisation_key(row.surface)
        if key in seen:
            raise ValueError(f"two decisions for {row.surface!r}: {seen[key]} and {row}")
        seen[key] = row
        if row.decision == "alias":
            written = canonicals.setdefault(organisation_key(row.canonical), row.canonical)
            if written != row.canonical:
                raise ValueError(f"two canonical names for one organisation: {written}, {row}")
    return rows


# -- resolution ----------------------------------------------------------------

# Text that stands for an organisation without naming one: 「A社」「B社」 (anonymised)
# and descriptions such as 「民間事業者」「県内市町村」「派遣元企業」. Names with a legal
# form never match.
_ANONYMISED = re.compile(r"^[A-ZＡ-Ｚ]社$")
_GENERIC = re.compile(r"^.{0,10}(?:事業者|企業|市町村|自治体|団体|ベンダー?)(?:等|など)?$")


def resolve_organisations(
    mentions: Iterable[tuple[str, str, str]],
    aliases: Sequence[VendorAlias] | None = None,
) -> VendorIndex:
    """Merge provider and participant strings into organisations.

    Each mention is (text as written, case key, ``provider`` or ``participant``), in
    document order: a bracketed fragment such as ``(スマートストアの運営)`` is read as
    the role note of the mention before it in the same case and role. ``aliases``
    defaults to ``mappings/reference/vendor-aliases.csv``.
    """
    aliases = load_vendor_aliases() if aliases is None else aliases
    decisions = {organisation_key(a.surface): a for a in aliases if a.decision != "distinct"}

    ignored: list[IgnoredMention] = []
    # per canonical key: the mentions, each with its mechanical key and case entry
    groups: dict[str, list[tuple[OrganisationMention, str, OrganisationCase]]] = {}
    previous: tuple[str, str, str, int] | None = None  # (case, role, key, index in group)

    for text, case, role in mentions:
        if role not in get_args(Role):
            raise ValueError(f"unknown role {role!r} for {text!r}")
        mention = parse_organisation(text)
        if mention is None:
            reason = _why_nothing(text)
            if previous and previous[:2] == (case, role) and reason.startswith("role note"):
                _, _, group_key, index = previous
                earlier, earlier_key, entry = groups[group_key][index]
                note = _split_trailing_note(text.strip())[1]
                joined = "；".join(n for n in (entry.role_note, note) if n)
                groups[group_key][index] = (
                    earlier,
                    earlier_key,
                    entry.model_copy(update={"role_note": joined or None}),
                )
                reason = f"role note of the name before it, 「{earlier.name}」"
            ignored.append(IgnoredMention(text=text, case=case, role=role, reason=reason))
            continue

        key = organisation_key(mention.name)
        decision = decisions.get(key)
        reason = _why_not_organisation(mention, decision)
        if reason:
            ignored.append(IgnoredMention(text=text, case=case, role=role, reason=reason))
            previous = None
            continue
        canonical_key = (
            organisation_key(decision.canonical)
            if decision and decision.decision == "alias"
            else key
        )
        entry = OrganisationCase(
            case=case, role=role, text=text, prefix=mention.prefix, role_note=mention.role_note
        )
        group = groups.setdefault(canonical_key, [])
        group.append((mention, key, entry))
        previous = (case, role, canonical_key, len(group) - 1)

    organisations = [
        _organisation(group_key, members, decisions) for group_key, members in groups.items()
    ]
    organisations.sort(key=lambda organisation: organisation.key)

    surface_forms = {mention.name for members in groups.values() for mention, _, _ in members}
    mechanical_keys = {key for members in groups.values() for _, key, _ in members}
    counts = VendorCounts(
        mentions=sum(len(members) for members in groups.values()) + len(ignored),
        ignored=len(ignored),
        surface_forms=len(surface_forms),
        mechanical_keys=len(mechanical_keys),
        organisations=len(organisations),
        mechanical_merges=len(surface_forms) - len(mechanical_keys),
        curated_merges=len(mechanical_keys) - len(organisations),
        typos_flagged=sum(len(organisation.flags) for organisation in organisations),
    )
    return VendorIndex(
        organisations=organisations,
        ignored=ignored,
        unreviewed_similar=_unreviewed_similar(organisations, aliases),
        counts=counts,
    )


def _why_nothing(text: str) -> str:
    """Why parse_organisation found no name in a string."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    if stripped[:1] in PLACEHOLDERS:
        note = _split_trailing_note(stripped)[1]
        return "placeholder: the field names no organisation" + (f" ({note})" if note else "")
    return "role note without a name"


def _why_not_organisation(mention: OrganisationMention, decision: VendorAlias | None) -> str | None:
    if decision and decision.decision == "not-organisation":
        return decision.reason
    if mention.legal_form is None:
        if _ANONYMISED.match(mention.name):
            return "anonymised: the source does not name the company"
        if _GENERIC.match(mention.name):
            return "generic description, not a name"
    return None


def _organisation(
    key: str,
    members: list[tuple[OrganisationMention, str, OrganisationCase]],
    decisions: dict[str, VendorAlias],
) -> Organisation:
    member_keys = dict.fromkeys(member_key for _, member_key, _ in members)
    rows = [decisions[member_key] for member_key in member_keys if member_key in decisions]
    # The loader makes sure every alias row of one organisation names the same canonical.
    canonical = [row.canonical for row in rows if row.decision == "alias"]
    label = canonical[0] if canonical else _best_surface_label([m for m, _, _ in members])
    flags = sorted(
        {
            OrganisationFlag(
                kind="probable-typo",
                of=row.canonical,
                of_key=organisation_key(row.canonical),
                reason=row.reason,
            )
            for row in rows
            if row.decision == "typo"
        },
        key=lambda flag: flag.of,
    )
    alt_labels = list(dict.fromkeys(mention.name for mention, _, _ in members))
    return Organisation(
        key=key,
        label=label,
        alt_labels=alt_labels,
        kind=_kind(label, [mention for mention, _, _ in members], rows),
        cases=[entry for _, _, entry in members],
        flags=flags,
    )


def _best_surface_label(mentions: list[OrganisationMention]) -> str:
    """The legal name when some mention writes one (most frequent, then longest), else
    the longest name as written; a branch office is dropped either way."""
    names = [
        tidy_label(mention.name[: -len(mention.branch)] if mention.branch else mention.name)
        for mention in mentions
    ]
    legal = [name for name, mention in zip(names, mentions) if mention.legal_form]
    pool = Counter(legal or names)
    return max(pool, key=lambda name: (pool[name], len(name), [-ord(c) for c in name]))


def _kind(
    label: str, mentions: list[OrganisationMention], rows: list[VendorAlias]
) -> OrganisationKind:
    if any(row.decision == "public-body" for row in rows):
        return "public-body"
    forms = [_legal_form(label)[0]] + [mention.legal_form for mention in mentions]
    for form in forms:
        if form in _PUBLIC_FORMS:
            return "public-body"
        if form in _ASSOCIATION_FORMS:
            return "association"
        if form in _COMPANY_FORMS or (form and _ENGLISH_FORM.search(" " + form)):
            return "company"
    if _ASSOCIATION_NAME.search(tidy_label(label)):
        return "association"
    # No legal form: in these fields that is a company written by its trade name
    # (NTTデータ, DJI, Fracta); public bodies are listed in the alias table.
    return "company"


# -- look-alikes -------------------------------------------------------------------


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def similar_keys(a: str, b: str) -> bool:
    """Whether two organisation keys look alike enough that a reader should compare them.

    One contains the other (富士電機 / 富士電機ITソリューション); they differ in one
    character (東日本電信電話 / 西日本電信電話); or they share their first half and differ
    in at most two characters (トヨコム / トヨクモ). Two characters anywhere would pair
    too many short unrelated names (エフコム / ビジコム).
    """
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < 3:
        return False
    if shorter in longer:
        return True
    distance = _edit_distance(a, b)
    if distance <= 1:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return distance == 2 and len(shorter) >= 4 and 2 * shared >= len(shorter)


def _unreviewed_similar(
    organisations: list[Organisation], aliases: Sequence[VendorAlias]
) -> list[SimilarPair]:
    """Look-alike pairs of organisations that no typo or distinct row decides on."""
    merged = {
        organisation_key(row.surface): organisation_key(row.canonical)
        for row in aliases
        if row.decision == "alias"
    }

    def resolved(name: str) -> str:
        key = organisation_key(name)
        return merged.get(key, key)

    reviewed = {
        frozenset((resolved(row.surface), resolved(row.canonical)))
        for row in aliases
        if row.decision in ("typo", "distinct")
    }
    pairs = []
    for i, first in enumerate(organisations):
        for second in organisations[i + 1 :]:
            if frozenset((first.key, second.key)) in reviewed:
                continue
            if similar_keys(first.key, second.key):
                pairs.append(
                    SimilarPair(keys=(first.key, second.key), labels=(first.label, second.label))
                )
    return pairs
