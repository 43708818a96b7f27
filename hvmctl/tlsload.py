"""ssl only when something speaks TLS: ~1.5 MiB of the daemon's RSS, plus libcrypto's.

asyncio and http.client import ssl on their own, inside ``try: import ssl except
ImportError``. The daemon calls :func:`block` before it imports asyncio, so asyncio loads
without it; then :func:`defer`, so a library imported later that names ssl at its import
(qemu.qmp, pyroute2, anyio: in annotations, or for a function it never calls here) gets a
stand-in, which loads the real module the moment anything of it is used. Every TLS user of
the daemon (the migration endpoint, the remote HTTPS listener, the pool's relay) calls
:func:`load` first: it imports the real module, gives it to asyncio's modules that hold
``ssl = None`` since their import, and puts it in place of every stand-in. The CLI calls
none of these: it keeps the ordinary ssl.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

# asyncio's modules with a module-level ``ssl`` (3.11: the three that import it)
ASYNCIO_HOLDERS = ("asyncio.base_events", "asyncio.selector_events", "asyncio.sslproto")

_lock = threading.RLock()


class _StandInContext:
    """ssl.SSLContext's stand-in (``from ssl import SSLContext`` at a library's import):
    making one loads ssl and makes a real one."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return load().SSLContext(*args, **kwargs)


class _StandIn(types.ModuleType):
    """sys.modules["ssl"] until something uses it: any attribute loads the real module."""

    def __getattr__(self, name: str) -> Any:
        if name == "SSLContext":
            return _StandInContext
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(load(), name)


def block() -> bool:
    """Keep ssl out of the modules imported from here on (``import ssl`` raises
    ImportError); False if it is loaded already (nothing changes then)."""
    with _lock:
        if "ssl" in sys.modules:
            return sys.modules["ssl"] is None
        sys.modules["ssl"] = None  # type: ignore[assignment]
        return True


def defer() -> None:
    """After asyncio's import: a blocked ssl becomes the stand-in (see the module docstring)."""
    with _lock:
        if "ssl" in sys.modules and sys.modules["ssl"] is None:
            sys.modules["ssl"] = _StandIn("ssl")


def loaded() -> bool:
    current = sys.modules.get("ssl")
    return current is not None and not isinstance(current, _StandIn)


def load() -> types.ModuleType:
    """The real ssl module, imported now if need be and wired into asyncio. Callers then
    ``import ssl`` (typed) and get this one."""
    with _lock:
        current = sys.modules.get("ssl")
        if current is not None and not isinstance(current, _StandIn):
            return current
        sys.modules.pop("ssl", None)
        import ssl

        for name in ASYNCIO_HOLDERS:
            module = sys.modules.get(name)
            if module is not None and getattr(module, "ssl", None) is None:
                module.ssl = ssl  # type: ignore[attr-defined]
        sslproto = sys.modules.get("asyncio.sslproto")
        if sslproto is not None and not hasattr(sslproto, "SSLAgainErrors"):
            # computed at its import, only when ssl was there
            sslproto.SSLAgainErrors = (ssl.SSLWantReadError, ssl.SSLSyscallError)  # type: ignore[attr-defined]
        _replace_stand_ins(ssl)
        return ssl


def _replace_stand_ins(ssl: types.ModuleType) -> None:
    """Modules imported while the stand-in was there hold it (or its SSLContext): the real
    ones from now on."""
    me = sys.modules[__name__]
    for module in list(sys.modules.values()):
        names = getattr(module, "__dict__", None)
        if module is me or not isinstance(names, dict):
            continue
        for key, value in list(names.items()):
            if isinstance(value, _StandIn):
                names[key] = ssl
            elif value is _StandInContext:
                names[key] = ssl.SSLContext
