"""One object owns one QMP connection to one QEMU process.

A QMP socket serves one client at a time, so the daemon holds each guest's connection and
every other user goes through the daemon. Events are delivered to a queue (not to callbacks
that mutate shared state); losing the connection is delivered as an event too, so the
consumer always learns that QEMU went away.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from qemu.qmp import EventListener, ExecuteError, QMPClient, QMPError

from hvmctl.errors import QemuError, TimeoutError_

from hvmctl.qemu.events import MONITOR_CLOSED as MONITOR_CLOSED  # re-exported


class Monitor:
    """The QMP connection of one guest, with its event queue."""

    def __init__(self, socket_path: str | os.PathLike[str], name: str) -> None:
        self.socket_path = str(socket_path)
        self.name = name
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._client = QMPClient(name)
        self._listener = EventListener()
        self._pump: asyncio.Task[None] | None = None
        self._closing = False

    async def connect(self, timeout: float = 10.0, alive: Callable[[], bool] | None = None) -> None:
        """Connect, retrying while QEMU creates the socket; give up early if it died."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        delay = 0.005
        while True:
            try:
                await asyncio.wait_for(self._client.connect(self.socket_path), max(0.1, deadline - loop.time()))
                break
            except (QMPError, OSError, asyncio.TimeoutError) as exc:
                if alive is not None and not alive():
                    raise QemuError(f"{self.name}: QEMU exited before its monitor answered") from exc
                if loop.time() >= deadline:
                    raise TimeoutError_(
                        f"{self.name}: QMP socket {self.socket_path} did not answer within {timeout:.0f} s",
                        cause=exc,
                    ) from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.01)  # QEMU makes the socket within ~0.1 s: don't oversleep it
        self._client.register_listener(self._listener)
        self._pump = asyncio.create_task(self._pump_events(), name=f"qmp-events-{self.name}")

    async def _pump_events(self) -> None:
        """Move QMP events to our queue; when the connection drops, say so."""
        events = asyncio.create_task(self._forward())
        closed = asyncio.create_task(self._wait_disconnect())
        try:
            await asyncio.wait({events, closed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            events.cancel()
            closed.cancel()
        # drain what already arrived before announcing the loss
        for event in self._listener.clear():
            self.events.put_nowait(dict(event))
        if not self._closing:
            self.events.put_nowait({"event": MONITOR_CLOSED, "data": {}})

    async def _forward(self) -> None:
        async for event in self._listener:
            self.events.put_nowait(dict(event))

    async def _wait_disconnect(self) -> None:
        from qemu.qmp.protocol import Runstate

        while self._client.runstate == Runstate.RUNNING:
            await self._client.runstate_changed()

    async def execute(self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        """Run one QMP command; a QMP error becomes QemuError naming the command and class."""
        try:
            return await asyncio.wait_for(self._client.execute(command, arguments), timeout)
        except ExecuteError as exc:
            raise QemuError(f"{self.name}: {command}: {exc.error_class}: {exc.error.error.desc}", cause=exc) from exc
        except asyncio.TimeoutError as exc:
            raise TimeoutError_(f"{self.name}: {command}: no answer within {timeout:.0f} s") from exc
        except (QMPError, OSError) as exc:
            raise QemuError(f"{self.name}: {command}: monitor connection lost ({exc})", cause=exc) from exc

    def listen(self, names: list[str]) -> EventListener:
        """An extra listener for some events, beside the queue the supervisor consumes: a
        caller that must react to one (a migration's MIGRATION/STOP/RESUME) at once, with
        QEMU's timestamps, instead of polling. Remove it with ``unlisten``."""
        listener = EventListener(names)
        self._client.register_listener(listener)
        return listener

    def unlisten(self, listener: EventListener) -> None:
        try:
            self._client.remove_listener(listener)
        except (ValueError, KeyError):
            pass

    def send_fd(self, fd: int) -> None:
        """Pass a file descriptor over the socket (for ``getfd``)."""
        self._client.send_fd_scm(fd)

    async def close(self) -> None:
        self._closing = True
        try:
            await asyncio.wait_for(self._client.disconnect(), 2.0)
        except (QMPError, OSError, EOFError, asyncio.TimeoutError):
            pass  # disconnect() re-raises how the peer left (EOF after 'quit'): that is expected
        if self._pump is not None:
            self._pump.cancel()
