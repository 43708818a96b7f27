"""The remote API end to end: a real daemon serving HTTPS on HVMCTL_LISTEN (127.0.0.1, a free
port), a real guest, and the CLI and Python client over TLS with tokens of each role."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.api.wire import ACTIONS, route
from tests.integration.hvenv import HvEnv, tiny_profile

READY = "HVMCTL-READY"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def rhv() -> Iterator[HvEnv]:
    env = HvEnv.make()
    port = _free_port()
    env.env["HVMCTL_LISTEN"] = f"127.0.0.1:{port}"
    env.env["HVMCTL_KNOWN_HOSTS"] = str(env.base / "known_hosts")
    (env.base / "pool").mkdir()
    env.env["HVMCTL_STORAGE_POOLS"] = f"test={env.base / 'pool'}"  # remote profiles' disks live in a pool
    env.start_daemon()
    deadline = time.monotonic() + 30
    while True:  # the HTTPS listener starts once the Unix socket serves
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"no HTTPS listener: {env.daemon_log()}")
            time.sleep(0.05)
    try:
        yield env
    finally:
        env.cleanup()


def url(hv: HvEnv) -> str:
    return "https://" + hv.env["HVMCTL_LISTEN"]


def token_file(hv: HvEnv, role: str) -> str:
    made = hv.hv("token", "create", "--role", role, "--name", f"t-{role}", "--json").json()
    path = hv.base / f"{role}.token"
    path.write_text(made["token"] + "\n")
    return str(path)


def remote(hv: HvEnv, tokfile: str | None, *args: str, check: bool = True) -> Any:
    opts = ["-c", url(hv)] + (["--token-file", tokfile] if tokfile else [])
    return hv.hv(*opts, *args, check=check)


def test_roles_over_https_with_a_real_guest(rhv: HvEnv, tmp_path: Path) -> None:
    hv = rhv
    viewer, operator, admin = (token_file(hv, r) for r in ("viewer", "operator", "admin"))
    # create remotely: the profile lives with the client (not in the daemon's profile dir);
    # its text is uploaded
    profile = tmp_path / "r1.cfg"
    outside = tmp_path / "r1-data.img"
    with open(outside, "wb") as fh:
        fh.truncate(4 << 20)
    profile.write_text(tiny_profile("r1", more=f"disk = ['file:{outside},hdb,w']\n"))
    out = remote(hv, admin, "create", str(profile), check=False)  # a disk outside the pools: refused
    assert out.returncode == 1 and f"r1.cfg:9: disk: hdb: {outside} is outside the storage pools" in out.stderr
    disk = hv.base / "pool" / "r1-data.img"
    outside.rename(disk)
    profile.write_text(tiny_profile("r1", more=f"disk = ['file:{disk},hdb,w']\n"))
    out = remote(hv, viewer, "create", str(profile), check=False)
    assert out.returncode == 1 and "needs admin" in out.stderr
    assert "r1" not in [d["name"] for d in hv.domains()]
    remote(hv, admin, "create", str(profile))
    hv.wait_console("r1", READY)
    assert (hv.base / "known_hosts").read_text().startswith(hv.env["HVMCTL_LISTEN"] + " sha256:")

    # viewer: lists, cannot destroy; the guest keeps running and answers
    listed = remote(hv, viewer, "list", "--json").json()
    assert [d["name"] for d in listed] == ["Domain-0", "r1"]
    out = remote(hv, viewer, "destroy", "r1", check=False)
    assert out.returncode == 1 and "needs operator" in out.stderr
    hv.hv("console", "r1", input="echo ALIVE-$((6*7))\n", timeout=30)
    hv.wait_console("r1", "ALIVE-42")
    out = remote(hv, None, "list", check=False)
    assert out.returncode == 1 and "token is required" in out.stderr

    # metrics, as a viewer
    import httpx

    cert = ssl.create_default_context(cafile=str(hv.base / "state" / "remote" / "cert.pem"))
    with open(viewer) as fh:
        vtoken = fh.read().strip()
    r = httpx.get(url(hv) + "/metrics", headers={"Authorization": f"Bearer {vtoken}"}, verify=cert)
    assert r.status_code == 200
    cpu = [float(line.split()[-1]) for line in r.text.splitlines()
           if line.startswith('hvmctl_domain_cpu_seconds_total{domain="r1"}')]
    assert cpu and cpu[0] > 0
    assert 'hvmctl_domain_state{domain="r1",state="running"} 1.0' in r.text
    read = [float(line.split()[-1]) for line in r.text.splitlines()
            if line.startswith("hvmctl_domain_disk_bytes_total{") and 'domain="r1"' in line and 'op="read"' in line]
    assert read and max(read) > 0, r.text  # the guest's kernel read the disk's partition table
    assert 'hvmctl_api_request_duration_seconds_count{action="create"} 3.0' in r.text  # 2 refused + made

    # every state-changing action, aimed at r1 with the viewer's token: each refused 403
    for name, wire in ACTIONS.items():
        if wire.method != "POST":
            continue
        method, path = route(name, **{k: v for k, v in (("ref", "r1"), ("job", "j"), ("token", "t-admin"))
                                      if "{" + k + "}" in wire.path})
        answer = httpx.post(url(hv) + path, json={}, headers={"Authorization": f"Bearer {vtoken}"}, verify=cert)
        assert answer.status_code == 403, (name, answer.text)
    assert hv.domain("r1")["state"] == "running"

    # the Python client, async, as an operator
    import asyncio

    from hvmctl.client import AsyncClient

    async def pause_and_resume() -> list[str]:
        async with AsyncClient(url(hv), token_file=operator, known_hosts=str(hv.base / "known_hosts")) as c:
            states = [(await c.act("pause", ref="r1"))["state"]]
            states.append((await c.act("unpause", ref="r1"))["state"])
            return states

    assert asyncio.run(pause_and_resume()) == ["paused", "running"]

    # operator shuts it down (ACPI): the guest goes
    remote(hv, operator, "shutdown", "-w", "--timeout", "60", "r1")
    assert "r1" not in [d["name"] for d in hv.domains()]

    # a revoked token stops at once
    assert remote(hv, operator, "list").returncode == 0
    hv.hv("token", "revoke", "t-operator")
    out = remote(hv, operator, "list", check=False)
    assert out.returncode == 1 and "revoked" in out.stderr

    # the audit log has who did what, and how it went
    import json

    audit = [json.loads(x) for x in (hv.base / "state" / "log" / "audit.log").read_text().splitlines()]
    seen = {(e["who"], e["action"], e["target"], e["result"]) for e in audit}
    assert ("t-admin", "create", None, "ok") in seen and ("t-viewer", "destroy", "r1", "error") in seen
    assert ("t-operator", "shutdown", "r1", "ok") in seen and ("root", "token-revoke", "t-operator", "ok") in seen

    # plain HTTP on the port: closed, nothing served
    host, port = hv.env["HVMCTL_LISTEN"].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /v1/domains HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        try:
            data = sock.recv(4096)
        except (ConnectionError, ssl.SSLError):
            data = b""
    assert b"Domain-0" not in data and not data.startswith(b"HTTP/1.1 200")


def test_schema_fuzz_over_https_with_and_without_tokens(rhv: HvEnv) -> None:
    """Every endpoint of /openapi.json, fuzzed over the TCP listener: no 500s, the one error
    shape; without a token everything is 401; with a viewer's, nothing changes."""
    schemathesis = pytest.importorskip("schemathesis")
    import httpx
    from hypothesis import HealthCheck, given, settings

    hv = rhv
    hv.write_profile("f1", tiny_profile("f1"))
    hv.hv("create", "f1")
    hv.wait_console("f1", READY)
    before = hv.domain("f1")
    viewer = Path(token_file(hv, "viewer")).read_text().strip()
    cert = str(hv.base / "state" / "remote" / "cert.pem")
    schema_doc = httpx.get(url(hv) + "/openapi.json", verify=ssl.create_default_context(cafile=cert)).json()
    schema = schemathesis.openapi.from_dict(schema_doc)
    statuses: dict[str, set[int]] = {"none": set(), "viewer": set()}

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            for who, headers in (("none", {}), ("viewer", {"Authorization": f"Bearer {viewer}"})):
                response = case.call(base_url=url(hv), headers=headers, verify=cert, timeout=30)
                assert response.status_code < 500, (case.method, case.path, response.text)
                statuses[who].add(response.status_code)
                if who == "none":
                    assert response.status_code == 401 or case.path == "/openapi.json", case.path
                if response.status_code >= 400:
                    body = response.json()
                    assert set(body) == {"error", "message"} and "\n" not in body["message"]
                if who == "viewer" and case.method.upper() == "POST":
                    assert response.status_code == 403, (case.path, response.status_code)

        check()

    assert 200 in statuses["viewer"] and 403 in statuses["viewer"]
    after = hv.domain("f1")
    assert (after["state"], after["id"], after["start_time"]) == (before["state"], before["id"], before["start_time"])
    assert [d["name"] for d in hv.domains()] == ["f1"]
    assert [t["name"] for t in hv.hv("token", "list", "--json").json()["tokens"]] == ["t-viewer"]
