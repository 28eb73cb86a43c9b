"""Write the release: named-graph and merged dumps, and checksums (published by :mod:`.releases`).

Every dump is written by pyoxigraph, the engine that serves the release, from the same
terms (:mod:`dxkg.pipeline.validate.storeforms`): each one reads as the same graph, term for term, in any RDF
library, and as the endpoint returns it.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import Graph

from dxkg import namespaces
from dxkg.config import DEFAULT_BASE_IRI
from dxkg.pipeline.validate.storeforms import dataset_quads
from dxkg.release import (
    CHECKSUMS,
    JSONLD,
    JSONLD_CONTEXT,
    NQUADS,
    NQUADS_GZ,
    NTRIPLES,
    NTRIPLES_GZ,
    TRIG_GZ,
    TURTLE,
    json_text,
)

GRAPH_BASE = DEFAULT_BASE_IRI + "graph/"

RDF_TYPE = str(namespaces.RDF.type)
XSD_STRING = str(namespaces.XSD.string)

#: The prefixes of the dumps (TriG, Turtle and the JSON-LD context): see :mod:`dxkg.namespaces`.
PREFIXES = ("dxkg", "id", "skos", "org", "prov", "dct", "schema", "owl", "rdfs", "xsd")
#: Prefixes the Turtle dump does not abbreviate with: an ``id/…`` local name holds ``/``,
#: which Turtle would have to escape (``id:case\/v2-1-1``); those IRIs are written whole.
TURTLE_UNABBREVIATED = frozenset({"id"})


def rebase(line: str, base_iri: str) -> str:
    """Move an N-Triples/N-Quads line from the default base IRI to ``base_iri``."""
    if base_iri == DEFAULT_BASE_IRI:
        return line
    return line.replace("<" + DEFAULT_BASE_IRI, "<" + base_iri)


def rebase_iri(iri: str, base_iri: str) -> str:
    """An IRI minted under the default base, moved to ``base_iri``."""
    return (
        base_iri + iri.removeprefix(DEFAULT_BASE_IRI) if iri.startswith(DEFAULT_BASE_IRI) else iri
    )


def _rebased(node, base_iri: str):
    if isinstance(node, NamedNode) and base_iri != DEFAULT_BASE_IRI:
        return NamedNode(rebase_iri(node.value, base_iri))
    return node


def _lines(terms: Iterable[Quad] | Iterable[Triple], form: RdfFormat) -> list[str]:
    """Quads or triples as N-Quads or N-Triples lines, as pyoxigraph writes them (split at
    line feeds only: a literal may hold U+2028 or U+0085, which ``splitlines`` splits at)."""
    text = serialize(list(terms), format=form).decode("utf-8")
    return text.split("\n")[:-1] if text else []


def write_dumps(graphs: Mapping[str, Graph], out_dir: Path, base_iri: str) -> dict[str, int]:
    """Write the dataset (one named graph per key) as N-Quads and TriG, and the merged
    graph as N-Triples, Turtle and JSON-LD with its published ``@context``.

    Output is sorted and gzip headers carry no name or time, so the same input gives
    byte-identical files. Returns the number of triples per named graph.
    """
    quads = [
        Quad(*(_rebased(node, base_iri) for node in quad))
        for quad in dataset_quads(graphs, GRAPH_BASE)
    ]
    quad_by_line = dict(zip(_lines(quads, RdfFormat.N_QUADS), quads, strict=True))
    quad_lines = sorted(quad_by_line)
    triples = list({quad.triple: None for quad in quads})
    triple_by_line = dict(zip(_lines(triples, RdfFormat.N_TRIPLES), triples, strict=True))
    triple_lines = sorted(triple_by_line)
    merged = [triple_by_line[line] for line in triple_lines]
    _write_lines(out_dir / NQUADS, quad_lines)
    _write_lines(out_dir / NTRIPLES, triple_lines)
    _write_gzip(out_dir / NQUADS_GZ, _joined(quad_lines))
    _write_gzip(out_dir / NTRIPLES_GZ, _joined(triple_lines))
    _write_gzip(out_dir / TRIG_GZ, _trig([quad_by_line[line] for line in quad_lines], base_iri))
    (out_dir / TURTLE).write_bytes(_turtle(merged, base_iri))
    _write_jsonld(merged, out_dir, base_iri)
    return {name: len(graphs[name]) for name in sorted(graphs)}


def _prefixes(base_iri: str) -> dict[str, str]:
    return namespaces.prefixes(PREFIXES, base_iri)


def _prefix_lines(prefixes: Mapping[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))


def _trig(quads: list[Quad], base_iri: str) -> bytes:
    """The dataset as TriG: each named graph a block of its triples, sorted as in N-Quads,
    each written as its N-Triples line."""
    blocks = [_prefix_lines(_prefixes(base_iri))]
    graphs: dict[str, list[Triple]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    for name, triples in sorted(graphs.items()):
        lines = "\n".join("  " + line for line in _lines(triples, RdfFormat.N_TRIPLES))
        blocks.append(f"<{name}> {{\n{lines}\n}}\n")
    return "\n".join(blocks).encode("utf-8")


def _turtle(triples: list[Triple], base_iri: str) -> bytes:
    """The merged graph as Turtle by pyoxigraph, subjects in N-Triples order, under the
    prefixes in a fixed order."""
    prefixes = {p: ns for p, ns in _prefixes(base_iri).items() if p not in TURTLE_UNABBREVIATED}
    body = serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    statements = body
    while statements.startswith("@prefix "):  # pyoxigraph's own header, in its order
        statements = statements.split("\n", 1)[1]
    return (_prefix_lines(prefixes) + "\n" + statements).encode("utf-8")


class _Compactor:
    """IRIs as the compact IRIs of a prefix of the context, where one applies."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # the longest namespace first, so that the most specific prefix is chosen
        self.prefixes = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    def iri(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            local = iri.removeprefix(namespace)
            # "p://…" would read as an absolute IRI whose scheme is p
            if local != iri and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def node(self, node: NamedNode | BlankNode) -> str:
        return f"_:{node.value}" if isinstance(node, BlankNode) else self.iri(node.value)

    def value(self, node) -> object:
        if isinstance(node, Literal):
            if node.language:
                return {"@value": node.value, "@language": node.language}
            if node.datatype.value == XSD_STRING:
                return node.value
            return {"@value": node.value, "@type": self.iri(node.datatype.value)}
        return {"@id": self.node(node)}


def _write_jsonld(triples: list[Triple], out_dir: Path, base_iri: str) -> None:
    """The merged graph as JSON-LD, compacted with ``context.jsonld`` and pointing to it.

    The context is published beside the data so that consumers can reuse it; the
    document names it by URL rather than repeating it. It holds prefixes only, no
    ``@base``: every IRI of the document is absolute or a compact IRI of those prefixes,
    so every processor reads the same triples (JSON-LD 1.1 applies a remote context's
    ``@base`` in some processors and not in others). Literals are value objects with
    their lexical form as a string, never JSON numbers or booleans, which processors
    would turn into their own canonical forms.
    """
    prefixes = _prefixes(base_iri)
    context = {"@context": prefixes}
    (out_dir / JSONLD_CONTEXT).write_text(json_text(context), "utf-8")
    compact = _Compactor(prefixes)
    nodes: dict[str, dict[str, list]] = {}
    for triple in triples:
        node = nodes.setdefault(compact.node(triple.subject), {})
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(compact.iri(triple.object.value))
        else:
            node.setdefault(compact.iri(triple.predicate.value), []).append(
                compact.value(triple.object)
            )
    graph = []
    for subject, node in sorted(nodes.items()):
        # one value as itself, several as an array, as compaction writes them
        entries = {key: values[0] if len(values) == 1 else values for key, values in node.items()}
        graph.append({"@id": subject, **entries})
    document = {"@context": base_iri + JSONLD_CONTEXT, "@graph": graph}
    (out_dir / JSONLD).write_text(json_text(document), "utf-8")


def _joined(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _write_gzip(path: Path, data: bytes) -> None:
    """Gzip with an empty name and a zero time in the header: reproducible bytes."""
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(data)


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")


def write_checksums(out_dir: Path) -> None:
    """A ``SHA256SUMS`` file (``sha256sum -c`` format) for every file of the release."""
    lines = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != CHECKSUMS):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(out_dir).as_posix()}")
    (out_dir / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
