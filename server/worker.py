"""A gunicorn worker in which a slow client cannot hold a thread.

gunicorn's threaded worker (``gthread``) hands a connection to a pool thread as soon as
its first byte arrives; the thread then reads the request's head and body with blocking
reads and no deadline, so a few clients that send one header line a second take every
thread of the server. This worker reads requests in its event loop instead:

- the event loop reads each connection without blocking into a buffer, until the buffer
  holds a whole request: its head, and its body (by ``Content-Length``, or chunked up to
  the terminating chunk; at most the endpoint's ``max_request_bytes``, a longer one is
  answered 413 there and then);
- only then does a thread take it, with the connection's parser reading those bytes
  and never the socket (:class:`BufferedRequest`): a thread never waits for a client
  to send;
- a request not complete ``request_timeout`` seconds after its connection was accepted
  (or after the first byte of the next request on a kept-alive connection) is answered
  408 and closed; the next request on a kept-alive connection is read the same way;
- while a thread answers, the answer has a deadline (``send_timeout`` plus its size at
  ``min_send_rate``, :class:`PacedSocket`), so a client that stops reading its answer,
  or reads a trickle, frees the thread;
- connections are closed in the event loop too, lingering without blocking for what a
  client still sends (RFC 9112 section 9.6), where gunicorn would block its loop;
- gunicorn's own error answers (400, 414, 431, ...) carry the security and CORS headers
  of every other answer (``security.py``, ``cors.py``).

It serves plain HTTP/1.x only, as ``dxkg serve`` configures it: no TLS, no HTTP/2.
gunicorn's parser still parses every request; the event loop only finds where a request
ends, and a request it misjudges cannot make a thread wait: the parser then meets the
end of its input, as if the client had stopped sending, and the connection is closed.
"""

from __future__ import annotations

import array
import errno
import fcntl
import os
import re
import selectors
import socket
import termios
import time
from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from functools import partial

from flask import Response
from gunicorn import http
from gunicorn.http.errors import NoMoreData
from gunicorn.http.message import DEFAULT_MAX_HEADERFIELD_SIZE, MAX_HEADERS, MAX_REQUEST_LINE
from gunicorn.http.unreader import Unreader
from gunicorn.workers.gthread import TConn, ThreadWorker

from dxkg.media import HTML
from dxkg.web import cors
from dxkg.web.security import add_security_headers

#: Seconds a client has to send a whole request (head and body). Generous for any real
#: client on any link a 1 MiB query crosses; a client slower than that is closed (408).
REQUEST_TIMEOUT = 10.0
#: Seconds a thread waits for a client to take (part of) its answer before giving up.
SEND_TIMEOUT = 30.0
#: Bytes a second a client must at least take an answer at: a 30 MB dump has 30 s plus
#: 30 MB / 32 KiB/s (about 16 minutes); a client that reads a few bytes a minute is cut.
MIN_SEND_RATE = 32 * 1024
#: Bytes sent per wait when a file is sent with ``sendfile``.
SENDFILE_CHUNK = 256 * 1024
#: How long, and for how many bytes, a closing connection is drained of what the client
#: still sends, so that the kernel does not reset it before the answer is read.
LINGER_SECONDS = 2.0
LINGER_BYTES = 4 << 20
#: Largest read from a socket in the event loop.
READ_SIZE = 64 * 1024
#: Seconds between two looks for requests past their deadline.
EXPIRY_INTERVAL = 0.5

_HEX = re.compile(rb"[0-9A-Fa-f]+")


@dataclass(frozen=True)
class ClientLimits:
    """How long and how much a client may take to send a request, and to read the answer."""

    request_timeout: float = REQUEST_TIMEOUT
    send_timeout: float = SEND_TIMEOUT
    #: Bytes a second an answer must at least leave at, beyond ``send_timeout``.
    min_send_rate: float = MIN_SEND_RATE
    #: Largest request body; the endpoint's ``max_request_bytes``.
    max_body: int = 1 << 20


