"""The published dumps: every format holds the same graph, CSV opens in a spreadsheet."""

import csv
import gzip
import json
import re

import pytest
from pyoxigraph import RdfFormat, Store
from rdflib import XSD, Dataset, Graph

from dxkg.pipeline.publish.tabledocs import TABLES

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dist(release):
    paths, report = release
    return paths.dist, report


def test_dataset_dumps_hold_every_quad(dist):
    folder, report = dist
    total = report.triples["total"]
    trig = Dataset()
    trig.parse(
        data=gzip.decompress((folder / "dxkg.trig.gz").read_bytes()).decode("utf-8"), format="trig"
    )
    assert len(trig) == total
    named = {str(graph.identifier) for graph in trig.graphs() if len(graph)}
    assert len(named) == len(report.triples) - 1  # every named graph of the report
    assert (
        gzip.decompress((folder / "dxkg.nq.gz").read_bytes()) == (folder / "dxkg.nq").read_bytes()
    )


def test_merged_dumps_agree(dist):
    folder, _ = dist
    ntriples = gzip.decompress((folder / "dxkg.nt.gz").read_bytes()).decode("utf-8")
    assert ntriples == (folder / "dxkg.nt").read_text("utf-8")
    merged = Graph().parse(data=ntriples, format="nt")
    turtle = Graph().parse(folder / "dxkg.ttl", format="turtle")
    assert len(turtle) == len(merged)


def test_json_ld_uses_its_published_context(dist):
    folder, _ = dist
    document = json.loads((folder / "dxkg.jsonld").read_text("utf-8"))
    assert document["@context"] == "https://dxkg.example.org/context.jsonld"
    context = json.loads((folder / "context.jsonld").read_text("utf-8"))
    # prefixes only: a remote context's @base is read by some processors and not by others
    assert "@base" not in context["@context"]
    # read it back with the published context in place of the URL (remote, in test_one_graph)
    document["@context"] = context["@context"]
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(graph) == len(Graph().parse(folder / "dxkg.nt", format="nt"))


def test_every_any_uri_is_a_uri(dist):
    """A URL printed with spaces is published percent-encoded, as xsd:anyURI holds it."""
    folder, _ = dist
    graph = Graph().parse(folder / "dxkg.nt", format="nt")
    uris = [str(o) for o in graph.objects() if getattr(o, "datatype", None) == XSD.anyURI]
    assert len(uris) > 100
    assert [uri for uri in uris if re.search(r'[\x00-\x20<>"{}|\\^`]', uri)] == []
    assert "https://www.fuji-oyama.jp/chouseijouhou%20ICT%20DX%20jinzaikusei.html" in uris


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


@pytest.mark.parametrize("table", [t.name for t in TABLES if not t.is_link_table])
def test_csv_has_iris_first_and_a_row_per_entity(dist, table):
    folder, report = dist
    rows = read_csv(folder / "csv" / f"{table}.csv")
    assert rows and next(iter(rows[0])) == "iri"
    assert all(row["iri"].startswith("https://dxkg.example.org/id/") for row in rows)
    assert len({row["iri"] for row in rows}) == len(rows) == report.csv_rows[table]


def test_csv_row_counts_match_the_graph(dist):
    folder, _ = dist
    store = Store()
    store.bulk_load(path=str(folder / "dxkg.nq"), format=RdfFormat.N_QUADS)

    def count(cls, pattern=""):
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <https://dxkg.example.org/ontology#{cls}> {pattern} }}"
        return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)

    assert len(read_csv(folder / "csv" / "case-studies.csv")) == count("CaseStudy")
    # the survey's initiatives; the cases' are the initiative column of case-studies.csv
    survey_rows = count("Initiative", "; <https://dxkg.example.org/ontology#usageDescription> ?u")
    assert len(read_csv(folder / "csv" / "initiatives.csv")) == survey_rows
    assert len(read_csv(folder / "csv" / "departments.csv")) == count("Department")
    vendors = read_csv(folder / "csv" / "vendors.csv")
    assert len(vendors) == count("Vendor") + count("PartnerOrganization")
    ntt = next(row for row in vendors if row["label"] == "東日本電信電話株式会社")
    assert "NTT東日本" in ntt["written_as"]
