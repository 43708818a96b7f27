"""The daemon's start stays lean: modules only a network operation needs (pyroute2, ~13 MiB
of RSS) are not imported by a daemon whose host has no tap of ours to reconcile; uvicorn
and ssl (4.5 MiB) only by one with a remote HTTPS listener (HVMCTL_LISTEN)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

# runs the real daemon (hvmctl.daemon.main.run) in a child; once the full API answers (a
# request the early server leaves to it), the child reports what it has imported and exits
CHILD = r"""
import json, os, socket, sys, threading, time

def watch():
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(os.environ["HVMCTL_SOCKET"])
            s.sendall(b"GET /v1/domains/nosuchguest HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            answer = s.recv(100)
            s.close()
            if answer.startswith(b"HTTP/1.1 404"):
                break
        except OSError:
            pass
        time.sleep(0.05)
    time.sleep(0.3)  # the start's reconcile runs after the first answers
    while os.environ.get("HVMCTL_LISTEN") and "uvicorn.server" not in sys.modules and time.monotonic() < deadline:
        time.sleep(0.05)  # the remote listener starts once the full API answers
    loaded = sorted(m for m, mod in list(sys.modules.items()) if mod is not None)
    print(json.dumps(loaded), flush=True)
    os._exit(0)

threading.Thread(target=watch, daemon=True).start()
from hvmctl.daemon.main import run
run()
"""


def _started_daemon_modules(tmp: Path, **more: str) -> set[str]:
    """The modules a started daemon has loaded, top-level names and dotted ones."""
    env = dict(os.environ, HVMCTL_STATE_DIR=str(tmp / "state"), HVMCTL_RUN_DIR=str(tmp / "run"),
               HVMCTL_SOCKET=str(tmp / "run" / "api.sock"), HVMCTL_LOG_DIR=str(tmp / "log"),
               HVMCTL_PROFILE_DIR=str(tmp / "xen"), HVMCTL_CONFIG="/dev/null")
    for name in ("HVMCTL_LISTEN", "HVMCTL_POOL_ETCD", "HVMCTL_NETWORK_SCRIPT", "HVMCTL_REMOTE_LISTEN"):
        env.pop(name, None)
    env.update(more)
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names: list[str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return set(names) | {m.split(".")[0] for m in names}


def test_a_daemon_with_no_guests_imports_neither_pyroute2_nor_uvicorn_nor_ssl(tmp_path: Path) -> None:
    loaded = _started_daemon_modules(tmp_path)
    assert "hvmctl.api.app" in loaded and "msgspec" in loaded  # the check ran against the full daemon
    assert "pyroute2" not in loaded
    assert "uvicorn" not in loaded  # the Unix socket is served by api/localhttp.py
    assert "_ssl" not in loaded  # (sys.modules["ssl"] is tlsload's stand-in: no libssl)


def test_a_remote_listener_loads_ssl_and_uvicorn(tmp_path: Path) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    loaded = _started_daemon_modules(tmp_path, HVMCTL_LISTEN=f"127.0.0.1:{port}")
    assert {"uvicorn", "_ssl", "uvicorn.server"} <= loaded


def test_the_config_files_settings_are_logged_once_logging_is_up(tmp_path: Path) -> None:
    """logging is set up after the prelude answers; what the config file applied before is
    still said, once."""
    conf = tmp_path / "hvmctl.conf"
    conf.write_text("qemu_mount_namespace = no\n")
    env = dict(os.environ, HVMCTL_STATE_DIR=str(tmp_path / "state"), HVMCTL_RUN_DIR=str(tmp_path / "run"),
               HVMCTL_SOCKET=str(tmp_path / "run" / "api.sock"), HVMCTL_LOG_DIR=str(tmp_path / "log"),
               HVMCTL_PROFILE_DIR=str(tmp_path / "xen"), HVMCTL_CONFIG=str(conf))
    for name in ("HVMCTL_LISTEN", "HVMCTL_POOL_ETCD", "HVMCTL_REMOTE_LISTEN", "HVMCTL_QEMU_MOUNT_NAMESPACE"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    said = [line for line in proc.stderr.splitlines() if "settings from" in line]
    assert len(said) == 1 and said[0].endswith(f"settings from {conf}: qemu_mount_namespace"), proc.stderr[-2000:]