class Verdict(Enum):
    """What the event loop does with a connection's buffer."""

    WAIT = "wait"  # read more
    READY = "ready"  # a whole request, or one gunicorn's parser will refuse: hand it over
    BODY_TOO_LARGE = "413"
    HEAD_TOO_LARGE = "431"


@dataclass(frozen=True)
class HeadLimits:
    """gunicorn's limits on a request head, as its parser applies them."""

    request_line: int = MAX_REQUEST_LINE
    field_size: int = DEFAULT_MAX_HEADERFIELD_SIZE
    fields: int = 100

    @classmethod
    def of(cls, cfg) -> HeadLimits:
        """The limits of a gunicorn configuration, with gunicorn's ceilings (0 or less
        means the ceiling; a request line gunicorn would not limit is held to it too)."""
        line, size, fields = (
            cfg.limit_request_line,
            cfg.limit_request_field_size,
            cfg.limit_request_fields,
        )
        return cls(
            request_line=line if 0 < line < MAX_REQUEST_LINE else MAX_REQUEST_LINE,
            field_size=size if size > 0 else DEFAULT_MAX_HEADERFIELD_SIZE,
            fields=fields if 0 < fields < MAX_HEADERS else MAX_HEADERS,
        )

    @property
    def head(self) -> int:
        """Most bytes of a head: its request line and gunicorn's header buffer."""
        return self.request_line + 2 + self.fields * (self.field_size + 2) + 4


class RequestFraming:
    """Where the request at the start of a buffer ends, found as its bytes arrive.

    Only framing: gunicorn's parser checks everything else once a thread has the
    request. Whatever this class does not understand (two lengths, a length that is
    not a number, an unknown transfer coding, a bare LF) is handed over at once, for
    that parser to refuse. Each byte is searched about once, however the client splits
    its request: a trickling client costs the event loop no more than a fast one.
    """

    def __init__(self, limits: HeadLimits, max_body: int, data: bytes = b"") -> None:
        self.data = bytearray(data)
        self.limits = limits
        self.max_body = max_body
        #: Set when the head asks for ``100 Continue`` before its body.
        self.expects_continue = False
        self._scanned = 0  # bytes of the head already searched for its end
        self._line_length: int | None = None  # of the request line, once it is in
        self._body: _Body | None = None

    def feed(self, data: bytes) -> Verdict:
        """Add bytes read from the client; what to do now."""
        self.data += data
        return self.verdict()

    def verdict(self) -> Verdict:
        """What to do with the buffer as it is."""
        if self._body is None:
            verdict = self._scan_head()
            if self._body is None:
                return verdict
        return self._body.verdict(self.data)

    @property
    def head_read(self) -> bool:
        """Whether the whole head is in (the body may still be coming)."""
        return self._body is not None

    def _scan_head(self) -> Verdict:
        data, start = self.data, self._scanned
        end = data.find(b"\r\n\r\n", max(start - 3, 0))
        if _bare_lf(data, start, len(data) if end < 0 else end) or self._line_too_long():
            return Verdict.READY
        if end < 0:
            self._scanned = len(data)
            return Verdict.HEAD_TOO_LARGE if len(data) > self.limits.head else Verdict.WAIT
        self._body = self._body_framing(bytes(data[:end]), end + 4)
        return Verdict.READY

    def _line_too_long(self) -> bool:
        """Whether the request line is longer than gunicorn allows (it answers 414)."""
        if self._line_length is None:
            lead = 2 if self.data.startswith(b"\r\n") else 0  # one empty line may lead
            end = self.data.find(b"\r\n", max(lead, self._scanned - 1))
            if end < 0:
                return len(self.data) - 2 - lead > self.limits.request_line
            self._line_length = end - lead
        return self._line_length > self.limits.request_line

    def _body_framing(self, head: bytes, body_start: int) -> _Body:
        lines = head.split(b"\r\n")
        if lines[0] == b"":
            del lines[0]
        fields: dict[bytes, list[bytes]] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if colon:
                fields.setdefault(name.lower(), []).append(value.strip(b" \t"))
        self.expects_continue = lines[0].endswith(b" HTTP/1.1") and any(
            value.lower() == b"100-continue" for value in fields.get(b"expect", [])
        )
        return _framing(fields, body_start, self.max_body, self.limits)


