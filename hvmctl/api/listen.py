"""The remote API: the daemon's FastAPI app served over HTTPS on ``HVMCTL_LISTEN=HOST:PORT``.

The same app as the Unix socket (same routes, same ``/openapi.json``), behind a guard that
only this listener has (the Unix socket is root's and needs no token):

- each request is matched to its action of the table (api/wire.py) and needs that action's
  role; no credentials or bad ones -> 401, a lower role -> 403, in the API's one error shape,
  answered before a byte of the body is read (an unauthenticated client sends headers only,
  and those are capped by h11 at ``HEAD_LIMIT``);
- failed attempts per client IP back off (``Backoff``: after ``FREE_FAILURES`` failures each
  further one doubles the wait, up to a minute; 429 with Retry-After meanwhile);
- at most ``HVMCTL_LISTEN_PER_IP`` open connections per client IP (default 32), WebSocket
  messages at most ``HVMCTL_WS_MAX_FRAME`` bytes (default 1 MiB; uvicorn enforces it);
- paths under ``/ui`` are the web console's, which checks its own sessions (auth.require);
  ``/openapi.json`` is public (it is the same for everyone and holds no state).

TLS only: a plain-HTTP client fails the handshake and is disconnected. The certificate is
``HVMCTL_TLS_CERT``/``HVMCTL_TLS_KEY``, else the one the migration endpoint makes in
``STATE_DIR/remote/`` on first start (self-signed; clients pin its fingerprint or pass it as
``--ca``). Imported only when HVMCTL_LISTEN is set: the daemon's start stays lean.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from hvmctl.api import auth, routing
from hvmctl.api.wire import ACTIONS
from hvmctl.errors import ConfigError

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.listen")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LISTEN_ENV = "HVMCTL_LISTEN"
CERT_ENV, KEY_ENV = "HVMCTL_TLS_CERT", "HVMCTL_TLS_KEY"
PER_IP_ENV = "HVMCTL_LISTEN_PER_IP"
WS_FRAME_ENV = "HVMCTL_WS_MAX_FRAME"
DEFAULT_PER_IP = 32
DEFAULT_WS_MAX_FRAME = 1 << 20
HEAD_LIMIT = 8 * 1024  # bytes of request line and headers (cookies and a token fit easily)
FREE_FAILURES = 5
MAX_BACKOFF = 60.0
UNGUARDED = ("/ui", "/ui/")  # the web console's: it checks its own sessions (auth.require)
PUBLIC_PATHS = frozenset({"/openapi.json"})
SCOPE_BACKOFF = "hvmctl.backoff"


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{LISTEN_ENV}={value!r}: expected HOST:PORT")
    return host.strip("[]") or "0.0.0.0", int(port)


def listen_address(environ: MutableMapping[str, str] | None = None) -> str | None:
    """HOST:PORT to serve the remote API on, or None (off): HVMCTL_LISTEN."""
    return ((os.environ if environ is None else environ).get(LISTEN_ENV) or "").strip() or None


def _int_env(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise ConfigError(f"{name}={text!r}: expected a positive number")
    return int(text)


class Backoff:
    """Failed authentications per client IP: after FREE_FAILURES, each further failure
    doubles the time the IP must wait before it is heard again (up to MAX_BACKOFF)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}  # ip -> (count, blocked until)

    def wait(self, ip: str) -> float:
        """Seconds ``ip`` must still wait (0: it may try)."""
        entry = self.failures.get(ip)
        return max(0.0, entry[1] - self.clock()) if entry else 0.0

    def failed(self, ip: str) -> None:
        count = self.failures.get(ip, (0, 0.0))[0] + 1
        delay = 0.0 if count < FREE_FAILURES else min(MAX_BACKOFF, 2.0 ** (count - FREE_FAILURES))
        self.failures[ip] = (count, self.clock() + delay)
        if len(self.failures) > 10000:  # forget the IPs that are allowed again
            now = self.clock()
            self.failures = {k: v for k, v in self.failures.items() if v[1] > now}

    def succeeded(self, ip: str) -> None:
        self.failures.pop(ip, None)


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


