"""The daemon's remote endpoint: where a source daemon reaches this one to migrate a guest in.

- TCP with TLS and a token, on ``HVMCTL_REMOTE_LISTEN`` (``ADDR:PORT``; unset = no TCP
  endpoint at all). Certificate, key and token live in ``STATE_DIR/remote/`` and are made on
  first start (``hvmctl.migration.protocol``). A client that does not present the token in
  its first message is answered ``auth`` and disconnected; it never reaches an operation.
- A Unix socket ``RUN_DIR/migrate.sock`` (mode 0600: root, or the daemon's user, only) for
  the SSH transport: ``ssh HOST hvmctl migrate-receive`` pipes the channel into it, SSH having
  authenticated the peer.

Messages and operations are in ``hvmctl.migration.protocol``; one connection carries one
incoming migration and a connection that drops before ``finish`` discards it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from hvmctl.errors import ConfigError, HvmctlError
from hvmctl.migration import protocol, target
from hvmctl.qemu.version import binary_machines, binary_version

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.remote")

LISTEN_ENV = "HVMCTL_REMOTE_LISTEN"
IDLE_TIMEOUT = 60.0  # the source pings every few seconds while a migration runs
HELLO_MAX = 4096  # bytes: a hello is {"op": "hello", "args": {"token": ...}}, about 100
HELLO_TIMEOUT = 10.0


async def read_hello(reader: asyncio.StreamReader, timeout: float = HELLO_TIMEOUT) -> dict[str, Any] | None:
    """The first message, read with a small bound: an unauthenticated peer must not make the
    daemon wait for, or hold, a 16 MiB message. None when it is too large or not an object."""

    async def read() -> dict[str, Any] | None:
        (size,) = struct.unpack(">I", await reader.readexactly(4))
        if size > HELLO_MAX:
            return None  # refused on the header alone: the body is never read
        data = json.loads(await reader.readexactly(size))
        return data if isinstance(data, dict) else None

    return await asyncio.wait_for(read(), timeout)


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise ConfigError(f"{LISTEN_ENV}={value!r}: expected ADDR:PORT")
    return host.strip("[]") or "0.0.0.0", int(port)


def _keepalive(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for opt, value in (("TCP_KEEPIDLE", 5), ("TCP_KEEPINTVL", 2), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, opt):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, opt), value)


class RemoteEndpoint:
    def __init__(self, daemon: "Daemon") -> None:
        self.daemon = daemon
        self.servers: list[asyncio.AbstractServer] = []
        self.token: str | None = None
        self.address: tuple[str, int] | None = None
        self._warm: asyncio.Task[None] | None = None

    async def start(self) -> None:
        paths = self.daemon.paths
        unix_path = paths.run_dir / "migrate.sock"
        unix_path.unlink(missing_ok=True)
        old = os.umask(0o177)
        try:
            self.servers.append(await asyncio.start_unix_server(
                lambda r, w: self._serve(r, w, need_token=False), path=str(unix_path), limit=protocol.MAX_MESSAGE))
        finally:
            os.umask(old)
        listen = os.environ.get(LISTEN_ENV)
        if not listen:
            return
        host, port = parse_listen(listen)
        self.token = protocol.ensure_token(paths.state_dir)
        cert, key = await asyncio.to_thread(protocol.ensure_certificate, paths.state_dir, [host])
        ctx = protocol.server_context(cert, key)
        server = await asyncio.start_server(lambda r, w: self._serve(r, w, need_token=True), host, port, ssl=ctx,
                                            limit=protocol.MAX_MESSAGE, ssl_handshake_timeout=10.0)
        self.servers.append(server)
        bound = server.sockets[0].getsockname()
        self.address = (str(bound[0]), int(bound[1]))
        # what the first incoming migration would otherwise wait for (openssl runs, QEMU
        # probes): made now, in the background, so the daemon's start is not held up
        self._warm = asyncio.create_task(self._warm_up(host), name="remote-warm-up")
        log.info("remote endpoint: TLS on %s:%d (token in %s)", bound[0], bound[1],
                 protocol.remote_dir(paths.state_dir) / "token")

    async def _warm_up(self, host: str) -> None:
        paths = self.daemon.paths
        try:
            if host not in ("0.0.0.0", "::", ""):  # a wildcard: the leaf names the address a source uses
                await asyncio.to_thread(protocol.ensure_qemu_tls, paths.state_dir, [host])
            await asyncio.to_thread(binary_version, paths.qemu)
            await asyncio.to_thread(binary_machines, paths.qemu)
        except HvmctlError as exc:  # made (and reported) again on first use
            log.warning("remote endpoint: preparing migration material: %s", exc.message)

    async def close(self) -> None:
        if self._warm is not None:
            self._warm.cancel()
        for server in self.servers:
            server.close()
        for server in self.servers:
            try:
                await asyncio.wait_for(server.wait_closed(), 2.0)
            except asyncio.TimeoutError:
                pass
        (self.daemon.paths.run_dir / "migrate.sock").unlink(missing_ok=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, need_token: bool) -> None:
        peer = writer.get_extra_info("peername") or "unix"
        _keepalive(writer)
        session: target.IncomingSession | None = None
        try:
            first = await read_hello(reader) or {}
            args = first.get("args")
            given = args.get("token") if isinstance(args, dict) else None
            if first.get("op") != "hello" or (need_token and not protocol.token_ok(given, self.token or "")):
                log.warning("remote endpoint: refused %s (no valid token)", peer)
                await protocol.write_msg(writer, {"error": "auth", "message": "a valid token is required"})
                return
            await protocol.write_msg(writer, {"ok": {"host": os.uname().nodename}})
            sockname = writer.get_extra_info("sockname")
            listen_host = str(sockname[0]) if isinstance(sockname, tuple) else "127.0.0.1"
            session = target.IncomingSession(self.daemon, listen_host, tls=need_token)
            while True:
                msg = await protocol.read_msg(reader, timeout=IDLE_TIMEOUT)
                op = str(msg.get("op"))
                try:
                    result = await self._dispatch(session, op, msg.get("args") or {})
                except HvmctlError as exc:
                    await protocol.write_msg(writer, {"error": exc.kind, "message": exc.message})
                    continue
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    # the operation failed, not the connection: the source is told why (a
                    # silently closed connection reads there as "lost the connection")
                    log.exception("remote endpoint: %s from %s failed", op, peer)
                    await protocol.write_msg(writer, {"error": "host", "message": f"{op} failed here: "
                                                      f"{type(exc).__name__}: {exc}"})
                    continue
                await protocol.write_msg(writer, {"ok": result})
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError, OSError, ValueError):  # ssl.SSLError is an OSError
            pass
        except Exception:
            log.exception("remote endpoint: connection from %s failed", peer)
        finally:
            if session is not None and not session.done:
                await session.abort("the source's connection closed before the migration finished")
            writer.close()

    async def _dispatch(self, session: target.IncomingSession, op: str, args: dict[str, Any]) -> Any:
        """One operation of the table's REMOTE_OPS (wire.py), on this connection's session."""
        handler = _remote_handlers(session).get(op)
        if handler is None:
            raise HvmctlError(f"unknown operation {op!r}")
        return await handler(args)


async def _ping(args: dict[str, Any]) -> dict[str, Any]:
    return {}


def _remote_handlers(session: target.IncomingSession) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
    """The handler of each remote operation: exactly the table's (tests/unit/test_action_table.py)."""

    async def abort(args: dict[str, Any]) -> dict[str, Any]:
        await session.abort(str(args.get("why") or "the source aborted"), by_source=True)
        return {}

    async def status(args: dict[str, Any]) -> dict[str, Any]:
        return target.owner_status(session.daemon, args)

    return {"ping": _ping, "preflight": session.preflight, "prepare": session.prepare, "finish": session.finish,
            "abort": abort, "status": status}


async def start_remote(daemon: "Daemon") -> RemoteEndpoint:
    endpoint = RemoteEndpoint(daemon)
    await endpoint.start()
    return endpoint
