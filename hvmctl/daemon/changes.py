"""A change counter the daemon bumps whenever a domain's record is written or dropped.

Every state change, live-definition change and new or removed domain goes through
``Daemon.persist``/``Daemon.undefine`` (write-ahead records), so bumping here misses nothing
and costs one increment. Watchers (the web console's event stream) wait on it instead of
polling: each wakes once per burst of changes and reads the current view itself.
"""

from __future__ import annotations

import asyncio


class ChangeFeed:
    def __init__(self) -> None:
        self.version = 0
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        """Called from the daemon's event loop (it owns every domain)."""
        self.version += 1
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seen: int, timeout: float) -> int:
        """The version once it is past ``seen``, or the current one after ``timeout`` s."""
        if self.version != seen:
            return self.version
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        return self.version
