"""Slow clients against a real ``dxkg serve``: they cannot hold its threads.

The worker (``server/worker.py``) reads every request in its event loop and hands only
whole ones to a thread, so connections that trickle their headers leave the threads
free, and a request not whole within the deadline is closed; a client that stops
reading its answer frees its thread after the send timeout. Also here: requests of
every framing still arrive whole, gunicorn's own error answers carry the security
headers, and servers share no control socket. Every connection goes to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

import pytest
import requests
from gunicorn.config import ControlSocket

from dxkg.web.security import PAGE_POLICY
from dxkg.web.worker import HeadLimits, RequestFraming, Verdict
from servers import dxkg_server, process_table

e2e = pytest.mark.e2e

#: Few threads, so that a handful of slow clients could take them all: 2 workers x 2.
OPTIONS = ("--workers", "2", "--threads", "2")
ONE_THREAD = ("--workers", "1", "--threads", "1")
SLOW_CLIENTS = 12
#: The deadlines of the server that tests them; the other server's are long enough for
#: its slow clients to stay connected through a whole test.
SHORT_TIMEOUT = 2.0
LONG_TIMEOUT = 60.0
#: The event loop looks for requests past their deadline about once a second.
SLACK = 1.5
ASK = {"query": "ASK {}"}
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


@contextmanager
def server_with_timeouts(dist: Path, seconds: float, *options: str) -> Iterator[str]:
    """``dxkg serve`` whose clients have ``seconds`` to send a request or take an answer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DXKG_REQUEST_TIMEOUT", str(seconds))
        patch.setenv("DXKG_SEND_TIMEOUT", str(seconds))
        with dxkg_server(dist, *options) as base:
            yield base


@pytest.fixture(scope="module")
def patient(release) -> Iterator[str]:
    """A server with few threads and long deadlines."""
    paths, _ = release
    with server_with_timeouts(paths.dist, LONG_TIMEOUT, *OPTIONS) as base:
        yield base


@pytest.fixture(scope="module")
def strict(release) -> Iterator[str]:
    """A server with one thread and short deadlines."""
    paths, _ = release
    with server_with_timeouts(paths.dist, SHORT_TIMEOUT, *ONE_THREAD) as base:
        yield base


def connect(base: str, receive_buffer: int | None = None) -> socket.socket:
    """A raw connection to the server at ``base`` (always on 127.0.0.1)."""
    sock = socket.socket()
    if receive_buffer:  # before connecting, so that the window stays small
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", urlsplit(base).port))
    return sock


def exchange(base: str, request: bytes) -> http.client.HTTPResponse:
    """Send ``request`` as it is on a new connection; the answer, its body read."""
    with connect(base) as sock:
        sock.sendall(request)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        answer.read()
        return answer


def is_open(sock: socket.socket) -> bool:
    """Whether the server has neither closed ``sock`` nor answered on it."""
    timeout = sock.gettimeout()
    sock.setblocking(False)  # a socket with a timeout would wait for data, even told not to
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.settimeout(timeout)
    return False  # an answer, or the end of the connection


def until_closed(sock: socket.socket, limit: float = 30) -> tuple[float, bytes]:
    """Read ``sock`` until the server closes it: the seconds that took, and what came."""
    started = time.monotonic()
    sock.settimeout(limit)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return time.monotonic() - started, received


def headers_of(answer: bytes) -> dict[str, str]:
    """The header fields of a raw HTTP answer."""
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    return dict(line.split(": ", 1) for line in head)


def assert_security_headers(headers, html: bool) -> None:
    """The headers ``security.py`` gives every answer, and the page policy to HTML."""
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, name
    if html:
        assert headers.get("Content-Security-Policy") == PAGE_POLICY


class SlowClients:
    """Connections that each send a request line, then one header line a second."""

    def __init__(self, base: str, count: int, interval: float = 1.0) -> None:
        self.sockets = [connect(base) for _ in range(count)]
        self.interval = interval
        self.failures: list[OSError] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> Self:
        for sock in self.sockets:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()

    def _trickle(self) -> None:
        line = 0
        while not self._stop.wait(self.interval):
            line += 1
            for sock in self.sockets:
                try:
                    sock.sendall(b"X-Slow-%d: 1\r\n" % line)
                except OSError as error:
                    self.failures.append(error)

    def still_connected(self) -> int:
        """How many of the connections the server has neither closed nor answered."""
        return sum(is_open(sock) for sock in self.sockets)


