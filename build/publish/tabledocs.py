"""What every CSV table holds, in the two standard descriptions of tables: a Frictionless
data package (``csv/datapackage.json``, Data Package 2.0) and W3C CSVW metadata
(``csv/csv-metadata.json``), both written from :data:`TABLES`.

Each column has a name (its header), Japanese and English titles, a datatype and, when it
holds the IRI of another table's row, that table: a foreign key. Codes are strings with
their pattern (``012084`` keeps its leading zero), IRIs are ``anyURI``, yen and counts
integers. An entity table's primary key is its IRI; a link table's is its whole row.

Several values of one field share a cell, joined with :data:`SEPARATOR` in sorted order
(CSVW ``separator``, Table Schema ``list``). A relation between two tables that can have
several values is a link table instead, two IRIs per row, so that every reference
between tables is a declared foreign key (neither format checks a key inside a list).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from dxkg.release import CSV_DATAPACKAGE, CSV_METADATA, Licence, json_text

#: What joins several values in one cell.
SEPARATOR = " | "

#: How each datatype is declared: Table Schema field properties, the CSVW datatype, and
#: the pattern every non-empty cell of it matches (None: any text).
DATATYPES: dict[str, tuple[dict, str, str | None]] = {
    "string": ({"type": "string"}, "string", None),
    "code": ({"type": "string"}, "string", None),  # the column's pattern is added
    "iri": ({"type": "string", "format": "uri"}, "anyURI", r"https?://\S+"),
    "integer": ({"type": "integer"}, "integer", r"-?[0-9]+"),
    "boolean": ({"type": "boolean"}, "boolean", r"true|false"),
    "date": ({"type": "date"}, "date", r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "duration": ({"type": "duration"}, "duration", r"P[0-9YMWDTHS.]+"),
    "list": ({"type": "list", "delimiter": SEPARATOR, "itemType": "string"}, "string", None),
    "iris": ({"type": "list", "delimiter": SEPARATOR, "itemType": "string"}, "anyURI", None),
}
#: Data Package 2.0: the ``list`` type of joined cells is new in it.
PROFILE = "https://datapackage.org/profiles/2.0/"


class Column(NamedTuple):
    """A column: its header, Japanese and English titles, a key of :data:`DATATYPES`,
    what a reader should know (English), and the table whose IRI it holds, if any."""

    name: str
    ja: str
    en: str
    datatype: str = "string"
    about: str = ""
    references: str | None = None
    pattern: str | None = None


class Table(NamedTuple):
    """A CSV file (``<name>.csv``): its titles, columns and primary key."""

    name: str
    ja: str
    en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("iri",)

    @property
    def is_link_table(self) -> bool:
        """Whether each row links two entities rather than describes one."""
        return self.key != ("iri",)


def code(name: str, ja: str, en: str, pattern: str, about: str = "") -> Column:
    """A code: a string that matches ``pattern`` (a whole-value regular expression)."""
    return Column(name, ja, en, "code", about, pattern=pattern)


def link(name: str, ja: str, en: str, table: str, about: str = "") -> Column:
    """The IRI of a row of ``table``: a foreign key to its ``iri`` column."""
    return Column(name, ja, en, "iri", about, references=table)


IRI = Column("iri", "IRI", "IRI", "iri", "The entity's IRI; it dereferences to its page.")
LABEL = Column("label", "名称", "Name", about="The Japanese name.")
GOVERNMENT_CODE = r"[0-9]{6}"
NOTATION = r"[0-9]+([.-][0-9]+)*"
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
PREFECTURE = Column("prefecture", "都道府県", "Prefecture", about="The prefecture's name.")
PREFECTURE_IRI = link("prefecture_iri", "都道府県のIRI", "Prefecture IRI", "municipalities")


#: The columns every row of the 2020 survey has, before its table's own fields.
SURVEY_ROW: tuple[Column, ...] = (
    IRI,
    LABEL,
    PREFECTURE,
    link(
        "prefecture_iri",
        "回答した都道府県のIRI",
        "IRI of the reporting prefecture",
        "municipalities",
    ),
    Column("row", "行番号", "Row number", "integer", "The row's number in its survey table."),
    code("category_code", "区分番号", "Category code", NOTATION, "As the survey numbers it."),
    Column("category", "区分", "Category", about="The survey table's heading for the row."),
    Column("status", "実施状況（記載どおり）", "Status as printed"),
    code(
        "status_code",
        "実施状況コード",
        "Status code",
        NOTATION,
        "1 implemented … 5 under consideration.",
    ),
)


def cost(kind: str, ja: str, en: str) -> tuple[Column, ...]:
    """The four columns of a case's initial or running cost."""
    return (
        Column(
            f"{kind}_cost_yen",
            f"{ja}（円）",
            f"{en} (yen)",
            "integer",
            f"The {en.lower()} in yen as the graph holds it (printed amounts in 千円 "
            f"multiplied out); empty unless {kind}_cost_status is 'amount'.",
        ),
        code(
            f"{kind}_cost_status",
            f"{ja}の記載",
            f"{en}: what is printed",
            SLUG,
            "amount, none (－円), not-disclosed (非公表) or not-calculable (算定不可).",
        ),
        code(
            f"{kind}_cost_tax",
            f"{ja}の税",
            f"{en}: tax",
            SLUG,
            "included (税込) or excluded (税抜).",
        ),
        Column(
            f"{kind}_cost_approximate",
            f"{ja}は概算",
            f"{en} is approximate",
            "boolean",
            "Whether the amount is printed as approximate (約…).",
        ),
    )


