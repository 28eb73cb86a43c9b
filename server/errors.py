"""The one error type the web layer turns into an HTTP answer."""

from __future__ import annotations


class ProtocolError(Exception):
    """A request to refuse or a query that failed, with its HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
