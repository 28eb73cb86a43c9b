"""Full-text search: the build's SQLite FTS5 index, the query parser and the /search pages.

Unit tests run on a small store built here; the end-to-end tests on the real release,
through Flask's test client and, in Chromium, through ``dxkg serve``.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from dxkg.pipeline.publish.dumps import write_checksums
from dxkg.pipeline.publish.searchindex import search_key, write_search_index
from dxkg.pipeline.text import match_key
from dxkg.release import CHECKSUMS, NQUADS, REPORT_JSON, SEARCH_INDEX
from dxkg.web.app import create_app
from dxkg.web.views import search as search_view
from dxkg.web.views.search import (
    CONNECTIONS,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    PER_GROUP,
    PER_PAGE,
    SNIPPET_CHARS,
    highlight,
    parse,
    segments,
)
from servers import dxkg_server
from test_release_contract import minimal_report

BASE = "https://example.org/"
DXKG = BASE + "ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCRIPT = "<script>alert(1)</script>"


def sample_store() -> Store:
    """A few resources of each kind the index treats differently."""
    triples = [
        (DXKG + "CaseStudy", RDFS + "label", Literal("事例", language="ja")),
        (DXKG + "CaseStudy", RDFS + "label", Literal("Case study", language="en")),
        (DXKG + "Initiative", RDFS + "label", Literal("取組", language="ja")),
        (DXKG + "City", RDFS + "label", Literal("市", language="ja")),
        (DXKG + "DesignatedCity", RDFS + "label", Literal("政令指定都市", language="ja")),
        (DXKG + "DesignatedCity", RDFS + "subClassOf", NamedNode(DXKG + "City")),
        (DXKG + "Prefecture", RDFS + "label", Literal("都道府県", language="ja")),
        (DXKG + "InterviewAnswer", RDFS + "label", Literal("インタビュー回答", language="ja")),
        (DXKG + "overview", RDFS + "label", Literal("事業の概要", language="ja")),
        (BASE + "id/case/1", RDF_TYPE.value, NamedNode(DXKG + "CaseStudy")),
        (BASE + "id/case/1", RDFS + "label", Literal("ＲＰＡで窓口業務を効率化", language="ja")),
        (BASE + "id/case/1", DXKG + "overview", Literal("申請書の入力をＡ Ｉ－ＯＣＲで読み取る")),
        (BASE + "id/initiative/1", RDF_TYPE.value, NamedNode(DXKG + "Initiative")),
        (BASE + "id/initiative/1", RDFS + "label", Literal(f"{SCRIPT} R P A 入力", language="ja")),
        (BASE + "id/initiative/1", DXKG + "usageDescription", Literal("－")),
        (BASE + "id/municipality/1", RDF_TYPE.value, NamedNode(DXKG + "City")),
        (BASE + "id/municipality/1", RDF_TYPE.value, NamedNode(DXKG + "DesignatedCity")),
        (BASE + "id/municipality/1", RDFS + "label", Literal("札幌市", language="ja")),
        (BASE + "id/municipality/1", RDF_TYPE.value, NamedNode(DXKG + "Municipality")),
        (BASE + "id/municipality/1", DXKG + "inPrefecture", NamedNode(BASE + "id/municipality/0")),
        (BASE + "id/municipality/0", RDF_TYPE.value, NamedNode(DXKG + "Municipality")),
        (BASE + "id/municipality/0", RDF_TYPE.value, NamedNode(DXKG + "Prefecture")),
        (BASE + "id/municipality/0", RDFS + "label", Literal("北海道", language="ja")),
        (BASE + "id/case/1", DXKG + "municipality", NamedNode(BASE + "id/municipality/1")),
        (BASE + "id/case/1", DXKG + "interviewAnswer", NamedNode(BASE + "id/case/1/answer/1")),
        (BASE + "id/case/1/answer/1", RDF_TYPE.value, NamedNode(DXKG + "InterviewAnswer")),
        (BASE + "id/case/1/answer/1", DXKG + "question", Literal("効果を教えてください。")),
        (BASE + "id/case/1/answer/1", DXKG + "answer", Literal("窓口の待ち時間が減りました。")),
        (BASE + "id/concept/e", RDF_TYPE.value, NamedNode(SKOS + "Concept")),
        (BASE + "id/concept/e", SKOS + "prefLabel", Literal("電子申請", language="ja")),
        (BASE + "id/concept/e", SKOS + "prefLabel", Literal("Online application", language="en")),
        (BASE + "id/source/d/L1", RDF_TYPE.value, NamedNode(DXKG + "SourceExcerpt")),
        (BASE + "id/source/d/L1", RDFS + "label", Literal("RPA の行", language="ja")),
        (BASE + "id/source/d/L1", DXKG + "excerptText", Literal("RPA を導入した")),
        (BASE + "ontology#Thing", RDFS + "label", Literal("RPA", language="ja")),
    ]
    store = Store()
    for subject, predicate, obj in triples:
        store.add(Quad(NamedNode(subject), NamedNode(predicate), obj))
    return store


@pytest.fixture(scope="module")
def small_dist(tmp_path_factory) -> Path:
    """A release folder holding just the sample's dump, a report with nothing to report,
    the search index and their checksums."""
    dist = tmp_path_factory.mktemp("small") / "dist"
    dist.mkdir()
    store = sample_store()
    store.dump(str(dist / NQUADS), format=RdfFormat.N_QUADS)
    (dist / REPORT_JSON).write_text(minimal_report(BASE).to_json(), "utf-8")
    write_search_index(store, dist, BASE)
    write_checksums(dist)
    return dist


@pytest.fixture(scope="module")
def small_client(small_dist) -> FlaskClient:
    return create_app(small_dist).test_client()


def index_rows(dist: Path) -> list[tuple]:
    with sqlite3.connect(dist / SEARCH_INDEX) as connection:
        return connection.execute(
            "SELECT resources.iri, classes.name, resources.label_ja, resources.label_en,"
            " fields.name, entries.verbatim, entries.folded FROM entries"
            " JOIN resources ON resources.id = entries.resource"
            " JOIN classes ON classes.id = resources.class"
            " JOIN fields ON fields.id = entries.field ORDER BY entries.rowid"
        ).fetchall()


def test_the_index_holds_labels_and_texts_of_entities(small_dist):
    rows = index_rows(small_dist)
    by_text = {row[5]: row for row in rows}
    assert by_text["申請書の入力をＡ Ｉ－ＯＣＲで読み取る"] == (
        BASE + "id/case/1",
        "CaseStudy",
        "ＲＰＡで窓口業務を効率化",
        None,
        "dxkg:overview",
        "申請書の入力をＡ Ｉ－ＯＣＲで読み取る",
        "申請書の入力をai-ocrで読み取る",
    )
    # The most specific class; a code-list concept under its SKOS class, labels in both languages.
    assert by_text["札幌市"][1] == "DesignatedCity"
    assert by_text["Online application"][1:5] == (
        "Concept",
        "電子申請",
        "Online application",
        "skos:prefLabel",
    )
    # Source excerpts, vocabulary terms and placeholders such as 「－」 are not indexed.
    assert {row[0] for row in rows} == {
        BASE + "id/case/1",
        BASE + "id/case/1/answer/1",
        BASE + "id/initiative/1",
        BASE + "id/municipality/0",
        BASE + "id/municipality/1",
        BASE + "id/concept/e",
    }
    assert "－" not in by_text


def test_two_writes_give_the_same_bytes(small_dist, tmp_path):
    write_search_index(sample_store(), tmp_path, BASE)
    assert (tmp_path / SEARCH_INDEX).read_bytes() == (small_dist / SEARCH_INDEX).read_bytes()


@pytest.mark.parametrize(
    "text, key",
    [
        ("ＲＰＡ", "rpa"),
        ("A I - O C R", "ai-ocr"),
        ("ＡＩ－ＯＣＲ", "ai-ocr"),
        ("長岡　市", "長岡市"),
    ],
)
def test_search_key_folds_width_case_and_spaces(text, key):
    assert search_key(text) == key == match_key(text).casefold()


def test_each_resource_has_its_context_and_one_document(small_dist):
    """The record, government and prefecture of each resource, and its document: folded
    labels, then its other texts and the names of its government and prefecture."""
    with sqlite3.connect(small_dist / SEARCH_INDEX) as connection:
        rows = connection.execute(
            "SELECT hit.iri, record.iri, government.label_ja, prefecture.label_ja,"
            " documents.labels, documents.texts FROM resources AS hit"
            " JOIN documents ON documents.id = hit.id"
            " LEFT JOIN resources AS record ON record.id = hit.record"
            " LEFT JOIN resources AS government ON government.id = hit.government"
            " LEFT JOIN resources AS prefecture ON prefecture.id = hit.prefecture"
        ).fetchall()
    found = {row[0].removeprefix(BASE): row[1:] for row in rows}
    assert found["id/case/1/answer/1"] == (
        BASE + "id/case/1",
        "札幌市",
        "北海道",
        "",
        "効果を教えてください。\n窓口の待ち時間が減りました。\n札幌市\n北海道",
    )
    assert found["id/municipality/1"][:3] == (None, "札幌市", "北海道")
    assert found["id/municipality/0"][:3] == (None, "北海道", "北海道")
    assert found["id/concept/e"] == (None, None, None, "onlineapplication\n電子申請", "")


def test_highlight_marks_the_verbatim_text_of_each_match():
    assert highlight("R P A 入力とＲＰＡ", ["rpa"]) == [
        ["R P A", True],
        [" 入力と", False],
        ["ＲＰＡ", True],
    ]
    long = "前置き" * 100 + "電子申請" + "後書き" * 100
    segments_ = highlight(long, ["電子申請"])
    assert segments_[0] == ["…", False] and segments_[-1] == ["…", False]
    assert ["電子申請", True] in segments_
    assert len("".join(piece for piece, _ in segments_)) <= SNIPPET_CHARS + 2


def test_highlight_marks_every_term_and_merges_overlaps():
    assert highlight("長岡市のＲＰＡ導入", ["rpa", "長岡", "岡市"]) == [
        ["長岡市", True],
        ["の", False],
        ["ＲＰＡ", True],
        ["導入", False],
    ]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("RPA 長岡", [("RPA", "rpa", False), ("長岡", "長岡", False)]),
        ("長岡市　ＲＰＡ", [("長岡市", "長岡市", False), ("RPA", "rpa", False)]),
        ('"RPA 導入" ai', [("RPA 導入", "rpa導入", True), ("ai", "ai", False)]),
        ("＂自治体情報システム＂", [("自治体情報システム", "自治体情報システム", True)]),
        ("「標準化」 “共通化”", [("標準化", "標準化", True), ("共通化", "共通化", True)]),
        ('"RPA', [("RPA", "rpa", True)]),
        ('RPA" ', [("RPA", "rpa", False)]),
        ("rpa RPA* ＲＰＡ", [("rpa", "rpa", False)]),
        ('RPA"長岡"', [("RPA", "rpa", False), ("長岡", "長岡", True)]),
        ("NEAR(RPA) OR", [("NEAR(RPA)", "near(rpa)", False), ("OR", "or", False)]),
        ('"" * \x00 " "', []),
    ],
)
def test_the_parser_finds_terms_and_phrases(q, expected):
    assert [(term.text, term.key, term.phrase) for term in parse(q)] == expected


@pytest.mark.parametrize(
    "key, pieces",
    [
        ("自治体情報システム標準化", ("自治体", "情報システム", "標準化")),
        ("窓口業務の効率化", ("窓口業務", "効率化")),
        ("長岡市", ("長岡市",)),
        ("電子申請", ("電子申請",)),
        ("マイナンバー", ("マイナンバー",)),
        ("の", ("の",)),
        ("ai-ocr", ("ai-ocr",)),
    ],
)
def test_japanese_terms_are_cut_into_pieces_of_a_trigram(key, pieces):
    assert segments(key) == pieces


def test_phrases_are_not_cut():
    (phrase,) = parse('"自治体情報システム標準化"')
    assert phrase.parts == ("自治体情報システム標準化",)
    (term,) = parse("自治体情報システム標準化")
    assert term.parts == ("自治体", "情報システム", "標準化")


def search(client: FlaskClient, q: str, **params) -> dict:
    response = client.get("/search.json", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_json()


def test_full_width_query_finds_half_width_text(small_client):
    found = search(small_client, "ＲＰＡ")
    assert found["indexed"] is True
    assert {group["name"]: group["count"] for group in found["groups"]} == {
        "CaseStudy": 1,
        "Initiative": 1,
    }
    hit = found["groups"][1]["hits"][0]
    assert hit["href"] == "/page/id/initiative/1"
    assert ["R P A", True] in hit["highlight"]


def test_short_queries_scan_instead_of_using_trigrams(small_client):
    found = search(small_client, "ａｉ")
    assert found["indexed"] is False
    assert [group["name"] for group in found["groups"]] == ["CaseStudy"]
    assert found["groups"][0]["hits"][0]["field"] == "dxkg:overview"
    # 札幌市 itself first, then what its name is context of.
    city = search(small_client, "市")
    assert city["total"] == 3
    assert city["groups"][0]["hits"][0]["href"] == "/page/id/municipality/1"


@pytest.mark.parametrize(
    "q, total",
    [('"', 0), ('RPA"', 2), ("RPA*", 2), ("NEAR(RPA)", 0), ("RPA OR x", 0), ("\x00RPA", 2)],
)
def test_fts5_query_syntax_is_taken_literally(small_client, q, total):
    assert search(small_client, q)["total"] == total


def test_terms_are_anded_over_texts_and_context(small_client):
    """Each term may match another text of the resource, or its government's name."""
    both = search(small_client, "RPA 申請書")
    assert [group["name"] for group in both["groups"]] == ["CaseStudy"]
    # The snippet is the text holding the most terms, the label among equals.
    assert both["groups"][0]["hits"][0]["highlight"] == [
        ["ＲＰＡ", True],
        ["で窓口業務を効率化", False],
    ]
    assert search(small_client, "申請書 北極")["total"] == 0
    in_sapporo = search(small_client, "札幌 待ち時間")
    (hit,) = in_sapporo["groups"][0]["hits"]
    assert hit["href"] == "/page/id/case/1/answer/1"
    assert ["待ち時間", True] in hit["highlight"]
    assert hit["context"]["record"]["href"] == "/page/id/case/1"
    assert hit["context"]["government"]["label_ja"] == "札幌市"
    assert hit["context"]["prefecture"]["label_ja"] == "北海道"


