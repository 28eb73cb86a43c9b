"""The interface language: Japanese by default, English on request.

The choice comes from ``?lang=`` (and is then kept in a cookie), else the
cookie, else Japanese: the data and its users are Japanese, so the Accept-Language
of a browser set to English is not enough to switch a page a citation points to.
Only interface strings are translated here; data literals are shown as published.

Every interface string is in :data:`MESSAGES`, in both languages, and every lookup names
its key as written (``_("search")`` in a template, ``translate("search")`` or
``MESSAGES["search"]`` in a view, a table of a view holding the latter), never a key put
together at run time: a test reads the templates and views and finds each key here.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGUAGES = ("ja", "en")
COOKIE = "dxkg-lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Japanese, English)
    "site": ("自治体DXナレッジグラフ", "Municipal DX knowledge graph"),
    "skip_to_content": ("本文へ", "Skip to content"),
    "site_navigation": ("サイト", "Site"),
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
    "earlier_edition": ("以前の版", "earlier edition"),
    "later_edition": ("以後の版", "later edition"),
    "changes": ("版による変更", "What changed between editions"),
    "change_kind": ("変更の種類", "Change"),
    "change_added": ("追加", "added"),
    "change_removed": ("削除", "removed"),
    "change_modified": ("変更", "modified"),
    "earlier_value": ("前の版の値", "Earlier edition's value"),
    "later_value": ("後の版の値", "Later edition's value"),
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
    "sort_label_ascending": ("名称（昇順）", "Label A→Z"),
    "sort_label_descending": ("名称（降順）", "Label Z→A"),
    "list": ("一覧", "List"),
    "list_separator": ("、", ", "),
    # facets the vocabulary has no term for (the others are named by its rdfs:labels)
    "facet_prefecture_of_cases": ("事例の都道府県", "Prefecture of cases"),
    "facet_technology_of_cases": ("事例の技術", "Technology of cases"),
    "facet_broader": ("上位概念", "Broader"),
    "label": ("名称", "Label"),
    "results": ("件", "results"),
    "no_results": ("該当なし", "No results"),
    # class pages: sorting, counting columns, the CSV of the filtered view
    "sort_ascending": ("{}（昇順）", "{} (ascending)"),
    "sort_descending": ("{}（降順）", "{} (descending)"),
    "column_initiatives": ("取組数", "Initiatives"),
    "column_cases": ("事例数", "Case studies"),
    "column_governments": ("団体数", "Governments"),
    "download_csv": ("CSV（絞り込んだ全件）", "CSV (every row of this view)"),
    "file": ("ファイル", "File"),
    "size": ("サイズ", "Size"),
    "checksum": ("SHA-256", "SHA-256"),
    "catalogue": ("DCAT カタログ", "DCAT catalogue"),
    "void": ("VoID 記述", "VoID description"),
    # the catalogue's page (/catalog in HTML)
    "catalogue_intro": (
        (
            "このリリースの DCAT-AP 3 カタログです。同じ URL が Accept ヘッダーに応じて "
            "Turtle、JSON-LD、RDF/XML でも応答し（指定がなければ Turtle）、"
            "ダウンロード URL はこのサーバーのものです。公開されたファイルそのもの："
        ),
        (
            "The release's DCAT-AP 3 catalogue. The same URL answers in Turtle, JSON-LD or "
            "RDF/XML by the Accept header (Turtle when it names none), with the download URLs "
            "of this server. The file as published:"
        ),
    ),
    "publisher": ("公開者", "Publisher"),
    "contact": ("問い合わせ先", "Contact"),
    "issued": ("公開日", "Issued"),
    "modified": ("更新日", "Modified"),
    "datasets": ("データセット", "Datasets"),
    "identifier": ("識別子", "Identifier"),
    "version": ("版", "Version"),
    "frequency": ("更新頻度", "Update frequency"),
    "themes": ("テーマ", "Themes"),
    "keywords": ("キーワード", "Keywords"),
    "distributions": ("配布ファイル", "Distributions"),
    "data_service": ("データサービス", "Data service"),
    "source_documents": ("出典文書", "Source documents"),
    "rights": ("権利・利用条件", "Rights and terms of use"),
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
    "group_csv": ("CSV（クラスごとの表と対応表）", "CSV (a table per class, link tables)"),
    "group_metadata": ("メタデータ", "Metadata"),
    "group_other": ("その他", "Other"),
    # what each file of a release holds ("{}": what file_csv_table and file_figure are of)
    "file_trig_gz": (
        "データセット全体、出典文書ごとの名前付きグラフ付き（TriG、gzip圧縮）",
        "The whole dataset with its named graphs, one per source document (TriG, gzip)",
    ),
    "file_nquads_gz": (
        "データセット全体、名前付きグラフ付き（N-Quads、gzip圧縮）",
        "The whole dataset with its named graphs (N-Quads, gzip)",
    ),
    "file_nquads": (
        "同上、非圧縮（N-Quads。サーバーが読み込むファイル）",
        "The same, uncompressed (N-Quads; the file the server loads)",
    ),
    "file_ntriples_gz": (
        "全グラフを統合した一つのグラフ（N-Triples、gzip圧縮）",
        "The merged graph (N-Triples, gzip)",
    ),
    "file_ntriples": (
        "統合グラフ、非圧縮（N-Triples）",
        "The merged graph, uncompressed (N-Triples)",
    ),
    "file_turtle": ("統合グラフ（Turtle）", "The merged graph (Turtle)"),
    "file_jsonld": (
        "統合グラフ（JSON-LD、context.jsonld で短縮表記）",
        "The merged graph (JSON-LD, compacted with context.jsonld)",
    ),
    "file_jsonld_context": (
        "dxkg.jsonld の JSON-LD コンテキスト",
        "The JSON-LD context of dxkg.jsonld",
    ),
    "file_csv_table": (
        "{}の一覧（CSV、UTF-8 BOM付き、1列目がIRI）",
        "{}, one per row (CSV, UTF-8 with a byte-order mark, the IRI first)",
    ),
    "file_csv_links": (
        "{}の対応表（CSV、UTF-8 BOM付き、1行に2つのIRI）",
        "{}: a link table, a pair of IRIs per row (CSV, UTF-8 with a byte-order mark)",
    ),
    "file_csv": ("CSV 表（UTF-8、BOM付き）", "CSV table (UTF-8 with a byte-order mark)"),
    "file_csv_datapackage": (
        "CSV 表の説明：列、型、主キー、外部キー（Frictionless Data Package）",
        "What the CSV tables hold: columns, types, keys (Frictionless data package)",
    ),
    "file_csv_metadata": (
        "CSV 表の説明（W3C CSVW メタデータ）",
        "What the CSV tables hold (W3C CSVW metadata)",
    ),
    "file_network_summary": (
        "ネットワーク分析の概要（規模、上位のベンダーと技術、都道府県別の集計。JSON）",
        (
            "Summary of the network analysis (sizes, top vendors and technologies, "
            "per-prefecture counts; JSON)"
        ),
    ),
    "file_network_measures": (
        "全ノードのネットワークごとの指標（次数、中心性、連結成分、コミュニティ。JSON）",
        "Every node's measures per network (degree, centralities, component, community; JSON)",
    ),
    "file_figure": ("図：{}（SVG）", "Figure: {} (SVG)"),
    "file_svg": ("図（SVG）", "Figure (SVG)"),
    "file_gexf": (
        "ネットワーク（GEXF 1.2。Gephi で開けます）",
        "A network as GEXF 1.2 (opens in Gephi)",
    ),
    "file_graphml": (
        "ネットワーク（GraphML。Cytoscape、igraph などで開けます）",
        "A network as GraphML (opens in Cytoscape, igraph and others)",
    ),
    "file_nodes_csv": (
        "ネットワークのノード一覧（CSV、UTF-8、BOMなし。Gephi の表形式の取り込み用）",
        "A network's nodes (CSV, UTF-8 without a byte-order mark, for Gephi's spreadsheet import)",
    ),
    "file_edges_csv": (
        "ネットワークのエッジ一覧（CSV、source・target・weight の列）",
        "A network's edges (CSV with source, target and weight columns)",
    ),
    "file_cyjs": (
        "ネットワーク（Cytoscape.js JSON。Cytoscape デスクトップでも開けます）",
        "A network as Cytoscape.js JSON (Cytoscape desktop imports it too)",
    ),
    "file_network": ("ネットワーク分析のファイル", "A file of the network analysis"),
    "file_catalogue": (
        "DCAT-AP 3 カタログ（配布ファイルごとのサイズとSHA-256、SPARQLサービス、ライセンス、出典）",
        (
            "DCAT-AP 3 catalogue (each distribution's size and SHA-256, the SPARQL service, "
            "licence, sources)"
        ),
    ),
    "file_void": (
        "VoID 記述（クラス別・プロパティ別の分割、e-Stat へのリンクセット）",
        "VoID description (class and property partitions, the e-Stat linkset)",
    ),
    "file_report_json": (
        "ビルドレポート（JSON）：資料の記載件数との照合、異常箇所、SHACL 警告、グラフごとのトリプル数",
        (
            "Build report (JSON): counts against those the documents state, anomalies, "
            "SHACL warnings, triples per graph"
        ),
    ),
    "file_report_md": ("ビルドレポート（Markdown）", "Build report (Markdown)"),
    "file_ontology_turtle": ("dxkg の OWL 語彙（Turtle）", "The dxkg OWL vocabulary (Turtle)"),
    "file_ontology_html": ("語彙の説明文書（HTML）", "The vocabulary's documentation (HTML)"),
    "file_example_queries": (
        "語彙の例題クエリ（SPARQL、JSON。/query の例）",
        "The vocabulary's example queries (SPARQL in JSON; the examples of /query)",
    ),
    "file_ontology": ("語彙のファイル", "A file of the vocabulary"),
    "file_search_index": (
        "/search の全文検索索引（SQLite FTS5）",
        "The full-text index behind /search (SQLite FTS5)",
    ),
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
        (
            "名称と説明文を語句の一部で検索します。空白で区切った語はすべてを含むもの、"
            '"…" で囲んだ語句はそのままの並びを探します。全角・半角、大文字・小文字は区別しません。'
        ),
        (
            "Finds any part of a word in names and texts. Terms separated by spaces must all"
            ' occur; "…" keeps a phrase whole. Letter width and case do not matter.'
        ),
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
    "search_too_many_terms": (
        "検索語が多すぎます（{limit}語まで）。",
        "Too many search terms (at most {limit}).",
    ),
    "search_all_of": ("すべてを含む", "All of"),
    "search_by_class": ("種類", "Kind"),
    "search_by_prefecture": ("都道府県", "Prefecture"),
    "search_nothing": ("一致する結果はありません。", "Nothing matches."),
    "search_try_terms": ("語ごとの検索：", "Each term alone:"),
    "search_try_labels": ("近い名称：", "Close names:"),
    # networks (the network page and the measures on entity pages)
    "networks": ("ネットワーク", "Networks"),
    "network_title": ("ネットワーク分析", "Network analysis"),
    "network_intro": (
        (
            "事例と調査から作った二部ネットワーク（自治体とベンダー、技術、共同利用システム）"
            "と、その射影です。ネットワーク全体と各ノードの指標はダウンロードして"
            "Gephi や Cytoscape などで開けます。"
        ),
        (
            "Bipartite networks built from the cases and the survey (local governments with "
            "vendors, technologies and shared systems) and their projections. The networks "
            "and every node's measures can be downloaded and opened in Gephi, Cytoscape "
            "and other tools."
        ),
    ),
    "network_missing": (
        (
            "このリリースにはネットワーク分析（network/summary.json）がありません。"
            "dxkg build で作り直してください。"
        ),
        "This release has no network analysis (network/summary.json); run dxkg build.",
    ),
    "network_contents": ("目次", "Contents"),
    "network_vendor-municipality": ("ベンダー–自治体", "Vendor–municipality"),
    "network_technology-municipality": ("技術–自治体", "Technology–municipality"),
    "network_shared-system-municipality": (
        "共同利用システム–自治体",
        "Shared system–municipality",
    ),
    "network_municipality-by-vendor": (
        "自治体（共通のベンダーによる射影）",
        "Municipalities sharing vendors (projection)",
    ),
    "network_vendor-by-municipality": (
        "ベンダー（共通の自治体による射影）",
        "Vendors sharing municipalities (projection)",
    ),
    "network_technology-by-municipality": (
        "技術（同じ自治体での利用による射影）",
        "Technologies used by the same municipalities (projection)",
    ),
    "network_vendor-group-municipality": (
        "企業グループ–自治体",
        "Corporate group–municipality",
    ),
    "network_vendor-municipality-edition": (
        "ベンダー–自治体（{}）",
        "Vendor–municipality ({})",
    ),
    "network": ("ネットワーク", "Network"),
    "network_sizes": ("ネットワークの規模", "Network sizes"),
    "nodes": ("ノード", "Nodes"),
    "edges": ("エッジ", "Edges"),
    "governments": ("自治体", "Governments"),
    "other_side": ("相手側", "Other side"),
    "density": ("密度", "Density"),
    "components": ("連結成分", "Components"),
    "largest_component": ("最大連結成分", "Largest component"),
    "communities": ("コミュニティ", "Communities"),
    "top_vendors": ("多くの自治体と関わるベンダー", "Vendors serving the most municipalities"),
    "top_technologies": (
        "多くの自治体で使われる技術",
        "Technologies used by the most municipalities",
    ),
    "top_vendor_groups": (
        "多くの自治体と関わる企業グループ",
        "Corporate groups serving the most municipalities",
    ),
    "vendor": ("ベンダー", "Vendor"),
    "vendor_group": ("企業グループ", "Corporate group"),
    "technology": ("技術", "Technology"),
    "municipalities_served": ("自治体数", "Municipalities"),
    "initiatives": ("取組数", "Initiatives"),
    "prefectures_count": ("都道府県数", "Prefectures"),
    "communities_summary": ("コミュニティ（Louvain法）", "Communities (Louvain)"),
    "community_sizes": ("大きさ（大きい順）", "Sizes (largest first)"),
    "largest_communities": (
        "ベンダー–自治体ネットワークの大きなコミュニティ",
        "The largest communities of the vendor–municipality network",
    ),
    "community_number": ("番号", "Number"),
    "by_prefecture": ("都道府県別", "By prefecture"),
    "prefecture": ("都道府県", "Prefecture"),
    "vendors": ("ベンダー", "Vendors"),
    "technologies": ("技術", "Technologies"),
    "shared_systems": ("共同利用システム", "Shared systems"),
    "governments_with": ("関わる団体数", "Governments"),
    "partners": ("相手の数", "Partners"),
    "figures": ("図", "Figures"),
    "network_downloads": ("ネットワークのダウンロード", "Network downloads"),
    "network_downloads_intro": (
        (
            "各ネットワークを GEXF（Gephi）、GraphML、CSV（ノードとエッジ）、Cytoscape.js JSON で"
            "提供します。概要と全ノードの指標は JSON です："
        ),
        (
            "Each network as GEXF (Gephi), GraphML, CSV (nodes and edges) and Cytoscape.js "
            "JSON. The summary and every node's measures are JSON:"
        ),
    ),
    "export_gexf": ("GEXF", "GEXF"),
    "export_graphml": ("GraphML", "GraphML"),
    "export_nodes_csv": ("CSV（ノード）", "CSV (nodes)"),
    "export_edges_csv": ("CSV（エッジ）", "CSV (edges)"),
    "export_cyjs": ("Cytoscape.js JSON", "Cytoscape.js JSON"),
    "network_summary_file": ("概要", "Summary"),
    "network_measures_file": ("ノードごとの指標", "Measures of every node"),
    "network_drawing": ("ベンダー–自治体ネットワーク", "The vendor–municipality network"),
    "network_drawing_help": (
        (
            "条件に合うエッジと、それにつながるノードだけを表示します。"
            "ノードを選ぶとそのページへ移動します。一覧は右（狭い画面では下）にあります。"
        ),
        (
            "Only the edges that match the filters, and the nodes they join, are shown. "
            "Select a node to open its page; the list beside the drawing (below it on narrow "
            "screens) holds the same nodes."
        ),
    ),
    "network_canvas": (
        "ベンダー–自治体ネットワークの図（内容は右の一覧と同じ）",
        "Drawing of the vendor–municipality network (the list holds the same nodes)",
    ),
    "filter_prefecture": ("都道府県", "Prefecture"),
    "filter_technology": ("技術", "Technology"),
    "filter_min_weight": ("最小の重み（取組数）", "Minimum weight (initiatives)"),
    "filter_all": ("すべて", "All"),
    "network_status": (
        "{nodes} ノード・{edges} エッジを表示中（全 {total_nodes} ノード・{total_edges} エッジ）",
        "Showing {nodes} nodes and {edges} edges (of {total_nodes} nodes and {total_edges} edges)",
    ),
    "network_loading": ("読み込み中…", "Loading…"),
    "network_failed": (
        "ネットワークを読み込めませんでした。下の表をご覧ください。",
        "The network could not be loaded; the tables below hold its figures.",
    ),
    "network_nodes_list": ("表示中のノード", "Nodes shown"),
    "figure_degree-distribution.svg": (
        "次数分布(ベンダー–自治体ネットワーク)",
        "Degree distribution of the vendor–municipality network",
    ),
    "figure_top-vendors.svg": (
        "取引自治体数の多いベンダー",
        "Top vendors by municipalities served",
    ),
    "figure_community-sizes.svg": (
        "コミュニティの大きさ(Louvain法)",
        "Community sizes (Louvain) in the vendor–municipality network",
    ),
    "network_measures": ("ネットワーク指標", "Network measures"),
    "degree": ("次数", "Degree"),
    "weighted_degree": ("重み付き次数", "Weighted degree"),
    "degree_centrality": ("次数中心性", "Degree centrality"),
    "betweenness": ("媒介中心性", "Betweenness"),
    "component": ("連結成分", "Component"),
    "community": ("コミュニティ", "Community"),
    "network_page_link": ("ネットワーク分析のページ", "The network analysis page"),
    "group_network": ("ネットワーク分析", "Network analysis"),
    # the map page (map.py, geo.py)
    "map": ("地図", "Map"),
    "map_title": ("自治体の地図", "Map of the governments"),
    "map_intro": (
        "自治体を庁舎の位置に点で示し、都道府県を件数で塗り分けます。点やマスを選ぶとその自治体のページへ移ります。",
        (
            "Each government is a point at its office and each prefecture is shaded by a count;"
            " a point or a square leads to its page."
        ),
    ),
    "map_note": (
        (
            "地図はサーバーで描いたSVGで、地図タイルも外部のデータも使いません。点の背景は全国の自治体庁舎の位置"
            "（localgovjp、CC0）です。都道府県は形ではなく、1都道府県を1マスとするタイルグリッド（北海道が右上、沖縄が左下）で示します。"
        ),
        (
            "The maps are SVG drawn by the server, without map tiles or outside data. Behind the"
            " points are the offices of every government in Japan (localgovjp, CC0). The"
            " prefectures are a tile grid, one square each (Hokkaido top right, Okinawa bottom"
            " left), not their outlines."
        ),
    ),
    "map_filters": ("表示する件数と絞り込み", "Count and filters"),
    "map_measure": ("塗り分ける件数", "Count shaded"),
    "map_measure_initiatives": ("取組数", "Initiatives"),
    "map_measure_technologies": ("技術の種類数", "Technologies"),
    "map_measure_survey": ("調査の回答行数", "Survey rows"),
    "map_source": ("出典", "Source"),
    "map_source_survey": ("2020年都道府県調査", "2020 prefectural survey"),
    "map_source_cases": ("自治体DX推進参考事例集", "Case collections"),
    "map_apply": ("表示", "Show"),
    "map_bad_filter": ("この絞り込みはありません", "There is no such filter"),
    "map_points": ("庁舎の位置", "Offices"),
    "map_choropleth": ("都道府県別の件数", "Counts by prefecture"),
    "map_legend": ("凡例", "Legend"),
    # The entity pages' views by kind (entity.py, _entity_*.html).
    "all_properties": ("すべてのプロパティと参照元", "All properties and links"),
    "edition": ("版", "Edition"),
    "government": ("団体", "Government"),
    "population": ("人口", "Population"),
    "persons": ("人", " people"),
    "category": ("分類", "Category"),
    "initiative": ("取組", "Initiative"),
    "initiative_list": ("取組", "Initiatives"),
    "point": ("Point", "Point"),
    "overview": ("概要", "Overview"),
    "effects": ("効果", "Effects"),
    "costs": ("費用", "Costs"),
    "cost_kind": ("費用の種類", "Kind of cost"),
    "amount_yen": ("金額（円）", "Amount (yen)"),
    "as_printed": ("記載どおり", "As printed"),
    "breakdown": ("内訳", "Breakdown"),
    "approximately": ("約", "about"),
    "yen": ("円", " yen"),
    "schedule": ("スケジュール", "Schedule"),
    "time_to_launch": ("導入までの期間", "Time to launch"),
    "vendors_and_partners": ("事業者・参画主体", "Vendors and partners"),
    "role_provider": ("サービス提供", "provider"),
    "role_participant": ("参画", "participant"),
    "departments_and_contacts": ("担当部署・問い合わせ先", "Departments and contacts"),
    "telephone": ("電話", "Tel."),
    "interview": ("インタビュー", "Interview"),
    "question_mark": ("Q.", "Q."),
    "related_links": ("関連リンク", "Related links"),
    "survey_table": ("調査票", "Survey table"),
    "status": ("状況", "Status"),
    "reports": ("報告", "Reports"),
    "survey_row_is_its_report": (
        "調査の回答行そのものが報告です。",
        "The survey row is its own report.",
    ),
    "focus_areas": ("重点取組事項", "Focus areas"),
    "english_name": ("英語名", "English name"),
    "reading": ("読み", "Reading"),
    "government_code": ("団体コード", "Local government code"),
    "website": ("ウェブサイト", "Website"),
    "office_location": ("庁舎の位置", "Office location"),
    "source_case": ("事例", "case"),
    "source_survey": ("調査", "survey"),
    "none_found": ("ありません。", "None."),
    "role_user": ("利用", "user"),
    "role_reporter": ("回答", "reporter"),
    "parent_company": ("親会社", "Parent company"),
    "other_names": ("別表記", "Other names"),
    "governments_served": ("取引のある団体", "Governments served"),
    "co_vendors": ("共に参画するベンダー", "Co-vendors"),
    "broader": ("上位の技術", "Broader"),
    "narrower": ("下位の技術", "Narrower"),
    "initiatives_by_prefecture": ("都道府県別の取組数", "Initiatives by prefecture"),
    "initiatives_using_it": ("この技術を使う取組の一覧", "The initiatives using it"),
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


def pick(texts: tuple[str, str]) -> str:
    """The one of ``texts`` (Japanese, English) in the request's language."""
    japanese, english = texts
    return english if g.get("lang") == "en" else japanese


