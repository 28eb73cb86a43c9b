"""The SPARQL 1.1 Protocol endpoint: the engine, the confined query process, the limits and
the answer formats."""
