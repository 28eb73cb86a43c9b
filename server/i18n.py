"""The interface language: Japanese by default, English on request.

The choice comes from ``?lang=`` (and is then kept in a cookie), else the
cookie, else Japanese: the data and its users are Japanese, so the Accept-Language
of a browser set to English is not enough to switch a page a citation points to.
Only interface strings are translated here; data literals are shown as published.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGUAGES = ("ja", "en")
COOKIE = "dxkg-lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Japanese, English)
    "site": ("自治体DXナレッジグラフ", "Municipal DX knowledge graph"),
    "home": ("ホーム", "Home"),
    "classes": ("クラス", "Classes"),
    "search": ("検索", "Search"),
    "search_placeholder": ("例：RPA、チャットボット、長岡市", "e.g. RPA, chatbot, 長岡市"),
    "sparql": ("SPARQL", "SPARQL"),
    "downloads": ("ダウンロード", "Downloads"),
    "ontology": ("語彙", "Vocabulary"),
    "licence": ("ライセンス", "Licence"),
    "language": ("言語", "Language"),
    "entities": ("件数", "Entities"),
    "class": ("クラス", "Class"),
    "count": ("件数", "Count"),
    "triples": ("トリプル", "triples"),
    "type": ("種類", "Type"),
    "property": ("プロパティ", "Property"),
    "value": ("値", "Value"),
    "properties": ("プロパティ", "Properties"),
    "incoming": ("この項目を参照しているもの", "Referred to by"),
    "sources": ("出典", "Sources"),
    "source_excerpt": ("出典箇所", "Source excerpt"),
    "lines": ("行", "lines"),
    "other_edition": ("他の版", "Other edition"),
    "changes": ("版による変更", "What changed between editions"),
    "only_in": ("のみ", "only"),
    "unchanged": ("変更なし", "no change"),
    "as_data": ("データとして", "As data"),
    "graph_view": ("グラフ表示", "Graph view"),
    "more": ("さらに表示", "More"),
    "previous": ("前へ", "Previous"),
    "next": ("次へ", "Next"),
    "page": ("ページ", "Page"),
    "facets": ("絞り込み", "Filter"),
    "clear_filters": ("絞り込みを解除", "Clear filters"),
    "sort": ("並べ替え", "Sort"),
    "label": ("名称", "Label"),
    "results": ("件", "results"),
    "no_results": ("該当なし", "No results"),
    "file": ("ファイル", "File"),
    "size": ("サイズ", "Size"),
    "checksum": ("SHA-256", "SHA-256"),
    "catalogue": ("DCAT カタログ", "DCAT catalogue"),
    "void": ("VoID 記述", "VoID description"),
    "run": ("実行", "Run"),
    "examples": ("例題クエリ", "Example queries"),
    "not_found": ("見つかりません", "Not found"),
    "about": (
        "自治体DXに関する政府資料から抽出・連携したリンクトオープンデータです。",
        (
            "Linked open data extracted and linked from government documents on "
            "municipal digital transformation in Japan."
        ),
    ),
    # downloads
    "downloads_intro": (
        (
            "このリリースのすべてのファイルです。SHA-256 は SHA256SUMS に記載された値で、"
            "ダウンロードしたファイルは次のコマンドで確認できます："
        ),
        (
            "Every file of this release. The SHA-256 is the one listed in SHA256SUMS; "
            "check the files you downloaded with:"
        ),
    ),
    "description": ("内容", "Description"),
    "media_type": ("メディアタイプ", "Media type"),
    "bytes": ("バイト", "bytes"),
    "checksums_file": ("チェックサム一覧（SHA256SUMS）", "Checksums (SHA256SUMS)"),
    "group_dumps": ("データセット（RDF ダンプ）", "Dataset dumps (RDF)"),
    "group_csv": ("CSV（クラスごと）", "CSV (one file per class)"),
    "group_metadata": ("メタデータ", "Metadata"),
    "group_other": ("その他", "Other"),
    # editor and graph view
    "query_title": ("SPARQL クエリ", "SPARQL query"),
    "query_intro": (
        "このページのエディタはこのサーバーの SPARQL エンドポイントに問い合わせます：",
        "The editor on this page queries this server's SPARQL endpoint:",
    ),
    "query_text": ("クエリ", "Query"),
    "result_format": ("結果の形式", "Result format"),
    "examples_intro": (
        "語彙の説明（ontology/README.md）にある例です。選ぶとエディタに読み込まれます。",
        (
            "The examples of the vocabulary's README (ontology/README.md); "
            "choose one to load it into the editor."
        ),
    ),
    "example_tab": ("例", "Example"),
    "entity_page": ("この項目のページ", "Page of this resource"),
    "graph_help": (
        "ノードを選ぶとその項目のページへ移動します。同じ内容を下に一覧で示します。",
        "Select a node to open its page. The lists below give the same content.",
    ),
    "graph_canvas": (
        "周辺のグラフ（内容は下の一覧と同じ）",
        "Graph of the neighbourhood (the lists below hold the same content)",
    ),
    "graph_hops": ("表示する範囲", "Distance shown"),
    "hops_1": ("1ホップ", "1 hop"),
    "hops_2": ("2ホップ", "2 hops"),
    "graph_truncated": (
        "表示できるノードの上限（{}）に達したため、一部のみ表示しています。",
        "Only part of the neighbourhood is shown: it reaches the limit of {} nodes.",
    ),
    "legend": ("凡例", "Legend"),
    "neighbours": ("周辺の項目", "Neighbours"),
    "graph_links": ("関係の一覧", "All links"),
    "subject": ("主語", "Subject"),
    "object": ("目的語", "Object"),
    # search
    "search_terms": ("検索語", "Search terms"),
    "search_hint": (
        "名称と説明文を語句の一部で検索します。全角・半角、大文字・小文字は区別しません。",
        "Finds any part of a word in names and texts, whatever the letter width or case.",
    ),
    "search_more": ("この種類の結果をすべて表示", "All results of this kind"),
    "search_too_long": (
        "検索語が長すぎます（{limit}文字まで）。",
        "The search text is too long (at most {limit} characters).",
    ),
    "search_missing": (
        "検索索引（search.sqlite）がこのリリースにありません。dxkg build で作り直してください。",
        "The search index (search.sqlite) is missing from this release; run dxkg build.",
    ),
}


def choose_language() -> None:
    """Set ``g.lang`` for this request from the query string or the cookie."""
    asked = request.args.get("lang") or request.cookies.get(COOKIE)
    g.lang = asked if asked in LANGUAGES else LANGUAGES[0]


def remember_language(response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice for the next pages."""
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, request.args["lang"], max_age=365 * 86400, samesite="Lax")
    return response


def translate(key: str) -> str:
    """The interface string ``key`` in the request's language."""
    japanese, english = MESSAGES[key]
    return english if g.get("lang") == "en" else japanese


def install(app: Flask) -> None:
    """Choose the language on every request and offer ``_()`` to the templates."""
    app.before_request(choose_language)
    app.after_request(remember_language)
    app.jinja_env.globals["_"] = translate
