"""Network analysis for researchers, read from the published release with SPARQL."""
