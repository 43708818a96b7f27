"""The CLI and the daemon around the guests: on-demand start, the socket, the API schema,
errors on one line, forced shutdown of a guest that ignores the power button."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time

from tests.integration.hvenv import HvEnv, tiny_profile


def _get(sock_path: str, path: str) -> tuple[int, bytes]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(sock_path)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_cli_starts_the_daemon_on_demand_and_socket_is_private() -> None:
    env = HvEnv.make()
    try:
        started = time.monotonic()
        out = env.hv("list")  # no daemon yet: the CLI starts one
        assert out.stdout.splitlines()[1].startswith("Domain-0")
        assert time.monotonic() - started < 20
        mode = os.stat(env.env["HVMCTL_SOCKET"]).st_mode
        assert stat.S_IMODE(mode) == 0o600
        again = env.hv("list")  # the same daemon answers
        assert again.returncode == 0
        pids = subprocess.run(["pgrep", "-f", f"hvmctl daemon"], capture_output=True, text=True).stdout.split()
        mine = [p for p in pids if env.env["HVMCTL_STATE_DIR"] in open(f"/proc/{p}/environ", "rb").read().decode(
            errors="replace")]
        assert len(mine) == 1
    finally:
        env.cleanup()


def test_openapi_schema_is_published(hv: HvEnv) -> None:
    status, body = _get(hv.env["HVMCTL_SOCKET"], "/openapi.json")
    assert status == 200
    schema = json.loads(body)
    for path in ("/v1/domains", "/v1/domains/{ref}/shutdown", "/v1/host"):
        assert path in schema["paths"]


def test_errors_are_one_json_shape_and_one_cli_line(hv: HvEnv) -> None:
    status, body = _get(hv.env["HVMCTL_SOCKET"], "/v1/domains/nosuch")
    assert status == 404 and json.loads(body) == {"error": "not-found", "message": "domain 'nosuch' does not exist"}
    res = hv.hv("destroy", "nosuch", check=False)
    assert res.returncode == 1 and res.stderr == "hvmctl: error: domain 'nosuch' does not exist\n"
    res = hv.hv("destroy", "nosuch", "--json", check=False)  # with --json: the API's shape, on stdout
    assert res.returncode == 1 and res.stderr == ""
    assert json.loads(res.stdout) == {"error": "not-found", "message": "domain 'nosuch' does not exist"}
    res = hv.hv("lsit", check=False)
    assert res.returncode == 2 and res.stderr.endswith("hvmctl: error: unknown command 'lsit'; did you mean 'list'?\n")
    hv.write_profile("bad", 'name = "bad"\nmemory = "lots"\n')
    res = hv.hv("create", "bad", check=False)
    assert res.returncode == 1 and res.stderr.count("\n") == 1
    assert f"{hv.profile_dir / 'bad'}:2: memory: expected" in res.stderr


def test_shutdown_force_destroys_a_guest_that_ignores_acpi(hv: HvEnv) -> None:
    hv.write_profile("deaf", tiny_profile("deaf", more="acpi = 0\n"))  # no ACPI: the button does nothing
    hv.hv("create", "deaf")
    hv.wait_console("deaf", "HVMCTL-READY")
    res = hv.hv("shutdown", "-w", "--timeout", "3", "deaf", check=False)
    assert res.returncode == 1 and "did not shut down within 3 s" in res.stderr
    assert hv.domain("deaf")["state"] == "running"  # nothing lost
    res = hv.hv("shutdown", "--force", "--timeout", "2", "deaf")
    assert "forced off" in res.stdout
    assert hv.domains() == []


def test_a_daemon_killed_mid_request_is_reported_as_that(hv: HvEnv) -> None:
    hv.write_profile("deaf", tiny_profile("deaf", more="acpi = 0\n"))
    hv.hv("create", "deaf")
    hv.wait_console("deaf", "HVMCTL-READY")
    waiting = subprocess.Popen([sys.executable, "-m", "hvmctl", "shutdown", "-w", "--timeout", "60", "deaf"],
                               env=hv.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # the CLI is waiting on the daemon's answer
    assert waiting.poll() is None
    hv.kill_daemon()
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 1 and out == ""
    log = os.path.join(hv.env["HVMCTL_RUN_DIR"], "daemon.log")
    assert err == ("hvmctl: error: the daemon closed the connection while answering POST /v1/domains/deaf/shutdown "
                   f"(see {log})\n")


def test_create_with_console_attached(hv: HvEnv) -> None:
    hv.write_profile("cc", tiny_profile("cc"))
    proc = subprocess.Popen([sys.executable, "-m", "hvmctl", "create", "-c", "cc"], env=hv.env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    hv.wait_console("cc", "HVMCTL-READY")
    out, err = proc.communicate(input=b"echo ATTACHED-$((6*7))\n", timeout=60)
    assert b"Started domain cc" in err
    assert b"ATTACHED-42" in out


def test_qemu_refusing_to_start_is_reported_and_leaves_nothing(hv: HvEnv) -> None:
    broken = hv.base / "broken.qcow2"
    broken.write_bytes(b"QFI\xfb" + b"\x00\x00\x00\x63" + b"\x00" * 504)  # qcow2 magic, impossible version
    hv.write_profile("qbad", tiny_profile("qbad", more=f"disk = ['file:{broken},hda,w']\n"))
    res = hv.hv("create", "qbad", check=False)
    assert res.returncode == 1
    assert res.stderr.startswith("hvmctl: error: qbad: QEMU refused to start: ") and res.stderr.count("\n") == 1
    assert hv.domains() == []
    assert list((hv.base / "state" / "domains").glob("*.json")) == []
    assert list((hv.base / "run" / "dom").glob("*/qemu.pid")) == []


def test_piped_console_returns_even_when_the_guest_keeps_printing(hv: HvEnv) -> None:
    hv.write_profile("chatty", tiny_profile("chatty", extra="hvtest.counter=1"))
    hv.hv("create", "chatty")
    hv.wait_console("chatty", "COUNTER 3")
    started = time.monotonic()
    out = hv.hv("console", "chatty", input="echo PIPED-$((40+2))\n", timeout=30)
    assert "PIPED-42" in out.stdout
    assert time.monotonic() - started < 10


def test_top_shows_a_busy_guest_using_cpu(hv: HvEnv) -> None:
    hv.write_profile("busy", tiny_profile("busy"))
    hv.hv("create", "busy")
    hv.wait_console("busy", "HVMCTL-READY")
    hv.hv("console", "busy", input="while :; do :; done &\n")
    samples = [json.loads(line) for line in hv.hv("top", "--json", "-b", "-i", "2", "-d", "0.5").stdout.splitlines()]
    assert len(samples) == 2
    busy = next(r for r in samples[-1] if r["name"] == "busy")
    # an idle TCG guest shows 1-3 %; a spinning one 20-100 % depending on what else shares the 2 cores
    assert busy["cpu_percent"] > 10 and busy["vcpus"] == 1 and busy["memory_kib"] == 96 * 1024
    text = hv.hv("top", "-b", "-i", "1", "-d", "0.2").stdout.splitlines()
    assert text[0].split()[0] == "NAME" and any(line.startswith("busy ") for line in text)