MUNICIPALITIES = Table(
    "municipalities",
    "地方公共団体",
    "Local governments",
    (
        IRI,
        code(
            "code",
            "団体コード",
            "Local government code",
            GOVERNMENT_CODE,
            "JIS X 0402 with its check digit.",
        ),
        LABEL,
        Column("label_en", "英語名", "Name in English"),
        Column("name_kana", "よみ", "Reading", about="The name in hiragana."),
        Column(
            "kind",
            "種別",
            "Kind",
            about="Prefecture, DesignatedCity, City, SpecialWard, Town, Village or Ward.",
        ),
        PREFECTURE,
        PREFECTURE_IRI,
        Column(
            "estat_area",
            "e-Stat 統計地域",
            "e-Stat statistical area",
            "iri",
            "The e-Stat LOD standard area code.",
        ),
    ),
)

CASE_STUDIES = Table(
    "case-studies",
    "事例",
    "Case studies",
    (
        IRI,
        Column("label", "事例名", "Title"),
        Column(
            "edition", "版", "Edition", about="The case collection's edition (第2.0版, 第4.0版)."
        ),
        Column("chapter", "章", "Chapter", "integer"),
        Column("chapter_label", "章の名称", "Chapter title"),
        Column("number", "事例番号", "Case number", "integer", "The case's number in its chapter."),
        Column("organisation", "団体名（記載どおり）", "Organisation as printed"),
        link("municipality", "団体のIRI", "Local government IRI", "municipalities"),
        code("municipality_code", "団体コード", "Local government code", GOVERNMENT_CODE),
        Column("municipality_label", "団体名", "Local government"),
        PREFECTURE,
        PREFECTURE_IRI,
        code(
            "category_code", "分類番号", "Category code", NOTATION, "Numbered within its edition."
        ),
        Column("category", "分類", "Category"),
        Column(
            "population",
            "人口",
            "Population",
            "integer",
            "Inhabitants as the case states them (万人 multiplied out), on population_date.",
        ),
        Column("population_date", "人口の基準日", "Population date", "date"),
        code("population_class_code", "人口区分コード", "Population class code", SLUG),
        Column(
            "population_class", "人口区分", "Population class", about="The collection's size class."
        ),
        *cost("initial", "イニシャルコスト", "Initial cost"),
        *cost("running", "ランニングコスト（年額）", "Running cost per year"),
        Column(
            "time_to_launch", "導入までの期間", "Time to launch", "duration", "ISO 8601 (P1Y8M)."
        ),
        Column(
            "vendors",
            "事業者",
            "Vendors",
            "list",
            "Providers and participants (case-study-vendors.csv).",
        ),
        Column("technologies", "技術", "Technologies", "list", "See case-study-technologies.csv."),
        Column("departments", "担当部署", "Departments", "list", "See case-study-departments.csv."),
        link("previous_edition", "前の版の事例", "Same case, earlier edition", "case-studies"),
        Column("new_in_edition", "この版で新規", "New in this edition", "boolean"),
        Column(
            "initiative",
            "取組",
            "Initiative",
            "iri",
            "The initiative the case reports: the same for every edition of the case.",
        ),
    ),
)