def timed_ask(base: str) -> float:
    """Seconds ``ASK {}`` took on /sparql; it must answer true."""
    started = time.monotonic()
    response = requests.get(base + "/sparql", params=ASK, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json()["boolean"] is True
    return elapsed


@e2e
def test_slow_clients_do_not_hold_the_threads(patient):
    with SlowClients(patient, SLOW_CLIENTS) as slow:
        time.sleep(1.5)  # every slow connection accepted and a header line in
        timings = []
        for _ in range(5):
            timings.append(timed_ask(patient))
            time.sleep(0.5)
        print("ASK {} with", SLOW_CLIENTS, "slow clients connected:", timings)
        assert max(timings) < 2.0, timings
        assert not slow.failures
        assert slow.still_connected() == SLOW_CLIENTS, "they were waited for, not dropped"


@e2e
def test_a_request_not_whole_in_time_is_closed(strict):
    stalled = connect(strict)
    stalled.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    with stalled, SlowClients(strict, 1, interval=0.3) as trickling:
        waited, answer = until_closed(stalled)
        assert SHORT_TIMEOUT - 0.2 < waited < SHORT_TIMEOUT + SLACK, waited
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert_security_headers(headers_of(answer), html=False)
        # Sending all along gains no time: the deadline is for the whole request.
        waited, answer = until_closed(trickling.sockets[0])
        assert waited < SLACK and answer.startswith(b"HTTP/1.1 408 ")
    assert timed_ask(strict) < 2.0


@e2e
def test_the_next_request_on_a_kept_alive_connection_has_the_same_deadline(strict):
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(strict).port, timeout=10)
    with closing(connection):
        for _ in range(2):  # the connection is kept alive between whole requests
            connection.request("GET", "/sparql?query=ASK%7B%7D")
            answer = connection.getresponse()
            assert answer.status == 200 and answer.read() == b'{"head":{},"boolean":true}'
        connection.sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        waited, answer = until_closed(connection.sock)
    assert waited < SHORT_TIMEOUT + SLACK and answer.startswith(b"HTTP/1.1 408 ")


@e2e
def test_a_client_that_stops_reading_its_answer_frees_the_thread(strict, release):
    paths, _ = release
    files = [path for path in paths.dist.iterdir() if path.is_file()]
    largest = max(files, key=lambda path: path.stat().st_size)
    assert largest.stat().st_size > 8 << 20, "more than the socket buffers hold"
    with connect(strict, receive_buffer=4096) as reader:
        target = b"/download/" + largest.name.encode()
        reader.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target)
        time.sleep(0.5)  # the only thread is sending, and the client reads nothing
        started = time.monotonic()
        timed_ask(strict)
        assert time.monotonic() - started < SHORT_TIMEOUT + SLACK
        assert reader.recv(13) == b"HTTP/1.1 200 ", "the download was under way"


@e2e
def test_a_client_that_reads_a_trickle_frees_the_thread(release):
    """Reading a few bytes now and then keeps no thread: the answer must leave at a
    minimum rate (here 4 MiB/s after 1 s), whatever the socket's timeout per write."""
    paths, _ = release
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DXKG_MIN_SEND_RATE", str(4 << 20))
        with server_with_timeouts(paths.dist, 1.0, *ONE_THREAD) as base:
            dump = paths.dist / "dxkg.nq"
            allowed = 1.0 + dump.stat().st_size / (4 << 20)
            with connect(base, receive_buffer=4096) as reader:
                reader.sendall(b"GET /download/dxkg.nq HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                started = time.monotonic()
                first = _trickle(reader)
                while time.monotonic() - started < allowed + SLACK:
                    _trickle(reader)
                # the only thread answers at once, the trickle still connected
                asked = time.monotonic()
                timed_ask(base)
                assert time.monotonic() - asked < 2 * SLACK
            assert first.startswith(b"HTTP/1.1 200 ")


def _trickle(sock: socket.socket) -> bytes:
    """A kilobyte of what ``sock`` brings, after a pause: a client reading a trickle."""
    time.sleep(0.2)
    try:
        return sock.recv(1024)
    except OSError:
        return b""


@e2e
def test_requests_of_every_framing_arrive_whole(patient):
    sparql = patient + "/sparql"
    query = {"Content-Type": "application/sparql-query"}
    padded = b"ASK {} #" + b"x" * ((1 << 20) - 8)  # the largest body the endpoint takes
    assert len(padded) == 1 << 20
    assert requests.post(sparql, data=padded, headers=query).json()["boolean"] is True
    chunked = requests.post(sparql, data=iter([b"ASK ", b"{", b"}"]), headers=query)
    assert chunked.json()["boolean"] is True
    # A client that waits for 100 Continue gets it, once, and then the answer.
    with connect(patient) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 6\r\n"
            b"Connection: close\r\n\r\n"
        )
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"ASK {}")
        _, answer = until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'"boolean":true}')
    # Requests sent together are answered in turn.
    with connect(patient) as sock:
        get = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        sock.sendall(get + b"\r\n" + get + b"Connection: close\r\n\r\n")
        _, answers = until_closed(sock)
    assert answers.count(b"HTTP/1.1 200 ") == 2 and answers.count(b'"boolean":true}') == 2


