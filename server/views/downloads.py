"""The downloads page: every file of the release with its size, checksum and what it holds.

The list is the release's ``SHA256SUMS``, so the page shows exactly what
``/download/<file>`` serves, and its checksums are the published ones (a file is
never rehashed here: the page states what the release promised, and a reader
checks the download against it).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import NamedTuple

from flask import Blueprint, Response, current_app, url_for

from dxkg.web.views import files as release
from dxkg.web.views import networkdata, pages
from dxkg.web.views.i18n import MESSAGES

blueprint = Blueprint("downloads", __name__)
blueprint.after_request(pages.conditional)

#: The groups of the page, in their order.
GROUPS = ("dumps", "csv", "network", "metadata", "other")


class Kind(NamedTuple):
    """What a published file is: the page's group and a description in each language."""

    pattern: str  # matched against the path in dist/ (fnmatch, case-sensitive)
    group: str
    ja: str | None
    en: str | None


#: What each CSV export lists, by file stem, in the order of the home page's classes.
CSV_TABLES = {
    "initiatives": ("取組（AI・RPA 等の活用）", "Initiatives (AI, RPA and other uses)"),
    "case-studies": ("事例", "Case studies"),
    "shared-systems": ("共同利用システム", "Shared systems"),
    "municipalities": ("地方公共団体", "Local governments"),
    "vendors": ("サービス提供事業者", "Vendors"),
    "technologies": ("技術", "Technologies"),
    "roles": ("デジタル人材の役職", "Digital-talent posts"),
    "organizations": ("DX推進組織", "DX organisations"),
    "departments": ("部署", "Departments"),
}


def _csv_kind(stem: str, japanese: str, english: str) -> Kind:
    return Kind(
        f"csv/{stem}.csv",
        "csv",
        f"{japanese}の一覧（CSV、UTF-8 BOM付き、1列目がIRI）",
        f"{english}, one per row (CSV, UTF-8 with a byte-order mark, the IRI first)",
    )


#: The network analysis (``network/``): summary, measures, figures, then each network's
#: exports by format (one file per network and format: the name says which network).
NETWORK_FILES: tuple[Kind, ...] = (
    Kind(
        "network/summary.json",
        "network",
        "ネットワーク分析の概要（規模、上位のベンダーと技術、都道府県別の集計。JSON）",
        "Summary of the network analysis (sizes, top vendors and technologies, "
        "per-prefecture counts; JSON)",
    ),
    Kind(
        "network/measures.json",
        "network",
        "全ノードのネットワークごとの指標（次数、中心性、連結成分、コミュニティ。JSON）",
        "Every node's measures per network (degree, centralities, component, community; JSON)",
    ),
    *(
        Kind(f"network/{name}", "network", f"図：{japanese}（SVG）", f"Figure: {english} (SVG)")
        for name, (japanese, english) in (
            (name, MESSAGES[f"figure_{name}"]) for name in networkdata.FIGURES
        )
    ),
    Kind("network/*.svg", "network", "図（SVG）", "Figure (SVG)"),
    Kind(
        "network/*.gexf",
        "network",
        "ネットワーク（GEXF 1.2。Gephi で開けます）",
        "A network as GEXF 1.2 (opens in Gephi)",
    ),
    Kind(
        "network/*.graphml",
        "network",
        "ネットワーク（GraphML。Cytoscape、igraph などで開けます）",
        "A network as GraphML (opens in Cytoscape, igraph and others)",
    ),
    Kind(
        "network/*-nodes.csv",
        "network",
        "ネットワークのノード一覧（CSV、UTF-8、BOMなし。Gephi の表形式の取り込み用）",
        "A network's nodes (CSV, UTF-8 without a byte-order mark, for Gephi's spreadsheet import)",
    ),
    Kind(
        "network/*-edges.csv",
        "network",
        "ネットワークのエッジ一覧（CSV、source・target・weight の列）",
        "A network's edges (CSV with source, target and weight columns)",
    ),
    Kind(
        "network/*.cyjs",
        "network",
        "ネットワーク（Cytoscape.js JSON。Cytoscape デスクトップでも開けます）",
        "A network as Cytoscape.js JSON (Cytoscape desktop imports it too)",
    ),
    Kind("network/*", "network", "ネットワーク分析のファイル", "A file of the network analysis"),
)

