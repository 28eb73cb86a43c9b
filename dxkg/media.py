"""Media types: the one registry of the formats dxkg writes, serves and negotiates.

RDF and SPARQL query-results formats are pyoxigraph's own (:class:`~pyoxigraph.RdfFormat`,
:class:`~pyoxigraph.QueryResultsFormat`: each one's media type and file extension). Other
files take their type from Python's built-in table (:mod:`mimetypes`, without the host's
``/etc/mime.types``, so that every machine serves the same types), and the few types
neither knows are added here. A media type is kept without parameters (pyoxigraph names
CSV ``text/csv; charset=utf-8``): what sends one adds the charset it needs.
"""

from __future__ import annotations

import mimetypes

from pyoxigraph import QueryResultsFormat, RdfFormat

#: The RDF formats pyoxigraph reads and writes.
RDF_FORMATS = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
    RdfFormat.N3,
)
#: The SPARQL query-results formats pyoxigraph reads and writes.
RESULTS_FORMATS = (
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
)


def essence(media_type: str) -> str:
    """``media_type`` without its parameters: ``text/csv; charset=utf-8`` is ``text/csv``."""
    return media_type.partition(";")[0].strip()


def of(form: RdfFormat | QueryResultsFormat) -> str:
    """The media type of an RDF or query-results format."""
    return essence(form.media_type)


TURTLE = of(RdfFormat.TURTLE)
N_TRIPLES = of(RdfFormat.N_TRIPLES)
N_QUADS = of(RdfFormat.N_QUADS)
TRIG = of(RdfFormat.TRIG)
RDF_XML = of(RdfFormat.RDF_XML)
JSON_LD = of(RdfFormat.JSON_LD)
SPARQL_JSON = of(QueryResultsFormat.JSON)
SPARQL_XML = of(QueryResultsFormat.XML)
CSV = of(QueryResultsFormat.CSV)
TSV = of(QueryResultsFormat.TSV)

_BUILT_IN = mimetypes.MimeTypes().types_map[True]  # Python's own table, by extension
HTML = _BUILT_IN[".html"]
JSON = _BUILT_IN[".json"]
TEXT = _BUILT_IN[".txt"]
SVG = _BUILT_IN[".svg"]
#: XML that names no vocabulary of its own (RFC 7303; Python's table says ``text/xml``).
XML = "application/xml"
GZIP = "application/gzip"  # RFC 6713: Python's table knows gzip as an encoding only
OCTET_STREAM = "application/octet-stream"
#: XHTML (RFC 3236), which Python's table does not know.
XHTML = "application/xhtml+xml"
#: XML as Python's table names it, which a browser renders as XML too (RFC 7303).
TEXT_XML = _BUILT_IN[".xml"]
#: An HTML form's body, as a SPARQL protocol POST may send its query.
FORM = "application/x-www-form-urlencoded"
#: A query or an update sent as the body of a SPARQL protocol POST.
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

#: What Python's table does not know, by file extension.
_ADDED = {
    ".md": "text/markdown",  # RFC 7763
    ".sqlite": "application/vnd.sqlite3",
    # The network exports: GEXF and GraphML are XML with no registered type of their own,
    # Cytoscape.js elements are JSON.
    ".gexf": XML,
    ".graphml": XML,
    ".cyjs": JSON,
}
#: The media type of each compression Python's table names by its encoding.
_COMPRESSIONS = {"gzip": GZIP}


def _types() -> mimetypes.MimeTypes:
    """Python's own table (not the host's) with pyoxigraph's formats and :data:`_ADDED`."""
    types = mimetypes.MimeTypes()
    for form in (*RDF_FORMATS, *RESULTS_FORMATS):
        types.add_type(of(form), "." + form.file_extension)
    for extension, media_type in _ADDED.items():
        types.add_type(media_type, extension)
    return types


_TYPES = _types()


def of_content(name: str) -> tuple[str | None, str | None]:
    """The media type of what the file ``name`` holds (None if unknown), and that of its
    compression (None if uncompressed): ``dxkg.nq.gz`` is N-Quads in gzip."""
    content, encoding = _TYPES.guess_type(name)
    compression = _COMPRESSIONS.get(encoding, OCTET_STREAM) if encoding else None
    return content, compression


def of_file(name: str) -> str:
    """The media type the file ``name`` is served as: a compressed file's is its
    compression's (``application/gzip``), an unknown file's ``application/octet-stream``."""
    content, compression = of_content(name)
    return compression or content or OCTET_STREAM


def is_rdf(media_type: str) -> bool:
    """Whether ``media_type`` is the type of one of the RDF formats (pyoxigraph's own
    reading, :meth:`~pyoxigraph.RdfFormat.from_media_type`, takes JSON for JSON-LD)."""
    return media_type in {of(form) for form in RDF_FORMATS}


def iana_iri(media_type: str) -> str:
    """The IRI of ``media_type`` in IANA's registry (what DCAT names a media type by)."""
    return "https://www.iana.org/assignments/media-types/" + media_type