def test_facets_count_and_narrow_by_class_and_prefecture(small_client):
    found = search(small_client, "札幌")
    assert {c["name"]: c["count"] for c in found["classes"]} == {
        "DesignatedCity": 1,
        "CaseStudy": 1,
        "InterviewAnswer": 1,
    }
    assert [(p["label_ja"], p["count"]) for p in found["prefectures"]] == [("北海道", 3)]
    assert found["groups"][0]["name"] == "DesignatedCity"  # the name itself comes first
    narrowed = search(small_client, "札幌", prefecture="北海道", **{"class": "CaseStudy"})
    assert narrowed["total"] == 1 and narrowed["all_href"]
    assert search(small_client, "札幌", prefecture="沖縄県")["total"] == 0


def test_nothing_found_says_so_and_suggests(small_client):
    found = search(small_client, "RPA 北極")
    assert found["total"] == 0 and found["groups"] == []
    assert found["suggestions"]["terms"] == [
        {"text": "RPA", "count": 2, "href": "/search.json?q=RPA"}
    ]
    page = small_client.get("/search", query_string={"q": "札幌市役所"}).get_data(as_text=True)
    assert "一致する結果はありません" in page
    assert '<a href="/search?q=%E6%9C%AD%E5%B9%8C%E5%B8%82">札幌市</a>' in page


