"""A byte relay the source daemon owns between its QEMU's NBD client (a Unix socket) and the
destination's NBD server.

Why: when the destination dies or the link is cut, QEMU's NBD client waits for the TCP
timeout (many minutes) with its main loop blocked in a flush, so nothing could resume the
guest. Closing our relay makes every pending request fail at once.

Over the ssh transport the destination's NBD server listens on its loopback only; each
upstream connection is then an ``ssh -W`` tunnel (``opener``) instead of a TCP connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

from hvmctl.errors import DaemonError

CHUNK = 1 << 18
CONNECT_TIMEOUT = 10.0


class NbdRelay:
    def __init__(self, host: str, port: int, path: Path,
                 opener: Callable[[], Awaitable[socket.socket]] | None = None) -> None:
        self.host, self.port, self.path = host, port, path
        self.opener = opener
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.path.unlink(missing_ok=True)
        old = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._accept, path=str(self.path))
        finally:
            os.umask(old)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            if self.opener is not None:
                up_r, up_w = await asyncio.wait_for(
                    asyncio.open_connection(sock=await self.opener()), CONNECT_TIMEOUT)
            else:
                up_r, up_w = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError, DaemonError):
            writer.close()
            return
        self._writers.add(up_w)
        pumps = [asyncio.create_task(self._pump(reader, up_w)), asyncio.create_task(self._pump(up_r, writer))]
        self._tasks.update(pumps)
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for task in pumps:
            task.cancel()
        for w in (writer, up_w):
            w.close()

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()

    @property
    def target_prefix(self) -> str:
        if self._server is None:
            raise DaemonError("NBD relay not started")
        return f"nbd:unix:{self.path}"

    async def close(self) -> None:
        """Cut every connection now: QEMU's pending NBD requests fail instead of hanging."""
        if self._server is not None:
            self._server.close()
        for w in list(self._writers):
            w.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        self.path.unlink(missing_ok=True)
