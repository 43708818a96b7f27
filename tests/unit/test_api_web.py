"""The action app (api/web.py): handlers bound by their signatures, the one error shape for
every refusal (422 naming the field, 404, 405, a bug's 500), HEAD, streamed answers that
stop when the caller goes away, the /ui mount and the OpenAPI document."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hvmctl.api.actions import ActionRouter
from hvmctl.api.app import ShutdownRequest
from hvmctl.api.messages import Request, StreamingResponse
from hvmctl.api.routes_remote import TokenCreateRequest
from hvmctl.api.web import ActionApp
from hvmctl.api.wire import ACTIONS
from hvmctl.errors import NotFoundError


class World:
    """A few real actions of the table with handlers that record what they were given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.closed = asyncio.Event()
        self.ui_scopes: list[dict[str, Any]] = []
        act = ActionRouter()

        @act("shutdown")
        async def shutdown(ref: str, req: ShutdownRequest) -> dict[str, Any]:
            self.calls.append(("shutdown", (ref, req)))
            if ref == "nosuch":
                raise NotFoundError(f"domain '{ref}' does\ndoes not exist")
            if ref == "bug":
                raise ZeroDivisionError("boom")
            return {"name": ref, "where": Path("/var/lib/x")}

        @act("token-create")
        async def token_create(req: TokenCreateRequest, request: Request) -> dict[str, Any]:
            self.calls.append(("token-create", (req, request.headers.get("x-who"), request.client)))
            return {"name": req.name}

        @act("pool-events")
        async def events(limit: int = 100) -> list[int]:
            self.calls.append(("pool-events", limit))
            return [limit]

        @act("host")
        async def host() -> dict[str, Any]:
            return {"hostname": "h1"}

        @act("serial-out", response_class=StreamingResponse)
        async def serial_out(ref: str) -> StreamingResponse:
            return StreamingResponse(self._lines(ref), media_type="application/octet-stream")

        async def ui(scope: Any, receive: Any, send: Any) -> None:
            self.ui_scopes.append(scope)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"console"})

        self.app = ActionApp(act.actions, ui, title="hvmctl", version="9")

    async def _lines(self, ref: str) -> AsyncIterator[bytes]:
        try:
            for i in range(3):
                yield f"{ref} {i}\n".encode()
            while ref == "forever":
                await asyncio.sleep(0.01)
                yield b"."
        finally:
            self.closed.set()

    def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("10.1.2.3", 5555))
            async with httpx.AsyncClient(transport=transport, base_url="http://hv") as client:
                return await client.request(method, path, **kw)

        return asyncio.run(go())


def test_path_parameter_and_body_are_bound_by_the_signature() -> None:
    w = World()
    answer = w.call("POST", "/v1/domains/web1/shutdown", json={"wait": True, "unknown": 1})
    assert answer.status_code == 200 and answer.json() == {"name": "web1", "where": "/var/lib/x"}
    (name, (ref, req)), = w.calls
    assert (name, ref, req.wait, req.timeout, req.force) == ("shutdown", "web1", True, 60.0, False)


def test_the_request_is_given_to_a_parameter_annotated_request() -> None:
    w = World()
    answer = w.call("POST", "/v1/tokens", json={"role": "viewer", "name": "ci"}, headers={"X-Who": "me"})
    assert answer.status_code == 200 and answer.json() == {"name": "ci"}
    req, who, client = w.calls[0][1]
    assert (req.role, who, client) == ("viewer", "me", ("10.1.2.3", 5555))


def test_a_body_that_does_not_fit_is_422_naming_the_field() -> None:
    w = World()
    for body, field, says in (({"timeout": 0}, "body.timeout", "Expected `float` >"),
                              ({"timeout": "soon"}, "body.timeout", "Expected `float`, got `str`"),
                              ([1], "body", "Expected `object`, got `array`"),
                              ({"name": "x"}, "body", "missing required field `role`")):
        path = "/v1/tokens" if "name" in body else "/v1/domains/web1/shutdown"
        answer = w.call("POST", path, json=body)
        assert answer.status_code == 422, body
        got = answer.json()
        assert got["error"] == "invalid-request" and got["message"].startswith(f"{field}: "), got
        assert says in got["message"], got
    assert w.call("POST", "/v1/domains/web1/shutdown", content=b"{").json()["message"].startswith("body: ")
    assert w.call("POST", "/v1/domains/web1/shutdown").status_code == 422  # no body at all
    assert w.calls == []  # no handler ran for any of them


def test_a_pattern_refuses_a_trailing_newline() -> None:
    # Python's ``$`` matches before a final newline; the models' patterns must not
    answer = World().call("POST", "/v1/tokens", json={"role": "admin", "name": "ci\n"})
    assert answer.status_code == 422 and answer.json()["message"].startswith("body.name: ")


