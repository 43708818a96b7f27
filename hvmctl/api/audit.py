"""The audit log and the API's request latencies, from one ASGI wrapper around the app.

Every state-changing call (any method but GET/HEAD/OPTIONS, on either listener) is one JSON
line in ``LOG_DIR/audit.log``: when, who (the principal: ``root`` on the Unix socket, the
token's name on TCP), from where, the action (api/wire.py) and its target, and the result
(the HTTP status, and the error kind when it failed). Rotated at 10 MiB, 5 files kept.

Latencies are counted here for every request, into fixed buckets per action (stdlib only:
prometheus-client is imported by /metrics alone, when it is scraped).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from hvmctl.api import auth, routing

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

MAX_BYTES = 10 << 20
BACKUPS = 5
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
_ERROR_PEEK = 4096  # bytes of an error answer read for its kind


class Latencies:
    """Per-action request durations, as cumulative-bucket histograms (for /metrics)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.data: dict[str, list[float]] = {}  # action -> [count per bucket..., +Inf count, sum]

    def observe(self, action: str, seconds: float) -> None:
        with self._lock:
            row = self.data.setdefault(action, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[len(BUCKETS)] += 1
            row[-1] += seconds

    def snapshot(self) -> dict[str, list[float]]:
        with self._lock:
            return {k: list(v) for k, v in self.data.items()}


LATENCIES = Latencies()


def audit_logger(log_dir: Path) -> logging.Logger:
    """The ``hvmctl.audit`` logger writing JSON lines to LOG_DIR/audit.log (made once)."""
    logger = logging.getLogger(f"hvmctl.audit.{log_dir}")
    if not logger.handlers:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_dir / "audit.log", maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # not in the daemon's own log: its own file, its own rotation
    return logger


class Audit:
    """ASGI wrapper: times every request, and logs every state-changing one."""

    def __init__(self, app: ASGIApp, log_dir: Path) -> None:
        self.app = app
        self.log_dir = log_dir
        self._logger: logging.Logger | None = None

    @property
    def logger(self) -> logging.Logger:
        if self._logger is None:
            self._logger = audit_logger(self.log_dir)
        return self._logger

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = str(scope.get("method", "GET")).upper()
        path = str(scope.get("path", ""))
        found = routing.match(method, path)
        action = found[0] if found else "other"
        changes = method not in auth.SAFE_METHODS
        status = [500]
        error = bytearray()

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            elif message["type"] == "http.response.body" and changes and status[0] >= 400 and len(error) < _ERROR_PEEK:
                error.extend(bytes(message.get("body", b""))[:_ERROR_PEEK - len(error)])
            await send(message)

        started = time.monotonic()
        try:
            await self.app(scope, receive, watched)
        finally:
            LATENCIES.observe(action, time.monotonic() - started)
            if changes:
                self._record(scope, method, path, found, status[0], bytes(error))

    def _record(self, scope: Scope, method: str, path: str, found: tuple[str, dict[str, str]] | None,
                status: int, error: bytes) -> None:
        principal = auth.principal_of(scope)
        client = scope.get("client")
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "who": principal.name if principal else None,
            "role": principal.role if principal else None,
            "via": principal.via if principal else "tcp",
            "client": f"{client[0]}:{client[1]}" if client else "unix",
            "action": found[0] if found else None,
            "method": method,
            "path": path,
            "target": (found[1].get("ref") or found[1].get("token") or found[1].get("job")) if found else None,
            "status": status,
            "result": "ok" if status < 400 else "error",
        }
        if status >= 400:
            try:
                entry["error"] = json.loads(error).get("error")
            except (ValueError, AttributeError):
                entry["error"] = None
        try:
            self.logger.info(json.dumps(entry, sort_keys=True))
        except OSError:  # a full log disk must not fail the call that was made
            pass
