"""Curated data that cites source lines must still be printed there.

The concept schemes read by hand from the DX guides (``ontology/schemes/dx-guide.ttl``)
name, for every concept, the document and line it was read from. No extractor reads
those documents, so a truncated or re-vendored one would otherwise pass the build and
publish concepts citing lines that say something else, or no longer exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from dxkg.namespaces import vocabulary
from dxkg.pipeline import iris
from dxkg.pipeline.extract.sourcetext import SourceFormatError, read_source_lines
from dxkg.pipeline.records import Record
from dxkg.pipeline.text import match_key

SOURCE_LINE = vocabulary().sourceLine
SOURCE_IRI = iris.ID + "source/"


def check_cited_lines(schemes: Iterable[Path], sources: Path) -> None:
    """Raise SourceFormatError unless every cited line prints one of its concept's labels."""
    documents: dict[str, list[str]] = {}
    for scheme in schemes:
        graph = Graph().parse(scheme, format="turtle")
        for concept, document, number in _citations(graph):
            if document not in documents:
                documents[document] = read_source_lines(sources / document)
            labels = _japanese_labels(graph, concept)
            _check_line(scheme, sources / document, documents[document], number, labels)


class CitedRow(Record):
    """A row of a curated table that rests on a source line: ``source`` is
    ``document:line`` and ``quote`` the words that line prints."""

    source: str
    quote: str

    def cited_line(self) -> tuple[str, int]:
        """The document file name and line number of ``source``."""
        document, _, line = self.source.rpartition(":")
        return document, int(line)


def check_quoted_line(sources: Path, row: CitedRow, cited_by: str) -> None:
    """Raise SourceFormatError unless the line ``row`` cites prints its quote (compared by
    :func:`match_key`); ``cited_by`` says which row of which table cites it."""
    document, number = row.cited_line()
    quote = row.quote
    lines = read_source_lines(sources / document)
    if number > len(lines) or match_key(quote) not in match_key(lines[number - 1]):
        raise SourceFormatError(
            sources / document,
            min(number, len(lines)),
            f"{cited_by} cites this line for 「{quote}」, which it does not print",
        )


def named_documents(schemes: Iterable[Path]) -> dict[str, Path]:
    """Every source document a scheme names (``dct:source``), with the first scheme naming it."""
    named: dict[str, Path] = {}
    for scheme in schemes:
        sources = Graph().parse(scheme, format="turtle").objects(None, DCTERMS.source)
        for source in sorted({str(source) for source in sources}):
            if source.startswith(SOURCE_IRI):
                named.setdefault(source.removeprefix(SOURCE_IRI) + ".txt", scheme)
    return named


def _citations(graph: Graph) -> Iterator[tuple[URIRef, str, int]]:
    """(concept, document file name, line) for every concept that cites a line, in
    document and line order, so that the first problem reported is the earliest."""
    citations = []
    for concept, line in graph.subject_objects(SOURCE_LINE):
        source = graph.value(concept, DCTERMS.source)
        # source IRIs end in the document's file name without ".txt" (…/id/source/004_…)
        citations.append((str(source).rsplit("/", 1)[1] + ".txt", int(line), concept))
    for document, line, concept in sorted(citations):
        yield concept, document, line


def _japanese_labels(graph: Graph, concept: URIRef) -> list[str]:
    return sorted(
        str(label)
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for label in graph.objects(concept, prop)
        if isinstance(label, Literal) and label.language == "ja"
    )


def _check_line(scheme: Path, path: Path, lines: list[str], number: int, labels: list[str]) -> None:
    label = labels[0] if labels else "?"
    if number > len(lines):
        raise SourceFormatError(
            path,
            len(lines),
            f"the document ends here, but {scheme.name} cites line {number} for 「{label}」 "
            "(truncated?)",
        )
    printed = match_key(lines[number - 1])
    if not any(match_key(text) in printed for text in labels):
        raise SourceFormatError(
            path,
            number,
            f"{scheme.name} cites this line for 「{label}」, which it does not print "
            "(the document changed)",
        )
