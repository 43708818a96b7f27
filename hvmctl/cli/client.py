"""A small HTTP/1.1 client over the daemon's Unix socket.

Deliberately stdlib-only and tiny (no http.client, no httpx): `xm list` must start fast.
Starts the daemon on demand when none answers.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from typing import Any

from hvmctl.errors import ERROR_KINDS, DaemonError, HvmctlError
from hvmctl.paths import Paths

DAEMON_START_TIMEOUT = 20.0


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Client:
    def __init__(self, paths: Paths, *, autostart: bool = True, timeout: float = 3700.0) -> None:
        self.paths = paths
        self.autostart = autostart and not os.environ.get("HVMCTL_NO_AUTOSTART")
        self.timeout = timeout

    # ---- transport ---------------------------------------------------------------------
    def _try_connect(self) -> socket.socket | None:
        """A connected socket, or None when no daemon listens."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.paths.socket))
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            return None

    def _connect(self) -> socket.socket:
        sock = self._try_connect()
        if sock is not None:
            return sock
        if not self.autostart:
            raise DaemonError(f"no hvmctl daemon listening on {self.paths.socket}")
        return self._start_daemon()

    def _start_daemon(self) -> socket.socket:
        import subprocess  # only here: most CLI runs find the daemon up

        self.paths.run_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.paths.run_dir / "daemon.log"
        start_at = log_path.stat().st_size if log_path.exists() else 0
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
            if proc.poll() is not None and not self.paths.socket.exists():
                # exit 0 = another daemon won the start-up race: keep waiting for its socket
                if proc.returncode != 0:
                    reason = _last_log_line(log_path, start_at)
                    raise DaemonError(f"the hvmctl daemon failed to start: {reason} (see {log_path})")
            time.sleep(0.05)
        raise DaemonError(f"the hvmctl daemon did not start within {DAEMON_START_TIMEOUT:.0f} s; see {log_path}")

    def request(self, method: str, path: str, body: Any = None) -> Response:
        payload = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: hvmctl\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode()
        sock = self._connect()
        try:
            sock.sendall(head + payload)
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            raise DaemonError(f"the daemon did not answer {method} {path} in time") from None
        except OSError as exc:
            raise DaemonError(
                f"the daemon dropped the connection during {method} {path} ({exc.strerror or exc}); "
                f"see {self.paths.run_dir / 'daemon.log'}"
            ) from None
        finally:
            sock.close()
        return _parse_response(b"".join(chunks))

    # ---- calls -----------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None) -> Any:
        """JSON in, JSON out; an error answer becomes the matching HvmctlError subclass."""
        resp = self.request(method, path, body)
        if resp.status >= 400:
            raise _error_from(resp)
        if resp.headers.get("content-type", "").startswith("application/json"):
            return resp.json()
        return resp.body

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body if body is not None else {})


def _last_log_line(path: os.PathLike[str] | str, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            lines = [ln.strip() for ln in fh.read().decode(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1] if lines else "no message"


def _parse_response(raw: bytes) -> Response:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        raise DaemonError("the daemon sent a malformed answer") from None
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return Response(status, headers, body)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


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
    cls = ERROR_KINDS.get(kind, HvmctlError)
    err = HvmctlError.__new__(cls)
    HvmctlError.__init__(err, message)
    return err