INITIATIVES = Table(
    "initiatives",
    "取組（AI・RPA 等の活用）",
    "Initiatives (AI, RPA and other uses)",
    (
        *SURVEY_ROW,
        Column("usage", "活用内容", "Use"),
        Column("shareability", "共同利用（記載どおり）", "Shared use as printed"),
        code(
            "shareability_code",
            "共同利用コード",
            "Shared-use code",
            NOTATION,
            "1 in shared use … 4 other.",
        ),
        Column("remark", "備考", "Remark"),
        Column("technologies", "技術", "Technologies", "list", "See initiative-technologies.csv."),
    ),
)

SHARED_SYSTEMS = Table(
    "shared-systems",
    "共同利用システム",
    "Shared systems",
    (
        *SURVEY_ROW,
        Column("business", "業務内容", "Business"),
        code(
            "participation_scope",
            "参加範囲",
            "Participation scope",
            SLUG,
            "all, counted or listed.",
        ),
        Column("participant_count", "参加団体数", "Participants", "integer"),
        Column("participant_total", "対象団体数", "Of a total of", "integer"),
        Column("participant_count_text", "参加団体数（記載どおり）", "Participants as printed"),
        Column("participation_planned", "参加予定", "Participation planned", "boolean"),
        Column("other_participants", "その他の参加者", "Other participants", "list"),
        Column(
            "further_shareability", "さらなる共同利用（記載どおり）", "Further sharing as printed"
        ),
        code(
            "further_shareability_code", "さらなる共同利用コード", "Further-sharing code", NOTATION
        ),
        Column("remark", "備考", "Remark"),
        Column(
            "technologies", "技術", "Technologies", "list", "See shared-system-technologies.csv."
        ),
        Column("used_by", "利用団体", "Used by", "list", "See shared-system-users.csv."),
    ),
)

ROLES = Table(
    "roles",
    "デジタル人材の役職",
    "Digital-talent posts",
    (
        *SURVEY_ROW,
        Column("talent_category", "人材区分（記載どおり）", "Talent category as printed"),
        code("talent_category_code", "人材区分コード", "Talent category code", NOTATION),
        Column("employment_type", "勤務形態（記載どおり）", "Employment as printed"),
        code(
            "employment_type_code",
            "勤務形態コード",
            "Employment code",
            NOTATION,
            "1 full-time, 2 part-time.",
        ),
        Column("background", "経歴", "Background"),
        Column("duties", "職務内容", "Duties"),
        link("duplicate_of", "重複元", "Duplicate of", "roles", "The row this one repeats."),
    ),
)

ORGANIZATIONS = Table(
    "organizations",
    "DX推進組織",
    "DX organisations",
    (
        *SURVEY_ROW,
        Column("composition", "構成", "Composition"),
        Column("remit", "所掌", "Remit"),
    ),
)

VENDORS = Table(
    "vendors",
    "サービス提供事業者",
    "Vendors",
    (
        IRI,
        LABEL,
        code("kind", "種別", "Kind", r"Vendor|PartnerOrganization"),
        Column("written_as", "表記揺れ", "Written as", "list", "Other names the sources print."),
        Column("cases", "事例数", "Cases", "integer"),
        Column("suspected_correct_name", "正しいと思われる名称", "Suspected correct name"),
        link("suspected_typo_of", "誤記と思われる元", "Suspected typo of", "vendors"),
    ),
)