def test_a_query_parameter_is_converted_or_refused() -> None:
    w = World()
    assert w.call("GET", "/v1/pool/events").json() == [100]
    assert w.call("GET", "/v1/pool/events?limit=7").json() == [7]
    answer = w.call("GET", "/v1/pool/events?limit=many")
    assert answer.status_code == 422 and answer.json()["message"].startswith("query.limit: Expected `int`")
    assert [c[1] for c in w.calls] == [100, 7]


def test_unknown_path_is_404_and_a_wrong_method_405() -> None:
    w = World()
    missing = w.call("GET", "/v2/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "not-found"
    wrong = w.call("DELETE", "/v1/domains/web1/shutdown")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert wrong.json()["error"] == "method-not-allowed"
    assert w.call("POST", "/openapi.json").status_code == 405


def test_errors_keep_the_one_shape_and_a_bug_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    w = World()
    refused = w.call("POST", "/v1/domains/nosuch/shutdown", json={})
    assert refused.status_code == 404
    assert refused.json() == {"error": "not-found", "message": "domain 'nosuch' does\\ndoes not exist"}
    with caplog.at_level(logging.ERROR, logger="hvmctl.api"):
        bug = w.call("POST", "/v1/domains/bug/shutdown", json={})
    assert bug.status_code == 500
    assert bug.json() == {"error": "internal", "message": "internal error: ZeroDivisionError: boom"}
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_head_is_the_get_without_a_body() -> None:
    w = World()
    get, head = w.call("GET", "/v1/host"), w.call("HEAD", "/v1/host")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == "application/json"
    streamed = w.call("HEAD", "/v1/domains/forever/serial")
    assert streamed.status_code == 200 and streamed.content == b""


def test_a_streamed_answer_has_no_length_and_comes_whole() -> None:
    answer = World().call("GET", "/v1/domains/web1/serial")
    assert answer.status_code == 200 and answer.content == b"web1 0\nweb1 1\nweb1 2\n"
    assert "content-length" not in answer.headers
    assert answer.headers["content-type"] == "application/octet-stream"


def test_a_stream_stops_when_the_caller_goes_away() -> None:
    w = World()

    async def go() -> list[bytes]:
        got: list[bytes] = []
        gone = asyncio.Event()
        scope = {"type": "http", "method": "GET", "path": "/v1/domains/forever/serial", "headers": [],
                 "query_string": b"", "client": None}
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.body":
                got.append(message["body"])
                if len(got) == 5:
                    gone.set()

        await asyncio.wait_for(w.app(scope, receive, send), 5)
        await asyncio.wait_for(w.closed.wait(), 1)  # the generator's finally ran
        return got

    got = asyncio.run(go())
    assert got[:3] == [b"forever 0\n", b"forever 1\n", b"forever 2\n"] and len(got) < 10


def test_everything_under_ui_goes_to_the_console_app() -> None:
    w = World()
    answer = w.call("GET", "/ui/domain/web1")
    assert answer.status_code == 200 and answer.content == b"console"
    scope = w.ui_scopes[0]
    assert (scope["path"], scope["root_path"]) == ("/ui/domain/web1", "/ui")
    redirect = w.call("GET", "/ui", follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"] == "/ui/"


def test_the_openapi_document_comes_from_the_table() -> None:
    w = World()
    doc = w.call("GET", "/openapi.json").json()
    assert doc["openapi"] == "3.1.0" and doc["info"] == {"title": "hvmctl", "version": "9"}
    assert w.app.openapi() is w.app.openapi()  # built once
    op = doc["paths"]["/v1/domains/{ref}/shutdown"]["post"]
    assert op["operationId"] == "shutdown" and op["summary"] == ACTIONS["shutdown"].summary
    assert op["x-hvmctl-action"] == "shutdown" and op["x-hvmctl-role"] == "operator"
    assert op["x-hvmctl-states"] == ["paused", "running"]
    assert op["parameters"] == [{"in": "path", "name": "ref", "required": True, "schema": {"type": "string"}}]
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    model = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert model["properties"]["timeout"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 3600,
                                              "default": 60.0}
    error = op["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"]
    assert doc["components"]["schemas"][error.rsplit("/", 1)[1]]["required"] == ["error", "message"]
    events = doc["paths"]["/v1/pool/events"]["get"]
    assert events["parameters"] == [{"in": "query", "name": "limit", "required": False,
                                     "schema": {"type": "integer", "default": 100}}]
    assert "requestBody" not in events and "x-hvmctl-states" not in events
    serial = doc["paths"]["/v1/domains/{ref}/serial"]["get"]["responses"]["200"]["content"]
    assert list(serial) == ["application/octet-stream"]
