"""The web console (hvmctl/api/ui) over the fake backend: sign-in and its cookie, the pages'
boot data from the action table, sign-out's CSRF, the event stream waking on a change, and
the serial relay (log tail out, keys in, closed at once when the token is revoked).
Browsers and real guests: tests/integration/test_webui.py."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import warnings

import pytest

with warnings.catch_warnings():  # starlette would rather have httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hvmctl.api import auth
from hvmctl.api.app import create_app
from hvmctl.api.listen import FREE_FAILURES, Guard
from hvmctl.api.ui import feed, relay
from hvmctl.daemon.changes import ChangeFeed
from hvmctl.daemon.fakebackend import FakeBackend, FakeWorld
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS
from tests.unit.crashkit import new_daemon, profile


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Daemon]]:
    daemon = new_daemon(tmp_path, FakeWorld())
    with TestClient(Guard(create_app(daemon), daemon), base_url="https://testserver") as client:
        yield client, daemon


def boot(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', page, re.S)
    assert found, page[:500]
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def sign_in(client: TestClient, daemon: Daemon, role: str, name: str | None = None) -> str:
    _, secret = daemon.tokens.create(role, name)
    resp = client.post("/ui/login", data={"token": secret}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/ui/"
    return secret


def ws_connect(client: TestClient, path: str) -> Any:
    """The test client sends no cookies on a WebSocket: send the session's, as a browser does."""
    sid = client.cookies.get(auth.SESSION_COOKIE)
    return client.websocket_connect(path, headers={"cookie": f"{auth.SESSION_COOKIE}={sid}"})


