"""Stage 1, extract: the source documents → typed records (``work/extract/*.json``).

The corpus is checked against ``sources/manifest.toml`` first; each document is then read by
the extractor its manifest entry names. Nothing here resolves identities: that is linking.
"""
