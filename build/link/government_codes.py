"""Japan's local governments (全国地方公共団体コード) and a resolver for their names.

The table is ``mappings/reference/municipalities.csv``, rebuilt by
``scripts/build-municipality-table``: the 47 prefectures, the 1741 municipalities (Tokyo's 23
special wards included) and the wards of the designated cities, one row each, with codes
retired by a reorganisation kept and dated so that old documents still resolve.

Names are compared by :func:`match_key` plus a fold of the spelling variants the official
names themselves disagree on (ヶ/ケ, 檮/梼); the source text is never rewritten. Resolution
never guesses: a name that fits several governments comes back unresolved with the
candidates, and a prefecture given as context must agree with the name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dxkg.pipeline.text import FoldedText, match_key, nfkc

#: The table, relative to the ``mappings/`` folder (see ``Paths.mappings``).
MUNICIPALITIES_FILE = "reference/municipalities.csv"

COLUMNS = ("code", "name", "kana", "kind", "prefecture_code", "parent_code", "valid_until")
PREFECTURE = "prefecture"
DESIGNATED_CITY = "designated-city"  # 政令指定都市: a city that has wards
CITY = "city"
SPECIAL_WARD = "special-ward"  # 東京都の特別区, codes 13101-13123
WARD = "ward"  # 行政区 of a designated city; not a municipality of its own
TOWN = "town"
VILLAGE = "village"
KINDS = frozenset({PREFECTURE, DESIGNATED_CITY, CITY, SPECIAL_WARD, WARD, TOWN, VILLAGE})
#: The kinds that count as municipalities (市区町村) in the official 1741.
MUNICIPAL_KINDS = frozenset({DESIGNATED_CITY, CITY, SPECIAL_WARD, TOWN, VILLAGE})

#: Why a name did not resolve.
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
NOT_IN_PREFECTURE = "not in prefecture"

_CHECK_WEIGHTS = (6, 5, 4, 3, 2)
# Official names mix ケ and ヶ (龍ケ崎市, 茅ヶ崎市) and documents write either; 檮原町 is
# also written 梼原町. NFKC folds neither.
_VARIANTS = str.maketrans({"ヶ": "ケ", "檮": "梼"})
# Characters that may stand either side of a name in running text (after NFKC).
_DELIMITERS = frozenset("・、。,.()[]{}<>:;/!?=~〜「」『』【】〔〕〈〉《》\"'")
# Words that may precede a name starting with kana (where a hiragana before it is no boundary).
_WORDS_BEFORE = ("及び", "および", "並びに", "と", "や", "の", "等", "から")
# Kanji words that may follow a name; any hiragana (a particle) may too.
_WORDS_AFTER = ("及び", "並びに", "等", "他", "以外")


def check_digit(first_five: str) -> int:
    """The JIS X 0402 check digit of a code's first five digits (weights 6,5,4,3,2)."""
    if len(first_five) != 5 or not first_five.isdigit():
        raise ValueError(f"not five digits: {first_five!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _CHECK_WEIGHTS))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    """Whether ``code`` is six digits whose last is the check digit of the first five."""
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == int(code[5])


def name_key(text: str) -> str:
    """The key names are compared by: :func:`match_key` and the ヶ/ケ, 檮/梼 fold."""
    return match_key(text).translate(_VARIANTS)


@dataclass(frozen=True)
class LocalGovernment:
    """One row of the table: a prefecture, a municipality or a designated city's ward."""

    code: str  # 6 digits, check digit included
    name: str  # full name without spaces: 札幌市中央区, 中野区, 府中市
    kana: str
    kind: str  # one of KINDS
    prefecture_code: str  # a prefecture's own code for itself
    parent_code: str | None = None  # the designated city of a ward
    valid_until: date | None = None  # last day of a retired code; None while current

    @property
    def sac_code(self) -> str:
        """The five-digit code without check digit, as e-Stat's SAC IRIs use (…/sac/C13101)."""
        return self.code[:5]

    @property
    def is_prefecture(self) -> bool:
        return self.kind == PREFECTURE

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: a government, or why there is none."""

    query: str
    government: LocalGovernment | None
    reason: str | None = None  # UNKNOWN, AMBIGUOUS or NOT_IN_PREFECTURE when unresolved
    candidates: tuple[str, ...] = ()  # codes the name could mean, when unresolved

    @property
    def resolved(self) -> bool:
        return self.government is not None


@dataclass(frozen=True)
class Mention:
    """A local-government name found in free text; ``text[start:end] == surface``."""

    surface: str
    start: int
    end: int
    resolution: Resolution


class MunicipalityTable:
    """Lookup of local governments by code and by name."""

    def __init__(self, governments: Iterable[LocalGovernment]) -> None:
        self._by_code: dict[str, LocalGovernment] = {}
        for government in governments:
            if government.code in self._by_code:
                raise ValueError(f"duplicate code {government.code}")
            if not is_valid_code(government.code):
                raise ValueError(f"{government.code} {government.name}: bad check digit")
            if government.kind not in KINDS:
                raise ValueError(f"{government.code} {government.name}: kind {government.kind!r}")
            self._by_code[government.code] = government
        # Every name is reachable bare (府中市) and prefixed by its prefecture (東京都府中市).
        self._by_key: dict[str, list[LocalGovernment]] = {}
        self._short: dict[str, LocalGovernment] = {}
        for government in self._by_code.values():
            prefecture = self._by_code.get(government.prefecture_code)
            if prefecture is None or not prefecture.is_prefecture:
                raise ValueError(f"{government.code} {government.name}: no prefecture row")
            keys = [name_key(government.name)]
            if government.is_prefecture:
                self._short[name_key(_short_name(government.name))] = government
            else:
                keys.append(name_key(prefecture.name + government.name))
            for key in keys:
                self._by_key.setdefault(key, []).append(government)
        self._longest_key = max(map(len, self._by_key))

    @classmethod
    def load(cls, path: Path | str) -> MunicipalityTable:
        """Read the table written by ``scripts/build-municipality-table``."""
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise ValueError(f"{path}: columns {reader.fieldnames}, expected {COLUMNS}")
            return cls(map(_government, reader))

    def __iter__(self) -> Iterator[LocalGovernment]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def by_code(self, code: str) -> LocalGovernment:
        """The government with this 6-digit code; KeyError if there is none."""
        return self._by_code[code]

    def prefecture_of(self, government: LocalGovernment) -> LocalGovernment:
        """The prefecture a government belongs to (a prefecture's own row for itself)."""
        return self._by_code[government.prefecture_code]

    def short_prefecture(self, name: str) -> LocalGovernment | None:
        """A prefecture named with or without its suffix (鳥取, 東京, 大阪府); else None.

        Kept apart from :meth:`resolve` because a bare 鳥取 or 山口 in a sentence may as well
        mean the city; call this only where the slot can hold nothing but a prefecture.
        """
        key = name_key(name)
        if key in self._short:
            return self._short[key]
        return next((each for each in self._by_key.get(key, ()) if each.is_prefecture), None)

    def resolve(self, name: str, prefecture: str | None = None) -> Resolution:
        """Resolve a prefecture, municipality or ward name, optionally within a prefecture.

        Accepts 鳥取県, 奈良県三宅町, 札幌市中央区, 神奈川県横浜市中区, or a bare 府中市 with
        ``prefecture`` (a name, short name or code) as context. A current government wins
        over a retired one of the same name. Unresolved results say why: UNKNOWN, AMBIGUOUS
        (with the candidates) or NOT_IN_PREFECTURE (the name exists only elsewhere).
        Raises ValueError if ``prefecture`` names no prefecture.
        """
        return self._resolve(name, name_key(name), self._context(prefecture))

    def find_mentions(self, text: str, prefecture: str | None = None) -> list[Mention]:
        """Local-government names written in free text, in order of position.

        A name counts only when delimited: at the start or after punctuation, a space, a
        particle or 及び; and ending with its own suffix (市町村区都道府県) followed by the end,
        punctuation, a particle (hiragana), 及び, 等 or 他. So 県内市町村, 観光市場 and
        京都府内 yield nothing. Names are resolved within ``prefecture``, falling back to a
        unique match nationwide; an ambiguous one is reported unresolved, never guessed. A
        suffix shared across a list of prefectures (鳥取・岡山・広島県) is expanded.
        """
        context = self._context(prefecture)
        folded = FoldedText.of(text, _fold)
        normalised, origin = folded.folded, folded.origin
        mentions: list[Mention] = []
        position = 0
        while position < len(normalised):
            end = self._name_end(normalised, position)
            if end is None:
                position += 1
                continue
            mention = self._mention(text, normalised, origin, position, end, context)
            mentions.extend(self._elided_prefectures(text, normalised, origin, mention, position))
            mentions.append(mention)
            position = end
        return mentions

    def _context(self, prefecture: str | None) -> LocalGovernment | None:
        if prefecture is None:
            return None
        government = self._by_code.get(prefecture) or self.short_prefecture(prefecture)
        if government is None or not government.is_prefecture:
            raise ValueError(f"not a prefecture: {prefecture!r}")
        return government

    def _resolve(self, query: str, key: str, context: LocalGovernment | None) -> Resolution:
        candidates = self._by_key.get(key, [])
        if not candidates:
            return Resolution(query, None, UNKNOWN)
        if context is not None:
            inside = [each for each in candidates if each.prefecture_code == context.code]
            if not inside:
                return Resolution(query, None, NOT_IN_PREFECTURE, _codes(candidates))
            candidates = inside
        candidates = [each for each in candidates if each.is_current] or candidates
        if len(candidates) == 1:
            return Resolution(query, candidates[0])
        return Resolution(query, None, AMBIGUOUS, _codes(candidates))

    def _name_end(self, normalised: str, start: int) -> int | None:
        """The end of the longest delimited name starting at ``start``, if any."""
        if not _starts_word(normalised, start):
            return None
        longest = min(self._longest_key, len(normalised) - start)
        for end in range(start + longest, start + 1, -1):
            if normalised[start:end] in self._by_key and _ends_word(normalised, end):
                return end
        return None

    def _mention(
        self,
        text: str,
        normalised: str,
        origin: tuple[int, ...],
        start: int,
        end: int,
        context: LocalGovernment | None,
    ) -> Mention:
        first, last = origin[start], origin[end - 1] + 1
        surface = text[first:last]
        key = normalised[start:end]
        resolution = self._resolve(surface, key, context)
        if resolution.reason == NOT_IN_PREFECTURE:
            # Notes name neighbours too (広島県 in a 山口県 row): accept a unique match elsewhere.
            resolution = self._resolve(surface, key, None)
        return Mention(surface, first, last, resolution)

    def _elided_prefectures(
        self, text: str, normalised: str, origin: tuple[int, ...], mention: Mention, start: int
    ) -> list[Mention]:
        """鳥取・岡山・広島県: the short forms before a prefecture that share its suffix."""
        government = mention.resolution.government
        if government is None or not government.is_prefecture:
            return []
        suffix = government.name[-1]
        found: list[Mention] = []
        while start > 0 and normalised[start - 1] == "・":
            for length in range(min(3, start - 1), 1, -1):  # 鳥取 … 鹿児島
                first = start - 1 - length
                prefecture = self._short.get(normalised[first : start - 1])
                if prefecture and prefecture.name[-1] == suffix and _starts_word(normalised, first):
                    begin, end = origin[first], origin[start - 2] + 1
                    resolution = Resolution(text[begin:end], prefecture)
                    found.insert(0, Mention(text[begin:end], begin, end, resolution))
                    start = first
                    break
            else:
                break
        return found


def _government(row: dict[str, str]) -> LocalGovernment:
    until = row["valid_until"]
    return LocalGovernment(
        code=row["code"],
        name=row["name"],
        kana=row["kana"],
        kind=row["kind"],
        prefecture_code=row["prefecture_code"],
        parent_code=row["parent_code"] or None,
        valid_until=date.fromisoformat(until) if until else None,
    )


def _short_name(prefecture: str) -> str:
    # 北海道 has no shorter form; 東京都, 大阪府, 京都府 and the 県 drop their suffix.
    return prefecture if prefecture == "北海道" else prefecture[:-1]


def _codes(governments: Iterable[LocalGovernment]) -> tuple[str, ...]:
    return tuple(sorted(government.code for government in governments))


def _fold(char: str) -> str:
    """NFKC and the variant fold of one character; unlike :func:`name_key` whitespace is
    kept, since in running text it separates names."""
    return nfkc(char).translate(_VARIANTS)


def _is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _is_kana(char: str) -> bool:
    return _is_hiragana(char) or ("\u30a1" <= char <= "\u30fa")


def _starts_word(text: str, start: int) -> bool:
    if start == 0:
        return True
    before = text[start - 1]
    if before in _DELIMITERS or before.isspace():
        return True
    # After hiragana a kanji starts a new word (県内の山口市); a kana name does not (…さぬき市).
    if _is_kana(text[start]):
        return text.endswith(_WORDS_BEFORE, 0, start)
    return _is_hiragana(before) or text.endswith(_WORDS_BEFORE, 0, start)


def _ends_word(text: str, end: int) -> bool:
    if end == len(text):
        return True
    after = text[end]
    return (
        after in _DELIMITERS
        or after.isspace()
        or _is_hiragana(after)
        or text.startswith(_WORDS_AFTER, end)
    )
