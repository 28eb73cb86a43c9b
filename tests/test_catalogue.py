"""The release's DCAT-AP catalogue and VoID description, checked against the release itself."""

import hashlib

import pytest
from pyoxigraph import RdfFormat, Store
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, SH, VOID

from dxkg.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

DCAT_AP = PROJECT_ROOT / "tests" / "conformance" / "dcat-ap-3.0.1"
SPDX = "http://spdx.org/rdf/terms#"
DATASET = URIRef("https://dxkg.example.org/dataset")


@pytest.fixture(scope="module")
def folder(release):
    paths, _ = release
    return paths.dist


@pytest.fixture(scope="module")
def catalogue(folder) -> Graph:
    return Graph().parse(folder / "catalog.ttl")


@pytest.fixture(scope="module")
def void(folder) -> Graph:
    return Graph().parse(folder / "void.ttl")


def dcat_ap_shapes() -> Graph:
    """The DCAT-AP 3.0.1 shapes as published, both files (each names shapes of the other).

    The release lists five property shapes that neither file defines; pyshacl refuses
    a dangling sh:property, so those five references are dropped, and counted so that
    a fixed upstream release shows up here.
    """
    shapes = Graph().parse(DCAT_AP / "dcat-ap-SHACL.ttl").parse(DCAT_AP / "ranges.ttl")
    dangling = [
        (s, o) for s, o in shapes.subject_objects(SH.property) if (o, SH.path, None) not in shapes
    ]
    assert len(dangling) == 5
    for shape, reference in dangling:
        shapes.remove((shape, SH.property, reference))
    return shapes


def test_catalogue_conforms_to_dcat_ap_3(catalogue):
    conforms, _, text = validate(catalogue, shacl_graph=dcat_ap_shapes(), inference="none")
    assert conforms, text


def test_a_breaking_catalogue_fails_dcat_ap(catalogue):
    broken = Graph() + catalogue
    broken.remove((None, DCAT.accessURL, None))
    conforms, _, _ = validate(broken, shacl_graph=dcat_ap_shapes(), inference="none")
    assert not conforms


def test_every_dump_has_a_distribution_with_its_size_and_checksum(folder, catalogue):
    described = {}
    for distribution in catalogue.objects(DATASET, DCAT.distribution):
        url = str(catalogue.value(distribution, DCAT.downloadURL))
        size = int(catalogue.value(distribution, DCAT.byteSize))
        checksum = catalogue.value(distribution, URIRef(SPDX + "checksum"))
        digest = str(catalogue.value(checksum, URIRef(SPDX + "checksumValue")))
        described[url.removeprefix("https://dxkg.example.org/download/")] = (size, digest)
    dumps = [
        "dxkg.trig.gz",
        "dxkg.nq.gz",
        "dxkg.nt.gz",
        "dxkg.ttl",
        "dxkg.jsonld",
        "void.ttl",
        "csv/case-studies.csv",
    ]
    assert set(dumps) <= set(described)
    for name, (size, digest) in described.items():
        data = (folder / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest), name


def test_catalogue_names_licence_publisher_sources_and_the_endpoint(catalogue):
    text = catalogue.serialize(format="nt")
    assert "<http://creativecommons.org/licenses/by/4.0/>" in text
    # the five documents are the dataset's sources; the dataset is the networks' source
    assert text.count("<http://purl.org/dc/terms/source>") == 5 + 1
    assert "<https://dxkg.example.org/sparql>" in text
    assert "総務省" in text  # the sources' publisher, in the attribution


def test_void_counts_equal_counts_from_the_graph(folder, void):
    store = Store()
    store.bulk_load(path=str(folder / "dxkg.nq"), format=RdfFormat.N_QUADS)

    def count(query):
        return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)

    assert int(void.value(DATASET, VOID.triples)) == len(
        Graph().parse(folder / "dxkg.nt", format="nt")
    )
    # entities are the described things in void:uriSpace: not the ontology's terms
    space = str(void.value(DATASET, VOID.uriSpace))
    assert space == "https://dxkg.example.org/id/"
    in_space = f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), '{space}'))"
    entities = int(void.value(DATASET, VOID.entities))
    assert entities == count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o {in_space} }}")
    assert entities < count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")
    partitions = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions["https://dxkg.example.org/ontology#CaseStudy"] == 159
    assert "http://www.w3.org/2002/07/owl#Class" not in partitions
    for cls, n in partitions.items():
        assert n == count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{cls}> {in_space} }}"), cls
    linkset = URIRef("https://dxkg.example.org/dataset/linkset/e-stat")
    assert int(void.value(linkset, VOID.triples)) == count(
        "SELECT (COUNT(*) AS ?n) { ?s <http://www.w3.org/2004/02/skos/core#closeMatch> ?o }"
    )
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef("https://dxkg.example.org/sparql")


def test_void_data_dumps_are_the_rdf_dumps(void, catalogue):
    dumps = {
        str(url).removeprefix("https://dxkg.example.org/download/")
        for url in void.objects(DATASET, VOID.dataDump)
    }
    assert dumps == {
        "dxkg.nq",
        "dxkg.nq.gz",
        "dxkg.trig.gz",
        "dxkg.nt",
        "dxkg.nt.gz",
        "dxkg.ttl",
        "dxkg.jsonld",
    }
    # the JSON-LD context holds no triple: no dump, and no distribution of the dataset
    urls = {str(url) for url in catalogue.objects(None, DCAT.downloadURL)}
    assert "https://dxkg.example.org/download/context.jsonld" not in urls