def _bare_lf(data: bytearray, start: int, end: int) -> bool:
    """Whether a line of ``data[start:end]`` ends in LF alone, which gunicorn refuses."""
    index = data.find(b"\n", start, end)
    while index >= 0:
        if index == 0 or data[index - 1] != 0x0D:
            return True
        index = data.find(b"\n", index + 1, end)
    return False


def _framing(
    fields: dict[bytes, list[bytes]], body_start: int, max_body: int, limits: HeadLimits
) -> _Body:
    """How the body after a head with ``fields`` is delimited (RFC 9112 section 6)."""
    lengths = fields.get(b"content-length", [])
    codings = b",".join(fields.get(b"transfer-encoding", []))
    if codings:
        last = codings.rsplit(b",", 1)[-1].strip(b" \t").lower()
        if last == b"chunked" and not lengths:
            return _Chunked(body_start, max_body, limits)
        return _Sized(body_start)  # refused by the parser, before any body
    if not lengths:
        return _Sized(body_start)
    if len(lengths) > 1 or not lengths[0].isdigit():
        return _Sized(body_start)  # refused by the parser, before any body
    length = int(lengths[0])
    if length > max_body:
        return _TooLarge()
    return _Sized(body_start + length)


class _Body:
    """How a request's body is delimited: whether a buffer holds all of it."""

    def verdict(self, data: bytearray) -> Verdict:
        raise NotImplementedError


class _Sized(_Body):
    """A body that ends at a known offset (``Content-Length``, or none)."""

    def __init__(self, end: int) -> None:
        self.end = end

    def verdict(self, data: bytearray) -> Verdict:
        return Verdict.READY if len(data) >= self.end else Verdict.WAIT


class _TooLarge(_Body):
    """A body announced longer than the endpoint takes: refused before it is sent."""

    def verdict(self, data: bytearray) -> Verdict:
        return Verdict.BODY_TOO_LARGE


class _Chunked(_Body):
    """A chunked body (RFC 9112 section 7.1): complete at its last chunk and trailers.

    Its content may be ``max_body`` bytes, its encoding (sizes, extensions, trailers)
    ``max_body`` plus a head's worth more, so that tiny chunks cannot grow the buffer.
    """

    def __init__(self, start: int, max_body: int, limits: HeadLimits) -> None:
        self.start = self.offset = self.searched = start
        self.content = 0
        self.max_body = max_body
        self.limits = limits
        #: Where the current chunk ends (after its CRLF) and its size, once its line is in.
        self.chunk: tuple[int, int] | None = None
        self.trailers: int | None = None  # where the trailer section starts

    def verdict(self, data: bytearray) -> Verdict:
        while self.trailers is None:
            if self.chunk is None:
                verdict = self._size_line(data)
                if verdict is not None:
                    return verdict
                continue
            following, size = self.chunk
            if len(data) < following:
                return Verdict.WAIT
            self.content += size
            self.offset = self.searched = following
            self.chunk = None
        return self._trailers(data)

    def _size_line(self, data: bytearray) -> Verdict | None:
        """Read the next chunk-size line; a verdict if that decides one."""
        line_end = data.find(b"\r\n", max(self.offset, self.searched - 1))
        if line_end < 0 or line_end - self.offset > self.limits.field_size:
            self.searched = len(data)
            overlong = len(data) - self.offset > self.limits.field_size
            return Verdict.READY if overlong else Verdict.WAIT  # the parser refuses it
        size = _chunk_size(bytes(data[self.offset : line_end]))
        if size is None:
            return Verdict.READY  # the parser says what is wrong
        if size == 0:
            self.trailers = self.searched = line_end + 2
            return None
        following = line_end + 2 + size + 2
        if (
            self.content + size > self.max_body
            or following - self.start > self.max_body + self.limits.head
        ):
            return Verdict.BODY_TOO_LARGE
        self.chunk = (following, size)
        return None

    def _trailers(self, data: bytearray) -> Verdict:
        start = self.trailers
        if data[start : start + 2] == b"\r\n":
            return Verdict.READY
        if data.find(b"\r\n\r\n", max(start, self.searched - 3)) >= 0:
            return Verdict.READY
        self.searched = len(data)
        return Verdict.READY if len(data) - start > self.limits.head else Verdict.WAIT


