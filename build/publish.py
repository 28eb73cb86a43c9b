"""Write the release: named-graph and merged dumps, and checksums (published by :mod:`.releases`)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph

from dxkg.config import DEFAULT_BASE_IRI

GRAPH_BASE = DEFAULT_BASE_IRI + "graph/"
NQUADS = "dxkg.nq"  # uncompressed: the file the server loads
NTRIPLES = "dxkg.nt"
TURTLE = "dxkg.ttl"
TRIG_GZ = "dxkg.trig.gz"
NQUADS_GZ = "dxkg.nq.gz"
NTRIPLES_GZ = "dxkg.nt.gz"
JSONLD = "dxkg.jsonld"
JSONLD_CONTEXT = "context.jsonld"
CHECKSUMS = "SHA256SUMS"

PREFIXES = {
    "dxkg": DEFAULT_BASE_IRI + "ontology#",
    "id": DEFAULT_BASE_IRI + "id/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def rebase(line: str, base_iri: str) -> str:
    """Move an N-Triples/N-Quads line from the default base IRI to ``base_iri``."""
    if base_iri == DEFAULT_BASE_IRI:
        return line
    return line.replace("<" + DEFAULT_BASE_IRI, "<" + base_iri)


def _sorted_lines(graph: Graph) -> list[str]:
    """One graph as sorted N-Triples lines."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted(line for line in text.splitlines() if line.strip())


def write_dumps(graphs: Mapping[str, Graph], out_dir: Path, base_iri: str) -> dict[str, int]:
    """Write the dataset (one named graph per key) as N-Quads and TriG, and the merged
    graph as N-Triples, Turtle and JSON-LD with its published ``@context``.

    Output is sorted and gzip headers carry no name or time, so the same input gives
    byte-identical files. Returns the number of triples per named graph.
    """
    triples: list[str] = []
    quads: list[str] = []
    for name in sorted(graphs):
        lines = _sorted_lines(graphs[name])
        triples += lines
        quads += (f"{line[:-2]} <{GRAPH_BASE + name}> ." for line in lines)
    quad_lines = [rebase(q, base_iri) for q in sorted(quads)]
    triple_lines = [rebase(t, base_iri) for t in sorted(set(triples))]
    _write_lines(out_dir / NQUADS, quad_lines)
    _write_lines(out_dir / NTRIPLES, triple_lines)
    _write_gzip(out_dir / NQUADS_GZ, _joined(quad_lines))
    _write_gzip(out_dir / NTRIPLES_GZ, _joined(triple_lines))
    _write_gzip(out_dir / TRIG_GZ, _trig(graphs, base_iri))
    merged = Graph().parse(out_dir / NTRIPLES, format="nt")
    for prefix, namespace in _prefixes(base_iri).items():
        merged.bind(prefix, namespace)
    merged.serialize(out_dir / TURTLE, format="turtle", encoding="utf-8")
    _write_jsonld(merged, out_dir, base_iri)
    return {name: len(graphs[name]) for name in sorted(graphs)}


def _prefixes(base_iri: str) -> dict[str, str]:
    return {prefix: ns.replace(DEFAULT_BASE_IRI, base_iri) for prefix, ns in PREFIXES.items()}


def _trig(graphs: Mapping[str, Graph], base_iri: str) -> bytes:
    """The dataset as TriG: each named graph a block, its triples sorted as in N-Quads."""
    blocks = [
        "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(_prefixes(base_iri).items()))
    ]
    for name in sorted(graphs):
        lines = "\n".join("  " + rebase(line, base_iri) for line in _sorted_lines(graphs[name]))
        blocks.append(f"<{rebase_iri(GRAPH_BASE + name, base_iri)}> {{\n{lines}\n}}\n")
    return "\n".join(blocks).encode("utf-8")


def rebase_iri(iri: str, base_iri: str) -> str:
    """An IRI minted under the default base, moved to ``base_iri``."""
    return base_iri + iri.removeprefix(DEFAULT_BASE_IRI) if iri.startswith(DEFAULT_BASE_IRI) else iri


def _write_jsonld(merged: Graph, out_dir: Path, base_iri: str) -> None:
    """The merged graph as JSON-LD, compacted with ``context.jsonld`` and pointing to it.

    The context is published beside the data so that consumers can reuse it; the
    document names it by URL rather than repeating it.
    """
    context = {"@context": {"@base": base_iri, **_prefixes(base_iri)}}
    (out_dir / JSONLD_CONTEXT).write_text(
        json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    document = json.loads(merged.serialize(format="json-ld", context=context["@context"]))
    document["@context"] = base_iri + JSONLD_CONTEXT
    document["@graph"] = sorted(document.get("@graph", []), key=lambda node: node.get("@id", ""))
    (out_dir / JSONLD).write_text(
        json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )


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

