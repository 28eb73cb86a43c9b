"""Who takes part in a shared system, as the survey's table-② notes (備考) say.

Each row of table ② is a system one prefecture reports; its free-text note says, in many
shapes, who shares it: 「県及び県内全27市町村」, 「県内2市(山口市・長門市)」,
「京都市を除く京都府内25市町村」, 「(導入市町村数：2 / 4 5)」. This module turns a note
into a typed :class:`Participation` with every name **as written** (abbreviations such as
「鳥取・岡山県」 expanded); resolving names to codes is the job of ``municipalities``.

How a note is read:

1. Each character is NFKC-folded on its own, keeping a map back to the original, so regexes
   see ``:`` and ``(`` while ``count_text`` is still quoted verbatim.
2. The note is cut into segments (at 。, 「ただし」, 「…ており、」, 「…が、」, and before labels
   and turns such as 「今後」「さらなる」「理由：」「追加共同利用者：」). A segment about the future
   or a possibility (「今後、…参加する可能性」「…への拡充は可能」「…と連携予定」) is
   *prospective*; one that denies participation (「一部事務組合等の参加は想定していない」) is
   *negated*; the rest is *current*. Names, bodies and counts come from current text only;
   prospective segments yield ``prospective_parties`` and nothing else.
3. Rules, each a named regex, read the current text; see the field docs of Participation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple, Protocol

from dxkg.pipeline.records import Record
from dxkg.pipeline.text import FoldedText, match_key

Scope = Literal["all", "some", "except", "counted", "unspecified"]


class Participation(Record):
    """What a table-② note says about who shares the system (names verbatim, not resolved).

    ``scope`` is what the note says of the municipalities of the reporting prefecture:

    - ``all``: 「県内全市町村」「全市町村加入済」「県内全ての市町」「全29市町」;
    - ``some``: 「希望市町村」「一部の市町村」, 未利用/未導入 bodies remain, a count smaller than
      a stated total (16 of 20), or municipalities named one by one;
    - ``except``: all but some named ones (「京都市を除く」; see ``excluded``);
    - ``counted``: a bare count (「県内25自治体」「52団体」) — whether that is all can only be
      decided against a list of the prefecture's municipalities, which this module has not;
    - ``unspecified``: municipalities take part, the note does not say which
      (「県および市町で導入済」「県内市町村と共同利用中」);
    - ``None``: the note says nothing about participants (a reason, a plan to extend).

    The count fields describe the first count in the current text. ``count_unit`` is the
    unit as written (市町村, 市町, 市, 自治体, 団体, 県). ``count_includes_reporter`` says
    whether that number counts the reporting prefecture: False when it counts municipalities
    only (「県内20市町」「導入市町村数」「市町 28団体」), True when it counts prefectures and the
    reporter is named among them (「鳥取・岡山・広島県の3県」), None when the text leaves it open
    (「県内25自治体」, 「愛知県、市町村 54団体」).
    """

    includes_reporter: bool | None
    """True when the reporting prefecture itself takes part (「県及び…」, named, 「…と共同利用」)."""
    named_governments: list[str]
    """Prefectures and municipalities named as participants, in order, expanded, deduplicated."""
    excluded: list[str]
    """Governments a 「…を除く」 leaves out (京都市), as written."""
    other_bodies: list[str]
    """Other current participants named by name or kind (香川県広域水道企業団, 一部事務組合)."""
    prospective_parties: list[str]
    """Parties named only as possible or future additions (他県, 国, 地方自治体)."""
    scope: Scope | None
    participant_count: int | None
    of_total: int | None
    count_unit: str | None
    count_includes_reporter: bool | None
    count_text: str | None
    """The verbatim phrase the count was read from."""
    planned: bool
    """True when the participation described is a plan (「…から共同利用を開始予定」)."""
    availability_only: bool
    """True when the note only says the participants *can* use the system (「利用できる環境」)."""


NO_PARTICIPATION = Participation(
    includes_reporter=None,
    named_governments=[],
    excluded=[],
    other_bodies=[],
    prospective_parties=[],
    scope=None,
    participant_count=None,
    of_total=None,
    count_unit=None,
    count_includes_reporter=None,
    count_text=None,
    planned=False,
    availability_only=False,
)

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip
_KEN_STEMS = "|".join(name[:-1] for name in PREFECTURES if name.endswith("県"))
_PREFECTURE_NAMES = "|".join(PREFECTURES)
_MUNICIPAL_UNITS = frozenset({"市町村", "市町", "町村", "市"})

# -- Segmenting -----------------------------------------------------------------------------

# Where a note turns from one statement to the next. 「…ており、」 and 「…が、」 join a
# current statement to a reason or a plan (「全市町村で共同利用しているが、希望があれば…」).
_SEGMENT_BREAK = re.compile(
    r"。|ただし|(?<=ており)、|(?<=が)、|(?:^|\s)・"
    r"|(?=今後|さらなる|更なる|将来的|理由:|追加共同利用者|現共同利用者|現在:)"
)
_ASIDE = re.compile(r"\(([^()]*)\)")
# A council's membership is not the system's users: 「協議会(鳥取県及び県内19市町村で構成)」.
_COMPOSITION = re.compile(r"で構成")
_PROSPECTIVE = re.compile(
    r"今後|可能性|検討|さらなる|更なる|将来的|追加共同利用者|追加(?:は|が)?可能|拡充"
    r"|連携|できれば|も(?:共同)?利用可能|も可能|参画が可能|新たに"
)
_NEGATED = re.compile(r"想定していない|考えていない|予定(?:は|が)?ない|予定なし|利用は不可")
_MASK = "。"  # masked text reads as empty sentences, so it also ends any name or list

# -- Names ----------------------------------------------------------------------------------

_NAME_END = r"(?=[、,・)\s。:]|及び|および|と|で|の\d|が|を除く|$)"
# 「鳥取・岡山・広島県の3県」: stems joined by ・ share the final 県.
_STEM_LIST = rf"(?:(?:{_KEN_STEMS})・)+(?:{_KEN_STEMS})"
_ABBREVIATED_PREFECTURES = re.compile(rf"(?P<stems>{_STEM_LIST})県")
# A full name only where it stands alone: not 「京都府内」「奈良県下」「香川県広域水道企業団」,
# and not as a subject 「長崎県が独自開発した」 (the developer, not a participant).
_PREFECTURE = re.compile(
    rf"(?P<name>{_PREFECTURE_NAMES})(?=[、,・)\s。:]|及び|および|と|で|の\d|$)"
)
_BOUNDARY_BEFORE = r"(?:^|(?<=[、,・(:\s。])|(?<=及び)|(?<=および))"
_MUNICIPALITY = re.compile(
    rf"{_BOUNDARY_BEFORE}(?P<name>[一-龥々ぁ-んァ-ヶー]{{1,6}}?[市町村]){_NAME_END}"
)
# Words that end in 市/町/村 but name a kind of place, not a place.
_GENERIC_PLACE = re.compile(
    r"市町|町村|^[県府都道](?:内|下)|^全|^各|政令|中核|都市|^一部|^希望|^未"
)
# Kinds of city a 「…を除く」 may leave out: not names.
_PLACE_KIND = re.compile(r"(?:政令|中核|特例|指定)")
# The list before 「を除く」; は and ・ cannot be in it (「本システムは政令市及び中核市を除く」).
_EXCEPT = re.compile(r"(?:^|(?<=[、。:\s(])|(?<=は))(?P<list>[^、。\s:・は]+?)を除く")
_LIST_SEPARATOR = re.compile(r"及び|および|・|、")

_BODY = re.compile(
    rf"{_BOUNDARY_BEFORE}[一-龥ァ-ヶー]+?(?:企業団|管理組合|連合会)"
    r"|一部事務組合|広域連合|森林組合|林業事業者|防災関係機関|移住コーディネーター"
    r"|サポートセンター|教育委員会|(?:県内)?(?:公立)?小中学校|近隣県"
    r"|他都道府県|他道府県|他県|県外の自治体|地方自治体"
    # 国 alone, not inside 全国 or 国土: 「国(防災科学技術研究所)」「国のSIP4D」「国及び…」
    r"|(?:^|(?<=[、。:\s(])|(?<=に)|(?<=は))国(?=[(及のと、]|$)"
)

# The reporter written as a bare 「県」: 「県及び…」「県、県内20市町」「…16団体と県が」.
_BARE_REPORTER = re.compile(
    r"(?:^|(?<=[、,:\s・(])|(?<=及び)|(?<=および)|(?<=と))[県府都道]"
    r"(?=及び|および|と|、|,|・|が|で|\s|$)"
)
# 「県内全市町村と共同利用中」: the reporter shares the system with them.
_WITH_REPORTER = re.compile(r"と共同(?:利用|運用|運営|配信|調達)|と共同で")

# -- Counts ---------------------------------------------------------------------------------

_DIGITS = r"\d(?: ?\d)*"  # the PDF spaces out digits: 「2 1 / 4 5」 is 21 of 45
_FRACTION = re.compile(rf"(?P<counted>[一-龥]*)数:\s*(?P<n>{_DIGITS})\s*/\s*(?P<total>{_DIGITS})")
_OF_TOTAL = re.compile(
    r"(?:県内)?(?:市町村|市町)?(?P<total>\d+)(?P<unit>団体|市町村|市町)"
    r"のうち(?P<n>\d+)(?:団体|市町村|市町)"
)
# 「愛知県、市町村 54団体」: a list, one space, then the count of the whole list.
_LISTED_COUNT = re.compile(
    r"(?P<subject>(?:[^\s、。()]+、)*[^\s、。()]+) (?P<n>\d+)(?P<unit>団体|自治体)"
)
_ALL_COUNT = re.compile(r"(?:[都道府県]内)?全市町村\((?P<n>\d+)(?P<unit>市町村)\)")
_COUNT = re.compile(
    rf"(?:[一-龥]{{0,3}}?[都道府県]内の?|県下|{_STEM_LIST}県の)?全?(?P<n>\d+)"
    r"(?P<unit>市町村|市町|町村|市|県|自治体|団体)"
)

# -- Scope and manner -----------------------------------------------------------------------

_ALL = re.compile(r"全(?:ての)?\d*区?市町村?")
# Read over the whole note: 「今後、未利用市町村が参加する可能性」 says some do not take part now.
_SOME = re.compile(r"希望(?:する)?(?:県内)?市町村|一部の市町村|未利用|未導入|契約していない")
_MUNICIPALITIES_MENTIONED = re.compile(r"市町|町村|自治体")
_PARTICIPATION_CUE = re.compile(r"利用|運用|運営|参加|加入|導入|実証|共同|向け|現在:")
_PLANNED = re.compile(r"(?:開始|導入|参加|利用)を?予定")
_AVAILABLE = re.compile(r"利用できる|利用環境|利用可能")
# Any of these means the note says the participants do use it (or will: 予定).
_IN_USE = re.compile(
    r"共同利用(?:中|し|済|を行|者|団体)|共同運用|共同運営|で運営|利用中|利用して|利用する"
    r"|利用者[はが:]|参加|加入済|導入済|導入して|予定|共同配信|共同事業者|実証"
)


class _Note:
    """A note folded to NFKC character by character, with its current and prospective text.

    The masked texts keep every position of the folded text, so a match in either can be
    quoted from the original note.
    """

    def __init__(self, note: str) -> None:
        self.text = FoldedText.of(note)
        self.folded = self.text.folded
        self.current, self.prospective = _split_by_tense(self.folded)

    def verbatim(self, start: int, end: int) -> str:
        """The original text behind folded positions ``start:end``."""
        return self.text.verbatim(start, end)


def _split_by_tense(folded: str) -> tuple[str, str]:
    """(current, prospective) copies of the folded note, other parts masked."""
    current = list(folded)
    prospective = [_MASK] * len(folded)
    # Asides first, so that 「…に限る(令和2年度に国のSIP4Dと連携予定)」 keeps its current part.
    for aside in _ASIDE.finditer(folded):
        inner = aside.group(1)
        if _COMPOSITION.search(inner):
            folded = folded[: aside.start()] + _MASK * len(aside.group(0)) + folded[aside.end() :]
            current[aside.start() : aside.end()] = _MASK * len(aside.group(0))
        elif _PROSPECTIVE.search(inner):
            current[aside.start() : aside.end()] = _MASK * len(aside.group(0))
            prospective[aside.start(1) : aside.end(1)] = inner
    start = 0
    for cut in [*_SEGMENT_BREAK.finditer(folded), None]:
        end = cut.start() if cut else len(folded)
        segment = "".join(current[start:end])
        if _NEGATED.search(segment):
            current[start:end] = _MASK * (end - start)
        elif _PROSPECTIVE.search(segment):
            prospective[start:end] = folded[start:end]
            current[start:end] = _MASK * (end - start)
        start = cut.end() if cut else start
    return "".join(current), "".join(prospective)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _named_governments(text: str) -> list[str]:
    """Prefectures and municipalities named in ``text``, in order, abbreviations expanded."""
    found: list[tuple[int, int, str]] = []  # (position, order within an expansion, name)
    covered: set[int] = set()
    for match in _ABBREVIATED_PREFECTURES.finditer(text):
        stems = match.group("stems").split("・")
        found += [(match.start(), order, stem + "県") for order, stem in enumerate(stems)]
        covered.update(range(match.start(), match.end()))
    for match in _PREFECTURE.finditer(text):
        if match.start() not in covered:
            found.append((match.start(), 0, match.group("name")))
    for match in _MUNICIPALITY.finditer(text):
        name = match.group("name")
        if match.start() not in covered and not _GENERIC_PLACE.search(name):
            found.append((match.start(), 0, name))
    return _unique(name for _, _, name in sorted(found))


def _excluded(text: str) -> list[str]:
    """The governments 「…を除く」 leaves out; a prefecture in that list is a participant.

    「京都府及び京都市を除く京都府内25市町村」 reads as 京都府 plus the 25 other municipalities.
    Kinds of place (政令市, 中核市, 島しょ地域) are no names to resolve; the note keeps them.
    """
    excluded: list[str] = []
    for match in _EXCEPT.finditer(text):
        items = [item for item in _LIST_SEPARATOR.split(match.group("list")) if item]
        excluded += [
            item
            for item in items
            if item not in PREFECTURES and item[-1] in "市区町村" and not _PLACE_KIND.match(item)
        ]
    return _unique(excluded)


def _bodies(text: str) -> list[str]:
    return _unique(match.group(0) for match in _BODY.finditer(text))


class _Count(NamedTuple):
    start: int
    end: int
    number: int
    total: int | None
    unit: str
    includes_reporter: bool | None


def _first_count(text: str, named: list[str], reporter: str) -> _Count | None:
    """The earliest count in ``text`` (the longest if two start together)."""
    counts: list[_Count] = []

    def add(
        match: re.Match[str],
        number: int,
        total: int | None,
        unit: str,
        counts_reporter: bool | None,
    ) -> None:
        counts.append(_Count(match.start(), match.end(), number, total, unit, counts_reporter))

    for match in _FRACTION.finditer(text):
        # 「導入市町村数：2 / 4 5」 counts municipalities that have it, of all of them.
        counted = match.group("counted")
        unit = next((unit for unit in ("市町村", "市町", "団体") if unit in counted), counted)
        n, total = _number(match.group("n")), _number(match.group("total"))
        add(match, n, total, unit, False if unit in _MUNICIPAL_UNITS else None)
    for match in _OF_TOTAL.finditer(text):
        # 「県内市町村20団体のうち16団体と県」: the 団体 are municipalities; 県 stands apart.
        add(match, int(match.group("n")), int(match.group("total")), match.group("unit"), False)
    for match in _LISTED_COUNT.finditer(text):
        # 「市町 28団体」 counts municipalities; 「愛知県、市町村 54団体」 may or may not count 愛知県.
        municipal_only = set(match.group("subject").split("、")) <= _MUNICIPAL_UNITS
        counts_reporter = False if municipal_only else None
        add(match, int(match.group("n")), None, match.group("unit"), counts_reporter)
    for pattern in (_ALL_COUNT, _COUNT):
        for match in pattern.finditer(text):
            unit = match.group("unit")
            counts_reporter = _unit_counts_reporter(unit, named, reporter)
            add(match, int(match.group("n")), None, unit, counts_reporter)
    return min(counts, key=lambda count: (count.start, -count.end), default=None)


def _unit_counts_reporter(unit: str, named: list[str], reporter: str) -> bool | None:
    """Whether a count in ``unit`` counts the reporting prefecture, where the text says so."""
    if unit in _MUNICIPAL_UNITS:
        return False
    if unit == "県" and reporter in named:
        return True  # 「鳥取・岡山・広島県の3県」 reported by 岡山県
    return None  # 自治体, 団体, or prefectures the note does not name (「9県と共同配信」)


def _number(digits: str) -> int:
    return int(digits.replace(" ", ""))


def _includes_reporter(text: str, named: list[str], reporter: str) -> bool | None:
    if reporter in named or _BARE_REPORTER.search(text) or _WITH_REPORTER.search(text):
        return True
    return None  # the notes never say the reporter stays out of a system it reports


def _scope(
    note: _Note, named: list[str], excluded: list[str], count: _Count | None
) -> Scope | None:
    text = note.current
    if excluded or _EXCEPT.search(text):
        return "except"
    if _ALL.search(text) or (count and count.total is not None and count.number == count.total):
        return "all"
    municipalities = [name for name in named if name not in PREFECTURES]
    if (
        _SOME.search(note.folded)
        or (count and count.total is not None and count.number < count.total)
        or municipalities
    ):
        return "some"
    if count and count.unit != "県":
        return "counted"
    if _MUNICIPALITIES_MENTIONED.search(text) and _PARTICIPATION_CUE.search(text):
        return "unspecified"
    return None


def parse_participation(note: str | None, reporter: str) -> Participation:
    """Read who takes part from a table-② note; ``reporter`` is the row's prefecture.

    Names are returned as written (abbreviated prefecture lists expanded), never resolved.
    An empty note or the placeholder ``-`` gives :data:`NO_PARTICIPATION`.
    """
    if note is None or note.strip() in ("", "-"):
        return NO_PARTICIPATION
    parsed = _Note(note)
    text = parsed.current
    excluded = _excluded(text)
    named = [name for name in _named_governments(text) if name not in excluded]
    bodies = _bodies(text)
    count = _first_count(text, named, reporter)
    scope = _scope(parsed, named, excluded, count)
    found_any = bool(scope or named or bodies or count)
    return Participation(
        includes_reporter=_includes_reporter(text, named, reporter),
        named_governments=named,
        excluded=excluded,
        other_bodies=bodies,
        prospective_parties=_bodies(parsed.prospective),
        scope=scope,
        participant_count=count.number if count else None,
        of_total=count.total if count else None,
        count_unit=count.unit if count else None,
        count_includes_reporter=count.includes_reporter if count else None,
        count_text=parsed.verbatim(count.start, count.end) if count else None,
        planned=bool(_PLANNED.search(text)),
        availability_only=found_any and bool(_AVAILABLE.search(text)) and not _IN_USE.search(text),
    )


# -- Joint systems --------------------------------------------------------------------------


class SharedSystemRow(Protocol):
    """What :func:`joint_system_groups` reads of a row; ``records.SharedSystemUse`` fits."""

    @property
    def row(self) -> int: ...
    @property
    def prefecture(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def note(self) -> str | None: ...


class SystemRow(NamedTuple):
    """A plain table-② row for callers (and tests) without a ``SharedSystemUse``."""

    row: int
    prefecture: str
    name: str
    note: str | None


# The kind of system a name says, looked for in its match_key; more specific kinds first.
SYSTEM_KINDS: tuple[str, ...] = (
    "統合宛名", "セキュリティクラウド", "電子申請", "施設予約", "電子入札", "電子調達",
    "統合型GIS", "GIS", "校務支援", "学校業務支援", "防災情報", "被災者生活再建支援",
    "被災者台帳", "森林", "設計積算", "オープンデータ", "ファイル共有", "メールマガジン",
    "文書管理", "会議",
)  # fmt: skip


def system_kind(name: str) -> str | None:
    """The first of :data:`SYSTEM_KINDS` in the name (「団体内統合宛名システム」 → 統合宛名)."""
    key = match_key(name)
    return next((kind for kind in SYSTEM_KINDS if kind in key), None)


def _names_each_other(rows: list[SharedSystemRow]) -> dict[int, set[str]]:
    return {
        row.row: set(parse_participation(row.note, row.prefecture).named_governments)
        for row in rows
    }


def _kind_pairs(rows: list[SharedSystemRow]) -> Iterable[tuple[SharedSystemRow, SharedSystemRow]]:
    """Pairs of rows of different prefectures whose names say the same kind of system."""
    for index, first in enumerate(rows):
        for second in rows[index + 1 :]:
            kind = system_kind(first.name)
            if first.prefecture != second.prefecture and kind and kind == system_kind(second.name):
                yield first, second


def joint_system_groups(rows: Iterable[SharedSystemRow]) -> list[list[int]]:
    """Row numbers of systems that several prefectures report as one joint system.

    ``rows`` are table-② rows: ``SharedSystemUse`` records or :class:`SystemRow` tuples.
    Two rows are the same system when they come from different prefectures, each row's note
    names the other row's prefecture (「共同利用者：鳥取県、岡山県、広島県」 and
    「鳥取・岡山・広島県の3県で共同利用」), and both names say the same :func:`system_kind`
    (統合宛名, セキュリティクラウド). Mutual naming is required because a note may name a
    partner of a *different* system: 山口県's 施設予約システム (row 34) plans to share with
    広島県, but 広島県's row 33 names only itself; such one-sided pairs are
    :func:`joint_system_candidates`, not groups. Pairs are joined transitively; groups of two
    or more rows are returned, each sorted, in order of their first row.
    """
    rows = list(rows)
    named = _names_each_other(rows)
    parent = {row.row: row.row for row in rows}

    def root(number: int) -> int:
        while parent[number] != number:
            number = parent[number]
        return number

    for first, second in _kind_pairs(rows):
        if first.prefecture in named[second.row] and second.prefecture in named[first.row]:
            parent[root(second.row)] = root(first.row)
    groups: dict[int, list[int]] = {}
    for row in rows:
        groups.setdefault(root(row.row), []).append(row.row)
    return sorted((sorted(group) for group in groups.values() if len(group) > 1), key=min)


def joint_system_candidates(rows: Iterable[SharedSystemRow]) -> list[tuple[int, int]]:
    """One-sided pairs ``(naming row, named row)``: worth a look, not merged.

    The naming row's note names the other row's prefecture, the other note does not name the
    naming row's prefecture, and both names say the same :func:`system_kind`.
    """
    rows = list(rows)
    named = _names_each_other(rows)
    candidates: list[tuple[int, int]] = []
    for first, second in _kind_pairs(rows):
        first_names_second = second.prefecture in named[first.row]
        second_names_first = first.prefecture in named[second.row]
        if first_names_second != second_names_first:
            pair = (first.row, second.row) if first_names_second else (second.row, first.row)
            candidates.append(pair)
    return sorted(candidates)