def test_suggested_labels_are_escaped(small_client):
    page = small_client.get("/search", query_string={"q": "<script>alert(2)</script>"})
    text = page.get_data(as_text=True)
    assert "一致する結果はありません" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; R P A 入力</a>" in text
    assert "<script>alert" not in text


def test_too_many_terms_are_refused(small_client):
    many = " ".join(f"t{n}x" for n in range(MAX_TERMS + 1))
    response = small_client.get("/search.json", query_string={"q": many})
    assert response.status_code == 400
    assert str(MAX_TERMS) in response.get_json()["error"]


def test_text_from_the_data_cannot_inject_markup(small_client):
    page = small_client.get("/search", query_string={"q": "rpa"}).get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>R P A</mark> 入力" in page  # snippet
    assert '<a href="/page/id/initiative/1">&lt;script&gt;alert(1)&lt;/script&gt; R P A' in page
    assert f"<mark>{SCRIPT}" not in page
    asked = small_client.get("/search", query_string={"q": SCRIPT}).get_data(as_text=True)
    assert SCRIPT not in asked


def test_empty_query_shows_the_form(small_client):
    response = small_client.get("/search")
    assert response.status_code == 200
    assert 'name="q"' in response.get_data(as_text=True)
    assert small_client.get("/search.json?q=%20").get_json()["groups"] == []