def filled(template: tuple[str, str], part: tuple[str, str]) -> tuple[str, str]:
    """``template`` (Japanese, English, each with a ``{}``) with ``part`` in each language."""
    return template[0].format(part[0]), template[1].format(part[1])


def translate(key: str) -> str:
    """The interface string ``key`` (always written out: see the module's docstring) in
    the request's language."""
    return pick(MESSAGES[key])


def install(app: Flask) -> None:
    """Choose the language on every request and offer ``_()`` to the templates."""
    app.before_request(choose_language)
    app.after_request(remember_language)
    app.jinja_env.globals["_"] = translate


# the SPARQL page's prefixes and parse errors
MESSAGES |= {
    "query_prefixes": ("定義済みの接頭辞", "Predeclared prefixes"),
    "query_prefixes_intro": (
        (
            "クエリはこれらの接頭辞を宣言せずに使えます。"
            "このページは、クエリに無い宣言を送信時にクエリの前に付けます。"
        ),
        (
            "A query may use these prefixes without declaring them: this page puts the "
            "declarations the query lacks in front of it when it sends it."
        ),
    ),
    "query_error": ("クエリを解析できません", "The query cannot be parsed"),
    "query_error_line": ("行", "line"),
    "query_error_column": ("列", "column"),
    "query_hint_prefix": (
        "接頭辞「{}:」が宣言されていません。PREFIX {}: <…> をクエリの先頭に加えてください。",
        "The prefix “{}:” is not declared: add PREFIX {}: <…> at the top of the query.",
    ),
}