DEPARTMENTS = Table(
    "departments",
    "部署",
    "Departments",
    (
        IRI,
        LABEL,
        Column("government", "団体", "Local government"),
        link("government_iri", "団体のIRI", "Local government IRI", "municipalities"),
        Column("cases", "事例数", "Cases", "integer"),
    ),
)

TECHNOLOGIES = Table(
    "technologies",
    "技術",
    "Technologies",
    (
        IRI,
        LABEL,
        Column("label_en", "英語名", "Name in English"),
        code("notation", "記号", "Notation", SLUG),
        Column(
            "broader",
            "上位の技術",
            "Broader technologies",
            "iris",
            "IRIs of technologies.csv rows.",
        ),
        Column("records", "記録数", "Records", "integer", "Cases and survey rows tagged with it."),
    ),
)


def pair(name: str, ja: str, en: str, left: Column, right: Column) -> Table:
    """A link table: one pair of IRIs per row, both foreign keys."""
    return Table(name, ja, en, (left, right), (left.name, right.name))


CASE = link("case_study", "事例のIRI", "Case study IRI", "case-studies")
TECHNOLOGY = link("technology", "技術のIRI", "Technology IRI", "technologies")

CASE_STUDY_VENDORS = Table(
    "case-study-vendors",
    "事例と事業者",
    "Case studies and their vendors",
    (
        CASE,
        link("vendor", "事業者のIRI", "Vendor IRI", "vendors"),
        code(
            "role",
            "関わり",
            "Role",
            r"provider|participant",
            "provider (提供) or participant (参加).",
        ),
    ),
    ("case_study", "vendor", "role"),
)

#: Every table, in the order the downloads page lists them.
TABLES: tuple[Table, ...] = (
    INITIATIVES,
    CASE_STUDIES,
    SHARED_SYSTEMS,
    MUNICIPALITIES,
    VENDORS,
    TECHNOLOGIES,
    ROLES,
    ORGANIZATIONS,
    DEPARTMENTS,
    pair(
        "case-study-departments",
        "事例と担当部署",
        "Case studies and their departments",
        CASE,
        link("department", "部署のIRI", "Department IRI", "departments"),
    ),
    CASE_STUDY_VENDORS,
    pair(
        "case-study-technologies", "事例と技術", "Case studies and technologies", CASE, TECHNOLOGY
    ),
    pair(
        "initiative-technologies",
        "取組と技術",
        "Initiatives and technologies",
        link("initiative", "取組のIRI", "Initiative IRI", "initiatives"),
        TECHNOLOGY,
    ),
    pair(
        "shared-system-technologies",
        "共同利用システムと技術",
        "Shared systems and technologies",
        link("shared_system", "共同利用システムのIRI", "Shared system IRI", "shared-systems"),
        TECHNOLOGY,
    ),
    pair(
        "shared-system-users",
        "共同利用システムと利用団体",
        "Shared systems and the governments using them",
        link("shared_system", "共同利用システムのIRI", "Shared system IRI", "shared-systems"),
        link("government", "利用団体のIRI", "Local government IRI", "municipalities"),
    ),
)

DESCRIPTION = (
    "The dxkg release as tables: one CSV per main class, its IRI first, and a link table "
    "per relation that can have several values. Files are UTF-8 with a byte-order mark "
    "(spreadsheets need it; Frictionless, CSVW readers and pandas drop it), comma-separated, "
    "CRLF line ends, a header row; an empty cell is a missing value. Several values of one "
    f"field share a cell, joined with '{SEPARATOR}' in sorted order; a relation with several "
    "values is a link table instead, so every reference to another table's row is an IRI "
    "with a declared foreign key."
)