def _chunk_size(line: bytes) -> int | None:
    """The size on a chunk-size line, or None if it is not one."""
    digits = line.split(b";", 1)[0].strip(b" \t")
    return int(digits, 16) if _HEX.fullmatch(digits) else None


class BufferedRequest(Unreader):
    """What a thread's parser reads: the bytes the event loop buffered, never the socket.

    Reading past them is the end of the input, as if the client had stopped sending:
    ``starved`` then says the connection cannot carry another request.
    """

    def __init__(self) -> None:
        super().__init__()
        self.starved = False

    def chunk(self, size_hint: int | None = None) -> bytes:
        self.starved = True
        return b""


def _security_header_lines(media_type: str) -> bytes:
    """The security headers ``security.py`` gives an answer of ``media_type``, and the
    CORS headers of every answer (``cors.py``), as lines."""
    response = add_security_headers(Response(mimetype=media_type, headers=cors.HEADERS))
    skip = {"content-type", "content-length"}
    return b"".join(
        f"{name}: {value}\r\n".encode("latin-1")
        for name, value in response.headers.items()
        if name.lower() not in skip
    )


def with_security_headers(answer: bytes) -> bytes:
    """``answer``, a whole HTTP/1.1 response, with the security headers for its type."""
    head, _, body = answer.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-type:\s*([^;\r\n]+)", head)
    media_type = match.group(1).strip().decode("latin-1") if match else HTML
    return head + b"\r\n" + _security_header_lines(media_type) + b"\r\n" + body


def error_answer(status: int, reason: str, message: str) -> bytes:
    """A one-line plain-text answer that closes the connection, as the endpoint's are."""
    body = f"{reason}: {message}\n".encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
    ).encode("latin-1")
    return with_security_headers(head + b"\r\n" + body)


