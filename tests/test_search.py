"""Full-text search: the build's SQLite FTS5 index and the /search pages.

Unit tests run on a small store built here; the end-to-end tests on the real release.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskClient
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
    PER_GROUP,
    PER_PAGE,
    SNIPPET_CHARS,
    highlight,
)
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
        BASE + "id/initiative/1",
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


def test_highlight_marks_the_verbatim_text_of_each_match():
    assert highlight("R P A 入力とＲＰＡ", "rpa") == [
        ["R P A", True],
        [" 入力と", False],
        ["ＲＰＡ", True],
    ]
    long = "前置き" * 100 + "電子申請" + "後書き" * 100
    segments = highlight(long, "電子申請")
    assert segments[0] == ["…", False] and segments[-1] == ["…", False]
    assert ["電子申請", True] in segments
    assert len("".join(piece for piece, _ in segments)) <= SNIPPET_CHARS + 2


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
    assert search(small_client, "市")["total"] == 1


@pytest.mark.parametrize("q", ['"', 'RPA"', "RPA*", "NEAR(RPA)", "RPA OR x", "\x00RPA"])
def test_fts5_query_syntax_is_taken_literally(small_client, q):
    expected = 2 if search_key(q) == "rpa" else 0
    assert search(small_client, q)["total"] == expected


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
    assert {"total", "classes", "groups", "page", "pages", "indexed"} <= set(found)
    hit = found["groups"][0]["hits"][0]
    assert set(hit) == {
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
