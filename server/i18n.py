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
