"""The console page's two WebSockets, relayed by the daemon.

- VNC: binary frames to and from the guest's VNC server over one end of a socketpair whose
  other end the daemon hands to QEMU as a client (hvmctl.daemon.vncserve; no TCP hop, so
  ``vnclisten`` does not matter); noVNC speaks RFB itself.
- Serial: the guest's output is the console log (``LOG_DIR/NAME.console.log``, which QEMU
  writes whoever is attached), tailed from its last few KiB; keys go into the serial socket
  on a connection held only while the user types (closed after ``SERIAL_IDLE`` s), the
  way scripts and tests type into it: ``xm console`` and the page share the port instead of
  one holding it for as long as a browser tab stays open.

Each socket needs the console role, a domain state that allows ``console``, and a live
session: it is closed (code 4401) as soon as its token is revoked or its session ends.
Client frames are limited (``MAX_FRAME``; larger ones close the socket with 1009).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from hvmctl.api import auth
from hvmctl.api.ui import access
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS
from hvmctl.errors import HvmctlError, one_line

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

#: consoles are the operator's (issue 12: "operator: lifecycle, consoles, media"); they are
#: WebSockets, not actions of the HTTP table, so the role is named here once
CONSOLE_ROLE = "operator"
MAX_FRAME = 64 * 1024  # bytes in one client frame: RFB client messages and typed keys are small
CHECK_EVERY = 1.0  # seconds between two looks at the session (a revoke is also pushed at once)
SERIAL_IDLE = 1.0  # seconds without a key before the serial connection is given back
SERIAL_BACKLOG = 16 * 1024  # bytes of the console log shown on opening
TAIL_EVERY = 0.05  # seconds between two reads of a quiet console log
CLOSE_REVOKED = 4401
CLOSE_REFUSED = 4403
CLOSE_GONE = 4404
CLOSE_TOO_BIG = 1009

Pump = Callable[[], Awaitable[None]]


class Closed(Exception):
    """Why a relay ends, as a WebSocket close code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason[:120]  # a close reason fits in one control frame


async def admit(daemon: "Daemon", ws: WebSocket) -> tuple[auth.Principal, "Domain"] | None:
    """Accept the socket; keep it only for a signed-in operator and a domain with a console."""
    principal = auth.principal_of(ws)
    offered = ws.scope.get("subprotocols") or []
    await ws.accept(subprotocol="binary" if "binary" in offered else None)
    try:
        if principal is None:
            raise Closed(CLOSE_REVOKED, "sign in first")
        if not auth.role_allows(principal.role, CONSOLE_ROLE):
            raise Closed(CLOSE_REFUSED, f"{principal.name} has role {principal.role}; consoles need {CONSOLE_ROLE}")
        try:
            dom = daemon.lookup(ws.path_params["name"])
            dom.require("console")
        except HvmctlError as exc:
            raise Closed(CLOSE_GONE, one_line(exc.message)) from None
    except Closed as why:
        await ws.close(why.code, why.reason)
        return None
    return principal, dom


async def guard(daemon: "Daemon", ws: WebSocket, principal: auth.Principal, dom: "Domain") -> None:
    """Returns (raising Closed) once the principal's token is revoked or the session ends,
    or the domain has no console any more (stopped, or gone)."""
    revoked = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_revoke(name: str) -> None:
        if name == principal.name:
            loop.call_soon_threadsafe(revoked.set)

    listeners = access.stores(daemon, ws)[0].on_revoke if principal.via != "unix" else []
    listeners.append(on_revoke)
    try:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(revoked.wait(), CHECK_EVERY)
            if revoked.is_set() or not access.still_valid(daemon, ws, principal):
                raise Closed(CLOSE_REVOKED, "the session ended or its token was revoked")
            if daemon.domains.get(dom.uuid) is not dom or dom.state not in STATE_ACTIONS["console"]:
                raise Closed(CLOSE_GONE, f"domain '{dom.name}' is {dom.state.value}: no console")
    finally:
        with contextlib.suppress(ValueError):
            listeners.remove(on_revoke)


