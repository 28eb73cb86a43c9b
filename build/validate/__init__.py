"""Stage 4, validate: SHACL shapes and the literal forms a store gives back; a violation
stops the build."""
