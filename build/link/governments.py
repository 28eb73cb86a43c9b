"""The local governments a build refers to, and the names it could not resolve.

Every stage that meets a government's name asks the registry, giving the
source span; the registry answers with an IRI or ``None`` and remembers both
outcomes. The governments referred to become the "municipalities" graph, the
names that did not resolve go to the build report: nothing is dropped unseen.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dxkg.namespaces import ESTAT_SAC
from dxkg.pipeline import iris
from dxkg.pipeline.link.government_codes import (
    CITY,
    DESIGNATED_CITY,
    NOT_IN_PREFECTURE,
    PREFECTURE,
    SPECIAL_WARD,
    TOWN,
    VILLAGE,
    WARD,
    LocalGovernment,
    MunicipalityTable,
    Resolution,
)
from dxkg.pipeline.link.localgov import (
    LocalGovEntry,
    disagreements,
    english_name,
    load_localgovjp,
)
from dxkg.pipeline.link.records import (
    AreaMapping,
    GovernmentNode,
    ReferenceDisagreement,
    UnresolvedName,
)
from dxkg.pipeline.records import SourceSpan

_CLASSES = {
    PREFECTURE: "Prefecture",
    DESIGNATED_CITY: "DesignatedCity",
    CITY: "City",
    SPECIAL_WARD: "SpecialWard",
    WARD: "Ward",
    TOWN: "Town",
    VILLAGE: "Village",
}


class LinkError(Exception):
    """A value could not be linked; the message names the document and line."""


class GovernmentRegistry:
    """Resolves names against the code table and records what was referred to."""

    def __init__(
        self,
        table: MunicipalityTable,
        english_names: dict[str, str],
        reference: dict[str, LocalGovEntry] | None = None,
    ) -> None:
        self.table = table
        self.english_names = english_names
        self.reference = reference or {}  # localgovjp's rows by code
        self.referenced: set[str] = {gov.code for gov in table if gov.is_prefecture}
        self.unresolved: list[UnresolvedName] = []
        self.resolved_names = 0  # lookups answered, over every document

    @classmethod
    def load(
        cls,
        table_path: Path,
        prefectures_path: Path,
        localgovjp: tuple[Path, Path] | None = None,
    ) -> GovernmentRegistry:
        """The code table, with the prefectures' English names from the prefecture table
        and, given ``localgovjp`` (its municipalities' and prefectures' files), its facts."""
        with prefectures_path.open(encoding="utf-8", newline="") as handle:
            english = {row["code"]: row["name_en"] for row in csv.DictReader(handle)}
        reference = load_localgovjp(*localgovjp) if localgovjp else None
        return cls(MunicipalityTable.load(table_path), english, reference)

    def resolve(
        self, name: str, span: SourceSpan | tuple[str, int], prefecture: str | None = None
    ) -> str | None:
        """The IRI of the government ``name`` (in ``prefecture``'s context), or None, reported."""
        return self._record(self.table.resolve(name, prefecture), name, prefecture, span)

    def prefecture(self, name: str, span: SourceSpan) -> str:
        """The IRI of a prefecture a record requires; an unknown name stops the build."""
        iri = self.resolve(name, span)
        if iri is None:
            raise LinkError(f"{span.document}:{span.first_line}: unknown prefecture 「{name}」")
        return iri

    def resolve_in_context(
        self, name: str, span: SourceSpan | tuple[str, int], prefecture: str
    ) -> str | None:
        """Like :meth:`resolve`, but a name not in ``prefecture`` may be a unique one elsewhere.

        A note of 山口県 naming 広島県 means 広島県; an ambiguous name stays unresolved.
        """
        resolution = self.table.resolve(name, prefecture)
        if resolution.reason == NOT_IN_PREFECTURE:
            resolution = self.table.resolve(name)
        return self._record(resolution, name, prefecture, span)

    def mentions(
        self, texts: list[str | None], span: SourceSpan, prefecture: str | None = None
    ) -> list[str]:
        """The governments named in a record's free texts (each once, in order of first
        mention); names found but not resolved are reported like any other."""
        found = (
            self._record(mention.resolution, mention.surface, prefecture, span)
            for text in texts
            if text
            for mention in self.table.find_mentions(text, prefecture)
        )
        return [iri for iri in dict.fromkeys(found) if iri]

    def _record(
        self,
        resolution: Resolution,
        name: str,
        prefecture: str | None,
        span: SourceSpan | tuple[str, int],
    ) -> str | None:
        document, line = (span.document, span.first_line) if isinstance(span, SourceSpan) else span
        government = resolution.government
        if government is None:
            self.unresolved.append(
                UnresolvedName(
                    name=name,
                    context=prefecture,
                    reason=resolution.reason or "unknown",
                    candidates=list(resolution.candidates),
                    document=document,
                    line=line,
                )
            )
            return None
        self.resolved_names += 1
        return self.refer(government)

    def refer(self, government: LocalGovernment) -> str:
        """Record that ``government`` (and the city of a ward) is referred to; its IRI."""
        self.referenced.add(government.code)
        if government.parent_code:
            self.referenced.add(government.parent_code)
        return iris.municipality(government.code)

    def nodes(self) -> list[GovernmentNode]:
        """Every government referred to (and every prefecture), by code."""
        return [self._node(self.table.by_code(code)) for code in sorted(self.referenced)]

    def area_mappings(self) -> list[AreaMapping]:
        """The e-Stat standard-area link of every government referred to."""
        return [
            AreaMapping(id=iris.municipality(code), close_match=f"{ESTAT_SAC}C{code[:5]}")
            for code in sorted(self.referenced)
        ]

    def reference_disagreements(self) -> list[ReferenceDisagreement]:
        """Where localgovjp and the code table disagree (none without localgovjp)."""
        if not self.reference:
            return []
        return disagreements(self.table, self.english_names, self.reference)

    def _english(self, gov: LocalGovernment) -> str:
        """The prefecture table's English name of a prefecture; a romanised one otherwise."""
        if gov.is_prefecture:
            return self.english_names[gov.code]
        return english_name(gov, self.table)

    def _node(self, gov: LocalGovernment) -> GovernmentNode:
        entry = self.reference.get(gov.code)
        return GovernmentNode(
            id=iris.municipality(gov.code),
            type=_CLASSES[gov.kind],
            label=gov.name,
            label_en=self._english(gov),
            kana=gov.kana,
            code=gov.code,
            in_prefecture=None if gov.is_prefecture else iris.municipality(gov.prefecture_code),
            ward_of=iris.municipality(gov.parent_code) if gov.parent_code else None,
            valid_until=gov.valid_until.isoformat() if gov.valid_until else None,
            lat=entry.lat if entry else None,
            long=entry.long if entry else None,
            homepage=entry.homepage if entry else None,
        )