async def receive(ws: WebSocket) -> bytes:
    """One client frame's payload; Closed on a frame over the limit, EOFError when gone."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise EOFError
    data: bytes = message.get("bytes") or (message.get("text") or "").encode()
    if len(data) > MAX_FRAME:
        raise Closed(CLOSE_TOO_BIG, f"frame of {len(data)} bytes; the limit is {MAX_FRAME}")
    return data


async def run(ws: WebSocket, *pumps: Pump) -> None:
    """Run the pumps until one ends; then stop the others and close the socket saying why."""
    tasks = [asyncio.ensure_future(pump()) for pump in pumps]
    code, reason = 1000, "closed"
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            exc = task.exception()
            if isinstance(exc, Closed):
                code, reason = exc.code, exc.reason
            elif isinstance(exc, (EOFError, WebSocketDisconnect)):
                code, reason = 1000, "closed by the browser"
            elif isinstance(exc, (OSError, HvmctlError)):
                code, reason = 1011, one_line(str(exc))[:120]
            elif exc is not None:
                raise exc
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    with contextlib.suppress(Exception):
        await ws.close(code, reason)


def vnc_endpoint(daemon: "Daemon") -> Callable[[WebSocket], Awaitable[None]]:
    async def vnc(ws: WebSocket) -> None:
        admitted = await admit(daemon, ws)
        if admitted is None:
            return
        principal, dom = admitted
        from hvmctl.daemon import vncserve

        try:
            if dom.config.vfb is None or dom.config.vfb.type != "vnc" or dom.monitor is None:
                raise Closed(CLOSE_GONE, f"domain '{dom.name}' has no VNC console")
            sock = await vncserve.open_client(dom)
            reader, writer = await asyncio.open_connection(sock=sock)
        except (Closed, HvmctlError, OSError) as exc:
            why = exc if isinstance(exc, Closed) else Closed(1011, f"cannot reach the guest's VNC: {one_line(str(exc))}")
            await ws.close(why.code, why.reason)
            return

        async def to_guest() -> None:
            while True:
                writer.write(await receive(ws))
                await writer.drain()

        async def to_browser() -> None:
            while data := await reader.read(65536):
                await ws.send_bytes(data)
            raise Closed(1000, "the guest's VNC server closed the connection")

        try:
            await run(ws, to_guest, to_browser, lambda: guard(daemon, ws, principal, dom))
        finally:
            writer.close()

    return vnc


class SerialInput:
    """Keys into the guest's serial socket, on a connection held only while typing."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.writer: asyncio.StreamWriter | None = None
        self._discard: asyncio.Task[None] | None = None

    async def send(self, data: bytes) -> None:
        writer = self.writer or await self._connect()
        writer.write(data)
        await asyncio.wait_for(writer.drain(), 5)

    async def _connect(self) -> asyncio.StreamWriter:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(self.path), 2)
        except (OSError, asyncio.TimeoutError):
            raise Closed(1011, "the serial port is busy or gone (is `xm console` attached?)") from None
        self.writer = writer
        self._discard = asyncio.ensure_future(self._drain(reader))
        return writer

    @staticmethod
    async def _drain(reader: asyncio.StreamReader) -> None:
        """What QEMU sends this connection is in the console log already: read and drop it,
        so the guest's UART never waits on us."""
        while await reader.read(65536):
            pass

    def release(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self._discard is not None:
            self._discard.cancel()
            self._discard = None


async def tail(path: str, ws: WebSocket) -> None:
    """The console log from its last ``SERIAL_BACKLOG`` bytes on, as the guest writes it."""
    while not os.path.exists(path):
        await asyncio.sleep(TAIL_EVERY * 4)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        fh.seek(max(0, size - SERIAL_BACKLOG))
        if size > SERIAL_BACKLOG:
            fh.readline()  # start on a line of its own
        while True:
            data = fh.read(65536)
            if data:
                await ws.send_bytes(data)
            else:
                await asyncio.sleep(TAIL_EVERY)


def serial_paths(dom: "Domain") -> tuple[str, str]:
    row: dict[str, Any] = dom.summary()
    if not row.get("console_log") or not row.get("serial_socket"):
        raise Closed(CLOSE_GONE, f"domain '{dom.name}' has no serial console (serial = {dom.config.serial!r})")
    return str(row["console_log"]), str(row["serial_socket"])


def serial_endpoint(daemon: "Daemon") -> Callable[[WebSocket], Awaitable[None]]:
    async def serial(ws: WebSocket) -> None:
        admitted = await admit(daemon, ws)
        if admitted is None:
            return
        principal, dom = admitted
        try:
            log_path, socket_path = serial_paths(dom)
        except Closed as why:
            await ws.close(why.code, why.reason)
            return
        keys = SerialInput(socket_path)

        async def to_guest() -> None:
            while True:
                try:
                    data = await asyncio.wait_for(receive(ws), SERIAL_IDLE if keys.writer else None)
                except asyncio.TimeoutError:
                    keys.release()
                    continue
                await keys.send(data)

        try:
            await run(ws, to_guest, lambda: tail(log_path, ws), lambda: guard(daemon, ws, principal, dom))
        finally:
            keys.release()

    return serial
