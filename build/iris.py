"""Minting IRIs: the same record always gets the same IRI.

IRIs derive from stable keys in the source (document id, table, row number,
JIS code), never from positions in a build's output or from counters.
Everything is minted under the default base; publication rebases it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from dxkg.config import DEFAULT_BASE_IRI
from dxkg.pipeline.records import edition_slug

ID = DEFAULT_BASE_IRI + "id/"
SURVEY_KEY = "survey2020"

_ROW_CLASSES = {"1": "initiative", "2": "shared-system", "3-1": "role", "3-2": "organization"}


def document(doc_id: str) -> str:
    """``003_e1df6aa27dfcbdad.txt`` → ``…/id/source/003_e1df6aa27dfcbdad``."""
    return f"{ID}source/{doc_id.removesuffix('.txt')}"


def excerpt(doc_id: str, first_line: int, last_line: int) -> str:
    """A line span of a document: ``…/L23`` or ``…/L23-L40``."""
    span = f"L{first_line}" if first_line == last_line else f"L{first_line}-L{last_line}"
    return f"{document(doc_id)}/{span}"


def municipality(code: str) -> str:
    """A local government by its six-digit JIS X 0402 code."""
    return f"{ID}municipality/{code}"


def survey() -> str:
    return f"{ID}{SURVEY_KEY}"


def survey_table(table: str) -> str:
    return f"{ID}{SURVEY_KEY}/t{table}"


def category_scheme(table: str) -> str:
    return f"{ID}scheme/{SURVEY_KEY}-t{table}-categories"


def category(table: str, ordinal: int) -> str:
    return f"{ID}concept/{SURVEY_KEY}-t{table}-category-{ordinal}"


def survey_row(table: str, row: int) -> str:
    """The entity a survey row describes, typed by its table."""
    return f"{ID}{_ROW_CLASSES[table]}/{SURVEY_KEY}-t{table}-{row}"


def case(key: str) -> str:
    """A case of one edition: ``v2-3-19`` → ``…/id/case/v2-3-19``."""
    return f"{ID}case/{key}"


def case_initiative(first_key: str) -> str:
    """The initiative a chain of case editions reports, named by its first edition's case:
    ``v2-1-3`` → ``…/id/initiative/v2-1-3``."""
    return f"{ID}initiative/{first_key}"


def case_category_scheme(edition: str) -> str:
    """The TOC headings of one edition: ``2.0`` → ``…/id/scheme/case-categories-v2``."""
    return f"{ID}scheme/case-categories-v{edition_slug(edition)}"


def case_category(edition: str, notation: str) -> str:
    """A TOC heading by its position: ``3.2.1`` is chapter 3's second section's first part."""
    return f"{ID}concept/case-category-v{edition_slug(edition)}-{notation.replace('.', '-')}"


def code_concept(scheme: str, value: str) -> str:
    """A concept of one of the code lists in ``ontology/schemes/``."""
    return f"{ID}concept/{scheme}-{value}"


# Characters an IRI path segment may keep as they are (RFC 3987 iunreserved minus
# what our keys never need); everything else in ASCII is percent-encoded. Non-ASCII
# letters stay readable: ``東日本電信電話`` is a valid IRI segment.
_SEGMENT_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")


def segment(key: str) -> str:
    """A key as one IRI path segment: ASCII outside the unreserved set percent-encoded."""
    return "".join(
        char if char in _SEGMENT_SAFE or ord(char) > 0x7F else f"%{ord(char):02X}" for char in key
    )


def organisation(key: str) -> str:
    """A company or other body named by the cases, by its normalised name."""
    return f"{ID}org/{segment(key)}"


def department(code: str, key: str) -> str:
    """A department of the local government ``code``, by its normalised name."""
    return f"{municipality(code)}/department/{segment(key)}"


def technology_tag(record: str, notation: str) -> str:
    """The evidence that a record uses a technology."""
    return f"{record}/technology/{notation}"


#: The ASCII characters no URI (nor IRI) may contain as they are: controls, space, <>"{}|\^`.
_NOT_IN_URIS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def uri(printed: str) -> str:
    """A URL as printed, as an ``xsd:anyURI`` holds it: a space, or any other ASCII
    character that no URI contains, percent-encoded; everything else (``%`` sequences,
    non-ASCII letters, which an IRI holds) as printed.

    ``https://host/a b.html`` → ``https://host/a%20b.html``.
    """
    return _NOT_IN_URIS.sub(lambda match: quote(match.group()), printed.strip())


def guide_rule(guide_item: str, kind: str, value: str) -> str:
    """A rule linking records to a guide item: ``focus-area/ai-rpa``, ``technology``,
    ``rpa`` → ``…/id/guide-rule/focus-area-ai-rpa/technology/rpa``."""
    return f"{ID}guide-rule/{guide_item.replace('/', '-')}/{kind}/{segment(value)}"


def guide_assignment(record: str, guide_item: str) -> str:
    """That a record concerns a guide item (a concept IRI): ``…/guide/focus-area-ai-rpa``."""
    return f"{record}/guide/{guide_item.rsplit('/', 1)[1]}"
