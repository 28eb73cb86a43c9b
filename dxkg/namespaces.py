"""Namespaces: the one table of the prefixes dxkg writes and reads its terms with.

The W3C, DCMI and schema.org namespaces are rdflib's (:mod:`rdflib.namespace`); the few
it lacks are declared here. dxkg's own, its vocabulary (``dxkg:``) and the things it mints
(``id:``), are built from a release's base IRI, so that they move with a rebased release.
A namespace has one prefix, the one the vocabulary uses (``dct:``, which rdflib would
call ``dcterms:``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    VOID,
    XSD,
    Namespace,
)

from dxkg.config import DEFAULT_BASE_IRI

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: The W3C's IRIs of formats (``formats:Turtle``), as a service description names them.
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
#: DCAT-AP's own terms (``dcatap:availability``).
DCATAP = Namespace("http://data.europa.eu/r5r/")
#: e-Stat's standard area codes: ``C`` and a local government's code without its check digit.
ESTAT_SAC = Namespace("http://data.e-stat.go.jp/lod/sac/")
#: The W3C's WGS84 vocabulary (``geo:lat``, ``geo:long``); rdflib's ``WGS`` has ``https``, and
#: rdflib's ``geo`` is GeoSPARQL, which dxkg does not use.
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: Every namespace besides dxkg's own, by its prefix.
COMMON: Mapping[str, Namespace] = MappingProxyType(
    {
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "owl": OWL,
        "skos": SKOS,
        "prov": PROV,
        "dct": DCTERMS,
        "org": ORG,
        "dcat": DCAT,
        "void": VOID,
        "foaf": FOAF,
        "schema": SDO,
        "spdx": SPDX,
        "vcard": VCARD,
        "sd": SD,
        "adms": ADMS,
        "dcatap": DCATAP,
        "geo": WGS84,
    }
)


def vocabulary(base_iri: str = DEFAULT_BASE_IRI) -> Namespace:
    """The vocabulary's namespace (``dxkg:``) under ``base_iri``."""
    return Namespace(base_iri + "ontology#")


def things(base_iri: str = DEFAULT_BASE_IRI) -> Namespace:
    """The namespace of the things the release mints (``id:``) under ``base_iri``."""
    return Namespace(base_iri + "id/")


def prefixes(names: Iterable[str], base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The namespace of each prefix of ``names``, in their order: ``dxkg`` and ``id`` under
    ``base_iri``, the others from :data:`COMMON`."""
    own = {"dxkg": vocabulary(base_iri), "id": things(base_iri)}
    return {name: str(own[name] if name in own else COMMON[name]) for name in names}


def sparql_prefixes(names: Iterable[str], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """SPARQL ``PREFIX`` declarations of ``names`` (see :func:`prefixes`), a line each."""
    declared = prefixes(names, base_iri)
    return "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in declared.items())
