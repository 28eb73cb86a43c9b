"""Stage 5, publish: the release folder (dumps, CSV, search index, networks, catalogue,
documentation, build report, checksums), switched to only when it is complete."""
