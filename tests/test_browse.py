"""The linked-data browser over real HTTP, in front of both engines: dereferencing,
content negotiation, conditional GET, entity pages and class pages with facets."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

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
        any(t["label"] == "RPA" for t in item["facets"]["technology"]) for item in narrowed["items"]
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
