"""SIGTERM stops the daemon promptly and cleanly: the Unix socket's server (api/localhttp.py)
stops accepting, an idle kept-alive connection does not hold the stop, the socket is removed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _ask(path: str, request: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(path)
        sock.sendall(request)
        return sock.recv(200)


def test_sigterm_with_an_idle_connection_open_stops_within_the_bound(tmp_path: Path) -> None:
    env = dict(os.environ, HVMCTL_STATE_DIR=str(tmp_path / "state"), HVMCTL_RUN_DIR=str(tmp_path / "run"),
               HVMCTL_SOCKET=str(tmp_path / "run" / "api.sock"), HVMCTL_LOG_DIR=str(tmp_path / "log"),
               HVMCTL_PROFILE_DIR=str(tmp_path / "xen"), HVMCTL_CONFIG="/dev/null")
    for name in ("HVMCTL_LISTEN", "HVMCTL_POOL_ETCD", "HVMCTL_REMOTE_LISTEN", "LISTEN_PID", "LISTEN_FDS"):
        env.pop(name, None)
    path = env["HVMCTL_SOCKET"]
    proc = subprocess.Popen([sys.executable, "-m", "hvmctl", "daemon"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:  # until the full API answers (a 404 only it gives)
            try:
                if _ask(path, b"GET /v1/domains/nosuch HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                        ).startswith(b"HTTP/1.1 404"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "the daemon did not come up"
            time.sleep(0.05)
        idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        idle.connect(path)
        idle.sendall(b"GET /v1/host HTTP/1.1\r\nhost: x\r\n\r\n")  # kept alive after its answer
        idle.settimeout(5)
        assert idle.recv(100).startswith(b"HTTP/1.1 200")
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
        assert rc == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else rc
        assert time.monotonic() - began < 5
        assert not Path(path).exists()
        idle.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
