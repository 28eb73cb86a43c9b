"""The release's DCAT-AP catalogue and VoID description, checked against the release itself."""

import hashlib

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, Store
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS, VOID

from dxkg.cli import main
from dxkg.config import PROJECT_ROOT
from dxkg.namespaces import ADMS, VCARD
from dxkg.pipeline.extract.corpus import load_manifest
from dxkg.pipeline.publish.catalogue import DCAT_VERSION, Overrides, catalogue_graph, load_settings
from dxkg.pipeline.publish.catalogue import Release as CatalogueRelease
from dxkg.web.views.downloads import kind_of

pytestmark = pytest.mark.e2e

DCAT_AP = PROJECT_ROOT / "tests" / "conformance" / "dcat-ap-3.0.1"
SPDX = "http://spdx.org/rdf/terms#"
BASE = "https://dxkg.example.org/"
DATASET = URIRef(BASE + "dataset")
NETWORKS = URIRef(BASE + "dataset/network")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")


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
    assert "<https://creativecommons.org/licenses/by/4.0/>" in text
    # the dataset is the networks' source; the documents are related resources
    assert text.count("<http://purl.org/dc/terms/source>") == 1
    assert text.count("<http://purl.org/dc/terms/relation>") == 5
    assert "<https://dxkg.example.org/sparql>" in text
    assert "総務省" in text  # the sources' publisher, in the attribution


def test_the_two_datasets_are_the_graph_and_the_networks(catalogue):
    datasets = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {DATASET, NETWORKS}
    assert set(catalogue.objects(None, DCAT.dataset)) == datasets


def test_the_sources_are_bibliographic_resources_with_their_own_rights(catalogue):
    documents = load_manifest(PROJECT_ROOT / "sources")
    sources = set(catalogue.subjects(RDF.type, DCTERMS.BibliographicResource))
    assert sources == set(catalogue.objects(DATASET, DCTERMS.relation))
    assert len(sources) == len(documents) == 5
    for document in documents.values():
        source = URIRef(f"{BASE}id/source/{document.id.removesuffix('.txt')}")
        assert (source, RDF.type, DCAT.Dataset) not in catalogue
        assert texts(catalogue, source, DCTERMS.title) == {
            "ja": document.title,
            "en": document.title_en,
        }
        publisher = catalogue.value(source, DCTERMS.publisher)
        assert texts(catalogue, publisher, FOAF.name) == {
            "ja": document.publisher,
            "en": document.publisher_en,
        }
        rights = texts(catalogue, catalogue.value(source, DCTERMS.rights), RDFS.label)
        assert rights.get("en") == document.licence_note
        assert rights.get("ja") == document.licence  # the terms as the manifest states them
        licence = catalogue.value(source, DCTERMS.license)
        assert licence == (URIRef(document.licence_url) if document.licence_url else None)
    # survey 003 states no terms of use: no licence is made up for it
    survey = URIRef(f"{BASE}id/source/003_e1df6aa27dfcbdad")
    assert catalogue.value(survey, DCTERMS.license) is None
    rights = catalogue.value(survey, DCTERMS.rights)
    assert (
        str(catalogue.value(rights, RDFS.label))
        == "The document states no licence or terms of use."
    )


#: DCAT-AP 3.0.1's recommended properties of a dataset (and, among its optional ones, those
#: a portal shows: identifier, dates, version, notes, frequency, landing page, rights).
DATASET_PROPERTIES = [
    DCAT.contactPoint,
    DCAT.distribution,
    DCAT.keyword,
    DCTERMS.publisher,
    DCTERMS.spatial,
    DCTERMS.temporal,
    DCAT.theme,
    DCTERMS.identifier,
    DCTERMS.issued,
    DCTERMS.modified,
    DCAT_VERSION,
    OWL.versionInfo,
    ADMS.versionNotes,
    DCTERMS.accrualPeriodicity,
    DCAT.landingPage,
    DCTERMS.language,
    DCTERMS.rights,
]


