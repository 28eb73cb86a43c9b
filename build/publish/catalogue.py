"""The release's metadata: a DCAT-AP 3 catalogue and a VoID description.

What is declared (titles, publisher, licence, release date) comes from
``mappings/catalogue.toml``; what is measured (byte sizes, checksums, triple,
entity and partition counts) is computed from the files and the graph of the
release being built. Both are written as Turtle beside the dumps.

The publisher and the contact point can be given to ``dxkg build`` instead
(:class:`Overrides`). Each distribution's titles and descriptions, in Japanese and
English, are those the downloads page gives its file (:func:`dxkg.web.views.downloads.kind_of`):
one table describes the release's files wherever they are listed.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store
from rdflib import Graph, Literal, URIRef

from dxkg import media, namespaces
from dxkg.namespaces import (
    ADMS,
    DCAT,
    DCATAP,
    DCTERMS,
    ESTAT_SAC,
    FOAF,
    OWL,
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
from dxkg.web.views.downloads import kind_of

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
#: The languages of every declared text (``title_ja``, ``title_en``), in this order.
LANGUAGES = ("ja", "en")
#: DCAT 3's ``dcat:version``, which rdflib's DCAT (version 2) lacks.
DCAT_VERSION = URIRef(f"{DCAT}version")
#: The prefixes the catalogue is written with.
CATALOGUE_PREFIXES = ("dcat", "dct", "foaf", "spdx", "vcard", "prov", "adms", "dcatap", "skos")
#: The class of each controlled-vocabulary term ``mappings/catalogue.toml`` names, by its key.
VOCABULARY_TYPES = {
    "themes": SKOS.Concept,
    "theme_taxonomy": SKOS.ConceptScheme,
    "spatial": DCTERMS.Location,
    "language": DCTERMS.LinguisticSystem,
    "accrual_periodicity": DCTERMS.Frequency,
}
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


@dataclass(frozen=True)
class Overrides:
    """Who the catalogue names as its publisher and contact point when ``dxkg build`` says
    (``--publisher-name``, ``--contact-name``, ``--contact-email``), over what
    ``mappings/catalogue.toml`` declares; None keeps the declared value."""

    publisher_name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None

    def applied(self, settings: dict) -> dict:
        """``settings`` with these values in place of the declared ones: a publisher name
        given here is one name, in no language, in place of ``name_ja`` and ``name_en``."""
        settings = copy.deepcopy(settings)
        if self.publisher_name is not None:
            settings["publisher"] = {
                "name": self.publisher_name,
                "type": settings["publisher"]["type"],
            }
        if self.contact_name is not None:
            settings["contact"]["name"] = self.contact_name
        if self.contact_email is not None:
            settings["contact"]["email"] = self.contact_email
        return settings


#: No override: the catalogue names whom ``mappings/catalogue.toml`` declares.
AS_DECLARED = Overrides()


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
    """Turtle, sorted by rdflib; no node is blank, so two builds give the same bytes."""
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
    """The DCAT-AP catalogue: the knowledge graph and its networks as the two datasets, a
    distribution per file, the SPARQL service; the source documents as the bibliographic
    resources the graph is derived from (not datasets: a harvester makes one of its own
    of every ``dcat:Dataset``)."""
    base = release.base_iri
    graph = Graph()
    for prefix in CATALOGUE_PREFIXES:
        graph.bind(prefix, namespaces.COMMON[prefix])
    _declared_terms(graph, settings, base)
    _vocabulary(graph, settings)
    catalogue, service = URIRef(base + "catalog"), URIRef(base + "sparql#service")
    dataset, networks = URIRef(base + "dataset"), URIRef(base + "dataset/network")
    add = graph.add
    add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, settings["catalogue"], "title")
    _texts(graph, catalogue, DCTERMS.description, settings["catalogue"], "description")
    add((catalogue, DCTERMS.publisher, URIRef(base + "publisher")))
    add((catalogue, DCTERMS.license, URIRef(settings["licence"])))
    add((catalogue, FOAF.homepage, _document(graph, base)))
    add((catalogue, DCAT.themeTaxonomy, URIRef(settings["theme_taxonomy"])))
    add((catalogue, DCTERMS.spatial, URIRef(settings["spatial"])))
    add((catalogue, DCTERMS.language, URIRef(settings["language"])))
    add((catalogue, DCTERMS.issued, Literal(settings["issued"], datatype=XSD.date)))
    add((catalogue, DCTERMS.modified, Literal(settings["release_date"], datatype=XSD.date)))
    add((catalogue, DCAT.service, service))
    add((catalogue, DCAT.dataset, dataset))
    add((catalogue, DCAT.dataset, networks))
    _dataset(graph, dataset, settings, settings["dataset"], base)
    for document in documents.values():
        source = _source(graph, base, document)
        add((dataset, DCTERMS.relation, source))
        add((dataset, PROV.wasDerivedFrom, source))
    _dataset(graph, networks, settings, settings["network_dataset"], base)
    add((networks, DCTERMS.source, dataset))
    add((networks, PROV.wasDerivedFrom, dataset))
    _service(graph, service, dataset, settings, base)
    for path in release.files:
        owner = networks if path.startswith(NETWORK_FOLDER + "/") else dataset
        add((owner, DCAT.distribution, _distribution(graph, release, path, settings)))
    return graph


def _named(base: str, name: str) -> URIRef:
    """A node of the catalogue's own, named in it (``<base>catalog#contact``) rather than
    blank, so that every form the server negotiates names it alike."""
    return URIRef(f"{base}catalog#{name}")


def _declared_terms(graph: Graph, settings: dict, base: str) -> None:
    """What the datasets share, as declared: the publisher, the licence, the contact
    point, the period covered, the attribution."""
    add = graph.add
    publisher = URIRef(base + "publisher")
    add((publisher, RDF.type, FOAF.Agent))
    _texts(graph, publisher, FOAF.name, settings["publisher"], "name")
    add((publisher, DCTERMS.type, URIRef(settings["publisher"]["type"])))
    licence = URIRef(settings["licence"])
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    add((licence, RDFS.label, Literal(settings["licence_name"])))
    add((licence, DCTERMS.title, Literal(settings["licence_title"], lang="en")))
    contact = _named(base, "contact")
    add((contact, RDF.type, VCARD.Kind))
    add((contact, VCARD.fn, Literal(settings["contact"]["name"])))
    add((contact, VCARD.hasEmail, URIRef("mailto:" + settings["contact"]["email"])))
    period = _named(base, "period")
    add((period, RDF.type, DCTERMS.PeriodOfTime))
    add((period, DCAT.startDate, Literal(settings["temporal_start"], datatype=XSD.date)))
    add((period, DCAT.endDate, Literal(settings["temporal_end"], datatype=XSD.date)))
    attribution = _named(base, "attribution")
    add((attribution, RDF.type, DCTERMS.RightsStatement))
    _texts(graph, attribution, RDFS.label, settings, "attribution")


def _vocabulary(graph: Graph, settings: dict) -> None:
    """The controlled vocabularies' terms ``mappings/catalogue.toml`` names, with their
    classes and labels."""
    add = graph.add
    for key, kind in VOCABULARY_TYPES.items():
        for iri in settings[key] if key == "themes" else [settings[key]]:
            add((URIRef(iri), RDF.type, kind))
    add((URIRef(settings["publisher"]["type"]), RDF.type, SKOS.Concept))
    for iri, labels in settings["labels"].items():
        for language, label in labels.items():
            add((URIRef(iri), SKOS.prefLabel, Literal(label, lang=language)))
    # a concept scheme is named by its title (DCAT-AP)
    taxonomy = settings["theme_taxonomy"]
    for language, label in settings["labels"][taxonomy].items():
        add((URIRef(taxonomy), DCTERMS.title, Literal(label, lang=language)))


def _dataset(graph: Graph, dataset: URIRef, settings: dict, declared: dict, base: str) -> None:
    """A dataset: what ``declared`` says of it (titles, descriptions, keywords, landing
    page), and what both datasets share (publisher, contact, licence and rights, themes,
    coverage, dates, version, frequency)."""
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, declared, "title")
    _texts(graph, dataset, DCTERMS.description, declared, "description")
    add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    for language in LANGUAGES:
        for word in declared[f"keywords_{language}"]:
            add((dataset, DCAT.keyword, Literal(word, lang=language)))
    add((dataset, DCAT.landingPage, _document(graph, base + declared["landing_page"])))
    for theme in settings["themes"]:
        add((dataset, DCAT.theme, URIRef(theme)))
    publisher = URIRef(base + "publisher")
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCTERMS.rightsHolder, publisher))
    add((dataset, DCAT.contactPoint, _named(base, "contact")))
    add((dataset, DCTERMS.license, URIRef(settings["licence"])))
    add((dataset, DCTERMS.rights, _named(base, "attribution")))
    add((dataset, DCTERMS.spatial, URIRef(settings["spatial"])))
    add((dataset, DCTERMS.language, URIRef(settings["language"])))
    add((dataset, DCTERMS.temporal, _named(base, "period")))
    add((dataset, DCTERMS.issued, Literal(settings["issued"], datatype=XSD.date)))
    add((dataset, DCTERMS.modified, Literal(settings["release_date"], datatype=XSD.date)))
    add((dataset, DCTERMS.accrualPeriodicity, URIRef(settings["accrual_periodicity"])))
    # the release's version, as DCAT-AP 3 (dcat:version) and 2 (owl:versionInfo) name it
    add((dataset, DCAT_VERSION, Literal(settings["release_date"])))
    add((dataset, OWL.versionInfo, Literal(settings["release_date"])))
    _texts(graph, dataset, ADMS.versionNotes, settings, "version_notes")


def _service(graph: Graph, service: URIRef, dataset: URIRef, settings: dict, base: str) -> None:
    """The SPARQL endpoint as the data service that serves the knowledge graph."""
    add = graph.add
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal("dxkg SPARQL endpoint", lang="en")))
    add((service, DCTERMS.title, Literal("dxkg SPARQLエンドポイント", lang="ja")))
    endpoint = URIRef(base + "sparql")
    add((endpoint, RDF.type, RDFS.Resource))
    add((service, DCAT.endpointURL, endpoint))
    add((service, DCAT.endpointDescription, endpoint))  # GET without a query: its description
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.publisher, URIRef(base + "publisher")))
    add((service, DCAT.contactPoint, _named(base, "contact")))
    add((service, DCTERMS.license, URIRef(settings["licence"])))


def _source(graph: Graph, base: str, document: SourceDocument) -> URIRef:
    """A source document: a bibliographic resource (the IRI the graph names it by) with its
    own titles, publisher, issue date and rights: the terms the manifest states (with
    their document, if it names one), or its statement that the document states none."""
    source = URIRef(base + "id/source/" + document.id.removesuffix(".txt"))
    add = graph.add
    add((source, RDF.type, DCTERMS.BibliographicResource))
    add((source, DCTERMS.title, Literal(document.title, lang="ja")))
    add((source, DCTERMS.title, Literal(document.title_en, lang="en")))
    add((source, DCTERMS.identifier, Literal(document.id)))
    add((source, DCTERMS.publisher, _source_publisher(graph, base, document)))
    if document.issued:
        kind = XSD.gYearMonth if len(document.issued) == len("2020-10") else XSD.date
        add((source, DCTERMS.issued, Literal(document.issued, datatype=kind)))
    rights = _named(base, "rights-" + document.short_id)
    add((rights, RDF.type, DCTERMS.RightsStatement))
    if document.licence:
        add((rights, RDFS.label, Literal(document.licence, lang="ja")))
    if document.licence_note:
        add((rights, RDFS.label, Literal(document.licence_note, lang="en")))
    add((source, DCTERMS.rights, rights))
    if document.licence_url:
        licence = URIRef(document.licence_url)
        add((licence, RDF.type, DCTERMS.LicenseDocument))
        add((licence, RDFS.label, Literal(document.licence, lang="ja")))
        add((source, DCTERMS.license, licence))
    return source


def _source_publisher(graph: Graph, base: str, document: SourceDocument) -> URIRef:
    """The publisher of a source document, named by its English name in full (two offices
    of one ministry are two publishers)."""
    slug = re.sub(r"[^a-z0-9]+", "-", document.publisher_en.lower()).strip("-")
    publisher = URIRef(base + "publisher/" + slug)
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(document.publisher, lang="ja")))
    graph.add((publisher, FOAF.name, Literal(document.publisher_en, lang="en")))
    return publisher


def _distribution(graph: Graph, release: Release, path: str, settings: dict) -> URIRef:
    """A distribution for one file: titles and descriptions (those of the downloads page),
    URL, media type, format, size, checksum, licence."""
    file = release.folder / path
    node = URIRef(release.base_iri + "distribution/" + path)
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    _file_texts(graph, node, path)
    add((node, DCAT.accessURL, URIRef(release.url(path))))
    add((node, DCAT.downloadURL, URIRef(release.url(path))))
    _file_format(graph, node, path)
    add((node, DCAT.byteSize, Literal(file.stat().st_size, datatype=XSD.nonNegativeInteger)))
    checksum = _named(release.base_iri, "checksum-" + path.replace("/", "-"))
    add((checksum, RDF.type, SPDX.Checksum))
    add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    add((node, SPDX.checksum, checksum))
    add((node, DCTERMS.license, URIRef(settings["licence"])))
    availability = URIRef(settings["availability"])
    add((availability, RDF.type, SKOS.Concept))
    add((node, DCATAP.availability, availability))
    return node


def _file_texts(graph: Graph, node: URIRef, path: str) -> None:
    """A file's title (its name and what it holds) and description (what it holds), in
    Japanese and English, as the downloads page describes it; its name alone if the page
    does not."""
    description = kind_of(path)[1].description
    if description is None:
        graph.add((node, DCTERMS.title, Literal(path)))
        return
    for language, text, colon in zip(LANGUAGES, description, ("：", ": "), strict=True):
        graph.add((node, DCTERMS.title, Literal(path + colon + text, lang=language)))
        graph.add((node, DCTERMS.description, Literal(text, lang=language)))


def _file_format(graph: Graph, node: URIRef, path: str) -> None:
    """A file's media type (labelled with its name, which CKAN takes for the resource's
    type), format, the standard it follows and its compression."""
    media_type, compression = media.of_content(path)
    add = graph.add
    media_iri = URIRef(media.iana_iri(media_type))
    add((media_iri, RDF.type, DCTERMS.MediaType))
    add((media_iri, RDFS.label, Literal(media_type)))
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
        add((compression_iri, RDFS.label, Literal(compression)))
        add((node, DCAT.compressFormat, compression_iri))


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
    """``table``'s ``<key>_ja`` and ``<key>_en`` as literals in their languages; or its
    ``<key>`` in no language (a name given on the command line, see :class:`Overrides`)."""
    if key in table:
        graph.add((subject, prop, Literal(table[key])))
        return
    for language in LANGUAGES:
        graph.add((subject, prop, Literal(table[f"{key}_{language}"], lang=language)))


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
