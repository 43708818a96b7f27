"""The CLI's one HTTP/1.1 client over the daemon's Unix socket (or, given a ``remote``,
over TLS to a daemon's remote API: hvmctl/cli/remote.py, which is imported only then).

Deliberately stdlib-only and tiny (no http.client, no httpx): `xm list` must start fast.
It uses ``_socket``, the C half of ``socket`` (whose Python half imports ``enum`` and
``selectors``), and hvmctl.cli.fastjson. Starts the daemon on demand when none answers. Plain answers are read whole
(:meth:`Client.call`); streamed ones line by line (:meth:`Client.stream`).
"""

from __future__ import annotations

import _socket
import os
import sys
import time

from hvmctl.api.wire import route
from hvmctl.cli.fastjson import dumps, loads
from hvmctl.errors import ERROR_KINDS, DaemonError, HostError, HvmctlError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from hvmctl.cli.remote import Remote
    from hvmctl.locations import Locations
    from hvmctl.paths import Paths

DAEMON_START_TIMEOUT = 20.0


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return loads(self.body) if self.body else None


class Client:
    def __init__(self, paths: Locations | Paths, *, autostart: bool = True, timeout: float = 3700.0,
                 remote: Remote | None = None) -> None:
        self.paths = paths
        self.socket_path = os.fspath(paths.socket)
        self.run_dir = os.fspath(paths.run_dir)
        self.remote = remote
        self.autostart = autostart and not os.environ.get("HVMCTL_NO_AUTOSTART") and remote is None
        self.timeout = timeout

    @property
    def log_path(self) -> str:
        """Where an on-demand daemon writes (and where to look when one misbehaves)."""
        if self.remote is not None:
            return f"the daemon's log on {self.remote.where}"
        return os.path.join(self.run_dir, "daemon.log")

    # ---- transport ---------------------------------------------------------------------
    def _try_connect(self) -> _socket.socket | None:
        """A connected socket, or None when no daemon listens."""
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            return None
        except PermissionError:
            sock.close()
            raise HostError(f"permission denied on {self.socket_path} ({_who_may(self.socket_path)})") from None

    def _connect(self) -> _socket.socket:
        if self.remote is not None:
            return self.remote.connect(self.timeout)  # an SSLSocket reads and writes alike
        sock = self._try_connect()
        if sock is not None:
            return sock
        if not self.autostart:
            raise DaemonError(f"no hvmctl daemon listening on {self.socket_path}")
        return self._start_daemon()

    def _start_daemon(self) -> _socket.socket:
        import subprocess  # only here: most CLI runs find the daemon up

        os.makedirs(self.run_dir, exist_ok=True)
        log_path = self.log_path
        start_at = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "hvmctl", "daemon"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True,
            )
        deadline = time.monotonic() + DAEMON_START_TIMEOUT
        while time.monotonic() < deadline:
            sock = self._try_connect()
            if sock is not None:
                return sock
            if proc.poll() is not None and not os.path.exists(self.socket_path):
                # exit 0 = another daemon won the start-up race: keep waiting for its socket
                if proc.returncode != 0:
                    reason = _last_log_line(log_path, start_at)
                    raise DaemonError(f"the hvmctl daemon failed to start: {reason} (see {log_path})")
            time.sleep(0.05)
        raise DaemonError(f"the hvmctl daemon did not start within {DAEMON_START_TIMEOUT:.0f} s; see {log_path}")

    def _open(self, method: str, path: str, body: Any) -> _Reader:
        """Send one request; the reader of its answer (the caller closes it)."""
        payload = b"" if body is None else dumps(body).encode()
        host = self.remote.headers() if self.remote is not None else "Host: hvmctl\r\n"
        head = (
            f"{method} {path} HTTP/1.1\r\n{host}Connection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode()
        reader = _Reader(self._connect(), f"{method} {path}", self.log_path)
        try:
            reader.send(head + payload)
        except BaseException:
            reader.close()
            raise
        return reader

    def request(self, method: str, path: str, body: Any = None) -> Response:
        reader = self._open(method, path, body)
        try:
            status, headers = reader.head()
            return Response(status, headers, reader.rest(headers))
        finally:
            reader.close()

    # ---- calls -----------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None) -> Any:
        """JSON in, JSON out; an error answer becomes the matching HvmctlError subclass."""
        resp = self.request(method, path, body)
        if resp.status >= 400:
            raise _error_from(resp)
        if resp.headers.get("content-type", "").startswith("application/json"):
            return resp.json()
        return resp.body

    def act(self, name: str, body: Any = None, **params: str) -> Any:
        """Call action ``name`` of the action table (api/wire.py) with its path parameters
        (``ref=``, ``job=``): the only way the CLI reaches the daemon's actions."""
        method, path = route(name, **params)
        return self.call(method, path, body if body is not None or method == "GET" else {})

    def act_stream(self, name: str, body: Any = None, **params: str) -> Iterator[Any]:
        """:meth:`act` for an action that answers in JSON lines (progress, then a result)."""
        method, path = route(name, **params)
        return self.stream(method, path, body)

    def act_bytes(self, name: str, body: Any = None, **params: str) -> tuple[dict[str, str], "_Chunks"]:
        """:meth:`act` for an action that streams raw bytes: the answer's headers (who
        answered: ``x-hvmctl-forwarded`` names the pool member), then its body as it comes.
        An error answer raises before anything is returned."""
        method, path = route(name, **params)
        reader = self._open(method, path, body)
        try:
            status, headers = reader.head()
            if status >= 400:
                raise _error_from(Response(status, headers, reader.rest(headers)))
        except BaseException:
            reader.close()
            raise
        return headers, _Chunks(reader, headers)

    def act_progress(self, name: str, body: Any, update: Callable[[int, int], None], **params: str) -> Any:
        """A long action's answer: ``{"done", "total"}`` lines fed to ``update`` (a progress
        bar), then its result -- or its error, raised in the one error shape."""
        result = None
        for item in self.act_stream(name, body, **params):
            if "done" in item:
                update(int(item["done"]), int(item["total"]))
            elif "result" in item:
                result = item["result"]
            elif "error" in item:
                raise error_from(item["error"], item["message"])
        if result is None:
            raise DaemonError(f"the daemon ended {name} without a result (did it stop?)")
        return result

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body if body is not None else {})

    def stream(self, method: str, path: str, body: Any = None) -> Iterator[Any]:
        """The JSON lines of a streamed answer, each as it comes (an error answer raises)."""
        reader = self._open(method, path, body)
        try:
            status, headers = reader.head()
            if status >= 400:
                raise _error_from(Response(status, headers, reader.rest(headers)))
            for line in reader.lines(headers):
                yield loads(line)
        finally:
            reader.close()