def test_sign_in_page_cookie_and_sign_out(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    resp = client.get("/ui/", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].startswith("/ui/login")
    page = client.get("/ui/login").text
    assert 'name="token"' in page and ">Sign in</button>" in page
    assert client.post("/ui/login", data={"token": "hvm_wrong"}).status_code == 401
    _, secret = daemon.tokens.create("operator", "op")
    resp = client.post("/ui/login", data={"token": secret}, follow_redirects=False)
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Max-Age="):
        assert flag.lower() in cookie.lower(), cookie
    data = boot(client.get("/ui/").text)
    assert data["me"] == {"name": "op", "role": "operator", "via": "session"} and data["csrf"]
    # sign-out is state-changing: without the page's CSRF token it is refused
    assert client.post("/ui/logout").status_code == 403
    assert client.post("/ui/logout", headers={auth.CSRF_HEADER: data["csrf"]}).status_code == 200
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    page = client.get("/ui/domain/x", follow_redirects=False)
    assert page.status_code == 303 and "next=/ui/domain/x" in page.headers["location"]


def test_login_refuses_large_bodies_and_foreign_next(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    assert client.post("/ui/login", data={"token": "x" * 5000}).status_code == 413
    _, secret = daemon.tokens.create("viewer")
    resp = client.post("/ui/login", data={"token": secret, "next": "https://evil.example/"}, follow_redirects=False)
    assert resp.headers["location"] == "/ui/"


def test_failed_sign_ins_back_off(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    for _ in range(FREE_FAILURES):
        assert client.post("/ui/login", data={"token": "hvm_guess"}).status_code == 401
    _, secret = daemon.tokens.create("viewer")
    resp = client.post("/ui/login", data={"token": secret})
    assert resp.status_code == 429 and "try again" in resp.text


def test_buttons_come_from_the_action_table_by_role(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    sign_in(client, daemon, "viewer")
    viewer = boot(client.get("/ui/").text)
    assert not any(viewer["actions"][b]["allowed"] for b in viewer["buttons"])
    assert viewer["actions"]["screenshot"]["allowed"] and not viewer["console_allowed"]
    sign_in(client, daemon, "operator")
    op = boot(client.get("/ui/").text)
    assert op["actions"]["shutdown"] == {
        "method": "POST", "path": "/v1/domains/{ref}/shutdown", "role": "operator", "summary": op["actions"]["shutdown"]["summary"],
        "states": sorted(s.value for s in STATE_ACTIONS["shutdown"]), "allowed": True}
    assert not op["actions"]["create"]["allowed"] and op["console_allowed"]
    sign_in(client, daemon, "admin")
    assert boot(client.get("/ui/").text)["actions"]["create"]["allowed"]


def test_pages_refuse_framing_and_foreign_scripts(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    sign_in(client, daemon, "viewer")
    resp = client.get("/ui/")
    assert "default-src 'self'" in resp.headers["content-security-policy"]
    assert resp.headers["x-frame-options"] == "DENY"
    assert "<script>" not in resp.text  # no inline script: the boot data is JSON, not code
    assert client.get("/ui/static/vendor/novnc.js").status_code == 200
    assert client.get("/ui/static/vendor/xterm.js").status_code == 200


def test_change_feed_wakes_waiters_once_per_change() -> None:
    async def main() -> tuple[int, float]:
        changes = ChangeFeed()
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, changes.notify)
        start = time.monotonic()
        version = await changes.wait(0, timeout=5)
        return version, time.monotonic() - start

    version, took = asyncio.run(main())
    assert version == 1 and took < 1
    assert asyncio.run(ChangeFeed().wait(0, timeout=0.05)) == 0


def _create(client: TestClient, daemon: Daemon, name: str = "demo") -> dict[str, Any]:
    _, admin = daemon.tokens.create("admin", f"admin-{name}")
    resp = client.post("/v1/domains", json={"profile": profile(name)}, headers={"Authorization": f"Bearer {admin}"})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_event_stream_sends_the_view_and_ends_on_revoke(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    _create(client, daemon)
    sign_in(client, daemon, "viewer", "watcher")
    view = feed.snapshot(daemon)
    assert [d["name"] for d in view["domains"]] == ["demo"] and view["domains"][0]["state"] == "running"
    assert "console_log" not in view["domains"][0] and view["host"]["nr_cpus"] >= 1
    daemon.tokens.revoke("watcher")
    text = client.get("/ui/events").text  # the revoked session: no stream at all
    assert "signed-out" in text or json.loads(text)["error"] == "auth"


class SerialPort:
    """A stand-in for QEMU's serial chardev: accepts on the socket the daemon bound and
    passed to the (fake) QEMU, and records what it is sent."""

    def __init__(self, sock: socket.socket) -> None:
        self.got = b""
        self.connections = 0
        self.sock = sock
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                while data := conn.recv(4096):
                    self.got += data


def _domain_with_serial(client: TestClient, daemon: Daemon, log: bytes = b"") -> tuple[dict[str, Any], "SerialPort"]:
    """The demo domain, its console log holding ``log``, and a stand-in serial chardev."""
    _create(client, daemon)
    row = daemon.lookup("demo").summary()
    Path(row["console_log"]).parent.mkdir(parents=True, exist_ok=True)
    Path(row["console_log"]).write_bytes(log)
    assert isinstance(daemon.backend, FakeBackend)
    (listener,) = [s for g in daemon.backend.world.alive() if (s := g.listener(row["serial_socket"]))]
    return row, SerialPort(listener)


def test_serial_relay_tails_the_log_types_into_the_port_and_closes_on_revoke(
        site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    row, port = _domain_with_serial(client, daemon, b"old line\nHVMCTL-READY\n")
    sign_in(client, daemon, "operator", "typist")
    with ws_connect(client, "/ui/domain/demo/serial") as ws:
        assert b"HVMCTL-READY" in ws.receive_bytes()
        ws.send_text("echo hi\r")
        with open(row["console_log"], "ab") as log:
            log.write(b"hi\n")
        assert ws.receive_bytes() == b"hi\n"
        deadline = time.monotonic() + 5
        while port.got != b"echo hi\r" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert port.got == b"echo hi\r"
        daemon.tokens.revoke("typist")
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_bytes()
        assert closed.value.code == relay.CLOSE_REVOKED


def test_console_sockets_need_the_console_role_and_limit_frames(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    row, _ = _domain_with_serial(client, daemon)
    sign_in(client, daemon, "viewer")
    with ws_connect(client, "/ui/domain/demo/serial") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == relay.CLOSE_REFUSED
    sign_in(client, daemon, "operator")
    with ws_connect(client, "/ui/domain/nosuch/vnc") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == relay.CLOSE_GONE
    with ws_connect(client, "/ui/domain/demo/serial") as ws:
        ws.send_bytes(b"x" * (relay.MAX_FRAME + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_bytes()
        assert closed.value.code == relay.CLOSE_TOO_BIG


def test_serial_socket_closes_when_the_domain_stops(site: tuple[TestClient, Daemon]) -> None:
    client, daemon = site
    row, _ = _domain_with_serial(client, daemon)
    sign_in(client, daemon, "operator")
    _, admin = daemon.tokens.create("admin", "stopper")
    with ws_connect(client, "/ui/domain/demo/serial") as ws:
        resp = client.post("/v1/domains/demo/destroy", headers={"Authorization": f"Bearer {admin}"})
        assert resp.status_code == 200, resp.text
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_bytes()
        assert closed.value.code == relay.CLOSE_GONE


def test_the_console_loads_on_its_first_request_only(tmp_path: Path) -> None:
    """A daemon whose console nobody opens never imports it (the start stays lean)."""
    import subprocess
    import sys

    code = ("import sys, tempfile; from pathlib import Path; from hvmctl.api.app import create_app; "
            "from tests.unit.crashkit import new_daemon; from hvmctl.daemon.fakebackend import FakeWorld; "
            "create_app(new_daemon(Path(tempfile.mkdtemp()), FakeWorld())); "
            "print(sorted(m for m in sys.modules if m.startswith('hvmctl.api.ui')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2], check=True).stdout
    assert out.strip() == "['hvmctl.api.ui']"


def test_event_stream_wakes_on_a_change_not_on_a_timer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One send per change (coalesced), none in between: no polling."""
    monkeypatch.setattr(feed, "HEARTBEAT", 60.0)
    daemon = new_daemon(tmp_path, FakeWorld())

    class Conn:  # what the stream reads of its request: the Unix socket's (root) scope
        scope: dict[str, Any] = {"type": "http", "client": None, "headers": []}
        cookies: dict[str, str] = {}

    async def main() -> tuple[list[str], float]:
        events = feed.stream(daemon, Conn(), auth.ROOT)  # type: ignore[arg-type]
        first = await events.__anext__()
        start = time.monotonic()
        asyncio.get_running_loop().call_later(0.2, lambda: [daemon.changes.notify() for _ in range(5)])
        second = await asyncio.wait_for(events.__anext__(), 5)
        took = time.monotonic() - start
        with pytest.raises(asyncio.TimeoutError):  # nothing more until the next change
            await asyncio.wait_for(events.__anext__(), 0.5)
        return [first, second], took

    (first, second), took = asyncio.run(main())
    assert first.startswith("event: state\n") and second.startswith("event: state\n")
    assert 0.2 <= took < 1.5
    assert json.loads(second.split("data: ", 1)[1])["domains"] == []


def test_vendored_files_are_the_pinned_ones() -> None:
    """scripts/vendor_web.py --check rebuilds from npm; offline, the pins and headers agree."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("vendor_web", root / "scripts" / "vendor_web.py")
    assert spec and spec.loader
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    out = root / "hvmctl" / "api" / "ui" / "static" / "vendor"
    pins = json.loads((out / "PINS.json").read_text())
    assert pins == {name: {"version": v, "integrity": i} for name, (v, i) in vendor.PINS.items()}
    novnc = (out / "novnc.js").read_text()
    assert novnc.startswith(f"/* noVNC {pins['@novnc/novnc']['version']} ") and "await _check" not in novnc
    assert "sourceMappingURL" not in (out / "xterm.js").read_text()


def test_event_stream_ends_at_once_when_its_token_is_revoked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A revoke (here from a worker thread, as the token store may call it) ends an open
    stream at once, not at the next heartbeat."""
    monkeypatch.setattr(feed, "HEARTBEAT", 60.0)
    daemon = new_daemon(tmp_path, FakeWorld())
    _, secret = daemon.tokens.create("viewer", "watcher")
    session = daemon.sessions.open(secret)
    assert session is not None

    class Conn:  # a signed-in browser's request: its session cookie
        scope: dict[str, Any] = {"type": "http", "client": ("127.0.0.1", 1), "headers": []}
        cookies: dict[str, str] = {auth.SESSION_COOKIE: session.sid}

    async def main() -> tuple[str, str, float]:
        events = feed.stream(daemon, Conn(), session.principal)  # type: ignore[arg-type]
        first = await events.__anext__()
        start = time.monotonic()
        asyncio.get_running_loop().call_later(
            0.2, lambda: threading.Thread(target=daemon.tokens.revoke, args=("watcher",)).start())
        second = await asyncio.wait_for(events.__anext__(), 5)
        return first, second, time.monotonic() - start

    first, second, took = asyncio.run(main())
    assert first.startswith("event: state\n") and second.startswith("event: signed-out\n")
    assert took < 1.5


def test_vnc_relay_speaks_to_qemu_over_a_handed_over_socketpair(site: tuple[TestClient, Daemon]) -> None:
    """No TCP hop: the relay's end is a socketpair whose other end QEMU took (add_client);
    the fake QEMU greets it with the RFB version, as QEMU's VNC server does."""
    client, daemon = site
    _create(client, daemon)
    sign_in(client, daemon, "operator")
    with ws_connect(client, "/ui/domain/demo/vnc") as ws:
        assert ws.receive_bytes() == b"RFB 003.008\n"
    assert isinstance(daemon.backend, FakeBackend)
    (guest,) = daemon.backend.world.alive()
    assert guest.commands.count("add_client") == 1
    (client_sock,) = [s for k, s in guest.listeners.by_path.items() if k.startswith("vnc-client:")]
    assert client_sock.family == socket.AF_UNIX