class PacedSocket(socket.socket):
    """A client connection whose answer must keep leaving: by ``send_timeout`` after the
    answer began, plus the time the bytes the client took so far take at ``min_rate``
    bytes a second.

    A client that stops reading, or reads a trickle, cannot hold a thread past that:
    every byte is sent without blocking, and each wait for the client ends at the
    deadline (``socket.sendfile`` and ``sendall`` would wait up to their timeout anew
    whenever the client takes a few bytes, so a trickle would never end).
    """

    _started = 0.0
    _sent = 0
    _send_timeout = SEND_TIMEOUT
    _rate = MIN_SEND_RATE

    def pace(self, send_timeout: float, min_rate: float) -> None:
        """Start the deadline of an answer."""
        self._started, self._sent = time.monotonic(), 0
        self._send_timeout, self._rate = send_timeout, min_rate
        self.settimeout(send_timeout)

    def sendall(self, data, flags: int = 0) -> None:
        """Send ``data`` by the answer's deadline, or raise TimeoutError."""
        view = memoryview(data).cast("B")
        while view:
            self._wait()
            try:
                sent = os.write(self.fileno(), view) if not flags else self.send(view, flags)
            except BlockingIOError:
                continue
            view = view[sent:]
            self._sent += sent

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        """Send ``file`` (from ``offset``, ``count`` bytes or to its end) by the deadline."""
        total = 0
        while count is None or total < count:
            size = SENDFILE_CHUNK if count is None else min(SENDFILE_CHUNK, count - total)
            self._wait()
            try:
                sent = os.sendfile(self.fileno(), file.fileno(), offset + total, size)
            except BlockingIOError:
                continue
            if sent == 0:
                break
            total += sent
            self._sent += sent
        return total

    def _wait(self) -> None:
        """Wait until the client takes more, at most until the deadline (TimeoutError)."""
        deadline = self._started + self._send_timeout + self._taken() / self._rate
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the client takes its answer too slowly")
        self.setblocking(False)
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self, selectors.EVENT_WRITE)
                if not selector.select(remaining):
                    raise TimeoutError("the client takes its answer too slowly")
        finally:
            self.settimeout(remaining)

    def _taken(self) -> int:
        """Bytes of the answer the client has taken: those sent, less those still in the
        kernel's send queue (which takes megabytes at once on a fast link)."""
        queued = array.array("i", [0])
        try:
            fcntl.ioctl(self.fileno(), termios.TIOCOUTQ, queued)
        except OSError:
            return 0  # nothing known of the client: credit nothing
        return max(self._sent - queued[0], 0)


def read_some(sock: socket.socket) -> bytes | None:
    """What a non-blocking ``sock`` holds now: b"" at its end (or on an error), None if
    nothing has come yet."""
    try:
        return sock.recv(READ_SIZE)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""


def send_now(sock: socket.socket, data: bytes) -> None:
    """Send what the socket's buffer takes at once: a refusal never waits for a client."""
    timeout = sock.gettimeout()
    try:
        sock.settimeout(0)
        sock.send(data)
    except OSError:
        pass  # the client is gone or not reading: it will not miss the answer
    finally:
        try:
            sock.settimeout(timeout)
        except OSError:
            pass


class _CapturedAnswer:
    """Stands for the client socket while gunicorn writes an error answer, and keeps it.

    ``gettimeout`` says non-blocking, so gunicorn's ``write_nonblock`` calls ``sendall``
    once and leaves the socket's mode alone; everything else is the real socket's.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.data = bytearray()

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data

    def __getattr__(self, name: str):
        return getattr(self.sock, name)


class _Conn(TConn):
    """A client connection, with the request the event loop is reading on it."""

    def __init__(self, cfg, sock, client, server, head_limits: HeadLimits, max_body: int) -> None:
        super().__init__(cfg, sock, client, server)  # leaves the socket non-blocking
        self.parser = http.get_parser(cfg, sock, client)
        self.parser.unreader = BufferedRequest()
        self.initialized = True  # TConn.init() would read the socket in a thread
        self.head_limits = head_limits
        self.max_body = max_body
        self.framing = RequestFraming(head_limits, max_body)
        self.deadline = 0.0
        #: No byte of the next request yet: the keep-alive timeout applies, not the deadline.
        self.idle = False
        self.continued = False

    def next_request(self, leftover: bytes) -> None:
        """Start reading the next request, which may have begun in ``leftover``."""
        self.framing = RequestFraming(self.head_limits, self.max_body, leftover)
        self.continued = False


class _Linger:
    """A closing connection: its answer sent, drained of what the client still sends."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.drained = 0


#: What the event loop answers when it refuses a request itself.
_REFUSALS = {
    Verdict.BODY_TOO_LARGE: (413, "Content Too Large", "the request body is over {} bytes"),
    Verdict.HEAD_TOO_LARGE: (431, "Request Header Fields Too Large", "the header is too large"),
}


