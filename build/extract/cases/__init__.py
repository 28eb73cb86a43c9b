"""Extraction of the MIC case collections 自治体DX推進参考事例集, one extractor per layout
(第2.0版's, 第4.0版's chapter pages and running titles); the edition comes from the manifest.

Conventions that every extractor follows (and that the test fixtures assume):

* Text fields keep the source verbatim, with only line-layout artefacts undone:
  bullet markers (``- ``, ``○ ``, ``➤ ``, ``▶``) and ``**`` emphasis are removed
  from the start and end of a line, and lines are joined with ``\\n``. Nothing
  inside a line is corrected, so OCR errors stay visible.
* ``None`` means the document has no such field for the case; an explicit
  placeholder (``－``, ``(非公表)``) is recorded as such, never as ``None``.
* Dates are ISO 8601 strings at the precision the source gives: ``2023``,
  ``2023-02`` or ``2023-02-17``.
"""
