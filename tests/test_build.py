"""The full build on the real corpus: release contents, report, atomicity, determinism."""

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from dxkg.config import Paths
from dxkg.pipeline.analysis.plots import FIGURES
from dxkg.pipeline.extract.corpus import CorpusError, load_manifest, of_kind
from dxkg.pipeline.pipeline import BuildError, run_build
from dxkg.pipeline.publish.tabledocs import TABLES
from dxkg.release import CHECKSUMS, CSV_DATAPACKAGE, CSV_METADATA, EXAMPLE_QUERIES
from test_network import NETWORKS

pytestmark = pytest.mark.e2e
GRAPHS = "https://dxkg.example.org/graph/"


NETWORK_FILES = [
    f"{stem}{suffix}"
    for stem in NETWORKS
    for suffix in (".gexf", ".graphml", ".cyjs", "-nodes.csv", "-edges.csv")
] + ["summary.json", "measures.json", *FIGURES]


def release_files(dist: Path) -> dict[str, bytes]:
    """Every file of a release by its path relative to ``dist``."""
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in dist.rglob("*") if p.is_file()}


def test_release_files_and_checksums(release):
    paths, _ = release
    assert sorted(release_files(paths.dist)) == sorted(
        [
            "SHA256SUMS",
            "build-report.json",
            "build-report.md",
            "dxkg.nq",
            "dxkg.nt",
            "dxkg.ttl",
            "dxkg.nq.gz",
            "dxkg.nt.gz",
            "dxkg.trig.gz",
            "dxkg.jsonld",
            "context.jsonld",
            "catalog.ttl",
            "void.ttl",
            "search.sqlite",
            "ontology/index.html",
            "ontology/dxkg.ttl",
            "ontology/examples.json",
            *(f"csv/{table.name}.csv" for table in TABLES),
            CSV_DATAPACKAGE,
            CSV_METADATA,
            *(f"network/{name}" for name in NETWORK_FILES),
        ]
    )
    for line in (paths.dist / CHECKSUMS).read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((paths.dist / name).read_bytes()).hexdigest() == digest


def test_named_graphs_and_counts(release):
    paths, report = release
    dataset = Dataset()
    dataset.parse(paths.dist / "dxkg.nq", format="nquads")
    counts = {str(g.identifier).removeprefix(GRAPHS): len(g) for g in dataset.graphs() if len(g)}
    assert set(counts) == {
        "source/003_e1df6aa27dfcbdad",
        *(
            f"source/{document.id.removesuffix('.txt')}"
            for document in of_kind(load_manifest(paths.sources), "case-collection")
        ),
        "municipalities",
        "organisations",
        "links",
        "inferred",
        "metadata",
        "ontology",
        "schemes",
    }
    assert counts == {k: v for k, v in report.triples.items() if k != "total"}
    survey = dataset.graph(GRAPHS + "source/003_e1df6aa27dfcbdad")
    query = """
        SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"""
    classes = {str(r["class"]).split("#")[-1]: int(r["n"]) for r in survey.query(query)}
    assert classes["Initiative"] == 357
    assert classes["SharedSystem"] == 123
    assert classes["Role"] == 42
    assert classes["DXPromotionBody"] == 72
    cases = dataset.graph(GRAPHS + "source/001_b7b77d4349d817ea")
    case_classes = {str(r["class"]).split("#")[-1]: int(r["n"]) for r in cases.query(query)}
    assert case_classes["CaseStudy"] == 82
    assert case_classes["Cost"] == 120
    assert case_classes["PopulationFigure"] == 80


def test_report_states_mismatches_and_entities(release):
    paths, _ = release
    report = json.loads((paths.dist / "build-report.json").read_text("utf-8"))
    assert report["survey"]["entities"] == {
        "Initiative": 357,
        "SharedSystem": 123,
        "Role": 42,
        "DXPromotionBody": 72,
    }
    mismatched = [c for c in report["survey"]["categories"] if c["stated"] != c["found"]]
    assert mismatched == [
        {"table": "3-1", "label": "総務分野", "level": 1, "stated": 25, "found": 26}
    ]
    assert report["anomalies"]["counts"]["duplicate-row"] == 1
    # the data conforms, with no result at all; what is worth telling is a check of the report
    assert report["shacl"] == {"conforms": True, "counts": {}}
    assert report["checks"]["counts"] == {"Info": 27, "Warning": 5}
    assert {w["message"] for w in report["checks"]["warnings"]} == {
        "the category heading states another count than the rows found",
        "the survey lists this post twice; both rows are kept",
        "the document states no issue date",
    }
    assert "総務分野 | 25 | 26 | ⚠ mismatch" in (paths.dist / "build-report.md").read_text("utf-8")


