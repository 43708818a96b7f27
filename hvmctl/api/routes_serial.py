"""The serial console as two plain actions, so ``xm console`` works for a domain on another
pool member (relayed by pool/forward.py like any other action) and remotely.

- ``serial-out``: the console log (what QEMU writes whoever is attached) from its current
  end on, streamed as raw bytes until the domain stops or the caller goes away.
- ``serial-in``: keys into the serial socket, on a connection held while keys come (QEMU's
  socket takes one client at a time; ``xm console`` on the guest's own host holds it).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import StreamingResponse
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS
from hvmctl.errors import HostError, StateError

TAIL_EVERY = 0.05  # seconds between two reads of a quiet console log
STATE_EVERY = 1.0  # seconds between two looks at whether the domain still has a console
MAX_KEYS = 64 * 1024  # characters in one serial-in call
HOLD = 1.0  # seconds a serial connection is kept after the last keys


class SerialKeys(msgspec.Struct, kw_only=True):
    keys: Annotated[str, Meta(description="bytes for the guest's ttyS0, as latin-1 text", max_length=MAX_KEYS)]


def _paths(daemon: Daemon, ref: str) -> tuple[str, str]:
    dom = daemon.lookup(ref)
    dom.require("console")
    row = dom.summary()
    if not row.get("console_log") or not row.get("serial_socket"):
        raise StateError(f"domain '{dom.name}': serial console goes to {dom.config.serial!r}, not to a console")
    return str(row["console_log"]), str(row["serial_socket"])


async def _tail(daemon: Daemon, ref: str, path: str) -> AsyncIterator[bytes]:
    """The log from its end now; it ends when the domain is gone or has no console any more."""
    uuid = daemon.lookup(ref).uuid
    fh = open(path, "rb") if os.path.exists(path) else None
    if fh is not None:
        fh.seek(0, os.SEEK_END)
    yield b""  # the answer starts now: keys typed from here on are answered in the stream
    looked = asyncio.get_running_loop().time()
    try:
        while True:
            data = fh.read(65536) if fh is not None else b""
            if data:
                yield data
                continue
            now = asyncio.get_running_loop().time()
            if now - looked >= STATE_EVERY:
                looked = now
                dom = daemon.domains.get(uuid)
                if dom is None or dom.state not in STATE_ACTIONS["console"]:
                    return
                if fh is None and os.path.exists(path):
                    fh = open(path, "rb")
            await asyncio.sleep(TAIL_EVERY)
    finally:
        if fh is not None:
            fh.close()


class _Held:
    """One serial connection per domain, kept while keys come and given back after
    ``HOLD`` idle seconds: QEMU drops what its UART has not taken yet when the client
    closes, so closing right after the write would lose the end of a typed line."""

    def __init__(self) -> None:
        self.writers: dict[str, asyncio.StreamWriter] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.lock = asyncio.Lock()

    async def send(self, key: str, socket_path: str, name: str, data: bytes) -> None:
        async with self.lock:
            writer = self.writers.get(key)
            if writer is None or writer.is_closing():
                writer = await self._connect(socket_path, name)
                self.writers[key] = writer
            if key in self.timers:
                self.timers.pop(key).cancel()
            try:
                writer.write(data)
                await asyncio.wait_for(writer.drain(), 5)
            except (OSError, asyncio.TimeoutError):
                self.release(key)
                raise HostError(f"domain '{name}': the serial port at {socket_path} stopped taking keys") from None
            self.timers[key] = asyncio.get_running_loop().call_later(HOLD, self.release, key)

    @staticmethod
    async def _connect(socket_path: str, name: str) -> asyncio.StreamWriter:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(socket_path), 5)
        except (OSError, asyncio.TimeoutError):
            raise HostError(f"domain '{name}': the serial port at {socket_path} is busy or gone "
                            f"(is `xm console` attached on its host?)") from None
        asyncio.ensure_future(_discard(reader))
        return writer

    def release(self, key: str) -> None:
        self.timers.pop(key, None)
        writer = self.writers.pop(key, None)
        if writer is not None:
            writer.close()


async def _discard(reader: asyncio.StreamReader) -> None:
    """What QEMU sends this connection is in the console log already: dropped, so the
    guest's UART never waits on us."""
    while await reader.read(65536):
        pass


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()
    held = _Held()

    @act("serial-out", response_class=StreamingResponse,
         responses={200: {"content": {"application/octet-stream": {}}}})
    async def serial_out(ref: str) -> StreamingResponse:
        """Raw bytes, as the guest writes them, from now on."""
        log_path, _ = _paths(daemon, ref)
        return StreamingResponse(_tail(daemon, ref, log_path), media_type="application/octet-stream")

    @act("serial-in")
    async def serial_in(ref: str, req: SerialKeys) -> dict[str, int]:
        _, socket_path = _paths(daemon, ref)
        data = req.keys.encode("latin-1", errors="replace")
        dom = daemon.lookup(ref)
        await held.send(dom.uuid, socket_path, dom.name, data)
        return {"sent": len(data)}

    return act
