"""ssl only when something speaks TLS: 4.5 MiB of the daemon's RSS (libssl + libcrypto).

asyncio and http.client import ssl on their own, inside ``try: import ssl except
ImportError``. The daemon calls :func:`block` before it imports asyncio, so they load
without it; every TLS user of the daemon (the migration endpoint, the remote HTTPS
listener, the pool's relay and its etcd client) calls :func:`load` first, which imports the
real module and gives it to asyncio's modules that hold ``ssl = None`` since. The CLI never
calls :func:`block`.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
# asyncio's modules with a module-level ``ssl`` (3.11: the three imports of it)
ASYNCIO_HOLDERS = ("asyncio.base_events", "asyncio.selector_events", "asyncio.sslproto")

_lock = threading.Lock()


class _NoTLS:
    """Stands for ssl.SSLContext in a library that names it in annotations only."""

    def __init__(self, *_args: object, **_kwargs: object) -> None:
        raise RuntimeError("ssl is not loaded: call hvmctl.tlsload.load() first")


def block() -> bool:
    """Keep ssl out of the modules imported from here on; False if it is loaded already."""
    with _lock:
        if "ssl" in sys.modules:
            return sys.modules["ssl"] is None
        sys.modules["ssl"] = None  # type: ignore[assignment]  # `import ssl` -> ImportError
        return True


def blocked() -> bool:
    current = sys.modules.get("ssl", False)
    return current is None or isinstance(current, _Stub)


class _Stub(types.ModuleType):
    pass


@contextmanager
def names_only() -> Iterator[None]:
    """For importing a library that names ssl at its import only in annotations (qemu.qmp,
    anyio): while ssl is blocked, it gets a stand-in module with ``SSLContext``; the real ssl
    is left unloaded, and :func:`load` puts it in place of every stand-in."""
    with _lock:
        if sys.modules.get("ssl", False) is not None:
            stub = None
        else:
            stub = _Stub("ssl")
            stub.SSLContext = _NoTLS  # type: ignore[attr-defined]
            sys.modules["ssl"] = stub
    try:
        yield
    finally:
        if stub is not None:
            with _lock:
                if sys.modules.get("ssl") is stub:
                    sys.modules["ssl"] = None  # type: ignore[assignment]


def load() -> types.ModuleType:
    """The real ssl module, imported now if need be and wired into asyncio. Callers then
    ``import ssl`` (typed) and get this one."""
    with _lock:
        current = sys.modules.get("ssl")
        if current is not None and not isinstance(current, _Stub):
            return current
        sys.modules.pop("ssl", None)
        import ssl

        for name in ASYNCIO_HOLDERS:
            module = sys.modules.get(name)
            if module is not None and getattr(module, "ssl", None) is None:
                module.ssl = ssl  # type: ignore[attr-defined]
        _replace_stand_ins(ssl)
        sslproto = sys.modules.get("asyncio.sslproto")
        if sslproto is not None and not hasattr(sslproto, "SSLAgainErrors"):
            # computed at its import, only when ssl was there
            sslproto.SSLAgainErrors = (ssl.SSLWantReadError, ssl.SSLSyscallError)  # type: ignore[attr-defined]
        return ssl


def _replace_stand_ins(ssl: types.ModuleType) -> None:
    """A module imported under :func:`names_only` holds the stand-ins: the real ones now."""
    me = sys.modules[__name__]
    for module in list(sys.modules.values()):
        names = getattr(module, "__dict__", None)
        if module is me or not isinstance(names, dict):
            continue
        for key, value in list(names.items()):
            if isinstance(value, _Stub):
                names[key] = ssl
            elif value is _NoTLS:
                names[key] = ssl.SSLContext

