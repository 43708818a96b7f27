"""A daemon that dies comes back without a client ever being refused: under socket
activation the listening socket outlives the daemon, requests made while it is gone queue,
and the next daemon answers them with every guest (none lost, none restarted)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

from tests.integration.hvenv import HvEnv, tiny_profile

# what systemd does for hvmctl.socket: the listening socket as fd 3, LISTEN_PID = the daemon
ACTIVATE = (
    "import os, sys\n"
    "os.dup2(int(sys.argv[1]), 3)\n"
    "os.environ['LISTEN_FDS'] = '1'\n"
    "os.environ['LISTEN_PID'] = str(os.getpid())\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'hvmctl', 'daemon'])\n"
)


def _activated_daemon(env: HvEnv, listener: socket.socket) -> subprocess.Popen[bytes]:
    log = open(env.base / "daemon.log", "ab")
    return subprocess.Popen([sys.executable, "-c", ACTIVATE, str(listener.fileno())], env=env.env, stdout=log,
                            stderr=log, pass_fds=(listener.fileno(),), start_new_session=True)


def _list_over(path: str, timeout: float = 30.0) -> dict[str, object]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)  # never refused: the socket is held while no daemon runs
        sock.sendall(b"GET /v1/domains HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.split()[1] == b"200", data[:300]
    return json.loads(body)  # type: ignore[no-any-return]


def test_socket_activated_restart_loses_no_client_and_no_guest() -> None:
    env = HvEnv.make()
    path = env.env["HVMCTL_SOCKET"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    try:
        daemon = _activated_daemon(env, listener)
        env.write_profile("rs1", tiny_profile("rs1"))
        env.hv("create", "rs1")
        env.wait_console("rs1", "HVMCTL-READY")
        before = env.domain("rs1")
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(10)
        # the daemon is gone; a client asks anyway -- it waits in the socket's queue
        import threading

        answers: list[dict[str, object]] = []
        asker = threading.Thread(target=lambda: answers.append(_list_over(path)))
        asker.start()
        time.sleep(0.3)
        assert not answers  # nobody answered yet, and nobody refused
        spawned = time.monotonic()
        daemon = _activated_daemon(env, listener)
        asker.join(30)
        waited = time.monotonic() - spawned
        assert answers, env.daemon_log()
        doms = [d for d in answers[0]["domains"] if d["name"] == "rs1"]  # type: ignore[union-attr,index]
        assert len(doms) == 1 and doms[0]["id"] == before["id"] and doms[0]["pid"] in (before["pid"], None)
        assert waited < 10
        # the full API took over: writes work, the guest was adopted (same QEMU, same ID)
        after = env.wait_for(lambda: env.domain("rs1").get("pid") and env.domain("rs1"), what="re-attach")
        assert after["pid"] == before["pid"] and after["id"] == before["id"]
        env.hv("pause", "rs1")
        assert env.domain("rs1")["state"] == "paused"
        env.hv("destroy", "rs1")
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(10)
    finally:
        listener.close()
        env.cleanup()
