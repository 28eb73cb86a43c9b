"""The linked-data browser over real HTTP, in front of both engines: dereferencing,
content negotiation, conditional GET, entity pages and class pages with facets."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from dxkg.web.app import create_app
from dxkg.web.views import graphdata

pytestmark = pytest.mark.e2e

BASE = "https://dxkg.example.org/"
CASE = "id/case/v4-1-4"  # 第4.0版, a revision of the 第2.0版 case v2-1-4 (福島県)
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(url: str, accept: str = HTML_ACCEPT, **params) -> requests.Response:
    return requests.get(url, params=params, headers={"Accept": accept}, allow_redirects=False)


def test_a_thing_redirects_a_browser_to_its_page(server):
    response = get(f"{server}/{CASE}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/page/{CASE}")
    assert "Accept" in response.headers["Vary"]
    assert f"</data/{CASE}.ttl>" in response.headers["Link"]


@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_a_thing_redirects_rdf_clients_to_its_description(server, media_type):
    response = get(f"{server}/{CASE}", accept=media_type)
    assert response.status_code == 303
    described = requests.get(server + response.headers["Location"])
    assert described.status_code == 200
    assert described.headers["Content-Type"].startswith(media_type)
    graph = Graph().parse(data=described.content, format=RDF_TYPES[media_type])
    label = graph.value(URIRef(BASE + CASE), RDFS.label)
    assert label == Literal(
        "全59市町村へのＩＣＴアドバイザー派遣等により市町村のＤＸを推進", lang="ja"
    )


def test_q_values_choose_between_representations(server):
    response = get(f"{server}/{CASE}", accept="text/html;q=0.5, text/turtle")
    assert response.headers["Location"].endswith(f"/data/{CASE}.ttl")


def test_unknown_things_are_404_and_unsupported_types_406(server):
    assert get(f"{server}/id/case/v9-9-9").status_code == 404
    assert get(f"{server}/page/id/case/v9-9-9").status_code == 404
    assert get(f"{server}/{CASE}", accept="image/png").status_code == 406


def test_data_without_suffix_negotiates_and_names_its_location(server):
    response = get(f"{server}/data/{CASE}", accept="application/n-triples")
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"/data/{CASE}.nt"
    assert "Accept" in response.headers["Vary"]


def test_named_graphs_dereference_to_their_contents(server):
    graph_path = "graph/source/002_c9aae381e02ff410"
    assert get(f"{server}/{graph_path}").headers["Location"].endswith(f"/page/{graph_path}")
    contents = Graph().parse(data=get(f"{server}/data/{graph_path}.ttl").text, format="turtle")
    assert (URIRef(BASE + CASE), None, None) in contents
    assert "トリプル" in get(f"{server}/page/{graph_path}").text


def test_pages_and_data_answer_conditional_requests(server):
    for path in (f"/page/{CASE}", f"/data/{CASE}.ttl", "/class/Initiative", "/"):
        first = get(server + path)
        assert first.status_code == 200 and first.headers["ETag"]
        again = requests.get(server + path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path


def test_the_entity_page_shows_labels_links_and_the_source_text(server):
    page = get(f"{server}/page/{CASE}").text
    assert "<h1>全59市町村へのＩＣＴアドバイザー派遣等により市町村のＤＸを推進</h1>" in page
    assert '<a href="/page/id/municipality/070009">福島県</a>' in page
    assert ">サービス提供事業者（印字）</a>" in page  # property label, not the IRI
    assert "002_c9aae381e02ff410.txt</a>" in page and "325–489" in page
    # The excerpt itself, verbatim from the source's line 325 on.
    assert '<pre class="excerpt" lang="ja"> ４ 全59市町村へのＩＣＴアドバイザー派遣等' in page


def test_the_entity_page_shows_what_changed_since_the_other_edition(server):
    data = get(f"{server}/page/{CASE}.json").json()
    (edition,) = data["editions"]
    assert edition["when"] == "earlier" and edition["other"]["href"] == "/page/id/case/v2-1-4"
    # read from the release's dxkg:EditionChange nodes, the values as printed, with their lines
    (costs,) = [c for c in edition["changes"] if c["field"]["iri"] == BASE + "ontology#cost"]
    assert (costs["kind"], costs["old"], costs["new"]) == (
        "modified",
        "イニシャルコスト 31,415千円",
        "イニシャルコスト 68,515千円",
    )
    assert (costs["oldLine"], costs["newLine"]) == (589, 401)


def test_incoming_links_are_grouped_counted_and_paged(server):
    prefecture = "id/municipality/370002"  # 香川県 reports 36 survey rows
    data = get(f"{server}/page/{prefecture}.json").json()
    reported = next(
        g for g in data["incoming"] if g["property"]["iri"] == BASE + "ontology#reportedBy"
    )
    assert reported["count"] > 20 and len(reported["subjects"]) == 20
    more = get(
        f"{server}/page/{prefecture}.json", **{"in": BASE + "ontology#reportedBy", "offset": 20}
    ).json()
    (page_two,) = more["incoming"]
    assert page_two["offset"] == 20 and page_two["count"] == reported["count"]
    first = {s["iri"] for s in reported["subjects"]}
    assert not first & {s["iri"] for s in page_two["subjects"]}


def test_the_class_page_lists_and_counts_facet_values(server):
    data = get(f"{server}/class/Initiative.json").json()
    assert data["total"] == 448 and len(data["items"]) == 50 and data["pages"] == 9
    technology = next(f for f in data["facets"] if f["key"] == "technology")
    rpa = next(v for v in technology["values"] if v["value"].endswith("technology-rpa"))
    narrowed = get(f"{server}/class/Initiative.json", technology=rpa["value"]).json()
    assert narrowed["total"] == rpa["count"]
    assert all(
        any(t["label"] == "RPA" for t in item["columns"]["technology"])
        for item in narrowed["items"]
    )


def test_facets_combine_and_literal_facets_match_text(server):
    second = get(f"{server}/class/CaseStudy.json", edition="第2.0版").json()
    assert second["total"] == 82
    tokyo = BASE + "id/municipality/130001"
    both = get(f"{server}/class/CaseStudy.json", edition="第2.0版", prefecture=tokyo).json()
    prefectures = next(f for f in second["facets"] if f["key"] == "prefecture")
    assert both["total"] == next(v["count"] for v in prefectures["values"] if v["value"] == tokyo)


def test_class_pages_sort_and_refuse_bad_input(server):
    descending = get(f"{server}/class/Vendor.json", sort="-label").json()["items"]
    labels = [item["label"] for item in descending]
    assert labels == sorted(labels, reverse=True)
    assert get(f"{server}/class/Vendor", sort="nonsense").status_code == 400
    assert get(f"{server}/class/Initiative", prefecture="not an iri").status_code == 400
    assert get(f"{server}/class/NoSuchClass").status_code == 404


def test_the_interface_switches_to_english_and_remembers_it(server):
    session = requests.Session()
    english = session.get(f"{server}/page/{CASE}", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Properties" in english.text
    assert '<html lang="en">' in session.get(f"{server}/class/Initiative").text
    assert '<html lang="ja">' in requests.get(f"{server}/class/Initiative").text


def test_iris_with_japanese_names_dereference_with_ascii_headers(server):
    path = "id/org/東日本電信電話"
    response = get(f"{server}/{path}", accept="text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/data/id/org/%E6%9D%B1%E6%97%A5%E6%9C%AC%E9%9B%BB%E4%BF%A1%E9%9B%BB%E8%A9%B1.ttl"
    )
    page = requests.get(f"{server}/page/{path}")
    assert page.status_code == 200 and "%E6%9D%B1" in page.headers["Link"]
    described = Graph().parse(
        data=requests.get(server + response.headers["Location"]).text, format="turtle"
    )
    assert (
        URIRef(BASE + path),
        RDFS.label,
        Literal("東日本電信電話株式会社", lang="ja"),
    ) in described


def test_iris_keeping_percent_escapes_dereference(server):
    # The vendor key "j&j事業創造" is minted as id/org/j%26j事業創造.
    path = "id/org/j%26j事業創造"
    for url in (f"/page/{path}", f"/data/{path}.ttl", f"/view/{path}.json"):
        assert requests.get(server + url).status_code == 200, url
    assert (
        get(f"{server}/{path}")
        .headers["Location"]
        .endswith("/page/id/org/j%26j%E4%BA%8B%E6%A5%AD%E5%89%B5%E9%80%A0")
    )
    described = Graph().parse(data=requests.get(f"{server}/data/{path}.ttl").text, format="turtle")
    assert (URIRef(BASE + path), RDF.type, None) in described


def test_every_class_with_facets_has_a_working_page(server):
    from dxkg.web.views.facets import FACETS

    for name in FACETS:
        response = get(f"{server}/class/{name}.json")
        assert response.status_code == 200, (name, response.text[:300])
        assert response.json()["total"] > 0, name


def test_municipalities_sort_by_code_by_reading_and_by_counts(server):
    by_code = get(f"{server}/class/Municipality.json").json()  # by code unless told
    codes = [item["columns"]["code"][0]["label"] for item in by_code["items"]]
    assert by_code["sort"] == "code" and codes == sorted(codes)
    assert by_code["items"][0]["label"] == "北海道" and codes[0] == "010006"
    by_reading = get(f"{server}/class/Municipality.json", sort="reading").json()["items"]
    readings = [item["columns"]["reading"][0]["label"] for item in by_reading]
    assert readings == sorted(readings) and by_reading[0]["label"] == "愛知県"
    backwards = get(f"{server}/class/Municipality.json", sort="-code").json()["items"]
    assert backwards[0]["columns"]["code"][0]["label"] > codes[-1]
    vendors = get(f"{server}/class/Vendor.json", sort="-governments").json()["items"]
    served = [item["columns"]["governments"] for item in vendors]
    assert served == sorted(served, reverse=True) and served[0] > 1


def test_the_case_table_names_government_prefecture_and_edition(server):
    tokyo = BASE + "id/municipality/130001"
    data = get(f"{server}/class/CaseStudy.json", prefecture=tokyo, sort="government").json()
    assert [c["key"] for c in data["columns"]][:3] == ["government", "prefecture", "edition"]
    minato = next(i for i in data["items"] if i["iri"] == BASE + "id/case/v2-3-20")
    assert [v["label"] for v in minato["columns"]["government"]] == ["港区"]
    assert [v["label"] for v in minato["columns"]["prefecture"]] == ["東京都"]
    page = get(f"{server}/class/CaseStudy", prefecture=tokyo).text
    assert '<th scope="col" data-column="prefecture">' in page and ">港区</a>" in page


def test_the_csv_holds_every_row_of_the_filtered_sorted_view(server):
    tokyo = BASE + "id/municipality/130001"
    query = {"edition": "第2.0版", "prefecture": tokyo, "sort": "-label"}
    data = get(f"{server}/class/CaseStudy.json", **query).json()
    page = get(f"{server}/class/CaseStudy", **query).text
    assert "/class/CaseStudy.csv?edition=" in page
    response = get(f"{server}/class/CaseStudy.csv", **query)
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["iri"] for r in rows] == [i["iri"] for i in data["items"]]
    assert len(rows) == data["total"] > 0
    assert {(r["edition"], r["prefecture"], r["prefecture_iri"]) for r in rows} == {
        ("第2.0版", "東京都", tokyo)
    }
    everything = get(f"{server}/class/Initiative.csv").content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 448  # every page, not 50


# --- The views by kind ------------------------------------------------------------------

#: One page of each kind, with the engine queries it may issue at most (issue 25: six).
KIND_PAGES = {
    "case": f"/page/{CASE}",
    "initiative": "/page/id/initiative/v2-1-4",
    "survey initiative": "/page/id/initiative/survey2020-t1-122",
    "municipality": "/page/id/municipality/070009",
    "vendor": "/page/id/org/東日本電信電話",
    "technology": "/page/id/concept/technology-rpa",
    "graph": "/page/graph/source/002_c9aae381e02ff410",
}
MAX_QUERIES = 6


def test_a_case_page_reads_like_the_document(server):
    view = get(f"{server}/page/{CASE}.json").json()["view"]
    assert view["kind"] == "case" and view["edition"] == "第4.0版"
    assert view["government"]["href"] == "/page/id/municipality/070009"
    assert view["population"][0]["persons"] == 1_740_000
    assert view["initiative"]["href"] == "/page/id/initiative/v2-1-4"
    # costs in yen: 68,515千円 printed is 68,515,000 yen; the running cost has no figure
    costs = {cost["iri"].rsplit("/", 1)[-1]: cost for cost in view["costs"]}
    assert list(costs) == ["initial", "running"]
    assert (costs["initial"]["yen"], costs["initial"]["printed"]) == (68_515_000, "68,515千円")
    assert costs["running"]["yen"] is None
    # the schedule in the order printed, with its dates
    steps = [(m["ordinal"], m["start"], m["text"]) for m in view["timeline"]]
    assert steps == [
        (1, "2024-03", "事業者へ支援メニューの照会、支援メニュー一覧の決定"),
        (2, "2024-05", "市町村へ募集"),
        (3, "2024-07", "事業開始"),
    ]
    questions = [qa["question"] for qa in view["interview"]]
    assert questions[0] == "今後の展望を教えてください。" and len(questions) == 4
    assert view["interview"][2]["answer"][1] == "・派遣企業に対する委託料 約6.9千万円"
    parties = {p["party"]["label"]: p["roles"] for p in view["parties"]}
    assert parties["東日本電信電話株式会社"] == ["participant"]


def test_the_case_page_shows_costs_in_yen_a_timeline_and_the_interview(server):
    page = get(f"{server}/page/{CASE}").text
    assert '<link rel="stylesheet" href="/static/entity.css">' in page
    assert '<td class="number yen" data-yen="68515000">68,515,000円</td>' in page
    whens = re.findall(r'<li data-ordinal="(\d+)">', page)
    assert whens == ["1", "2", "3"]
    assert '<dt lang="ja">Q. 取組の経緯・きっかけを教えてください。</dt>' in page
    # the excerpt beside its line numbers, from line 325; the generic table folded below
    assert '<pre class="line-numbers" aria-hidden="true">325\n326\n' in page
    assert page.index("case-document") < page.index('<details class="generic">')


def test_quantified_effects_are_marked(server):
    case = "id/case/v2-3-19"  # 長岡市: RPA and AI-OCR, the hours saved
    effects = get(f"{server}/page/{case}.json").json()["view"]["effects"]
    marked = [part["text"] for para in effects for part in para if part["quantity"]]
    assert marked and all(re.search(r"[0-9０-９]", text) for text in marked)
    assert '<mark class="quantity">' in get(f"{server}/page/{case}").text


def test_an_initiative_page_lists_its_reports_by_edition(server):
    view = get(f"{server}/page/id/initiative/v2-1-4.json").json()["view"]
    assert [(r["edition"], r["report"]["href"]) for r in view["reports"]] == [
        ("第2.0版", "/page/id/case/v2-1-4"),
        ("第4.0版", f"/page/{CASE}"),
    ]
    assert view["municipality"]["label"] == "福島県"
    assert {a["iri"].rsplit("/", 1)[-1] for a in view["focus_areas"]} >= {
        "focus-area-online-procedures"
    }
    assert view["costs"][0]["yen"] == 68_515_000
    survey = get(f"{server}/page/id/initiative/survey2020-t1-122.json").json()["view"]
    assert survey["reports"] == [] and survey["survey"]["table"]["href"] == "/page/id/survey2020/t1"


def test_a_municipality_page_lists_its_initiatives(server):
    data = get(f"{server}/page/id/municipality/070009.json").json()
    view = data["view"]
    assert view["name_en"] == "Fukushima Prefecture" and view["code"] == "070009"
    assert view["location"] == {"lat": 37.750299, "long": 140.467521}
    assert view["homepage"] == "https://www.pref.fukushima.lg.jp/"
    initiatives = {row["initiative"]["href"]: row for row in view["initiatives"]}
    case = initiatives["/page/id/initiative/v2-1-4"]
    assert case["source"] == "case" and case["editions"] == ["第2.0版", "第4.0版"]
    assert any(row["source"] == "survey" for row in view["initiatives"])
    assert "東日本電信電話株式会社" in {v["item"]["label"] for v in view["vendors"]}
    page = get(f"{server}/page/id/municipality/070009").text
    assert '<a href="/page/id/initiative/v2-1-4">' in page
    assert '<figure class="entity-map"><svg' in page and 'class="small-map"' in page


def test_a_vendor_page_lists_the_governments_it_serves(server):
    view = get(f"{server}/page/id/org/東日本電信電話.json").json()["view"]
    governments = {row["item"]["label"]: row["count"] for row in view["governments"]}
    assert governments["福島県"] >= 1
    assert all(row["roles"] for row in view["initiatives"])
    assert view["parents"][0]["href"] == "/page/id/org/日本電信電話"
    page = requests.get(f"{server}/page/id/org/東日本電信電話").text
    assert '<section class="governments"' in page and ">福島県</a>" in page


def test_a_technology_page_charts_prefectures_without_repeated_tags(server):
    path = "/page/id/concept/technology-rpa"
    view = get(f"{server}{path}.json").json()["view"]
    counts = [row["count"] for row in view["by_prefecture"]]
    assert counts == sorted(counts, reverse=True) and view["by_prefecture"][0]["width"] == 100
    assert sum(counts) >= view["total"] > 200
    page = get(server + path).text
    assert '<svg class="bar-chart" role="img"' in page
    assert page.count('<g class="bar"') == len(counts)
    # 238 technology tags, all 「技術タグ: RPA」: a count and a link, not rows
    assert page.count(">技術タグ: RPA</a>") == 1
    assert '<p class="repeated" data-count="238">' in page
    assert "<script" not in page.split("<main", 1)[1]


@pytest.fixture(scope="module")
def counted_client(release) -> FlaskClient:
    paths, _ = release
    return create_app(paths.dist).test_client(use_cookies=False)


@pytest.mark.parametrize("kind", KIND_PAGES)
def test_each_kind_of_page_issues_at_most_six_queries(counted_client, monkeypatch, kind):
    calls = []
    run = graphdata.run

    def counting(job):
        calls.append(job.query)
        return run(job)

    monkeypatch.setattr(graphdata, "run", counting)
    for suffix in ("", ".json"):
        calls.clear()
        response = counted_client.get(quote(KIND_PAGES[kind] + suffix))
        assert response.status_code == 200
        assert 0 < len(calls) <= MAX_QUERIES, (kind, len(calls))