#: The known files in the order the page lists them; the first matching pattern wins.
KNOWN_FILES: tuple[Kind, ...] = (
    Kind(
        "dxkg.trig.gz",
        "dumps",
        "データセット全体、出典文書ごとの名前付きグラフ付き（TriG、gzip圧縮）",
        "The whole dataset with its named graphs, one per source document (TriG, gzip)",
    ),
    Kind(
        "dxkg.nq.gz",
        "dumps",
        "データセット全体、名前付きグラフ付き（N-Quads、gzip圧縮）",
        "The whole dataset with its named graphs (N-Quads, gzip)",
    ),
    Kind(
        "dxkg.nq",
        "dumps",
        "同上、非圧縮（N-Quads。サーバーが読み込むファイル）",
        "The same, uncompressed (N-Quads; the file the server loads)",
    ),
    Kind(
        "dxkg.nt.gz",
        "dumps",
        "全グラフを統合した一つのグラフ（N-Triples、gzip圧縮）",
        "The merged graph (N-Triples, gzip)",
    ),
    Kind(
        "dxkg.nt",
        "dumps",
        "統合グラフ、非圧縮（N-Triples）",
        "The merged graph, uncompressed (N-Triples)",
    ),
    Kind("dxkg.ttl", "dumps", "統合グラフ（Turtle）", "The merged graph (Turtle)"),
    Kind(
        "dxkg.jsonld",
        "dumps",
        "統合グラフ（JSON-LD、context.jsonld で短縮表記）",
        "The merged graph (JSON-LD, compacted with context.jsonld)",
    ),
    Kind(
        "context.jsonld",
        "dumps",
        "dxkg.jsonld の JSON-LD コンテキスト",
        "The JSON-LD context of dxkg.jsonld",
    ),
    *(_csv_kind(stem, japanese, english) for stem, (japanese, english) in CSV_TABLES.items()),
    Kind(
        "csv/*.csv",
        "csv",
        "CSV 表（UTF-8、BOM付き）",
        "CSV table (UTF-8 with a byte-order mark)",
    ),
    *NETWORK_FILES,
    Kind(
        "catalog.ttl",
        "metadata",
        "DCAT-AP 3 カタログ（配布ファイルごとのサイズとSHA-256、SPARQLサービス、ライセンス、出典）",
        "DCAT-AP 3 catalogue (each distribution's size and SHA-256, the SPARQL service, "
        "licence, sources)",
    ),
    Kind(
        "void.ttl",
        "metadata",
        "VoID 記述（クラス別・プロパティ別の分割、e-Stat へのリンクセット）",
        "VoID description (class and property partitions, the e-Stat linkset)",
    ),
    Kind(
        "build-report.json",
        "metadata",
        "ビルドレポート（JSON）：資料の記載件数との照合、異常箇所、SHACL 警告、"
        "グラフごとのトリプル数",
        "Build report (JSON): counts against those the documents state, anomalies, "
        "SHACL warnings, triples per graph",
    ),
    Kind("build-report.md", "metadata", "ビルドレポート（Markdown）", "Build report (Markdown)"),
    Kind(
        "ontology/dxkg.ttl",
        "other",
        "dxkg の OWL 語彙（Turtle）",
        "The dxkg OWL vocabulary (Turtle)",
    ),
    Kind(
        "ontology/index.html",
        "other",
        "語彙の説明文書（HTML）",
        "The vocabulary's documentation (HTML)",
    ),
    Kind("ontology/*", "other", "語彙のファイル", "A file of the vocabulary"),
    Kind(
        "search.sqlite",
        "other",
        "/search の全文検索索引（SQLite FTS5）",
        "The full-text index behind /search (SQLite FTS5)",
    ),
)

#: A file no pattern knows: listed last, without a description.
UNKNOWN = Kind("*", "other", None, None)

#: Binary units, as ``ls -h`` and ``du -h`` print sizes.
UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


@blueprint.get("/downloads")
@blueprint.get("/downloads.json")
def downloads() -> Response:
    """The release's files by group, with links to the catalogue, VoID and SHA256SUMS."""
    dist: Path = current_app.config["DIST"]
    checksums = release.checksums(dist)
    names = sorted(checksums, key=lambda name: (kind_of(name)[0], name))
    groups = [
        {
            "id": group,
            "files": [
                describe(dist, name, checksums[name])
                for name in names
                if kind_of(name)[1].group == group
            ],
        }
        for group in GROUPS
    ]
    return pages.render(
        "downloads.html",
        {
            "groups": [group for group in groups if group["files"]],
            "links": {
                "catalogue": url_for("release.catalogue"),
                "void": url_for("release.void"),
                "checksums": url_for("release.download", name=release.CHECKSUMS),
            },
            "json_href": pages.json_link(),
        },
    )


def kind_of(name: str) -> tuple[int, Kind]:
    """The first known kind the published path ``name`` matches, with its position."""
    for position, kind in enumerate(KNOWN_FILES):
        if fnmatchcase(name, kind.pattern):
            return position, kind
    return len(KNOWN_FILES), UNKNOWN


def describe(dist: Path, name: str, digest: str) -> dict:
    """The published file ``name`` of ``dist``, whose SHA-256 is ``digest``, as the page
    lists it."""
    kind = kind_of(name)[1]
    size = (dist / name).stat().st_size
    return {
        "name": name,
        "href": url_for("release.download", name=name),
        "media_type": release.media_type(name),
        "bytes": size,
        "size": human_size(size),
        "sha256": digest,
        "description_ja": kind.ja,
        "description_en": kind.en,
    }


def human_size(size: int) -> str:
    """``size`` bytes in binary units with one decimal: ``512 B``, ``3.4 KiB``, ``12.0 MiB``."""
    exponent = min((size.bit_length() - 1) // 10, len(UNITS) - 1) if size else 0
    if exponent == 0:
        return f"{size} B"
    return f"{size / 1024**exponent:.1f} {UNITS[exponent]}"
