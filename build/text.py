"""Text normalisation for matching and keys.

Literals in the graph keep the source text verbatim; these helpers only build
comparison keys, so that ``A I - O C R``, ``AI-OCR`` and ``ＡＩ－ＯＣＲ`` meet.
"""

from __future__ import annotations

import re
import unicodedata

# PDF extraction spaces out runs of capitals (「A I」「R P A」「L GWAN」). A space
# between two capitals is an artefact only when the first capital stands alone;
# collapsing it never joins two real words such as 「RPA 不動産」 or 「38 5G」.
_SPACED_CAPITAL = re.compile(r"(?<![A-Za-z])([A-Z]) (?=[A-Z])")
_SPACED_HYPHEN = re.compile(r"(?<=[A-Z]) ?- ?(?=[A-Z])")
_HTML_TAG = re.compile(r"<[^>]*>")
_CIRCLED = re.compile(r"^\s*([\u2460-\u2473])\s*(.*)$", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


def collapse_spaced_capitals(text: str) -> str:
    """``A I - O C R`` → ``AI-OCR``; leaves ``RPA 不動産`` alone."""
    previous = None
    while previous != text:
        previous, text = text, _SPACED_CAPITAL.sub(r"\1", text)
    return _SPACED_HYPHEN.sub("-", text)


def has_spaced_capitals(text: str) -> bool:
    """Whether the text contains the PDF artefact that collapse_spaced_capitals undoes."""
    return _SPACED_CAPITAL.search(unicodedata.normalize("NFKC", text)) is not None


def match_key(text: str) -> str:
    """A comparison key: NFKC, spaced capitals collapsed, all whitespace removed."""
    text = collapse_spaced_capitals(unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub("", text)


def strip_html(text: str) -> tuple[str, bool]:
    """Remove HTML tags left in a cell by the PDF conversion; report whether any was."""
    stripped = _HTML_TAG.sub("", text)
    return stripped, stripped != text


def split_circled_number(text: str) -> tuple[int | None, str]:
    """``②導入(実施)予定`` → ``(2, '導入(実施)予定')``; no circled digit → ``(None, text)``."""
    match = _CIRCLED.match(text)
    if not match:
        return None, text.strip()
    return ord(match.group(1)) - 0x2460 + 1, match.group(2).strip()