@pytest.mark.parametrize("dataset", [DATASET, NETWORKS], ids=["graph", "networks"])
def test_each_dataset_has_every_recommended_property(catalogue, dataset):
    missing = [p for p in DATASET_PROPERTIES if catalogue.value(dataset, p) is None]
    assert missing == []
    for prop in (DCTERMS.title, DCTERMS.description, ADMS.versionNotes):
        assert set(texts(catalogue, dataset, prop)) == {"ja", "en"}, prop
    assert {word.language for word in catalogue.objects(dataset, DCAT.keyword)} == {"ja", "en"}
    assert str(catalogue.value(dataset, DCTERMS.identifier)) == str(dataset)
    # the release as the build knows it: the configured release date, not the wall clock
    settings = load_settings(PROJECT_ROOT / "mappings" / "catalogue.toml")
    assert str(catalogue.value(dataset, DCTERMS.modified)) == settings["release_date"]
    assert str(catalogue.value(dataset, DCAT_VERSION)) == settings["release_date"]
    for theme in catalogue.objects(dataset, DCAT.theme):
        assert set(texts(catalogue, theme, SKOS.prefLabel)) == {"ja", "en"}


def test_the_catalogue_states_what_dcat_ap_recommends_of_it(catalogue):
    node = URIRef(BASE + "catalog")
    for prop in (
        FOAF.homepage,
        DCTERMS.language,
        DCTERMS.license,
        DCTERMS.issued,
        DCTERMS.modified,
        DCTERMS.spatial,
        DCAT.themeTaxonomy,
    ):
        assert catalogue.value(node, prop) is not None, prop
    publisher = catalogue.value(node, DCTERMS.publisher)
    assert set(texts(catalogue, publisher, FOAF.name)) == {"ja", "en"}
    assert catalogue.value(publisher, DCTERMS.type) is not None


def test_distributions_are_described_as_on_the_downloads_page(catalogue):
    distributions = list(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) > 30
    for node in distributions:
        name = str(catalogue.value(node, DCAT.downloadURL)).removeprefix(BASE + "download/")
        japanese, english = kind_of(name)[1].description
        assert texts(catalogue, node, DCTERMS.description) == {"ja": japanese, "en": english}
        titles = texts(catalogue, node, DCTERMS.title)
        assert titles == {"ja": f"{name}：{japanese}", "en": f"{name}: {english}"}
        assert catalogue.value(node, DCTERMS.format) is not None
        assert catalogue.value(node, DCTERMS.license) == LICENCE
        assert catalogue.value(catalogue.value(node, DCAT.mediaType), RDFS.label) is not None


def test_one_licence_iri_in_the_catalogue_and_the_ontology(catalogue):
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")
    assert set(ontology.objects(None, DCTERMS.license)) == {LICENCE}
    licences = {
        licence
        for node, licence in catalogue.subject_objects(DCTERMS.license)
        if (node, RDF.type, DCTERMS.BibliographicResource) not in catalogue  # the sources' own
    }
    assert licences == {LICENCE}  # catalogue, datasets, service and distributions alike


def test_no_node_of_the_catalogue_is_blank(catalogue):
    # every form /catalog negotiates names each node alike (see dxkg.web.views.catalogue)
    assert not [term for triple in catalogue for term in triple if isinstance(term, BNode)]


def test_publisher_and_contact_given_on_the_command_line(tmp_path):
    settings = load_settings(PROJECT_ROOT / "mappings" / "catalogue.toml")
    given = Overrides("Example City", "Open data desk", "opendata@city.example.jp")
    release = CatalogueRelease(tmp_path, "http://data.example.jp/dx/", [])
    graph = catalogue_graph(given.applied(settings), release, {})
    publisher = URIRef("http://data.example.jp/dx/publisher")
    assert list(graph.objects(publisher, FOAF.name)) == [Literal("Example City")]
    contact = graph.value(URIRef("http://data.example.jp/dx/dataset"), DCAT.contactPoint)
    assert graph.value(contact, VCARD.fn) == Literal("Open data desk")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:opendata@city.example.jp")
    assert settings["publisher"]["name_en"] == "The dxkg project"  # the settings are kept


@pytest.mark.parametrize(
    ("option", "value"),
    [("--contact-email", "not an address"), ("--contact-email", "a@b"), ("--publisher-name", " ")],
)
def test_build_refuses_a_contact_it_cannot_publish(option, value):
    result = CliRunner().invoke(main, ["build", option, value])
    assert result.exit_code == 2 and option in result.output


def texts(graph: Graph, subject, prop) -> dict[str, str]:
    """The values of ``prop`` by language."""
    return {value.language: str(value) for value in graph.objects(subject, prop)}


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
