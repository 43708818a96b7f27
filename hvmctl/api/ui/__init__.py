"""The web console at ``/ui/``: sign-in, a live dashboard, and each domain's consoles.

Mounted by ``api/app.py`` as :class:`LazyUI`, which imports the console's modules on the
first request under ``/ui/`` only: a daemon whose console nobody opens (every daemon
without a TCP listener) never pays for them. Everything the pages do goes through the
daemon's own actions (``/v1/...``, the action table of ``api/wire.py``), with the same role
checks and errors as any other client; the console adds pages, one event stream per page
(``ui/feed.py``) and the VNC and serial relays (``ui/relay.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon


class LazyUI:
    """An ASGI app that builds the real one (``ui/app.py``) on its first call."""

    def __init__(self, daemon: "Daemon") -> None:
        self.daemon = daemon
        self._app: Callable[..., Any] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._app is None:
            from hvmctl.api.ui.app import build

            self._app = build(self.daemon)
        await self._app(scope, receive, send)
