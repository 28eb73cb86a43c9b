"""The release's metadata: a DCAT-AP 3 catalogue and a VoID description.

What is declared (titles, publisher, licence, release date) comes from
``mappings/catalogue.toml``; what is measured (byte sizes, checksums, triple,
entity and partition counts) is computed from the files and the graph of the
release being built. Both are written as Turtle beside the dumps.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store
from rdflib import BNode, Graph, Literal, URIRef

from dxkg import media, namespaces
from dxkg.namespaces import (
    DCAT,
    DCTERMS,
    ESTAT_SAC,
    FOAF,
    PROV,
    RDF,
    RDFS,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
)
from dxkg.pipeline.extract.corpus import SourceDocument
from dxkg.release import (
    CATALOGUE,
    JSONLD_CONTEXT,
    NETWORK_FOLDER,
    ONTOLOGY_FOLDER,
    REPORT_JSON,
    VOID_DESCRIPTION,
    Licence,
)

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"

#: The EU file-type authority's code of each media type a distribution may have (that of
#: what a file holds, see :func:`dxkg.media.of_content`): the files of other types (the
#: build report in Markdown, the search index) are no distributions. GEXF and GraphML
#: have no media type of their own: they are XML, and their distributions name the
#: schema they follow (``dct:conformsTo``).
FILE_TYPES = {
    media.TRIG: "TRIG",
    media.N_QUADS: "N_QUADS",
    media.N_TRIPLES: "N_TRIPLES",
    media.TURTLE: "RDF_TURTLE",
    media.JSON_LD: "JSON_LD",
    media.CSV: "CSV",
    media.XML: "XML",
    media.JSON: "JSON",
    media.SVG: "SVG",
}

#: The specification each network export follows.
STANDARDS = {
    ".gexf": "http://gexf.net/1.2",
    ".graphml": "http://graphml.graphdrawing.org/xmlns",
    ".cyjs": "https://js.cytoscape.org/#notation/elements-json",
}
#: Files of the release that are no form of the data: the build report is about the build,
#: and the JSON-LD context holds no triple (it is what ``dxkg.jsonld`` is compacted with).
NOT_DISTRIBUTIONS = frozenset({REPORT_JSON, JSONLD_CONTEXT})
#: The prefixes partitions are named with (``dxkg-CaseStudy``); other terms' names are hashes.
SLUG_PREFIXES = ("dxkg", "rdf", "rdfs", "skos", "org", "prov", "dct", "schema", "owl")


@dataclass(frozen=True)
class Release:
    """Where the release lives and what it contains."""

    folder: Path
    base_iri: str
    files: list[str]  # paths relative to the folder, in catalogue order

    def url(self, path: str) -> str:
        return self.base_iri + "download/" + path


def write_metadata(
    settings: dict,
    folder: Path,
    base_iri: str,
    documents: dict[str, SourceDocument],
    store: Store,
) -> None:
    """Write ``catalog.ttl`` and ``void.ttl`` into the release.

    Every dump of the release is described (not the catalogue itself, whose
    checksum it cannot contain, nor the ontology documentation).
    """
    files = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and _media_type(path.name) in FILE_TYPES
        and path.parent.name != ONTOLOGY_FOLDER
        and path.name not in NOT_DISTRIBUTIONS
    )
    release = Release(folder, base_iri, files)
    _write_turtle(void_graph(settings, release, store), folder / VOID_DESCRIPTION)
    release = Release(folder, base_iri, [*files, VOID_DESCRIPTION])
    _write_turtle(catalogue_graph(settings, release, documents), folder / CATALOGUE)


def _write_turtle(graph: Graph, path: Path) -> None:
    """Turtle with blank nodes named in the code, so two builds give the same bytes."""
    graph.serialize(path, format="turtle", encoding="utf-8")


def licence_summary(settings: dict) -> Licence:
    """The dataset's licence and the sources' attribution, for the report and the browser."""
    return Licence(**{key: settings[key] for key in Licence.model_fields})


def load_settings(path: Path) -> dict:
    """The declared metadata of ``mappings/catalogue.toml``."""
    return tomllib.loads(path.read_text("utf-8"))


def catalogue_graph(
    settings: dict, release: Release, documents: dict[str, SourceDocument]
) -> Graph:
    """The DCAT-AP catalogue: one dataset, a distribution per file, the SPARQL service."""
    base = release.base_iri
    graph = Graph()
    for prefix in ("dcat", "dct", "foaf", "spdx", "vcard", "prov"):
        graph.bind(prefix, namespaces.COMMON[prefix])
    catalogue, dataset = URIRef(base + "catalog"), URIRef(base + "dataset")
    service, publisher = URIRef(base + "sparql#service"), URIRef(base + "publisher")
    licence = URIRef(settings["licence"])
    add = graph.add

    add((publisher, RDF.type, FOAF.Agent))
    _texts(graph, publisher, FOAF.name, settings["publisher"], "name")
    add((publisher, DCTERMS.type, _concept(graph, settings["publisher"]["type"])))
    for iri, label in settings["labels"].items():
        graph.add((URIRef(iri), SKOS.prefLabel, Literal(label, lang="en")))
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    add((licence, RDFS.label, Literal(settings["licence_name"])))

    add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, settings["catalogue"], "title")
    _texts(graph, catalogue, DCTERMS.description, settings["catalogue"], "description")
    add((catalogue, DCTERMS.publisher, publisher))
    add((catalogue, DCTERMS.license, licence))
    add((catalogue, FOAF.homepage, _document(graph, settings["catalogue"]["homepage"])))
    add((catalogue, DCAT.dataset, dataset))
    add((catalogue, DCAT.service, service))
    add((catalogue, DCTERMS.modified, Literal(settings["release_date"], datatype=XSD.date)))

    _dataset(graph, dataset, settings, (publisher, licence), base, documents)
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal("dxkg SPARQL endpoint", lang="en")))
    add((service, DCTERMS.title, Literal("dxkg SPARQLエンドポイント", lang="ja")))
    endpoint = URIRef(base + "sparql")
    add((endpoint, RDF.type, RDFS.Resource))
    add((service, DCAT.endpointURL, endpoint))
    add((service, DCAT.endpointDescription, endpoint))  # GET without a query: its description
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.license, licence))
    networks = URIRef(base + "dataset/network")
    add((catalogue, DCAT.dataset, networks))
    _network_dataset(graph, networks, settings, (publisher, licence), dataset)
    for path in release.files:
        owner = networks if path.startswith(NETWORK_FOLDER + "/") else dataset
        add((owner, DCAT.distribution, _distribution(graph, release, path, licence)))
    return graph


def _network_dataset(
    graph: Graph,
    networks: URIRef,
    settings: dict,
    publisher_and_licence: tuple[URIRef, URIRef],
    source: URIRef,
) -> None:
    """The networks of ``network/``: a dataset derived from the knowledge graph."""
    _dataset_basics(graph, networks, settings, settings["network_dataset"], publisher_and_licence)
    graph.add((networks, DCTERMS.source, source))
    graph.add((networks, PROV.wasDerivedFrom, source))


def _dataset_basics(
    graph: Graph,
    dataset: URIRef,
    settings: dict,
    declared: dict,
    publisher_and_licence: tuple[URIRef, URIRef],
) -> None:
    """What every dataset of the catalogue states: type, titles and descriptions (from
    ``declared``), the themes, publisher, licence and release date."""
    publisher, licence = publisher_and_licence
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, declared, "title")
    _texts(graph, dataset, DCTERMS.description, declared, "description")
    for theme in settings["dataset"]["themes"]:
        add((dataset, DCAT.theme, _concept(graph, theme)))
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCTERMS.license, licence))
    add((dataset, DCTERMS.issued, Literal(settings["release_date"], datatype=XSD.date)))


def _dataset(
    graph: Graph,
    dataset: URIRef,
    settings: dict,
    publisher_and_licence: tuple[URIRef, URIRef],
    base: str,
    documents: dict[str, SourceDocument],
) -> None:
    """The dataset: what it is, where and when it covers, who publishes it, what it came from."""
    publisher = publisher_and_licence[0]
    declared = settings["dataset"]
    _dataset_basics(graph, dataset, settings, declared, publisher_and_licence)
    add = graph.add
    for language, words in (("ja", declared["keywords_ja"]), ("en", declared["keywords_en"])):
        for word in words:
            add((dataset, DCAT.keyword, Literal(word, lang=language)))
    spatial = URIRef(declared["spatial"])
    add((spatial, RDF.type, DCTERMS.Location))
    add((dataset, DCTERMS.spatial, spatial))
    language = URIRef(declared["language"])
    add((language, RDF.type, DCTERMS.LinguisticSystem))
    add((dataset, DCTERMS.language, language))
    period = BNode("temporal")
    add((period, RDF.type, DCTERMS.PeriodOfTime))
    add((period, DCAT.startDate, Literal(settings["temporal_start"], datatype=XSD.date)))
    add((period, DCAT.endDate, Literal(settings["temporal_end"], datatype=XSD.date)))
    add((dataset, DCTERMS.temporal, period))
    add((dataset, DCTERMS.rightsHolder, publisher))
    rights = BNode("attribution")
    add((rights, RDF.type, DCTERMS.RightsStatement))
    add((rights, RDFS.label, Literal(settings["attribution_ja"], lang="ja")))
    add((rights, RDFS.label, Literal(settings["attribution_en"], lang="en")))
    add((dataset, DCTERMS.rights, rights))
    contact = BNode("contact")
    add((contact, RDF.type, VCARD.Kind))
    add((contact, VCARD.fn, Literal(settings["contact"]["name"])))
    add((contact, VCARD.hasEmail, URIRef(settings["contact"]["email"])))
    add((dataset, DCAT.contactPoint, contact))
    for document in documents.values():
        source = _source(graph, base, document)
        add((dataset, DCTERMS.source, source))
        add((dataset, PROV.wasDerivedFrom, source))


def _source(graph: Graph, base: str, document: SourceDocument) -> URIRef:
    """A source document as the dataset it is to DCAT-AP (``dct:source`` ranges over datasets)."""
    source = URIRef(base + "id/source/" + document.id.removesuffix(".txt"))
    publisher = URIRef(base + "publisher/" + document.publisher_en.split(" (")[0].replace(" ", "-"))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(document.publisher, lang="ja")))
    graph.add((publisher, FOAF.name, Literal(document.publisher_en, lang="en")))
    graph.add((source, RDF.type, DCAT.Dataset))
    graph.add((source, DCTERMS.title, Literal(document.title, lang="ja")))
    graph.add((source, DCTERMS.title, Literal(document.title_en, lang="en")))
    graph.add((source, DCTERMS.description, Literal(document.title_en, lang="en")))
    graph.add((source, DCTERMS.publisher, publisher))
    if document.licence_url:
        licence = URIRef(document.licence_url)
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        graph.add((source, DCTERMS.license, licence))
    return source


def _distribution(graph: Graph, release: Release, path: str, licence: URIRef) -> URIRef:
    """A distribution for one file: URL, media type, format, size, checksum, licence."""
    file = release.folder / path
    node = URIRef(release.base_iri + "distribution/" + path)
    media_type, compression = media.of_content(path)
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    add((node, DCTERMS.title, Literal(path)))
    add((node, DCAT.accessURL, URIRef(release.url(path))))
    add((node, DCAT.downloadURL, URIRef(release.url(path))))
    media_iri = URIRef(media.iana_iri(media_type))
    add((media_iri, RDF.type, DCTERMS.MediaType))
    add((node, DCAT.mediaType, media_iri))
    form = URIRef(FILE_TYPE + FILE_TYPES[media_type])
    add((form, RDF.type, DCTERMS.MediaTypeOrExtent))
    add((node, DCTERMS.format, form))
    standard = next((iri for ext, iri in STANDARDS.items() if path.endswith(ext)), None)
    if standard:
        add((URIRef(standard), RDF.type, DCTERMS.Standard))
        add((node, DCTERMS.conformsTo, URIRef(standard)))
    if compression:
        compression_iri = URIRef(media.iana_iri(compression))
        add((compression_iri, RDF.type, DCTERMS.MediaType))
        add((node, DCAT.compressFormat, compression_iri))
    add((node, DCAT.byteSize, Literal(file.stat().st_size, datatype=XSD.nonNegativeInteger)))
    checksum = BNode("checksum-" + path.replace("/", "-"))
    add((checksum, RDF.type, SPDX.Checksum))
    add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    add(
        (
            checksum,
            SPDX.checksumValue,
            Literal(hashlib.sha256(file.read_bytes()).hexdigest(), datatype=XSD.hexBinary),
        )
    )
    add((node, SPDX.checksum, checksum))
    add((node, DCTERMS.license, licence))
    return node


def _media_type(path: str) -> str | None:
    """The media type of what the published file ``path`` holds (None if unknown)."""
    return media.of_content(path)[0]


def void_graph(settings: dict, release: Release, store: Store) -> Graph:
    """VoID of the release loaded in ``store``: counts, class and property partitions, the
    e-Stat linkset."""
    base = release.base_iri
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    dataset = URIRef(base + "dataset")
    space = str(namespaces.things(base))
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    _texts(graph, dataset, DCTERMS.title, settings["dataset"], "title")
    add((dataset, DCTERMS.license, URIRef(settings["licence"])))
    add(
        (
            dataset,
            VOID.triples,
            _count(store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"),
        )
    )
    # the entities are the things minted in void:uriSpace that the dataset describes
    # (not the ontology's terms, the concept schemes' outside IRIs or the graphs)
    add(
        (
            dataset,
            VOID.entities,
            _count(
                store,
                "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o "
                f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), '{space}')) }}",
            ),
        )
    )
    add(
        (
            dataset,
            VOID.distinctSubjects,
            _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
        )
    )
    add((dataset, VOID.properties, _count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")))
    add((dataset, VOID.classes, _count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")))
    add((dataset, VOID.uriSpace, Literal(space)))
    add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    add((dataset, VOID.rootResource, URIRef(base + "id/survey2020")))
    for example in ("id/case/v4-1-4", "id/municipality/070009", "id/org/東日本電信電話"):
        add((dataset, VOID.exampleResource, URIRef(base + example)))
    for path in release.files:
        if media.is_rdf(_media_type(path)):
            add((dataset, VOID.dataDump, URIRef(release.url(path))))
    # a class partition's entities too: those in void:uriSpace (so the ontology's own
    # terms, owl:Class and the like, make no partition)
    for row in _rows(
        store,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c "
        f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), '{space}')) }} GROUP BY ?c ORDER BY ?c",
    ):
        partition = URIRef(f"{base}dataset/class/{_slug(row[0], base)}")
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(row[0])))
        add((partition, VOID.entities, Literal(int(row[1]), datatype=XSD.integer)))
    for row in _rows(
        store,
        "SELECT ?p (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p",
    ):
        partition = URIRef(f"{base}dataset/property/{_slug(row[0], base)}")
        add((dataset, VOID.propertyPartition, partition))
        add((partition, VOID.property, URIRef(row[0])))
        add((partition, VOID.triples, Literal(int(row[1]), datatype=XSD.integer)))
    linkset = URIRef(base + "dataset/linkset/e-stat")
    add((linkset, RDF.type, VOID.Linkset))
    add((linkset, VOID.subset, dataset))
    add((dataset, VOID.subset, linkset))
    add((linkset, VOID.subjectsTarget, dataset))
    estat = URIRef(ESTAT_SAC)
    add((estat, RDF.type, VOID.Dataset))
    add((estat, VOID.uriSpace, Literal(str(ESTAT_SAC))))
    add((linkset, VOID.objectsTarget, estat))
    add((linkset, VOID.linkPredicate, SKOS.closeMatch))
    add(
        (
            linkset,
            VOID.triples,
            _count(
                store,
                f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?o {{ ?s <{SKOS.closeMatch}> ?o "
                f"FILTER STRSTARTS(STR(?o), '{ESTAT_SAC}') }} }}",
            ),
        )
    )
    return graph


def _texts(graph: Graph, subject: URIRef, prop: URIRef, table: dict, key: str) -> None:
    for language in ("ja", "en"):
        graph.add((subject, prop, Literal(table[f"{key}_{language}"], lang=language)))


def _concept(graph: Graph, iri: str) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, SKOS.Concept))
    return node


def _document(graph: Graph, iri: str) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, FOAF.Document))
    return node


def _rows(store: Store, query: str) -> list[tuple[str, str]]:
    results = store.query(query, use_default_graph_as_union=True)
    return [(row[0].value, row[1].value) for row in results]


def _count(store: Store, query: str) -> Literal:
    results = store.query(query, use_default_graph_as_union=True)
    return Literal(int(next(iter(results))[0].value), datatype=XSD.integer)


def _slug(iri: str, base_iri: str) -> str:
    """A partition name from a class or property IRI: ``dxkg-CaseStudy``."""
    for prefix, namespace in namespaces.prefixes(SLUG_PREFIXES, base_iri).items():
        if iri.startswith(namespace):
            return f"{prefix}-{iri.removeprefix(namespace)}"
    return hashlib.sha256(iri.encode()).hexdigest()[:12]