def test_missing_index_is_a_clear_503(small_dist, tmp_path):
    for name in (NQUADS, REPORT_JSON):
        (tmp_path / name).write_bytes((small_dist / name).read_bytes())
    # A release built without the index does not list it (one listing it is no release).
    sums = (small_dist / CHECKSUMS).read_text("utf-8").splitlines(keepends=True)
    (tmp_path / CHECKSUMS).write_text("".join(x for x in sums if SEARCH_INDEX not in x), "utf-8")
    response = create_app(tmp_path).test_client().get("/search.json?q=RPA&lang=en")
    assert response.status_code == 503
    assert "search.sqlite" in response.get_json()["error"]


def test_each_application_holds_its_threads_connections(small_dist, tmp_path):
    """The connections live on the application, not in a module-level table keyed by
    path: an application's go with it, and two applications share none."""
    other = tmp_path / "dist"
    shutil.copytree(small_dist, other)
    apps = [create_app(small_dist), create_app(other)]
    for app in apps:
        assert search(app.test_client(), "RPA")["total"] > 0
    first, second = (app.extensions[CONNECTIONS].connection for app in apps)
    assert first is not None and second is not None and first is not second
    assert "_connections" not in vars(search_view)


@pytest.fixture(scope="module")
def client(release) -> FlaskClient:
    paths, _ = release
    return create_app(paths.dist).test_client()


