"""Parsing the values of case-page fields: costs, durations, era dates, populations, lists.

These functions see one field's printed text, never a whole page, so both
editions' extractors share them. Each keeps the printed text and adds the
normalised value next to it; none corrects what was printed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise

from japanera import ERA_DATA_GENERAL

from dxkg.pipeline.extract.records import CostStatus, Environment, OperationMode, Product, TaxBasis
from dxkg.pipeline.text import nfkc

PLACEHOLDERS = {"－", "—", "-", "‐", "－円", "-円", "—円", "―"}
LEGAL_FORMS = ("株式会社", "合同会社", "有限会社", "一般社団法人", "一般財団法人", "公益社団法人")

_BULLET = re.compile(r"^(?:\s*(?:-|○|➤|▶|\uf0d8)\s*)+")
_EMPHASIS = re.compile(r"\*\*")


def clean_line(line: str) -> str:
    """A line without bullet markers at its start and without ``**`` emphasis."""
    return _BULLET.sub("", _EMPHASIS.sub("", line)).strip()


def is_placeholder(text: str | None) -> bool:
    """Whether a value is one of the dashes the collections print for "none"."""
    return text is not None and nfkc(text).strip().replace(" ", "") in {
        nfkc(p) for p in PLACEHOLDERS
    }


# -- costs -------------------------------------------------------------------

_AMOUNT = re.compile(r"^(約)?\s*([\d,]+(?:\.\d+)?)\s*(千円|千|万円|円)$")


def parse_cost_value(raw: str) -> tuple[CostStatus, Decimal | None, bool]:
    """``約13,400千円`` → (amount, 13400000, True); ``－円`` → (none, None, False)."""
    text = nfkc(raw).replace(" ", "")
    if "非公表" in text:
        return "not-disclosed", None, False
    if "算定不可" in text:
        return "not-calculable", None, False
    if is_placeholder(text):
        return "none", None, False
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError(f"not a cost value: {raw!r}")
    approximate, figure, unit = match.groups()
    factor = {"千円": 1000, "千": 1000, "万円": 10000, "円": 1}[unit]
    return "amount", _amount_yen(raw, figure, factor), approximate is not None


def _amount_yen(raw: str, figure: str, factor: int) -> Decimal:
    """The figure times its unit's multiplier, checked against the printed form.

    A point followed by exactly three digits (``31.415千円``) is a thousands
    separator typed as a point, and would make the amount 1,000× too small; a
    figure that comes to a fraction of a yen cannot be a cost either.
    """
    if re.fullmatch(r"[\d,]*\.\d{3}", figure):
        raise ValueError(f"cost {raw!r}: a point where a thousands separator is expected")
    amount = Decimal(figure.replace(",", "")) * factor
    if amount != amount.to_integral_value():
        raise ValueError(f"cost {raw!r}: {amount.normalize()} yen is a fraction of a yen")
    return amount


def tax_basis(label: str) -> TaxBasis | None:
    """``イニシャルコスト ※税抜`` → excluded; ``※税込額`` → included; unstated → None."""
    if "税込" in label:
        return "included"
    if "税抜" in label:
        return "excluded"
    return None


# -- durations and dates -----------------------------------------------------

_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)年)?(?:(\d+(?:\.\d+)?)[かヵヶケカ]月)?$")


def duration_months(raw: str) -> Decimal | None:
    """``4年9か月`` → 57; ``0.5か月`` → 0.5; a placeholder or prose → None."""
    text = nfkc(raw).replace(" ", "").replace("*", "")
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        return None
    years, months = match.groups()
    return Decimal(years or 0) * 12 + Decimal(months or 0)


_ERAS = {era.kanji: era for era in ERA_DATA_GENERAL} | {
    era.english_head: era for era in ERA_DATA_GENERAL[-5:]
}
_ERA_NAMES = "|".join(sorted((re.escape(k) for k in _ERAS), key=len, reverse=True))


def _date_pattern(p: str) -> str:
    """A year, optionally with fiscal-year mark, month and day; group names prefixed by p."""
    year = (
        rf"(?:(?P<{p}era>{_ERA_NAMES})\s*(?P<{p}year>元|\d{{1,2}})|(?P<{p}western>(?:19|20)\d\d))"
    )
    day = rf"(?:\.|(?<=月))(?P<{p}day>\d{{1,2}})日?"
    month = rf"(?:年|\.)(?P<{p}month>\d{{1,2}})月?(?:{day})?"
    return rf"{year}(?:(?P<{p}fy>年度)|{month}|年)?"


_RANGE = r"\s*[～~〜]\s*"
_MARK = r"(?:末|頃|中|上旬|中旬|下旬)?"
_DATE_PREFIX = re.compile(
    rf"^{_date_pattern('')}{_MARK}"
    rf"(?:{_RANGE}(?:{_date_pattern('e')}|(?P<bare>\d{{1,2}})月?){_MARK}|\s*(?P<open>[～~〜]))?"
    r"(?=[\s　]|$|[^\d.~～])"
)


def era_to_year(era: str, year: str) -> int:
    """``R``/``令和`` with ``5`` → 2023; ``元`` is the first year of an era."""
    number = 1 if year == "元" else int(year)
    return _ERAS[era].relative_year_to_absolute_year(number)


def _iso(year: int, month: str | None = None, day: str | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{int(month):02d}"
    return f"{year:04d}-{int(month):02d}-{int(day):02d}"


def _year(match: re.Match, p: str) -> int | None:
    if match.group(p + "western"):
        return int(match.group(p + "western"))
    if match.group(p + "era"):
        return era_to_year(match.group(p + "era"), match.group(p + "year"))
    return None


def _bounds(match: re.Match, p: str) -> tuple[str, str]:
    """Start and end of one date: a fiscal year runs April to March."""
    year = _year(match, p)
    if match.group(p + "fy"):
        return f"{year:04d}-04", f"{year + 1:04d}-03"
    iso = _iso(year, match.group(p + "month"), match.group(p + "day"))
    return iso, iso


def parse_date_prefix(text: str) -> tuple[str, str, str | None, str] | None:
    """A step line's leading date → (raw date, ISO start, ISO end or None, rest of the line).

    ``R5.2~4 仕様検討`` → (``R5.2~4``, ``2023-02``, ``2023-04``, ``仕様検討``);
    ``H27~28`` is a range of years; ``R3年度`` a fiscal year, April to March.
    Returns None when the text does not start with a date.
    """
    stripped = text.strip()
    # NFKC keeps the length of every character a date is made of, so the
    # match's end is also the end of the printed date.
    match = _DATE_PREFIX.match(nfkc(stripped))
    if not match:
        return None
    start, end = _bounds(match, "")
    if _year(match, "e") is not None:
        end = _bounds(match, "e")[1]
    elif match.group("bare"):
        bare = match.group("bare")
        if match.group("day"):
            end = _iso(_year(match, ""), match.group("month"), bare)
        elif match.group("month"):
            year = _year(match, "")
            end = _iso(year + (int(bare) < int(match.group("month"))), bare)
        else:
            end = _iso(era_to_year(match.group("era"), bare) if match.group("era") else int(bare))
    elif not match.group("fy"):
        end = None  # a single point in time, not a range
    raw = stripped[: match.end()].rstrip()
    return raw, start, end, stripped[match.end() :].strip()


_WAREKI_DAY = re.compile(
    rf"(?P<era>{_ERA_NAMES})\s*(?P<year>元|\d{{1,2}})年\s*(?P<month>\d{{1,2}})月\s*(?P<day>\d{{1,2}})日"
)


def wareki_date(text: str) -> str | None:
    """The first full era date in a text as ISO: ``令和5年1月1日`` → ``2023-01-01``."""
    match = _WAREKI_DAY.search(nfkc(text))
    if not match:
        return None
    year = era_to_year(match.group("era"), match.group("year"))
    return _iso(year, match.group("month"), match.group("day"))


# -- population --------------------------------------------------------------

_POPULATION = re.compile(
    r"(?P<place>[^\s【】]*?)人口\s*[：:]\s*(?P<figure>[\d.,]+)\s*(?P<unit>万人|人)"
)


def parse_population(text: str) -> tuple[str, int, str] | None:
    """``福島県人口：181.9万人（令和5年1月1日現在）`` → (福島県, 1819000, 2023-01-01)."""
    normalised = nfkc(text)
    match = _POPULATION.search(normalised)
    as_of = wareki_date(normalised)
    if not match or as_of is None:
        return None
    figure = Decimal(match.group("figure").replace(",", ""))
    persons = figure * 10000 if match.group("unit") == "万人" else figure
    return match.group("place"), int(persons), as_of


# -- organisations -----------------------------------------------------------

_PREFECTURE = re.compile(
    r"^(?P<prefecture>北海道|東京都|大阪府|京都府|[^都道府県]+?県)(?P<rest>.*)$"
)


def split_organisation(text: str) -> tuple[str, str | None]:
    """``福井県あわら市`` → (福井県, あわら市); ``大分県`` → (大分県, None)."""
    match = _PREFECTURE.match(text.strip())
    if not match:
        raise ValueError(f"no prefecture at the start of {text!r}")
    return match.group("prefecture"), match.group("rest").strip() or None


# -- lists of names ----------------------------------------------------------

OPEN_BRACKETS, CLOSE_BRACKETS = "（(「『【［[", "）)」』】］]"


def bracket_depth(text: str) -> int:
    """How many brackets the text leaves open (negative: closes more than it opens)."""
    return sum(c in OPEN_BRACKETS for c in text) - sum(c in CLOSE_BRACKETS for c in text)


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on any separator character that is not inside brackets."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _is_whole_name(text: str) -> bool:
    """Whether a space-separated piece reads as a complete organisation name."""
    bare = text.strip()
    if bare in LEGAL_FORMS:
        return False
    return any(form in bare for form in LEGAL_FORMS) or bare.endswith(("）", ")"))


def _split_names_on_spaces(item: str) -> list[str]:
    """Split ``グーグル合同会社 グーグル・クラウド・ジャパン合同会社`` but not ``LINE WORKS 株式会社``."""
    pieces = split_outside_brackets(item, " 　")
    if len(pieces) < 2:
        return [item]
    names: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        left_whole = _is_whole_name(current) or (
            piece.startswith(LEGAL_FORMS) and piece not in LEGAL_FORMS and current.isascii()
        )
        if left_whole and (_is_whole_name(piece) or piece.startswith(LEGAL_FORMS)):
            names.append(current)
            current = piece
        else:
            current = f"{current} {piece}"
    names.append(current)
    return names


def split_organisations(raw: str | None) -> list[str]:
    """Provider or participant names from a printed field value; a placeholder gives [].

    A line that is only a bracketed note belongs to the name above it; a
    ``prefix：text`` whose text names no company is a description, kept whole
    (``株式会社MAIA：特定のデジタル分野に精通した…``).
    """
    if raw is None or is_placeholder(raw):
        return []
    items: list[str] = []
    for line in raw.split("\n"):
        line = line.strip()
        if items and line.startswith(("（", "(")):
            items[-1] = f"{items[-1]}{line}"
            continue
        _, colon, description = line.partition("：")
        if colon and not any(form in description for form in LEGAL_FORMS):
            items.append(line)
            continue
        for item in split_outside_brackets(line, "、"):
            items.extend(_split_names_on_spaces(item))
    return [item for item in items if not is_placeholder(item)]


_CIRCLED_RUN = re.compile(r"[\u2460-\u2473](?:[～~][\u2460-\u2473]|[\u2460-\u2473])*")


def split_service_names(raw: str | None) -> list[str]:
    """Service names: split on ``、``, line breaks and before a circled number."""
    if raw is None or is_placeholder(raw):
        return []
    items = []
    for line in raw.split("\n"):
        for item in split_outside_brackets(line, "、"):
            starts = [m.start() for m in _CIRCLED_RUN.finditer(item) if m.start() > 0]
            bounds = [0, *starts, len(item)]
            items.extend(item[a:b].strip() for a, b in pairwise(bounds))
    return [item for item in items if item and not is_placeholder(item)]


def circled_numbers(run: str) -> list[int]:
    """``②③`` → [2, 3]; ``①～⑤`` → [1, 2, 3, 4, 5]."""
    numbers = [ord(c) - 0x2460 + 1 for c in run if 0x2460 <= ord(c) <= 0x2473]
    if re.search(r"[～~]", run) and len(numbers) == 2:
        return list(range(numbers[0], numbers[1] + 1))
    return numbers


def _product(text: str) -> Product | None:
    if "カスタマイズ" in text:
        return "customised-package"
    if "パッケージ" in text:
        return "package"
    if "個別開発" in text:
        return "custom"
    if "クラウド型サービス" in text:
        return "cloud-service"
    return None


def _environment(text: str) -> Environment | None:
    if "オンプレミス" in text:
        return "on-premises"
    if "クラウド" in text:
        return "cloud"
    return None


def parse_operation_modes(raw: str | None) -> list[OperationMode]:
    """運用形態 values, one per numbered service group: ``①…、②③…`` → two modes."""
    if raw is None or is_placeholder(raw):
        return []
    modes = []
    for line in raw.split("\n"):
        starts = [m.start() for m in _CIRCLED_RUN.finditer(line)] or [0]
        if starts[0] != 0:
            starts.insert(0, 0)
        bounds = [*starts, len(line)]
        for a, b in pairwise(bounds):
            value = line[a:b].strip().rstrip("、").strip()
            if not value:
                continue
            run = _CIRCLED_RUN.match(value)
            modes.append(
                OperationMode(
                    raw=value,
                    services=circled_numbers(run.group(0)) if run else [],
                    product=_product(value),
                    environment=_environment(value),
                )
            )
    return modes


# -- contacts ----------------------------------------------------------------

PHONE = re.compile(r"0\d{1,4}-\d{1,4}-\d{4}(?:\s*[（(][^）)]*[）)])?")
# An e-mail address run together with what follows (002 prints 「…@pref.ehime.lg.jp089-912-…」):
# the domain ends at the first top-level label, so a phone number after it is not swallowed.
EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*?\.(?:lg\.jp|go\.jp|jp|tokyo|com|org|net)"
)
