"""An rdflib-backed SPARQL endpoint (rdflib-endpoint on uvicorn) over a dxkg dump.

Run: .venv/bin/python benchmarks/rdflib_server.py DUMP.nq PORT

The baseline of ``benchmarks/endpoint.py``: the same N-Quads, the union of the
named graphs as the default graph, as in dxkg's embedded store.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main(dump: str, port: int) -> None:
    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
