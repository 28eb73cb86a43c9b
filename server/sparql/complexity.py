"""A bound on how deep a query nests and how long its chains are: a cheap first guard.

Oxigraph parses, optimises and evaluates a query recursively, on the stack of the
thread that runs it, so a query that nests or chains a few thousand times overflows
that stack and the process dies. Measured with pyoxigraph 0.5.13 on an 8 MiB stack, a
crash takes about 900 nested function calls (``CONCAT(CONCAT(…``), 2,500 nested groups
(``{{{…}}}``), 2,700 ``BIND`` in a row, 6,300 ``UNION`` branches, 6,700 ``+`` or 8,700
``!``. No query a person or a program writes comes near, so the limits below leave a
wide margin and refuse the rest (400).

This check is not what keeps the server up: a query process that dies is replaced and
its query answered 400 (:mod:`.executor`), and before a query goes to a remote store
the same engine parses it in a confined process. The check spares those processes, and
a remote store that runs on smaller stacks, the crash.

It reads the text, not a parse tree (parsing is what overflows), in time linear in its
length: string literals and comments are blanked out, so brackets inside them do not
count; so are the rows of ``VALUES`` blocks, which are flat lists however long. Where
the lexing could differ from the engine's, the check counts more, never less: escapes
are decoded first (SPARQL applies ``\\u`` escapes to the whole query), a comment ends at
either line terminator, an unterminated string ends where the line does, an escaped
character (``ex:a\\#``) starts no comment, and brackets and operators inside IRIs count
(``1<ABS(ABS(…))>0`` is an IRI to a lexer, a comparison to Oxigraph).
"""

from __future__ import annotations

import re
from itertools import accumulate

from dxkg.web.errors import ProtocolError

#: Deepest nesting of ``{``, ``(`` and ``[`` (a crash takes about 900).
MAX_NESTING = 100
#: Most groups, calls, separators and operators in one query (a crash takes 2,700 BINDs).
MAX_OPERATORS = 1000

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Text that may hold any character: long and short string literals, comments, and
#: IRIs (of which only the brackets are kept). Every alternative, once started, matches
#: (possessively) to where the token ends or can no longer go on, so the scan is linear.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*+(?:""")?'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+(?:''')?"
    r'|"(?:[^"\\\n\r]|\\[^\n\r])*+"?'
    r"|'(?:[^'\\\n\r]|\\[^\n\r])*+'?"
    r"|(?P<escape>\\[^\n\r])"
    r"|#[^\n\r]*+"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*+>)",
    re.DOTALL,
)
#: What counts inside an IRI: brackets and the operators IRIs seldom hold (Oxigraph may
#: read ``<`` as "less than" and what follows as an expression).
_NOT_COUNTED_IN_IRIS = re.compile(r"[^{}()\[\]+*!&|^,;]+")
#: A ``VALUES`` block's rows, once the literals and IRIs in them are blanked out.
_VALUES = re.compile(r"\bVALUES\s*+(?:[?$]\w++|\([^()]*+\))\s*+\{[^{}]*+\}", re.IGNORECASE)
_OPENERS = "{(["
_OPERATORS = "{([,;.!|&+-*/^"


def check_complexity(query: str) -> None:
    """Raise a 400 ProtocolError if ``query`` nests or chains beyond the limits."""
    if len(query) <= MAX_OPERATORS and sum(map(query.count, _OPENERS)) <= MAX_NESTING:
        return  # the common case, in a microsecond: too short to reach either limit
    text = _VALUES.sub(" ", _OPAQUE.sub(_blank, decode_escapes(query)))
    operators = sum(map(text.count, _OPERATORS))
    if operators > MAX_OPERATORS:
        raise ProtocolError(
            400,
            f"the query is too complex: {operators} groups, calls and operators "
            f"(at most {MAX_OPERATORS})",
        )
    if nesting(text) > MAX_NESTING:
        raise ProtocolError(
            400, f"the query nests groups or calls more than {MAX_NESTING} levels deep"
        )


def nesting(text: str) -> int:
    """How deep the brackets of ``text`` nest; a closing one too many counts for nothing
    (stray closers first must not hide the depth of what follows)."""
    steps = (1 if bracket in _OPENERS else -1 for bracket in re.findall(r"[{}()\[\]]", text))
    return max(accumulate(steps, lambda depth, step: max(depth + step, 0), initial=0))


def _blank(match: re.Match) -> str:
    """A literal or comment as a space; an IRI as its brackets and rarer operators; an
    escape outside literals (``ex:a\\#`` in a prefixed name) as it is, so that what
    follows it is no comment."""
    if match.group("iri"):
        return " " + _NOT_COUNTED_IN_IRIS.sub("", match.group("iri")) + " "
    if match.group("escape"):
        return match.group("escape")
    return " "


def decode_escapes(text: str) -> str:
    """``text`` with its ``\\u``/``\\U`` escapes decoded, as SPARQL reads a query
    (an escape past the last code point stays as it is)."""
    return _CODEPOINT_ESCAPE.sub(_decoded, text)


def _decoded(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()
