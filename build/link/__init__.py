"""Stage 2, link: one identity per thing across documents (``work/link/*.json``).

Governments to their official codes, organisations deduplicated, technologies tagged,
the same case connected across editions; :mod:`.stage` runs it all.
"""
