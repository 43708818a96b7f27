"""The remote API's guard, audit log and metrics over the real app and a fake-backend daemon
(ASGI, no sockets), then the real HTTPS listener on 127.0.0.1 (TLS only, per-IP limit)."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from hvmctl.api import auth, listen
from hvmctl.api.app import create_app
from hvmctl.api.audit import Audit
from hvmctl.daemon.state import DomainState
from tests.unit import crashkit as ck


class Env:
    def __init__(self, root: Path) -> None:
        self.world = ck.FakeWorld()
        self.daemon = ck.new_daemon(root, self.world)
        self.app = create_app(self.daemon)
        self.guard = listen.Guard(self.app, self.daemon)
        self.asgi = Audit(self.guard, self.daemon.paths.log_dir)
        self.tokens = {role: self.daemon.tokens.create(role, role)[1] for role in auth.ROLES}

    def http(self, role: str | None = None, ip: str = "10.0.0.1", **headers: str) -> httpx.AsyncClient:
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(role, role)}"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.asgi, client=(ip, 40000)),
                                 base_url="https://hv", headers=headers)

    def audit(self) -> list[dict[str, Any]]:
        path = self.daemon.paths.log_dir / "audit.log"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def run(tmp_path: Path, body: Callable[[Env], Awaitable[None]]) -> None:
    """``body`` against a daemon (fake backend) with one running domain, demo."""

    async def main() -> None:
        e = Env(tmp_path)
        await e.daemon.start()
        await e.daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        try:
            await body(e)
        finally:
            for dom in list(e.daemon.domains.values()):
                if dom.state in (DomainState.RUNNING, DomainState.PAUSED):
                    await dom.destroy()
            await e.daemon.shutdown_daemon()

    asyncio.run(main())


def test_roles_map_to_actions(tmp_path: Path) -> None:
    run(tmp_path, _roles_map_to_actions)


async def _roles_map_to_actions(env: Env) -> None:
    async with env.http() as anon:
        r = await anon.get("/v1/domains")
        assert r.status_code == 401 and set(r.json()) == {"error", "message"} and r.json()["error"] == "auth"
        assert (await anon.get("/no/such/path")).status_code == 401  # not even told what exists
        assert (await anon.get("/openapi.json")).status_code == 200
    async with env.http("viewer") as viewer:
        assert [d["name"] for d in (await viewer.get("/v1/domains")).json()["domains"]] == ["demo"]
        r = await viewer.post("/v1/domains/demo/destroy", json={})
        assert r.status_code == 403 and r.json()["error"] == "forbidden" and "needs operator" in r.json()["message"]
        assert (await viewer.get("/v1/tokens")).status_code == 403
        assert (await viewer.get("/no/such/path")).status_code == 404
    assert env.daemon.lookup("demo").state == DomainState.RUNNING
    async with env.http("operator") as op:
        r = await op.post("/v1/domains/demo/pause", json={})
        assert r.status_code == 200, r.text
        assert (await op.post("/v1/domains", json={"profile": ck.profile("x")})).status_code == 403  # create: admin
    assert env.daemon.lookup("demo").state == DomainState.PAUSED
    async with env.http("admin") as admin:
        made = (await admin.post("/v1/tokens", json={"role": "viewer", "name": "late"})).json()
        assert made["name"] == "late" and made["token"].startswith("hvm_")
        assert {t["name"] for t in (await admin.get("/v1/tokens")).json()["tokens"]} >= {"late", "viewer"}


def test_a_revoked_token_stops_at_once(tmp_path: Path) -> None:
    run(tmp_path, _a_revoked_token_stops_at_once)


async def _a_revoked_token_stops_at_once(env: Env) -> None:
    async with env.http("operator") as op, env.http("admin") as admin:
        assert (await op.get("/v1/domains")).status_code == 200
        assert (await admin.post("/v1/tokens/operator/revoke", json={})).status_code == 200
        r = await op.get("/v1/domains")
        assert r.status_code == 401 and "revoked" in r.json()["message"]
        assert (await admin.post("/v1/tokens/nope/revoke", json={})).json()["error"] == "not-found"


def test_unauthenticated_bodies_are_never_read(tmp_path: Path) -> None:
    run(tmp_path, _unauthenticated_bodies_are_never_read)


async def _unauthenticated_bodies_are_never_read(env: Env) -> None:
    reads = []

    async def receive() -> dict[str, Any]:
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/domains", "headers": [(b"content-length", b"999999")],
             "client": ("10.9.9.9", 1), "query_string": b"", "root_path": "", "scheme": "https",
             "http_version": "1.1", "server": ("hv", 443)}
    await env.asgi(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 401 and not reads


def test_failed_attempts_back_off_per_ip(tmp_path: Path) -> None:
    run(tmp_path, _failed_attempts_back_off_per_ip)


async def _failed_attempts_back_off_per_ip(env: Env) -> None:
    async with env.http("wrong-secret", ip="10.1.1.1") as bad, env.http("viewer", ip="10.1.1.2") as other:
        codes = [(await bad.get("/v1/domains")).status_code for _ in range(listen.FREE_FAILURES + 1)]
        assert codes[:listen.FREE_FAILURES] == [401] * listen.FREE_FAILURES
        r = await bad.get("/v1/domains")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.json()["error"] == "auth"
        assert (await other.get("/v1/domains")).status_code == 200  # another IP is not held back
    clock = [0.0]
    backoff = listen.Backoff(clock=lambda: clock[0])
    for _ in range(listen.FREE_FAILURES + 3):
        backoff.failed("ip")
    assert backoff.wait("ip") == 8.0  # doubling: 1, 2, 4, 8 s
    clock[0] = 9.0
    assert backoff.wait("ip") == 0.0
    backoff.succeeded("ip")
    assert backoff.failures == {}


def test_session_cookie_and_csrf(tmp_path: Path) -> None:
    run(tmp_path, _session_cookie_and_csrf)


async def _session_cookie_and_csrf(env: Env) -> None:
    session = env.daemon.sessions.open(env.tokens["operator"])
    assert session is not None
    cookie = {"Cookie": f"{auth.SESSION_COOKIE}={session.sid}"}
    async with env.http(**cookie) as browser:
        assert (await browser.get("/v1/domains")).status_code == 200
        r = await browser.post("/v1/domains/demo/pause", json={})
        assert r.status_code == 403 and auth.CSRF_HEADER in r.json()["message"]
        r = await browser.post("/v1/domains/demo/pause", json={}, headers={auth.CSRF_HEADER: session.csrf})
        assert r.status_code == 200, r.text
    env.daemon.tokens.revoke("operator")
    async with env.http(**cookie) as browser:
        assert (await browser.get("/v1/domains")).status_code == 401


def test_audit_log_records_who_what_and_the_result(tmp_path: Path) -> None:
    run(tmp_path, _audit_log_records_who_what_and_the_result)


async def _audit_log_records_who_what_and_the_result(env: Env) -> None:
    async with env.http("viewer") as viewer, env.http("operator") as op, env.http() as anon:
        await viewer.post("/v1/domains/demo/destroy", json={})
        await op.post("/v1/domains/demo/pause", json={})
        await anon.post("/v1/domains/demo/unpause", json={})
        await viewer.get("/v1/domains")  # a read: not audited
    lines = env.audit()
    assert [(e["who"], e["action"], e["target"], e["status"], e["result"]) for e in lines] == [
        ("viewer", "destroy", "demo", 403, "error"),
        ("operator", "pause", "demo", 200, "ok"),
        (None, "unpause", "demo", 401, "error"),
    ]
    assert lines[0]["error"] == "forbidden" and lines[1]["client"] == "10.0.0.1:40000" and lines[1]["via"] == "token"


def test_metrics_for_a_viewer(tmp_path: Path) -> None:
    run(tmp_path, _metrics_for_a_viewer)


async def _metrics_for_a_viewer(env: Env) -> None:
    async with env.http("viewer") as viewer, env.http() as anon:
        await viewer.get("/v1/domains")
        assert (await anon.get("/metrics")).status_code == 401
        r = await viewer.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'hvmctl_domain_state{domain="demo",state="running"} 1.0' in text
    assert 'hvmctl_domain_state{domain="demo",state="paused"} 0.0' in text
    assert 'hvmctl_domain_vcpus{domain="demo"} 2.0' in text
    assert 'hvmctl_domain_memory_bytes{domain="demo"} 6.7108864e+07' in text
    assert 'hvmctl_host_domains{state="running"} 1.0' in text
    assert 'hvmctl_api_request_duration_seconds_count{action="list"}' in text


# ---- the real listener ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_https_listener_tls_only_and_per_ip_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(listen.PER_IP_ENV, "2")
    run(tmp_path, _https_listener_tls_only_and_per_ip_limit)


async def _https_listener_tls_only_and_per_ip_limit(env: Env) -> None:
    port = _free_port()
    listener = await listen.start_listener(env.daemon, env.app, f"127.0.0.1:{port}")
    try:
        assert listener.cert is not None and Path(listener.cert).exists()
        ctx = ssl.create_default_context(cafile=listener.cert)
        async with httpx.AsyncClient(verify=ctx, base_url=f"https://127.0.0.1:{port}",
                                     headers={"Authorization": f"Bearer {env.tokens['viewer']}"}) as c:
            r = await c.get("/v1/domains")
            assert r.status_code == 200 and r.json()["domains"][0]["name"] == "demo"
            assert (await c.get("/openapi.json")).json()["paths"].keys() == env.app.openapi()["paths"].keys()

        # plain HTTP on the TLS port: no answer, the connection is closed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /v1/domains HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        data = await asyncio.wait_for(reader.read(4096), 10)
        assert b"200" not in data and b"domains" not in data
        writer.close()

        # two connections per IP are kept open; a third is closed as it arrives
        held = [await asyncio.open_connection("127.0.0.1", port, ssl=ctx) for _ in range(2)]
        r3, w3 = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
        w3.write(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            got = await asyncio.wait_for(r3.read(100), 10)
        except (ConnectionError, ssl.SSLError):
            got = b""
        assert got == b""
        for _, w in held + [(r3, w3)]:
            w.close()
    finally:
        await listener.close()


def test_metrics_render_disks_and_nics_from_the_guests_side() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from hvmctl.api import metrics

    sample = {
        "host": {"nr_cpus": 4, "total_memory": 1024, "free_memory": 512, "daemon_uptime": 3.0},
        "latencies": {},
        "domains": [{
            "summary": {"name": "d", "state": "running", "vcpus": 1, "memory": 64, "cpu_time": 1.5},
            "blocks": [{"device": "", "qdev": "disk0", "stats": {"rd_bytes": 512, "wr_bytes": 4096,
                                                                 "rd_operations": 1, "wr_operations": 2}}],
            "nets": {"vif1.0": {"rx_bytes": 100, "tx_bytes": 7, "rx_packets": 2, "tx_packets": 1}},
        }],
    }
    registry = CollectorRegistry(auto_describe=False)
    registry.register(metrics._Snapshot(sample))
    text = generate_latest(registry).decode()
    assert 'hvmctl_domain_disk_bytes_total{device="disk0",domain="d",op="read"} 512.0' in text
    assert 'hvmctl_domain_disk_operations_total{device="disk0",domain="d",op="write"} 2.0' in text
    # the tap received what the guest sent
    assert 'hvmctl_domain_net_bytes_total{direction="tx",domain="d",interface="vif1.0"} 100.0' in text
    assert 'hvmctl_domain_net_packets_total{direction="rx",domain="d",interface="vif1.0"} 1.0' in text
    assert 'hvmctl_domain_cpu_seconds_total{domain="d"} 1.5' in text
    assert "hvmctl_host_memory_free_bytes 5.36870912e+08" in text


def test_nothing_of_the_remote_api_loads_without_hvmctl_listen() -> None:
    """The daemon's start and the full API import neither the listener nor prometheus-client;
    the token store is made on first use."""
    import subprocess
    import sys

    code = ("import sys; from hvmctl.api.app import create_app; from hvmctl.daemon import main; "
            "print(sorted(m for m in ('hvmctl.api.listen', 'prometheus_client', 'hvmctl.api.metrics', "
            "'hvmctl.cli.remote', 'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]", out.stderr