# the home page's entry points
MESSAGES |= {
    "home_holds": (
        (
            "総務省の「自治体DX推進参考事例集」の各版の事例と、AI・RPAの利用や"
            "デジタル人材、共同利用システムなどの調査結果を、自治体・事業者・技術・"
            "重点取組事項で結び付け、出典の行まで辿れるようにしています。"
        ),
        (
            "It holds the cases of every edition of MIC's reference case collection for "
            "local-government DX and the survey rows on AI and RPA use, digital talent and "
            "shared systems, linked by government, vendor, technology and focus area, each "
            "traceable to the line of its source."
        ),
    ),
    "home_start": ("はじめに", "Where to start"),
    "home_map": ("地図", "Map"),
    "home_map_text": (
        "自治体の所在地と、都道府県ごとの取組の数。",
        "governments at their offices, and initiatives per prefecture.",
    ),
    "home_network_text": (
        "事業者と自治体のつながり、技術、コミュニティ。",
        "vendors and the governments they serve, technologies, communities.",
    ),
    "home_search_text": ("名称や本文を検索。例：", "labels and text; for example "),
    "home_query_text": (
        "例題クエリから始めて、自由に問い合わせる。",
        "start from an example query and ask your own.",
    ),
    "home_questions": ("よくある問い", "Featured questions"),
}

# the graph view's legend and collapsed hubs
MESSAGES |= {
    "kind_case": ("事例", "Case"),
    "kind_initiative": ("取組", "Initiative"),
    "kind_municipality": ("自治体", "Government"),
    "kind_vendor": ("事業者", "Vendor"),
    "kind_technology": ("技術", "Technology"),
    "kind_other": ("その他", "Other"),
    "graph_more": ("ほか{}件", "{} more"),
    "graph_collapsed": (
        "二重線：つながる項目が多いため広げていない項目（選ぶとその項目のグラフへ）",
        "Double border: linked to many more, not expanded (select it for its own graph)",
    ),
    "graph_labels_help": (
        "名前は中心と主な項目に表示し、ほかはポインタを重ねると表示します。",
        "Names are shown for the centre and the main nodes; point at a node for its name.",
    ),
}
