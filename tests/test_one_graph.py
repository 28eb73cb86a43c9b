"""What any client receives is the published graph.

The endpoint's engine (Oxigraph) keeps values, not lexical forms; RDF libraries read
shorthand numbers their own way; JSON-LD processors differ on a remote context's
``@base``; SHACL engines call any result, of any severity, non-conforming. So the release
holds only literal forms that the store gives back unchanged, every dump is written by
the same serialiser from the same terms, the JSON-LD holds no relative IRI, and the shapes
it conforms to state violations only. These tests read the real release every way a client
would and compare term for term.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
from pathlib import Path

import pyrudof
import pytest
import rdflib.plugins.shared.jsonld.context as rdflib_jsonld_context
from pyld import jsonld
from pyoxigraph import (
    Literal,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)
from pyshacl import validate
from rdflib import Dataset, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.namespace import RDF, SH, XSD

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.pipeline import BuildError, run_build

pytestmark = pytest.mark.e2e

SHAPES = PROJECT_ROOT / "shapes" / "dxkg.shapes.ttl"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
RESULT_FORMATS = [QueryResultsFormat.TSV, QueryResultsFormat.JSON, QueryResultsFormat.XML]
#: The merged graph's dumps and the dataset's, each with the format both libraries read it in.
MERGED_DUMPS = {"dxkg.nt": "nt", "dxkg.nt.gz": "nt", "dxkg.ttl": "turtle"}
DATASET_DUMPS = {"dxkg.nq": "nquads", "dxkg.nq.gz": "nquads", "dxkg.trig.gz": "trig"}
OXIGRAPH_FORMATS = {
    "nt": RdfFormat.N_TRIPLES,
    "turtle": RdfFormat.TURTLE,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}


@pytest.fixture(scope="module")
def folder(release) -> Path:
    paths, _ = release
    return paths.dist


def lines(path: Path) -> list[str]:
    """A dump's lines as bytes on disk (decoded), split at line feeds only."""
    return path.read_bytes().decode("utf-8").split("\n")[:-1]


def nquads(quads) -> set[str]:
    """N-Quads lines of pyoxigraph quads, as pyoxigraph writes them."""
    return set(serialize(list(quads), format=RdfFormat.N_QUADS).decode("utf-8").split("\n")[:-1])


def text(folder: Path, name: str) -> str:
    data = (folder / name).read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


# --- Terms as each library reads them ------------------------------------------------


def rdflib_key(term) -> tuple:
    """A term as rdflib reads it: lexical form, language tag (as written) and datatype."""
    if isinstance(term, RdflibLiteral):
        datatype = RDF.langString if term.language else (term.datatype or XSD.string)
        return ("literal", str(term), term.language, str(datatype))
    return (type(term).__name__.replace("URIRef", "NamedNode"), str(term))


def oxigraph_key(term) -> tuple:
    """The same for a pyoxigraph term."""
    if isinstance(term, Literal):
        return ("literal", term.value, term.language, term.datatype.value)
    return (type(term).__name__, term.value)


def rdflib_triples(graph) -> set[tuple]:
    return {tuple(rdflib_key(t) for t in triple) for triple in graph.triples((None, None, None))}


def rdflib_quads(dataset: Dataset) -> set[tuple]:
    return {tuple(rdflib_key(t) for t in quad) for quad in dataset.quads((None, None, None, None))}


def oxigraph_terms(items) -> set[tuple]:
    return {tuple(oxigraph_key(t) for t in item) for item in items}


@functools.cache  # each dump is read once by each library (rdflib takes seconds)
def rdflib_read(folder: Path, name: str, form: str) -> frozenset[tuple]:
    if form in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=text(folder, name), format=form)
        return frozenset(rdflib_quads(dataset))
    return frozenset(rdflib_triples(Graph().parse(data=text(folder, name), format=form)))


@functools.cache
def oxigraph_read(folder: Path, name: str, form: str) -> frozenset[tuple]:
    quads = parse(text(folder, name), format=OXIGRAPH_FORMATS[form])
    if form in ("nquads", "trig"):
        return frozenset(oxigraph_terms(quads))
    return frozenset(oxigraph_terms(quad.triple for quad in quads))


# --- The store gives back every quad as the dump states it ----------------------------


