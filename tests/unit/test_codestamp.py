"""A daemon whose code on disk changed under it (hand upgrade, git pull) refuses
state-changing actions with one line saying to restart; reads keep answering."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from hvmctl.api.codeguard import CodeGuard
from hvmctl.daemon.codestamp import CHECK_EVERY, MESSAGE, CodeStamp, fingerprint


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _package(tmp_path: Path) -> Path:
    root = tmp_path / "hvmctl"
    (root / "daemon" / "__pycache__").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "daemon" / "service.py").write_text("def start(a): ...\n")
    (root / "daemon" / "__pycache__" / "service.cpython-311.pyc").write_bytes(b"x")
    return root


def test_the_running_package_is_fingerprinted() -> None:
    found = fingerprint()
    assert any(path.endswith(os.path.join("hvmctl", "daemon", "codestamp.py")) for path, _, _ in found)


def test_a_changed_file_is_seen_at_the_next_check(tmp_path: Path) -> None:
    root = _package(tmp_path)
    clock = Clock()
    stamp = CodeStamp(str(root), clock)
    (root / "daemon" / "__pycache__" / "service.cpython-311.pyc").write_bytes(b"recompiled")  # not code
    assert not stamp.changed()
    (root / "daemon" / "service.py").write_text("def start(a, b): ...\n")  # the upgrade
    assert not stamp.changed()  # checked a moment ago: not again within CHECK_EVERY
    clock.now += CHECK_EVERY
    assert stamp.changed()
    os.utime(root / "daemon" / "service.py", ns=(1, 1))
    assert stamp.changed()  # stays stale: only a restart runs the new code


def test_a_new_module_or_a_touched_one_counts(tmp_path: Path) -> None:
    root = _package(tmp_path)
    stamp = CodeStamp(str(root), Clock())
    (root / "daemon" / "vtpm.py").write_text("")
    assert stamp.changed()
    root2 = _package(tmp_path / "b")
    st = (root2 / "__init__.py").stat()
    stamp2 = CodeStamp(str(root2), Clock())
    os.utime(root2 / "__init__.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same size, new mtime
    assert stamp2.changed()


def _call(app: Any, method: str) -> tuple[int, dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "method": method, "path": "/v1/domains/web/pause"}, receive, send))
    return sent[0]["status"], json.loads(sent[1]["body"])


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b'{"ran": true}'})


def test_the_guard_refuses_writes_in_one_line_and_lets_reads_through(tmp_path: Path) -> None:
    root = _package(tmp_path)
    guard = CodeGuard(_app, CodeStamp(str(root), Clock()))
    assert _call(guard, "POST") == (200, {"ran": True})  # unchanged: everything runs
    (root / "daemon" / "service.py").write_text("changed\n")
    guard = CodeGuard(_app, CodeStamp(str(root), Clock()))
    (root / "daemon" / "service.py").write_text("changed again\n")
    assert _call(guard, "GET") == (200, {"ran": True})
    status, body = _call(guard, "POST")
    assert status == 503 and body == {"error": "daemon", "message": MESSAGE}
    assert "\n" not in MESSAGE and "restart" in MESSAGE
    assert _call(guard, "DELETE")[0] == 503
