"""Facts about each local government from localgovjp (CC0 1.0), and English names for all.

``mappings/reference/localgovjp/`` is code4fukui/localgovjp, vendored unchanged: per government
its office's WGS84 point, official website and reading, and the prefectures' English names.
Rows join the code table by 団体コード. Every code, name, reading or English name the two
disagree on is reported (:func:`disagreements`), never resolved: the graph keeps the code
table's name and reading, and adds localgovjp's point and website.

English labels: a prefecture keeps the name the prefecture table gives; every other
government is its reading in Hepburn (:mod:`romaji`) with the word for its kind, as the
governments style themselves: 札幌市 Sapporo City, 千代田区 Chiyoda City (Tokyo's special
wards), 札幌市中央区 Chuo Ward, Sapporo City, 町 Town, 村 Village.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from dxkg.pipeline import iris
from dxkg.pipeline.link.government_codes import (
    CITY,
    DESIGNATED_CITY,
    SPECIAL_WARD,
    TOWN,
    VILLAGE,
    WARD,
    LocalGovernment,
    MunicipalityTable,
)
from dxkg.pipeline.link.records import ReferenceDisagreement
from dxkg.pipeline.link.romaji import romanise

#: The two files, relative to the ``mappings/`` folder.
LOCALGOVJP_FILE = "reference/localgovjp/localgovjp-utf8.csv"
LOCALGOVJP_PREFECTURES_FILE = "reference/localgovjp/prefjp-utf8.csv"

#: The kana each kind's name ends with, and the English word for the kind.
_SUFFIXES = {
    DESIGNATED_CITY: (("し",), "City"),
    CITY: (("し",), "City"),
    SPECIAL_WARD: (("く",), "City"),
    WARD: (("く",), "Ward"),
    TOWN: (("ちょう", "まち"), "Town"),
    VILLAGE: (("むら", "そん"), "Village"),
}
#: What prefecture.csv's English names end with, beyond localgovjp's ``pref_en``.
_PREFECTURE_WORDS = (" Prefecture", " Metropolis")


@dataclass(frozen=True)
class LocalGovEntry:
    """One row of localgovjp: a government's name, reading, office point and website."""

    code: str
    name: str  # without the space localgovjp puts between a city and its ward
    kana: str
    lat: str  # decimal degrees, canonical (as a store gives them back)
    long: str
    homepage: str
    name_en: str | None = None  # prefectures only


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def canonical_decimal(text: str) -> str:
    """``39.718600`` → ``39.7186``, ``140.0`` → ``140``: the form of ``xsd:decimal`` a store keeps."""
    return format(Decimal(text).normalize(), "f")


def load_localgovjp(cities: Path, prefectures: Path) -> dict[str, LocalGovEntry]:
    """The rows of both files by six-digit code (the prefectures' codes lack the leading 0)."""
    entries = [
        LocalGovEntry(
            code=row["lgcode"].zfill(6),
            name=row["city"].replace(" ", ""),
            kana=row["citykana"].replace(" ", ""),
            lat=canonical_decimal(row["lat"]),
            long=canonical_decimal(row["lng"]),
            homepage=iris.uri(row["url"]),
        )
        for row in _rows(cities)
    ] + [
        LocalGovEntry(
            code=row["lgcode"].zfill(6),
            name=row["pref"],
            kana=row["prefkana"],
            lat=canonical_decimal(row["lat"]),
            long=canonical_decimal(row["lng"]),
            homepage=iris.uri(row["url"]),
            name_en=row["pref_en"],
        )
        for row in _rows(prefectures)
    ]
    return {entry.code: entry for entry in entries}


def english_name(gov: LocalGovernment, table: MunicipalityTable) -> str:
    """A municipality's or ward's English name from its reading (see the module docstring)."""
    suffixes, word = _SUFFIXES[gov.kind]
    kana = gov.kana
    city = ""
    if gov.kind == WARD and gov.parent_code:
        parent = table.by_code(gov.parent_code)
        kana = kana.removeprefix(parent.kana)
        city = f", {english_name(parent, table)}"
    stem = next((kana.removesuffix(s) for s in suffixes if kana.endswith(s)), None)
    if not stem:
        raise ValueError(f"{gov.code} {gov.name}: reading {gov.kana!r} lacks its suffix")
    return f"{romanise(stem)} {word}{city}"


def disagreements(
    table: MunicipalityTable, english: dict[str, str], reference: dict[str, LocalGovEntry]
) -> list[ReferenceDisagreement]:
    """Every code in only one of the two, and every name, reading or prefecture English name
    the two give differently, by code."""
    ours = {gov.code: gov for gov in table}
    return [
        difference
        for code in sorted(ours.keys() | reference.keys())
        for difference in _compare(code, ours.get(code), reference.get(code), english)
    ]


def _compare(
    code: str,
    gov: LocalGovernment | None,
    entry: LocalGovEntry | None,
    english: dict[str, str],
) -> list[ReferenceDisagreement]:
    if gov is None or entry is None:
        return [
            ReferenceDisagreement(
                code=code,
                field="code",
                table=gov.name if gov else None,
                localgovjp=entry.name if entry else None,
            )
        ]
    pairs = [("name", gov.name, entry.name), ("kana", gov.kana, entry.kana)]
    if entry.name_en is not None:
        pairs.append(("name_en", _short_english(english.get(code, "")), entry.name_en))
    return [
        ReferenceDisagreement(code=code, field=field, table=ours, localgovjp=theirs)
        for field, ours, theirs in pairs
        if ours != theirs
    ]


def _short_english(name: str) -> str:
    """``Aomori Prefecture`` → ``Aomori``, ``Tokyo Metropolis`` → ``Tokyo``."""
    for word in _PREFECTURE_WORDS:
        name = name.removesuffix(word)
    return name
