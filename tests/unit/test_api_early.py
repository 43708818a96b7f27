"""The early server: hot reads answered before the full API has loaded; everything else
waits for the full API and runs through it unchanged."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import tempfile
import time
from typing import Any

import pytest

from hvmctl.api.early import EarlyServer
from hvmctl.paths import Paths
from tests.unit.unixsock import listening


class _Dom:
    def summary(self) -> dict[str, Any]:
        return {"name": "demo1", "id": 3}


class _Daemon:
    def host_info(self) -> dict[str, Any]:
        return {"host": "h"}

    def all(self) -> list[_Dom]:
        return [_Dom()]


async def _ask(path: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(request)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _dechunk(body: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return out
        out, body = out + body[:size], body[size + 2:]


async def _app(scope: Any, receive: Any, send: Any) -> None:
    """A stand-in for the full API: echoes method, path and body, in two chunks."""
    message = await receive()
    answer = json.dumps({"method": scope["method"], "path": scope["path"], "query": scope["query_string"].decode(),
                         "body": message["body"].decode()}).encode()
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer[:5], "more_body": True})
    await send({"type": "http.response.body", "body": answer[5:], "more_body": False})


def test_reads_first_then_everything_through_the_full_api(monkeypatch: pytest.MonkeyPatch) -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            monkeypatch.setenv("HVMCTL_STATE_DIR", os.path.join(tmp, "state"))
            path = os.path.join(tmp, "api.sock")
            sock = listening(path)
            early = EarlyServer(Paths.from_env(), time.time())
            await early.start(sock)
            # a list before the daemon is there is answered from the records on disk (none here)
            status, headers, body = await _ask(path, b"GET /v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert status == 200 and json.loads(body)["domains"] == []
            assert json.loads(body)["host"]["daemon_pid"] == os.getpid()
            # xm info waits for the daemon; once it is attached, both reads are the daemon's
            pending = asyncio.create_task(_ask(path, b"GET /v1/host HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            await asyncio.sleep(0.05)
            assert not pending.done()
            early.attach(_Daemon())  # type: ignore[arg-type]  # duck-typed stand-in
            status, headers, body = await asyncio.wait_for(pending, 5)
            assert status == 200 and json.loads(body) == {"host": "h"}
            status, headers, body = await _ask(path, b"GET /v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert status == 200 and json.loads(body)["domains"] == [{"name": "demo1", "id": 3}]
            # a write waits for the full API, then runs through it (chunked out: no length given)
            post = asyncio.create_task(_ask(
                path, b"POST /v1/domains/demo1/pause?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"))
            await asyncio.sleep(0.05)
            assert not post.done()
            early.take_over(_app)
            status, headers, body = await asyncio.wait_for(post, 5)
            assert status == 201 and headers["transfer-encoding"] == "chunked"
            assert json.loads(_dechunk(body)) == {"method": "POST", "path": "/v1/domains/demo1/pause",
                                                  "query": "x=1", "body": "{}"}
            await early.close()
            # the bound socket itself stays open for the full server
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(path)
            client.close()
            sock.close()

    asyncio.run(run())


def test_oversized_body_is_refused_in_the_one_error_shape() -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "api.sock")
            sock = listening(path, 4)
            early = EarlyServer(Paths.from_env(), time.time())
            await early.start(sock)
            status, _, body = await _ask(path, b"POST /v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 999999999\r\n\r\n")
            assert status == 413 and json.loads(body)["error"] == "too-large"
            await early.close()
            sock.close()

    asyncio.run(run())


def test_the_prelude_lists_from_disk_and_hands_everything_else_to_the_early_server(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before asyncio is imported, a thread answers lists from the records; a request it does
    not answer is taken unread and then served by the early server, whole."""
    from hvmctl.daemon.prelude import Prelude

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            monkeypatch.setenv("HVMCTL_STATE_DIR", os.path.join(tmp, "state"))
            paths = Paths.from_env()
            paths.domains_dir.mkdir(parents=True)
            record = {"config": {"name": "web", "uuid": "1" * 8 + "-0000-0000-0000-" + "0" * 12, "memory": 64,
                                 "vcpus": 1, "serial": "pty", "on_poweroff": "destroy", "on_reboot": "restart",
                                 "on_crash": "restart"}, "state": "inactive", "runtime": None, "managed": True}
            (paths.domains_dir / "web.json").write_text(json.dumps(record))
            path = os.path.join(tmp, "api.sock")
            sock = listening(path)
            first = Prelude(sock, paths, time.time())
            first.start()
            status, _, body = await _ask(path, b"GET /v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert status == 200 and [d["name"] for d in json.loads(body)["domains"]] == ["web"]
            assert first.answered == 1
            post = asyncio.create_task(_ask(
                path, b"POST /v1/domains/web/start HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"))
            while not first.held:
                await asyncio.sleep(0.01)
            early = EarlyServer(paths, first.started_at)
            await early.start(sock)
            await early.adopt(first.stop())
            early.take_over(_app)
            status, _, body = await asyncio.wait_for(post, 5)
            assert status == 201 and json.loads(_dechunk(body))["body"] == "{}"
            await early.close()
            sock.close()

    asyncio.run(run())