@pytest.mark.e2e
def test_rpa_hits_are_grouped_by_class(client):
    response = client.get("/search", query_string={"q": "RPA"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<mark>RPA</mark>" in page
    found = search(client, "RPA")
    groups = {group["name"]: group for group in found["groups"]}
    assert {"CaseStudy", "Initiative"} <= set(groups)
    assert groups["Initiative"]["count"] > 100
    assert len(groups["Initiative"]["hits"]) == PER_GROUP
    assert "GuideItemAssignment" not in groups  # ``focus-area-ai-rpa ← …`` is not indexed
    assert groups["Initiative"]["more_href"] == "/search.json?q=RPA&class=Initiative"
    assert found["total"] == sum(c["count"] for c in found["classes"])
    for name in ("CaseStudy", "Initiative"):
        assert f'<h2 id="group-{name}">' in page
        assert any(
            marked and search_key(piece) == "rpa"  # 「R P A」 as printed, too
            for hit in groups[name]["hits"]
            for piece, marked in hit["highlight"]
        )


@pytest.mark.e2e
def test_search_json_shape(client):
    found = search(client, "チャットボット")
    assert found["search_text"] == "チャットボット"
    assert found["json_href"].startswith("/search.json?q=")
    assert {
        "total",
        "terms",
        "classes",
        "prefectures",
        "groups",
        "page",
        "pages",
        "indexed",
        "suggestions",
    } <= set(found)
    hit = found["groups"][0]["hits"][0]
    assert set(hit) == {
        "context",
        "iri",
        "href",
        "label_ja",
        "label_en",
        "field",
        "field_label_ja",
        "field_label_en",
        "snippet",
        "highlight",
    }
    assert hit["href"] == "/page/" + hit["iri"].removeprefix("https://dxkg.example.org/")
    assert hit["snippet"] == "".join(piece for piece, _ in hit["highlight"])
    assert client.get(hit["href"]).status_code == 200


@pytest.mark.e2e
def test_a_class_is_paged(client):
    first = search(client, "RPA", **{"class": "Initiative"})
    second = search(client, "RPA", **{"class": "Initiative", "page": "2"})
    assert [group["name"] for group in first["groups"]] == ["Initiative"]
    assert len(first["groups"][0]["hits"]) == PER_PAGE
    assert first["next_href"] == "/search.json?q=RPA&class=Initiative&page=2"
    assert second["previous_href"] and second["page"] == 2
    first_iris = {hit["iri"] for hit in first["groups"][0]["hits"]}
    assert first_iris.isdisjoint(hit["iri"] for hit in second["groups"][0]["hits"])
    beyond = search(client, "RPA", **{"class": "Initiative", "page": "99999999999999999999"})
    assert beyond["page"] == first["pages"]


@pytest.mark.e2e
def test_too_long_a_query_is_refused(client):
    response = client.get("/search.json", query_string={"q": "あ" * (MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400
    assert str(MAX_QUERY_CHARS) in response.get_json()["error"]
    assert client.get("/search", query_string={"q": "x" * 1000}).status_code == 400


@pytest.mark.e2e
def test_the_release_publishes_the_index(release):
    paths, _ = release
    assert f"  {SEARCH_INDEX}" in (paths.dist / CHECKSUMS).read_text("utf-8")
    classes = {row[1] for row in index_rows(paths.dist)}
    assert {"CaseStudy", "Initiative", "SharedSystem", "Technology"} <= classes
    assert not classes & {"SourceExcerpt", "TechnologyTag"}


def hits_of(found: dict) -> list[dict]:
    return [hit for group in found["groups"] for hit in group["hits"]]


NAGAOKA_RPA_CASE = "RPA・AI-OCRにより100業務で約1.8万時間の削減、職員を本来業務へシフト"


@pytest.mark.e2e
@pytest.mark.parametrize("q", ["RPA 長岡", "長岡市 RPA", "長岡市　ＲＰＡ"])
def test_several_terms_find_a_governments_records(client, q):
    found = search(client, q)
    assert 5 <= found["total"] <= 20
    groups = {group["name"]: group for group in found["groups"]}
    assert NAGAOKA_RPA_CASE in [hit["label_ja"] for hit in groups["CaseStudy"]["hits"]]
    assert {"Initiative", "InterviewAnswer", "Milestone"} <= set(groups)
    for hit in hits_of(found):
        assert hit["context"]["government"]["label_ja"] == "長岡市"
        assert hit["context"]["prefecture"]["label_ja"] == "新潟県"
    assert [(p["label_ja"], p["count"]) for p in found["prefectures"]] == [
        ("新潟県", found["total"])
    ]


@pytest.mark.e2e
def test_the_entity_named_by_the_query_comes_first(client):
    found = search(client, "RPA")
    first = found["groups"][0]
    assert (first["name"], first["hits"][0]["label_ja"]) == ("Technology", "RPA")
    assert found["classes"][0]["name"] == "Technology"
    page = client.get("/search", query_string={"q": "RPA"}).get_data(as_text=True)
    assert page.index('id="group-Technology"') < page.index('id="group-Initiative"')
    # A term of two characters: the same order, from the scan instead of the index.
    short = search(client, "AI")
    assert short["indexed"] is False
    assert (short["groups"][0]["name"], short["groups"][0]["hits"][0]["label_ja"]) == (
        "Technology",
        "AI",
    )


@pytest.mark.e2e
def test_a_quoted_phrase_is_matched_whole(client):
    assert search(client, '"RPA"')["total"] == search(client, "RPA")["total"]
    found = search(client, '"自治体情報システム"')
    assert found["terms"] == [
        {
            "text": "自治体情報システム",
            "key": "自治体情報システム",
            "parts": ["自治体情報システム"],
            "phrase": True,
        }
    ]
    assert "自治体情報システムの標準化・共通化" in [hit["label_ja"] for hit in hits_of(found)]
    assert search(client, '"長岡市 RPA"')["total"] == 0  # not in this order, anywhere


@pytest.mark.e2e
def test_a_japanese_compound_is_segmented(client):
    found = search(client, "自治体情報システム標準化")
    assert found["terms"][0]["parts"] == ["自治体", "情報システム", "標準化"]
    first = found["groups"][0]["hits"][0]
    assert first["label_ja"] == "自治体情報システムの標準化・共通化"
    assert [piece for piece, marked in first["highlight"] if marked] == [
        "自治体情報システム",
        "標準化",
    ]


@pytest.mark.e2e
def test_an_interview_answer_names_its_case_and_government(client):
    found = search(client, "野良RPA")
    (hit,) = hits_of(found)
    assert found["groups"][0]["name"] == "InterviewAnswer"
    assert hit["context"]["record"]["label_ja"] == NAGAOKA_RPA_CASE
    assert client.get(hit["context"]["record"]["href"]).status_code == 200
    assert hit["context"]["government"]["label_ja"] == "長岡市"
    page = client.get("/search", query_string={"q": "野良RPA"}).get_data(as_text=True)
    context = re.search(r'<p class="context">(.*?)</p>', page, re.DOTALL)[1]
    assert NAGAOKA_RPA_CASE in context and "長岡市" in context and "新潟県" in context


@pytest.mark.e2e
def test_facets_by_class_and_prefecture(client):
    found = search(client, "RPA")
    niigata = next(p for p in found["prefectures"] if p["label_ja"] == "新潟県")
    assert niigata["href"] == "/search.json?q=RPA&prefecture=%E6%96%B0%E6%BD%9F%E7%9C%8C"
    narrowed = search(client, "RPA", prefecture="新潟県")
    assert narrowed["total"] == niigata["count"] < found["total"]
    for hit in hits_of(narrowed):
        context = hit["context"]
        assert "新潟県" in (context["prefecture"] or context["government"] or {}).values()
    cases = search(client, "RPA", prefecture="新潟県", **{"class": "CaseStudy"})
    assert cases["total"] == next(
        c["count"] for c in narrowed["classes"] if c["name"] == "CaseStudy"
    )
    assert [group["name"] for group in cases["groups"]] == ["CaseStudy"]
    # Counted under the other facet's choice: the class facet within 新潟県.
    assert sum(c["count"] for c in narrowed["classes"]) == narrowed["total"]


@pytest.mark.e2e
def test_nothing_found_is_said_with_suggestions(client):
    found = search(client, "RPA 北極")
    assert found["total"] == 0
    (alone,) = found["suggestions"]["terms"]
    assert alone["text"] == "RPA" and alone["count"] == search(client, "RPA")["total"]
    typo = search(client, "チャットボッド")
    assert typo["suggestions"]["labels"][0]["text"] == "チャットボット"
    page = client.get("/search", query_string={"q": "チャットボッド"}).get_data(as_text=True)
    assert "一致する結果はありません" in page
    assert "近い名称" in page and ">チャットボット</a>" in page


@pytest.fixture(scope="module")
def search_server(release) -> Iterator[str]:
    """``dxkg serve`` on 127.0.0.1 over the release (search needs no SPARQL engine)."""
    paths, _ = release
    with dxkg_server(paths.dist) as base:
        yield base


@pytest.mark.e2e
def test_a_reader_searches_in_chromium(page: Page, search_server: str):
    """Type queries as a reader does; read the groups, context, facets and messages."""
    page.goto(search_server + "/search")
    box = page.get_by_role("searchbox", name="検索語")
    box.fill("長岡市 RPA")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=%E9%95%B7%E5%B2%A1%E5%B8%82\+RPA$"))
    cases = page.locator("section", has=page.locator("#group-CaseStudy"))
    expect(cases.get_by_role("link", name=NAGAOKA_RPA_CASE).first).to_be_visible()  # 2 editions
    answer = page.locator("#group-InterviewAnswer + ol > li").first
    expect(answer.locator(".context")).to_contain_text(NAGAOKA_RPA_CASE)
    expect(answer.locator(".context")).to_contain_text("長岡市")
    expect(answer.locator("mark").first).to_have_text("RPA")

    box = page.get_by_role("searchbox", name="検索語")
    box.fill("RPA")
    box.press("Enter")
    expect(page.locator(".search-results h2").first).to_contain_text("技術")
    facets = page.get_by_role("navigation", name="絞り込み")
    facets.get_by_role("link", name="新潟県").click()
    expect(page).to_have_url(re.compile(r"prefecture="))
    expect(facets.get_by_text("新潟県")).to_have_attribute("aria-current", "true")
    for context in page.locator(".results .context").all():
        expect(context).to_contain_text("新潟県")
    facets.get_by_role("link", name="絞り込みを解除").click()  # a new query keeps the filters

    box = page.get_by_role("searchbox", name="検索語")
    box.fill("自治体情報システム標準化")
    box.press("Enter")
    expect(page.get_by_role("link", name="自治体情報システムの標準化・共通化")).to_be_visible()

    box = page.get_by_role("searchbox", name="検索語")
    box.fill("チャットボッド")
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("一致する結果はありません")
    page.get_by_role("alert").get_by_role("link", name="チャットボット", exact=True).click()
    expect(page.locator("#group-Technology + ol > li").first).to_contain_text("チャットボット")
