"""The API's request-body limit: refused with 413 in the one error shape, before the body is
read (declared Content-Length) or as soon as a streamed body passes the limit."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest

from hvmctl.api.app import create_app
from hvmctl.api.bodylimit import DEFAULT_LIMIT, BodyLimit, body_limit
from hvmctl.daemon.service import Daemon
from hvmctl.errors import ConfigError
from hvmctl.paths import Paths

LIMIT = 64 * 1024


def _app(limit: int | None = LIMIT) -> Any:
    base = Path(tempfile.mkdtemp(prefix="hvbody"))
    paths = Paths(
        state_dir=base / "state", run_dir=base / "run", socket=base / "run" / "api.sock",
        log_dir=base / "log", profile_dir=base / "xen", qemu="/bin/false",
    )
    return create_app(Daemon(paths, accel="tcg"), body_limit=limit)


async def _post(app: Any, path: str, content: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hvmctl") as client:
        return await client.post(path, content=content, headers=headers or {"content-type": "application/json"})


def _assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == "too-large"
    assert body["message"] == f"request body too large (the limit is {LIMIT} bytes, set by HVMCTL_API_BODY_LIMIT)"


def test_declared_body_over_the_limit_is_refused() -> None:
    profile = "# " + "x" * (2 * LIMIT)
    payload = json.dumps({"profile": profile, "filename": "/etc/xen/big"}).encode()
    _assert_too_large(asyncio.run(_post(_app(), "/v1/domains", payload)))


def test_streamed_body_is_cut_off_at_the_limit() -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"profile": "'
        for _ in range(10_000):  # 160 MiB if it were all read
            sent += 1
            yield b"x" * 16384
        yield b'"}'

    _assert_too_large(asyncio.run(_post(_app(), "/v1/domains", chunks())))
    assert sent <= LIMIT // 16384 + 2, f"read {sent} chunks past a {LIMIT}-byte limit"


def test_body_under_the_limit_reaches_the_route() -> None:
    response = asyncio.run(_post(_app(), "/v1/domains/nosuch/shutdown", b'{"wait": false}'))
    assert response.status_code == 404
    assert response.json()["error"] == "not-found"


def test_streamed_body_under_the_limit_reaches_the_route() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"wait": '
        yield b"false}"

    response = asyncio.run(_post(_app(), "/v1/domains/nosuch/shutdown", chunks()))
    assert response.status_code == 404


def test_declared_length_is_refused_without_reading_the_body() -> None:
    called = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        called.append("app")

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body was read")

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/domains",
             "headers": [(b"content-length", str(LIMIT + 1).encode())]}
    asyncio.run(BodyLimit(inner, LIMIT)(scope, receive, send))
    assert called == []
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "too-large"


def test_limit_from_the_environment() -> None:
    assert body_limit({}) == DEFAULT_LIMIT == 1 << 20
    assert body_limit({"HVMCTL_API_BODY_LIMIT": "4096"}) == 4096
    assert body_limit({"HVMCTL_API_BODY_LIMIT": "2M"}) == 2 << 20
    for bad in ("lots", "0", "-1", "1.5M"):
        with pytest.raises(ConfigError, match=r"^HVMCTL_API_BODY_LIMIT: expected a size in bytes"):
            body_limit({"HVMCTL_API_BODY_LIMIT": bad})


def test_default_app_uses_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMCTL_API_BODY_LIMIT", str(LIMIT))
    payload = json.dumps({"profile": "x" * (LIMIT + 10)}).encode()
    _assert_too_large(asyncio.run(_post(_app(limit=None), "/v1/domains", payload)))


@pytest.mark.parametrize("path,body", [
    ("/v1/restore", b'{"file": "/srv/save\\u0000.img"}'),
    ("/v1/domains/nosuch/save", b'{"file": "/srv/\\u0000"}'),
    ("/v1/autostart", b'{"ref": "web\\u0000"}'),
])
def test_nul_in_a_path_is_an_invalid_request_not_a_server_error(path: str, body: bytes) -> None:
    # was: 500 "internal error: ValueError: embedded null byte" (found by test_api_fuzz)
    response = asyncio.run(_post(_app(), path, body))
    assert response.status_code == 422
    assert response.json()["error"] == "invalid-request"