class RequestBufferingWorker(ThreadWorker):
    """gthread, with each request read whole by the event loop before a thread takes it."""

    #: Set by ``serve`` in the master before it forks the workers.
    limits = ClientLimits()

    @classmethod
    def configure(cls, limits: ClientLimits) -> None:
        """Use ``limits`` in the workers the master forks from now on."""
        cls.limits = limits

    @classmethod
    def check_config(cls, cfg, log) -> None:
        """Refuse TLS and HTTP/2, whose bytes the event loop cannot frame as HTTP/1.x."""
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in cfg.http_protocols or getattr(cfg, "protocol", "http") != "http":
            raise RuntimeError(f"{cls.__name__} serves plain HTTP/1.x only")

    def init_process(self) -> None:
        self.head_limits = HeadLimits.of(self.cfg)
        self.waiting: set[_Conn] = set()
        self.lingering: set[_Linger] = set()
        self._next_expiry = 0.0
        super().init_process()

    # The event loop: reading requests.

    def accept(self, listener: socket.socket) -> None:
        """Accept a connection and start reading its first request."""
        try:
            sock, client = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        sock = PacedSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
        conn = _Conn(
            self.cfg, sock, client, listener.getsockname(), self.head_limits, self.limits.max_body
        )
        conn.deadline = time.monotonic() + self.limits.request_timeout
        self._wait(conn)

    def _wait(self, conn: _Conn) -> None:
        """Read ``conn`` in the event loop until its request is whole."""
        self.waiting.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _stop_waiting(self, conn: _Conn) -> None:
        """Stop reading ``conn`` in the event loop."""
        self.waiting.discard(conn)
        self.poller.unregister(conn.sock)

    def _on_readable(self, conn: _Conn, _sock: socket.socket) -> None:
        """Take what the client sent; what to do with the request now."""
        data = read_some(conn.sock)
        if data is None:
            return
        if not data:  # the client went away
            self._stop_waiting(conn)
            self._close_now(conn.sock)
            return
        if conn.idle:  # the first byte of the next request starts its deadline
            conn.idle = False
            conn.deadline = time.monotonic() + self.limits.request_timeout
        self._advance(conn, conn.framing.feed(data))

    def _advance(self, conn: _Conn, verdict: Verdict) -> None:
        """Wait for more, hand the request to a thread, or refuse it."""
        if verdict is Verdict.WAIT:
            framing = conn.framing
            if framing.head_read and framing.expects_continue and not conn.continued:
                conn.continued = True
                send_now(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        if conn in self.waiting:
            self._stop_waiting(conn)
        if verdict is Verdict.READY:
            conn.parser.unreader.unread(bytes(conn.framing.data))
            self.enqueue_req(conn)
            return
        status, reason, message = _REFUSALS[verdict]
        self.log.info("Refused a request from %s: %s", conn.client, reason)
        self._close(conn.sock, error_answer(status, reason, message.format(conn.max_body)))

    def murder_pending(self) -> None:
        """Answer 408 to requests past their deadline; close idle connections past theirs."""
        now = time.monotonic()
        if now < self._next_expiry:
            return  # called after every batch of events; deadlines are checked less often
        self._next_expiry = now + EXPIRY_INTERVAL
        for conn in [conn for conn in self.waiting if conn.deadline <= now]:
            self._stop_waiting(conn)
            if conn.idle or not conn.framing.data:
                self._close_now(conn.sock)
                continue
            self.log.info("Closed a request from %s: not whole in time", conn.client)
            message = f"the request was not sent within {self.limits.request_timeout:g} s"
            self._close(conn.sock, error_answer(408, "Request Timeout", message))

    def murder_keepalived(self, force: bool = False) -> None:
        """Close lingering connections past their time; every connection if ``force``."""
        now = time.monotonic()
        for linger in [linger for linger in self.lingering if force or linger.deadline <= now]:
            self._end_linger(linger)
        if force:
            for conn in list(self.waiting):
                self._stop_waiting(conn)
                self._close_now(conn.sock)

    def _cap_keepalive(self, deadline: float) -> None:
        """On stopping: connections with no request under way close by ``deadline``."""
        for conn in self.waiting:
            if conn.idle or not conn.framing.data:
                conn.deadline = min(conn.deadline, deadline)

    # The event loop: after a thread.

    def finish_request(self, conn: _Conn, fs: Future) -> None:
        """Read the next request of a kept-alive connection, or close it (always when the
        worker is stopping). Runs in the event loop, which nothing here may end."""
        keep = self.alive and not fs.cancelled() and fs.exception() is None and fs.result()
        try:
            if keep:
                self._next_request(conn)
            else:
                self._close(conn.sock)
        except Exception:  # one connection's trouble never ends the loop
            self.log.exception("Closing a connection after an error")
            self._close_now(conn.sock)

    def _next_request(self, conn: _Conn) -> None:
        """Read the next request of ``conn``, kept alive, in the event loop."""
        conn.sock.setblocking(False)
        conn.next_request(conn.parser.unreader.take_buffered())
        now = time.monotonic()
        conn.idle = not conn.framing.data
        conn.deadline = now + (self.cfg.keepalive if conn.idle else self.limits.request_timeout)
        verdict = conn.framing.verdict()
        if verdict is Verdict.WAIT:
            self._wait(conn)
        self._advance(conn, verdict)

    # Closing, in the event loop.

    def _close(self, sock: socket.socket, answer: bytes = b"") -> None:
        """Send ``answer`` if the socket takes it at once, then close without blocking."""
        sock.setblocking(False)
        if answer:
            send_now(sock, answer)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close_now(sock)
            return
        linger = _Linger(sock, time.monotonic() + LINGER_SECONDS)
        self.lingering.add(linger)
        self.poller.register(sock, selectors.EVENT_READ, partial(self._on_linger, linger))

    def _on_linger(self, linger: _Linger, _sock: socket.socket) -> None:
        """Drop what the client of a closing connection sent; close it at its end."""
        data = read_some(linger.sock)
        if data is None:
            return
        linger.drained += len(data)
        if not data or linger.drained >= LINGER_BYTES:
            self._end_linger(linger)

    def _end_linger(self, linger: _Linger) -> None:
        """Stop draining a closing connection, and close it."""
        self.lingering.discard(linger)
        self.poller.unregister(linger.sock)
        self._close_now(linger.sock)

    def _close_now(self, sock: socket.socket) -> None:
        """Close a connection the event loop no longer reads."""
        self.nr_conns -= 1
        try:
            sock.close()
        except OSError:
            pass

    # In a thread: answering a whole request.

    def handle(self, conn: _Conn) -> bool:
        """Answer the buffered request on ``conn``; whether the connection stays open."""
        req = None
        try:
            conn.sock.pace(self.limits.send_timeout, self.limits.min_send_rate)
            req = next(conn.parser)
            # The body is here already: no "100 Continue" (RFC 9110 section 10.1.1).
            req._expected_100_continue = False
            keepalive = self.handle_request(req, conn)
            return self._reusable(conn, keepalive)
        except (StopIteration, NoMoreData) as error:
            self.log.debug("Closing connection: %r", error)
        except TimeoutError:
            self.log.info("Closed a connection from %s: its answer was not read", conn.client)
        except OSError as error:
            if error.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except Exception as error:  # noqa: BLE001 - the parser's refusals have many classes
            self.handle_error(req, conn.sock, conn.client, error)  # 4xx for them, else 500
        return False

    @staticmethod
    def _reusable(conn: _Conn, keepalive: bool) -> bool:
        """Whether another request may follow: the body read (from the buffer), no byte
        missing."""
        return keepalive and conn.parser.finish_body() and not conn.parser.unreader.starved

    def handle_error(self, req, client, addr, exc) -> None:
        """gunicorn's error answer, with the security headers every answer has."""
        captured = _CapturedAnswer(client)
        super().handle_error(req, captured, addr, exc)
        if captured.data:
            send_now(client, with_security_headers(bytes(captured.data)))
