"""Ontology documentation: pyLODE's HTML and the Turtle, published under ``dist/ontology/``.

The server answers the ontology IRI with one or the other by content
negotiation; both are generated from the rebased ontology so that the
documentation shows the IRIs the release is published under.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph

from dxkg.config import DEFAULT_BASE_IRI
from dxkg.pipeline.publish.dumps import rebase
from dxkg.release import ONTOLOGY_FOLDER, ONTOLOGY_HTML, ONTOLOGY_TURTLE


def _import_pylode() -> type:
    """pyLODE's ``OntPub``, imported without the ``logging.basicConfig(level=DEBUG)`` that
    pyLODE 3.3.4 runs on import: left in place, every library's debug messages (urllib3,
    matplotlib, ...) would reach the build's and the server's output."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from pylode import OntPub

    root.setLevel(level)
    root.handlers[:] = handlers
    return OntPub


OntPub = _import_pylode()


def write_ontology_docs(ontology: Graph, out_dir: Path, base_iri: str) -> Path:
    """Write ``ontology/index.html`` (pyLODE) and ``ontology/dxkg.ttl``; return the folder."""
    folder = out_dir / ONTOLOGY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    lines = ontology.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    rebased = Graph().parse(
        data="\n".join(sorted(rebase(line, base_iri) for line in lines)), format="nt"
    )
    for prefix, namespace in ontology.namespaces():
        rebased.bind(prefix, str(namespace).replace(DEFAULT_BASE_IRI, base_iri), replace=True)
    turtle = out_dir / ONTOLOGY_TURTLE
    rebased.serialize(turtle, format="turtle", encoding="utf-8")
    with _quiet():
        html = OntPub(str(turtle)).make_html()
    (out_dir / ONTOLOGY_HTML).write_text(html, "utf-8")
    return folder


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence pyLODE's INFO logging, which would interleave with the build's progress lines."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
