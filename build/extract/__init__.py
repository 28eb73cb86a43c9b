"""Stage 1, extract: the source documents → typed records (``work/extract/*.json``).

The corpus is checked against ``sources/manifest.toml`` first (:mod:`.corpus`); each document
is then read by the extractor of the profile its manifest entry names (:mod:`.profiles`), as
the edition the entry names. Nothing here resolves identities: that is linking.
"""
