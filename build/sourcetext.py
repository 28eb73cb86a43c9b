"""Reading source documents strictly, so that bad input fails with file and line."""

from __future__ import annotations

from pathlib import Path


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
    graph as if the source had said it.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceFormatError(path, line, f"invalid UTF-8 ({error.reason})") from error
    return text.split("\n")