def cell_pattern(column: Column) -> re.Pattern[str] | None:
    """What every non-empty cell of ``column`` matches, or None for any text."""
    pattern = column.pattern or DATATYPES[column.datatype][2]
    return re.compile(pattern) if pattern else None


def write_table_docs(folder: Path, licence: Licence) -> None:
    """Write the data package and the CSVW metadata of :data:`TABLES` into the release
    folder ``folder``."""
    (folder / CSV_DATAPACKAGE).write_text(json_text(data_package(licence)), "utf-8")
    (folder / CSV_METADATA).write_text(json_text(csvw_metadata(licence)), "utf-8")


def data_package(licence: Licence) -> dict:
    """The Frictionless data package (Data Package 2.0) of every table."""
    return {
        "$schema": PROFILE + "datapackage.json",
        "name": "dxkg-tables",
        "title": "dxkg: 自治体DXナレッジグラフの表 / tables of the municipal DX knowledge graph",
        "description": DESCRIPTION,
        "licenses": [{"path": licence.licence, "title": licence.licence_name}],
        "sources": [{"title": licence.attribution_ja}, {"title": licence.attribution_en}],
        "resources": [_resource(table) for table in TABLES],
    }


def _resource(table: Table) -> dict:
    """A data resource: the file, its dialect and its Table Schema."""
    schema = {
        "$schema": PROFILE + "tableschema.json",
        "fields": [_field(column) for column in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.key),
        "foreignKeys": [
            {
                "fields": [column.name],
                "reference": {"resource": column.references, "fields": ["iri"]},
            }
            for column in table.columns
            if column.references
        ],
    }
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "type": "table",
        "title": table.en,
        "titles": {"ja": table.ja, "en": table.en},
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"$schema": PROFILE + "tabledialect.json", "header": True, "delimiter": ","},
        "schema": schema,
    }


def _field(column: Column) -> dict:
    """A Table Schema field; the Japanese title is in ``titles``, as in CSVW."""
    field = {"name": column.name, "title": column.en, "titles": {"ja": column.ja, "en": column.en}}
    field.update(DATATYPES[column.datatype][0])
    if column.about:
        field["description"] = column.about
    if column.pattern:
        field["constraints"] = {"pattern": column.pattern}
    return field


def csvw_metadata(licence: Licence) -> dict:
    """The W3C CSVW metadata (a table group) of every table."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "dc:title": [
            {"@value": "自治体DXナレッジグラフの表", "@language": "ja"},
            {"@value": "Tables of the municipal DX knowledge graph", "@language": "en"},
        ],
        "dc:description": DESCRIPTION,
        "dc:license": {"@id": licence.licence},
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "null": "",
        "tables": [_csvw_table(table) for table in TABLES],
    }


def _csvw_table(table: Table) -> dict:
    """A CSVW table: its URL (beside the metadata), titles and schema."""
    return {
        "url": f"{table.name}.csv",
        "dc:title": [
            {"@value": table.ja, "@language": "ja"},
            {"@value": table.en, "@language": "en"},
        ],
        "tableSchema": {
            "columns": [_csvw_column(column) for column in table.columns],
            "primaryKey": list(table.key),
            "foreignKeys": [
                {
                    "columnReference": column.name,
                    "reference": {"resource": f"{column.references}.csv", "columnReference": "iri"},
                }
                for column in table.columns
                if column.references
            ],
        },
    }


def _csvw_column(column: Column) -> dict:
    """A CSVW column. Its titles hold the header itself (``und``), as a validator
    matches the header against them, and the Japanese and English titles."""
    datatype = DATATYPES[column.datatype][1]
    entry = {
        "name": column.name,
        "titles": {"und": column.name, "ja": column.ja, "en": column.en},
        "datatype": {"base": datatype, "format": column.pattern} if column.pattern else datatype,
    }
    if column.datatype in ("list", "iris"):
        entry["separator"] = SEPARATOR
    if column.about:
        entry["dc:description"] = column.about
    return entry
