"""Text normalisation for matching and keys.

Literals in the graph keep the source text verbatim; these helpers only build
comparison keys, so that ``A I - O C R``, ``AI-OCR`` and ``ＡＩ－ＯＣＲ`` meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

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
    return _SPACED_CAPITAL.search(nfkc(text)) is not None


def match_key(text: str) -> str:
    """A comparison key: NFKC, spaced capitals collapsed, all whitespace removed."""
    return _WHITESPACE.sub("", collapse_spaced_capitals(nfkc(text)))


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


def nfkc(text: str) -> str:
    """NFKC, for matching only: ``ＩＣＴ`` → ``ICT``, ``⼯`` → ``工``, U+3000 → space."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class FoldedText:
    """A text folded character by character, with the source index of every folded character.

    Matching runs on ``folded``; :meth:`verbatim` quotes what a match covers from the
    source, so the graph keeps the text as printed.
    """

    text: str
    folded: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str, fold: Callable[[str], str] = nfkc) -> FoldedText:
        """Fold each character of ``text`` with ``fold`` (which may drop or expand it)."""
        pieces: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            piece = fold(char)
            pieces.append(piece)
            origin.extend([index] * len(piece))
        return cls(text, "".join(pieces), tuple(origin))

    def verbatim(self, start: int, end: int) -> str:
        """The source text behind the folded span ``[start, end)``."""
        return self.text[self.origin[start] : self.origin[end - 1] + 1]