class _Chunks:
    """A raw streamed body, chunk by chunk; ``close`` ends it at once (read or not)."""

    def __init__(self, reader: "_Reader", headers: dict[str, str]) -> None:
        self.reader = reader
        self.headers = headers

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.reader.body(self.headers)
        finally:
            self.reader.close()

    def close(self) -> None:
        self.reader.close()


class _Reader:
    """The answer to one HTTP/1.1 request: head, then a body plain (to its Content-Length or
    the end) or chunked. A daemon that goes away part-way is reported as that."""

    def __init__(self, sock: _socket.socket, what: str, log_path: str) -> None:
        self.sock = sock
        self.what = what
        self.log_path = log_path
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def _closed(self) -> DaemonError:
        return DaemonError(f"the daemon closed the connection while answering {self.what} (see {self.log_path})")

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except TimeoutError:
            raise DaemonError(f"the daemon did not take {self.what} in time") from None
        except OSError:
            raise self._closed() from None

    def _recv(self) -> bytes:
        try:
            return self.sock.recv(65536)
        except TimeoutError:
            raise DaemonError(f"the daemon did not answer {self.what} in time") from None
        except OSError:
            raise self._closed() from None

    def _fill(self) -> bool:
        data = self._recv()
        self.buf += data
        return bool(data)

    def head(self) -> tuple[int, dict[str, str]]:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                if self.buf[:5] != b"HTTP/"[:len(self.buf)]:
                    break  # not HTTP at all: malformed, below
                raise self._closed()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            if not lines[0].startswith("HTTP/"):
                raise ValueError(lines[0])
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            raise DaemonError(f"the daemon sent a malformed answer to {self.what}") from None
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        return status, headers

    def body(self, headers: dict[str, str]) -> Iterator[bytes]:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            yield from self._chunks()
            return
        length = headers.get("content-length", "")
        left = int(length) if length.isdigit() else None  # None: the body ends with the connection
        while True:
            if self.buf:
                data, self.buf = (self.buf, b"") if left is None else (self.buf[:left], b"")
                if left is not None:
                    left -= len(data)
                yield data
            if left == 0:
                return
            if not self._fill():
                if left:
                    raise self._closed()
                return

    def _chunks(self) -> Iterator[bytes]:
        while True:
            while b"\r\n" not in self.buf:
                if not self._fill():
                    raise self._closed()
            size_line, _, self.buf = self.buf.partition(b"\r\n")
            try:
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                raise DaemonError(f"the daemon sent a malformed answer to {self.what}") from None
            if size == 0:
                return
            while len(self.buf) < size + 2:
                if not self._fill():
                    raise self._closed()
            yield self.buf[:size]
            self.buf = self.buf[size + 2:]

    def rest(self, headers: dict[str, str]) -> bytes:
        return b"".join(self.body(headers))

    def lines(self, headers: dict[str, str]) -> Iterator[bytes]:
        pending = b""
        for chunk in self.body(headers):
            pending += chunk
            while b"\n" in pending:
                line, _, pending = pending.partition(b"\n")
                if line.strip():
                    yield line
        if pending.strip():
            yield pending


# ---- messages -------------------------------------------------------------------------------
def _who_may(socket_path: str) -> str:
    """Who may use the socket: root, or its group's members."""
    for path in (socket_path, os.path.dirname(socket_path)):
        try:
            gid = os.stat(path).st_gid
        except OSError:
            continue
        import grp

        try:
            group = grp.getgrgid(gid).gr_name
        except KeyError:
            group = str(gid)
        return f"run as root or join group {group}"
    return "run as root"


def _last_log_line(path: os.PathLike[str] | str, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            lines = [ln.strip() for ln in fh.read().decode(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1] if lines else "no message"


def error_from(kind: str, message: str) -> HvmctlError:
    """The HvmctlError subclass the daemon named by ``kind``, carrying its message as is."""
    cls = ERROR_KINDS.get(kind, HvmctlError)
    err = HvmctlError.__new__(cls)
    HvmctlError.__init__(err, message)
    return err


def _error_from(resp: Response) -> HvmctlError:
    try:
        data = resp.json()
        kind, message = data["error"], data["message"]
    except (ValueError, KeyError, TypeError):
        try:
            detail = resp.json().get("detail")
            message = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail)
        except (ValueError, AttributeError, KeyError, TypeError):
            message = resp.body.decode(errors="replace")[:200]
        return HvmctlError(f"daemon answered {resp.status}: {message}")
    return error_from(kind, message)