@e2e
def test_gunicorns_own_error_answers_carry_the_security_headers(patient):
    too_long = requests.get(patient + "/sparql", params={"query": "ASK {} #" + "x" * 9000})
    assert too_long.status_code == 414
    assert_security_headers(too_long.headers, html=True)
    refusals = {
        400: b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        431: b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"x" * 9000 + b"\r\n\r\n",
    }
    for status, request in refusals.items():
        answer = exchange(patient, request)
        assert answer.status == status
        assert_security_headers(answer.headers, html=True)
    # Refused by the event loop before any thread: a body or a head too large.
    too_large = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % (2 << 20),
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"100000\r\n"
        + b"x" * (1 << 20)
        + b"\r\n1\r\n",
        b"GET / HTTP/1.1\r\n" + b"X-Many: x\r\n" * 100_000,
    )
    for request, status in zip(too_large, (413, 413, 431)):
        answer = exchange(patient, request)
        assert answer.status == status
        assert_security_headers(answer.headers, html=False)


def server_processes(base: str) -> set[int]:
    """The master of the server at ``base`` and every process below it."""
    port = str(urlsplit(base).port).encode()
    masters = set()
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # not a process, or it ended while listed
        if b"serve" in command and port in command:
            masters.add(int(entry.name))
    table = process_table()
    tree = set(masters)
    for _ in range(5):  # deep enough for gunicorn, its workers and their query processes
        tree |= {pid for pid, (parent, _) in table.items() if parent in tree}
    assert masters, base
    return tree


def unix_socket_paths(pids: set[int]) -> set[str]:
    """The paths of the Unix sockets the processes ``pids`` have open."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    paths = set()
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) > 7 and fields[6] in inodes and not fields[7].startswith("@"):
            paths.add(fields[7])
    return paths


@e2e
def test_servers_share_no_control_socket(release):
    paths, _ = release
    shared = Path(ControlSocket.default)  # gunicorn's default path, the same for every server
    existed = shared.exists()
    with dxkg_server(paths.dist, *ONE_THREAD) as second:
        with dxkg_server(paths.dist, *ONE_THREAD) as first:
            for base in (first, second):
                assert unix_socket_paths(server_processes(base)) == set()
            assert existed or not shared.exists()
        assert timed_ask(second) < 2.0, "the first one's exit left the second one alone"


POST = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
WAIT, READY = Verdict.WAIT, Verdict.READY


@pytest.mark.parametrize(
    ("pieces", "verdicts"),
    [
        ([b"GET / HTTP/1.1\r", b"\nHost: x\r\n\r", b"\n"], [WAIT, WAIT, READY]),
        ([POST + b"Content-Length: 5\r\n\r\nAS", b"K {}"], [WAIT, READY]),
        ([POST + b"Content-Length: 2000000\r\n\r\n"], [Verdict.BODY_TOO_LARGE]),
        (
            [POST + b"Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nASK\r", b"\n0\r\n", b"\r\n"],
            [WAIT, WAIT, READY],
        ),
        ([POST + b"Transfer-Encoding: chunked\r\n\r\n200000\r\n"], [Verdict.BODY_TOO_LARGE]),
        # What the parser refuses goes to it at once, to be answered 4xx.
        ([POST + b"Content-Length: 1\r\nContent-Length: 1\r\n\r\n"], [READY]),
        ([POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"], [READY]),
        ([b"GET / HTTP/1.1\nHost: x\n"], [READY]),
        ([b"GET /" + b"x" * 8200], [READY]),
        ([b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200_000], [Verdict.HEAD_TOO_LARGE]),
    ],
)
def test_the_event_loop_finds_where_a_request_ends(pieces, verdicts):
    framing = RequestFraming(HeadLimits(), max_body=1 << 20)
    assert [framing.feed(piece) for piece in pieces] == verdicts


def test_a_request_that_expects_100_continue_is_seen():
    framing = RequestFraming(HeadLimits(), max_body=1 << 20)
    head = POST + b"Expect: 100-continue\r\nContent-Length: 6\r\n\r\n"
    assert framing.feed(head) is WAIT and framing.head_read and framing.expects_continue