def test_literals_keep_the_source_verbatim(release):
    paths, _ = release
    turtle = (paths.dist / "dxkg.nt").read_text("utf-8")
    assert '"I T 専門監"@ja' in turtle
    assert '"①導入(実施) 済"@ja' in turtle


def test_failed_build_leaves_previous_release_untouched(release, corpus_copy):
    paths, _ = release
    shutil.copytree(paths.dist, corpus_copy.dist)
    before = release_files(corpus_copy.dist)
    survey = corpus_copy.sources / "003_e1df6aa27dfcbdad.txt"
    survey.write_bytes(survey.read_bytes().replace("北海道".encode(), "北海县".encode(), 1))
    with pytest.raises(CorpusError, match="003_e1df6aa27dfcbdad.txt: modified"):
        run_build(corpus_copy, echo=lambda _: None)
    assert release_files(corpus_copy.dist) == before
    assert sorted(p.name for p in corpus_copy.root.iterdir()) == [
        "dist",
        "mappings",
        "ontology",
        "shapes",
        "sources",
    ]


def test_validation_failure_leaves_previous_release_untouched(release, corpus_copy, tmp_path):
    shutil.copytree(release[0].dist.resolve(), corpus_copy.dist)  # the earlier layout: a folder
    before = release_files(corpus_copy.dist)
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "strict.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix dxkg: <https://dxkg.example.org/ontology#> .\n"
        "[] a sh:NodeShape ; sh:targetClass dxkg:Initiative ;\n"
        "   sh:property [ sh:path dxkg:remark ; sh:minCount 1 ] .\n"
    )
    (corpus_copy.root / "shapes").unlink()
    (corpus_copy.root / "shapes").symlink_to(shapes)
    with pytest.raises(BuildError, match="does not conform"):
        run_build(corpus_copy, echo=lambda _: None)
    assert release_files(corpus_copy.dist) == before
    assert not [p for p in corpus_copy.dist.parent.iterdir() if "staging" in p.name]


def test_two_builds_are_byte_identical(release, tmp_path):
    paths, _ = release
    second = Paths(dist=tmp_path / "dist")
    run_build(second, echo=lambda _: None)
    first_files, second_files = release_files(paths.dist), release_files(second.dist)
    assert sorted(first_files) == sorted(second_files)
    for name, content in first_files.items():
        assert second_files[name] == content, name


def test_rebased_release(tmp_path):
    paths = Paths(dist=tmp_path / "dist")
    run_build(paths, echo=lambda _: None, base_iri="http://data.example.jp/dx/")
    text = (paths.dist / "dxkg.nt").read_text("utf-8")
    assert "<http://data.example.jp/dx/id/initiative/survey2020-t1-1>" in text
    assert "dxkg.example.org" not in text
    examples = (paths.dist / EXAMPLE_QUERIES).read_text("utf-8")
    assert "<http://data.example.jp/dx/ontology#>" in examples
    # no file names the placeholder: not the catalogue (its home page, every IRI), not
    # the build report (the checks' focus nodes, the joint systems), not a compressed dump
    for name, content in release_files(paths.dist).items():
        text = gzip.decompress(content) if name.endswith(".gz") else content
        assert b"dxkg.example.org" not in text, name
    catalogue = (paths.dist / "catalog.ttl").read_text("utf-8")
    assert "foaf:homepage <http://data.example.jp/dx/>" in catalogue


def test_no_triple_is_in_two_named_graphs(release):
    paths, _ = release
    triples = [
        line.rsplit(" <", 1)[0] for line in (paths.dist / "dxkg.nq").read_text("utf-8").splitlines()
    ]
    assert len(triples) == len(set(triples))
    merged = (paths.dist / "dxkg.nt").read_text("utf-8").splitlines()
    assert len(merged) == len(triples)


def test_every_subject_has_a_language_tagged_label(release):
    from pyoxigraph import RdfFormat, Store

    paths, _ = release
    store = Store()
    store.bulk_load(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    unlabelled = """
        SELECT DISTINCT ?s WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER NOT EXISTS {
            GRAPH ?h { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER (lang(?label) != "") }
          }
        }"""
    assert [row["s"] for row in store.query(unlabelled)] == []
