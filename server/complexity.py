"""A bound on how deep a query nests and how long its chains are, checked before any engine.

Oxigraph parses, optimises and evaluates a query recursively, on the stack of the
thread that runs it, so a query that nests or chains a few thousand times overflows
that stack and the process dies: the embedded engine's query process (the worker then
answered 500) and, behind ``--sparql-endpoint``, a whole ``oxigraph serve``, which
takes every page down with it (found by ``tests/test_fuzz.py``). Measured with
pyoxigraph 0.5.13 on an 8 MiB stack, a crash takes about 900 nested function calls
(``CONCAT(CONCAT(…``), 2,500 nested groups (``{{{…}}}``), 2,700 ``BIND`` in a row,
6,300 ``UNION`` branches, 6,700 ``+`` or 8,700 ``!``. No query a person or a program
writes comes near, so the limits below leave a wide margin and refuse the rest (400).

The check reads the text, not a parse tree (parsing is what overflows): string
literals, IRIs and comments are blanked out first, so brackets inside them do not
count, and so are the rows of ``VALUES`` blocks, which are flat lists however long.
"""

from __future__ import annotations

import re
from itertools import accumulate

from .errors import ProtocolError

#: Deepest nesting of ``{``, ``(`` and ``[`` (a crash takes about 900).
MAX_NESTING = 100
#: Most groups, calls, separators and operators in one query (a crash takes 2,700 BINDs).
MAX_OPERATORS = 1000

#: Text that may hold any character: long and short string literals, IRIs, comments.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
#: A ``VALUES`` block's rows, once the literals and IRIs in them are blanked out.
_VALUES = re.compile(r"\bVALUES\s*(?:[?$]\w+|\([^()]*\))\s*\{[^{}]*\}", re.IGNORECASE)
_OPENERS = "{(["
_OPERATORS = "{([,;.!|&+-*/^"


def check_complexity(query: str) -> None:
    """Raise a 400 ProtocolError if ``query`` nests or chains beyond the limits."""
    if len(query) <= MAX_OPERATORS and sum(map(query.count, _OPENERS)) <= MAX_NESTING:
        return  # the common case, in a microsecond: too short to reach either limit
    text = _VALUES.sub(" ", _OPAQUE.sub(" ", query))
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
