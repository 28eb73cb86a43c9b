"""Reading source documents strictly, so that bad input fails with file and line."""

from __future__ import annotations

import re
from pathlib import Path

from dxkg.pipeline.extract.corpus import CorpusError


class SourceFormatError(Exception):
    """A source document does not have the structure its extractor expects."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def read_source_lines(path: Path) -> list[str]:
    """The document's physical lines (1-based line n is ``lines[n - 1]``).

    Decoding is strict: invalid UTF-8 is reported with the line it is on
    rather than replaced, because a replaced character would end up in the
    graph as if the source had said it. CRLF line endings are normalised to LF
    (a copy saved on Windows reads as the original); any other control character
    but tab, a lone CR or NUL included, is reported with its line. A missing file
    raises CorpusError.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        # a document the manifest does not list either: still a missing source, by name
        raise CorpusError(f"{path}: missing source document") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _utf8_error(path, data, error) from error
    lines = text.replace("\r\n", "\n").split("\n")
    _check_control_characters(path, lines)
    return lines


# C0 controls but tab (LF has been split on), DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _check_control_characters(path: Path, lines: list[str]) -> None:
    """Refuse the first control character, naming its line, column and code point."""
    for number, line in enumerate(lines, 1):
        if match := _CONTROL.search(line):
            code = f"U+{ord(match.group(0)):04X}"
            message = f"control character {code} at character {match.start() + 1} of the line"
            raise SourceFormatError(path, number, message)


def _utf8_error(path: Path, data: bytes, error: UnicodeDecodeError) -> SourceFormatError:
    """Name the line of the first bad byte, its position in the line and the bytes."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    offset = error.start - line_start + 1
    bad = data[error.start : error.end].hex(" ")
    if error.end == len(data) and error.reason == "unexpected end of data":
        # the last character is cut short: the classic sign of an interrupted copy
        detail = "the file ends inside a UTF-8 character (truncated?)"
    else:
        detail = error.reason
    message = f"invalid UTF-8 at byte {offset} of the line ({bad}): {detail}"
    return SourceFormatError(path, line, message)