@pytest.fixture(scope="module")
def store(folder) -> Store:
    store = Store()
    store.bulk_load(path=str(folder / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return store


def read_back(store: Store, results_format: QueryResultsFormat) -> list[Quad]:
    """Every quad through SPARQL, its results serialised by pyoxigraph and parsed again."""
    answer = store.query(ALL_QUADS).serialize(format=results_format)
    solutions = parse_query_results(answer, format=results_format)
    return [Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]


@pytest.mark.parametrize("results_format", RESULT_FORMATS, ids=lambda f: f.name)
def test_every_quad_reads_back_from_the_store_as_the_dump_states_it(folder, store, results_format):
    dump = lines(folder / "dxkg.nq")
    returned = read_back(store, results_format)
    assert len(returned) == len(dump) == len(set(dump))
    differences = sorted(nquads(returned) ^ set(dump))
    assert differences == [], "\n".join(differences[:10])


def test_rdflib_reads_the_store_s_answer_as_the_dump(folder, store):
    returned = serialize(read_back(store, QueryResultsFormat.TSV), format=RdfFormat.N_QUADS)
    answer = Dataset()
    answer.parse(data=returned.decode("utf-8"), format="nquads")
    dump = Dataset()
    dump.parse(folder / "dxkg.nq", format="nquads")
    assert rdflib_quads(answer) == rdflib_quads(dump)


def test_every_triple_reads_back_through_construct(folder, store):
    answer = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    returned = answer.serialize(format=RdfFormat.N_TRIPLES).decode("utf-8").split("\n")[:-1]
    assert sorted(set(returned)) == lines(folder / "dxkg.nt")


def test_the_store_s_graph_conforms_to_the_shapes(store):
    """The whole graph as /sparql gives it (3,049 violations when it held derived types)."""
    triples = {quad.triple for quad in read_back(store, QueryResultsFormat.TSV)}
    data = Graph().parse(
        data=serialize(list(triples), format=RdfFormat.N_TRIPLES).decode(), format="nt"
    )
    conforms, _, report = validate(
        data, shacl_graph=Graph().parse(SHAPES), inference="none", advanced=True
    )
    assert conforms, report


def test_language_tags_are_the_ones_a_query_filters_on(folder, store):
    tags = {
        tag
        for line in lines(folder / "dxkg.nq")
        for tag in re.findall(r'"@([A-Za-z0-9-]+) <', line)
    }
    assert "ja-hira" in tags and all(tag == tag.lower() for tag in tags), tags
    kana = sum(
        " <https://dxkg.example.org/ontology#nameKana> " in line
        for line in lines(folder / "dxkg.nq")
    )
    query = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {
        ?s <https://dxkg.example.org/ontology#nameKana> ?o FILTER (lang(?o) = "ja-hira") } }"""
    assert kana > 100
    assert int(next(iter(store.query(query)))[0].value) == kana


def test_no_literal_has_a_derived_integer_type(folder):
    dump = (folder / "dxkg.nt").read_text("utf-8")
    xsd = "^^<http://www.w3.org/2001/XMLSchema#"
    for derived in (
        "positiveInteger>",
        "nonNegativeInteger>",
        "nonPositiveInteger>",
        "negativeInteger>",
        "long>",
        "int>",
        "short>",
        "byte>",
        "unsigned",
    ):
        assert xsd + derived not in dump  # (geo:long is a property, not a datatype)


# --- Every dump is one graph, in every library ----------------------------------------


def test_rdflib_and_pyoxigraph_read_the_same_terms(folder):
    assert rdflib_read(folder, "dxkg.nq", "nquads") == oxigraph_read(folder, "dxkg.nq", "nquads")
    assert rdflib_read(folder, "dxkg.nt", "nt") == oxigraph_read(folder, "dxkg.nt", "nt")


@pytest.mark.parametrize("reader", ["rdflib", "pyoxigraph"])
def test_every_dump_reads_as_one_graph(folder, reader):
    read = rdflib_read if reader == "rdflib" else oxigraph_read
    merged = read(folder, "dxkg.nt", "nt")
    assert len(merged) == len(lines(folder / "dxkg.nt"))
    for name, form in MERGED_DUMPS.items():
        assert read(folder, name, form) == merged, name
    dataset = read(folder, "dxkg.nq", "nquads")
    for name, form in DATASET_DUMPS.items():
        assert read(folder, name, form) == dataset, name
    assert {quad[:3] for quad in dataset} == merged
    union = set(merged)
    for name, form in MERGED_DUMPS.items():
        union |= read(folder, name, form)
    for name, form in DATASET_DUMPS.items():
        union |= {quad[:3] for quad in read(folder, name, form)}
    assert len(union) == len(merged), "merging the dumps gives more triples than each holds"


# --- The JSON-LD reads the same in every processor ------------------------------------


@pytest.fixture(scope="module")
def jsonld_document(folder) -> tuple[dict, str, dict]:
    """The JSON-LD dump, the URL of its remote context and that context as published."""
    document = json.loads((folder / "dxkg.jsonld").read_text("utf-8"))
    context = json.loads((folder / "context.jsonld").read_text("utf-8"))
    return document, document["@context"], context


def test_the_context_holds_no_base(jsonld_document):
    document, url, context = jsonld_document
    assert url == "https://dxkg.example.org/context.jsonld"
    assert "@base" not in context["@context"]
    for node in document["@graph"]:  # no relative IRI: absolute, or a compact IRI of a prefix
        scheme = node["@id"].split(":", 1)[0]
        assert scheme in context["@context"] or scheme in ("http", "https", "_"), node["@id"]


def read_with_pyld(document: dict, url: str, context: dict) -> set[tuple]:
    requested = []

    def loader(requested_url, options=None):
        requested.append(requested_url)
        if requested_url != url:
            raise OSError(f"no network in the tests: {requested_url}")
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": context,
            "contentType": "application/ld+json",
        }

    quads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    assert requested == [url]
    return rdflib_triples(Graph().parse(data=quads, format="nt"))


def read_with_rdflib(document: dict, url: str, context: dict, monkeypatch) -> set[tuple]:
    requested = []

    def source_to_json(requested_url, *args, **kwargs):
        requested.append(requested_url)
        if requested_url != url:
            raise OSError(f"no network in the tests: {requested_url}")
        return context, None

    monkeypatch.setattr(rdflib_jsonld_context, "source_to_json", source_to_json)
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert requested == [url]
    return rdflib_triples(graph)


@pytest.mark.parametrize("processor", ["pyld", "rdflib"])
def test_json_ld_reads_as_the_n_triples_in_every_processor(
    folder, jsonld_document, processor, monkeypatch
):
    if processor == "pyld":
        triples = read_with_pyld(*jsonld_document)
    else:
        triples = read_with_rdflib(*jsonld_document, monkeypatch)
    assert triples == rdflib_read(folder, "dxkg.nt", "nt")


# --- SHACL: the release conforms in every engine, and a violation is found ------------


def pyshacl_results(data: str) -> tuple[bool, int]:
    graph = Graph().parse(data=data, format="nt")
    conforms, results, _ = validate(
        graph, shacl_graph=Graph().parse(SHAPES), inference="none", advanced=True
    )
    return conforms, len(set(results.subjects(RDF.type, SH.ValidationResult)))


def pyrudof_results(data: str) -> tuple[bool, int]:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    rudof.read_shacl(
        str(SHAPES), format=pyrudof.ShaclFormat.Turtle, reader_mode=pyrudof.ReaderMode.Strict
    )
    report = rudof.validate_shacl()
    return report.conforms, len(report)


ENGINES = {"pyshacl": pyshacl_results, "pyrudof": pyrudof_results}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_release_conforms_in_every_shacl_engine(folder, engine):
    assert ENGINES[engine]((folder / "dxkg.nt").read_text("utf-8")) == (True, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_every_shacl_engine_finds_a_violation(folder, engine):
    data = (folder / "dxkg.nt").read_text("utf-8")
    # a government's code loses a digit; a population becomes zero
    broken, codes = re.subn(r'(#localGovernmentCode> "\d{5})\d"', r'\1"', data, count=1)
    broken, persons = re.subn(r'(#persons> ")\d+', r"\g<1>0", broken, count=1)
    assert codes == persons == 1
    conforms, results = ENGINES[engine](broken)
    assert not conforms and results >= 2


# --- The build stops on a literal the store would rewrite -----------------------------


def test_the_build_stops_on_a_literal_the_store_would_rewrite(corpus_copy):
    mappings = corpus_copy.root / "mappings"
    mappings.unlink()
    shutil.copytree(PROJECT_ROOT / "mappings", mappings)
    context = mappings / "links.context.jsonld"
    context.write_text(context.read_text("utf-8").replace('"ja-hira"', '"ja-Hira"'), "utf-8")
    with pytest.raises(BuildError, match="would read otherwise from a SPARQL store") as stopped:
        run_build(corpus_copy, echo=lambda _: None)
    assert '@ja-Hira comes back as "' in str(stopped.value)
    assert not corpus_copy.dist.exists()


def test_store_forms_names_what_the_store_rewrites():
    from dxkg.pipeline.validate.storeforms import rewritten_literals

    graph = Graph()
    subject, predicate = URIRef("https://example.org/s"), RDF.value
    for literal in (
        RdflibLiteral("5", datatype=XSD.positiveInteger),
        RdflibLiteral("5", datatype=XSD.integer),
        RdflibLiteral("かな", lang="ja-Hira"),
        RdflibLiteral("かな", lang="ja-hira"),
        RdflibLiteral("1.0E6", datatype=XSD.double),
        RdflibLiteral("31415000", datatype=XSD.decimal),
        RdflibLiteral("P4M", datatype=XSD.duration),
        RdflibLiteral("2020-08", datatype=XSD.gYearMonth),
        RdflibLiteral("true", datatype=XSD.boolean),
    ):
        graph.add((subject, predicate, literal))
    assert rewritten_literals([graph]) == [
        (
            '"1000000.0"^^<http://www.w3.org/2001/XMLSchema#double>',
            '"1000000"^^<http://www.w3.org/2001/XMLSchema#double>',
        ),
        (
            '"5"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>',
            '"5"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
        ('"かな"@ja-Hira', '"かな"@ja-hira'),
    ]


def test_the_triples_are_the_ones_in_the_dump(folder):
    """Sanity: the sets compared above are not empty and hold every kind of term."""
    quads = parse(path=str(folder / "dxkg.nq"), format=RdfFormat.N_QUADS)
    triples = oxigraph_terms(quad.triple for quad in quads)
    datatypes = {o[3] for _, _, o in triples if o[0] == "literal"}
    assert len(triples) > 30000
    assert {
        str(XSD.integer),
        str(XSD.decimal),
        str(XSD.boolean),
        str(XSD.date),
        str(XSD.gYearMonth),
        str(XSD.duration),
        str(XSD.anyURI),
    } <= datatypes