def login_failed(conn: Any) -> None:
    """The web console's sign-in reports a wrong token here (the same per-IP backoff)."""
    scope = getattr(conn, "scope", conn)
    backoff = scope.get(SCOPE_BACKOFF)
    if isinstance(backoff, Backoff):
        backoff.failed(_client_ip(scope))


def login_wait(conn: Any) -> float:
    """Seconds the connection's IP must wait before another sign-in attempt is heard."""
    scope = getattr(conn, "scope", conn)
    backoff = scope.get(SCOPE_BACKOFF)
    return backoff.wait(_client_ip(scope)) if isinstance(backoff, Backoff) else 0.0


async def _answer(send: Send, status: int, kind: str, message: str, extra: list[tuple[bytes, bytes]] = []) -> None:
    body = json.dumps({"error": kind, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *extra]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI wrapper of the TCP listener: who is calling, and may they (see the module doc)."""

    def __init__(self, app: ASGIApp, daemon: "Daemon", backoff: Backoff | None = None) -> None:
        self.app = app
        self.daemon = daemon
        self.backoff = backoff or Backoff()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope[auth.SCOPE_STORES] = (self.daemon.tokens, self.daemon.sessions)
        scope[SCOPE_BACKOFF] = self.backoff
        path = str(scope.get("path", ""))
        if path in PUBLIC_PATHS or path == UNGUARDED[0] or path.startswith(UNGUARDED[1]):
            await self.app(scope, receive, send)
            return
        ip = _client_ip(scope)
        wait = self.backoff.wait(ip)
        if wait > 0:
            await self._refuse(scope, send, 429, "auth", f"too many failed attempts from {ip}; "
                               f"try again in {wait:.0f} s", [(b"retry-after", str(int(wait) + 1).encode())])
            return
        method = str(scope.get("method", "GET"))
        found = routing.match(method, path)
        need = ACTIONS[found[0]].role if found else "viewer"  # docs, unknown paths: any caller
        principal = auth.principal_of(scope)
        if principal is None:
            if self._live_session(scope):
                await self._refuse(scope, send, 403, "forbidden",
                                   f"a signed-in browser must send the session's {auth.CSRF_HEADER} header")
                return
            if auth.credentials_given(scope):
                self.backoff.failed(ip)
                await self._refuse(scope, send, 401, "auth", "the token is not valid (wrong, or revoked)")
            else:
                await self._refuse(scope, send, 401, "auth", "a token is required: Authorization: Bearer TOKEN")
            return
        self.backoff.succeeded(ip)
        scope[auth.SCOPE_PRINCIPAL] = principal
        if not auth.role_allows(principal.role, need):
            what = found[0] if found else path
            await self._refuse(scope, send, 403, "forbidden",
                               f"{principal.name} has role {principal.role}; {what} needs {need}")
            return
        await self.app(scope, receive, send)

    def _live_session(self, scope: Scope) -> bool:
        sid = auth._cookie(scope, auth.SESSION_COOKIE)
        return sid is not None and auth.bearer(scope) is None and self.daemon.sessions.get(sid) is not None

    async def _refuse(self, scope: Scope, send: Send, status: int, kind: str, message: str,
                      extra: list[tuple[bytes, bytes]] = []) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        await _answer(send, status, kind, message, extra)


def _protocol_class(per_ip: int) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol, counting open connections per client IP (WebSockets too,
    after their upgrade): a connection over the limit is closed as it arrives."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    open_per_ip: dict[str, int] = {}

    class PerIPLimited(H11Protocol):
        _counted: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            ip = str(peer[0]) if isinstance(peer, tuple) else "?"
            if open_per_ip.get(ip, 0) >= per_ip:
                log.warning("remote API: %s has %d connections open; refusing one more", ip, per_ip)
                transport.close()
                return
            open_per_ip[ip] = open_per_ip.get(ip, 0) + 1
            self._counted = ip

        def _release(self) -> None:
            ip, self._counted = self._counted, None
            if ip is not None:
                left = open_per_ip.get(ip, 1) - 1
                if left > 0:
                    open_per_ip[ip] = left
                else:
                    open_per_ip.pop(ip, None)

        def connection_lost(self, exc: Exception | None) -> None:
            self._release()
            super().connection_lost(exc)

        def handle_websocket_upgrade(self, event: Any) -> None:
            super().handle_websocket_upgrade(event)
            ws = self.transport.get_protocol()
            inner = ws.connection_lost
            release = self._release

            def lost(exc: Exception | None) -> None:
                release()
                inner(exc)

            ws.connection_lost = lost  # type: ignore[method-assign]

    PerIPLimited.open_per_ip = open_per_ip  # type: ignore[attr-defined]  # for tests
    return PerIPLimited


def tls_material(daemon: "Daemon", host: str) -> tuple[str, str]:
    """(cert, key) paths: HVMCTL_TLS_CERT/KEY, else the endpoint's self-signed pair."""
    cert, key = os.environ.get(CERT_ENV), os.environ.get(KEY_ENV)
    if cert or key:
        if not (cert and key):
            raise ConfigError(f"set both {CERT_ENV} and {KEY_ENV}, or neither")
        for path in (cert, key):
            if not os.path.isfile(path):
                raise ConfigError(f"{path}: no such file", file=CERT_ENV if path == cert else KEY_ENV)
        return cert, key
    from hvmctl.migration import protocol

    names = [] if host in ("0.0.0.0", "::", "") else [host]
    made = protocol.ensure_certificate(daemon.paths.state_dir, names)
    return str(made[0]), str(made[1])


class Listener:
    """The HTTPS server of the remote API (one uvicorn server on the daemon's loop)."""

    def __init__(self, daemon: "Daemon", app: ASGIApp, address: str) -> None:
        """``app``: the daemon's FastAPI app itself; the guard and the audit log go around it."""
        self.daemon = daemon
        self.app = app
        self.host, self.port = parse_listen(address)
        self.server: Any = None
        self.task: asyncio.Task[None] | None = None
        self.bound: tuple[str, int] | None = None
        self.cert: str | None = None

    async def start(self) -> None:
        import socket

        from hvmctl import tlsload

        tlsload.load()  # before uvicorn, which imports ssl itself (the daemon blocks it till now)
        import uvicorn

        from hvmctl.api.audit import Audit

        cert, key = await asyncio.to_thread(tls_material, self.daemon, self.host)
        self.cert = cert
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise ConfigError(f"{LISTEN_ENV}={self.host}:{self.port}: cannot listen: {exc.strerror or exc}") from exc
        sock.listen(128)
        sock.setblocking(False)
        bound = sock.getsockname()
        self.bound = (str(bound[0]), int(bound[1]))
        config = uvicorn.Config(
            Audit(Guard(self.app, self.daemon), self.daemon.paths.log_dir),
            log_level="warning", access_log=False, lifespan="off",
            timeout_graceful_shutdown=2, ssl_certfile=cert, ssl_keyfile=key,
            http=_protocol_class(_int_env(PER_IP_ENV, DEFAULT_PER_IP)),
            ws_max_size=_int_env(WS_FRAME_ENV, DEFAULT_WS_MAX_FRAME), h11_max_incomplete_event_size=HEAD_LIMIT,
            timeout_keep_alive=30,
        )
        self.server = _server_class()(config)
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]), name="remote-api")
        while not self.server.started and not self.task.done():
            await asyncio.sleep(0.005)
        if self.task.done():
            self.task.result()  # its error, raised here
        log.info("remote API: HTTPS on %s:%d (certificate %s)", self.bound[0], self.bound[1], cert)

    async def close(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, 5.0)
            except (asyncio.TimeoutError, Exception):
                self.task.cancel()


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn without its signal handlers: SIGTERM is the daemon's (daemon/main.py),
        which closes this listener as part of its own stop."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server


async def start_listener(daemon: "Daemon", app: ASGIApp, address: str) -> Listener:
    listener = Listener(daemon, app, address)
    await listener.start()
    return listener
