"""Write the release: named-graph and merged dumps, checksums, and the atomic swap into ``dist/``."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph

from dxkg.config import DEFAULT_BASE_IRI

GRAPH_BASE = DEFAULT_BASE_IRI + "graph/"
NQUADS = "dxkg.nq"
NTRIPLES = "dxkg.nt"
TURTLE = "dxkg.ttl"
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
    """Write N-Quads (one named graph per key), merged N-Triples and Turtle.

    Output is sorted so that the same input gives byte-identical files.
    Returns the number of triples per named graph.
    """
    triples: list[str] = []
    quads: list[str] = []
    for name in sorted(graphs):
        lines = _sorted_lines(graphs[name])
        triples += lines
        quads += (f"{line[:-2]} <{GRAPH_BASE + name}> ." for line in lines)
    _write_lines(out_dir / NQUADS, (rebase(q, base_iri) for q in sorted(quads)))
    _write_lines(out_dir / NTRIPLES, (rebase(t, base_iri) for t in sorted(set(triples))))
    rebased = Graph().parse(out_dir / NTRIPLES, format="nt")
    for prefix, namespace in PREFIXES.items():
        rebased.bind(prefix, namespace.replace(DEFAULT_BASE_IRI, base_iri))
    rebased.serialize(out_dir / TURTLE, format="turtle", encoding="utf-8")
    return {name: len(graphs[name]) for name in sorted(graphs)}


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


def swap_into_place(staging: Path, dist: Path) -> None:
    """Replace ``dist`` with ``staging`` so that readers see the old or the new release.

    The previous release is renamed aside first and removed only once the new
    one is in place, so a crash in between leaves one complete release on disk.
    """
    previous = dist.with_name(dist.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if dist.exists():
        os.replace(dist, previous)
    os.replace(staging, dist)
    if previous.exists():
        shutil.rmtree(previous)
