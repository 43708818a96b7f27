"""Shared bits of the benchmark scripts: an isolated hvmctl, timing helpers."""

from __future__ import annotations

import compileall
import os
import select
import subprocess
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.integration.hvenv import HvEnv, tiny_profile  # noqa: E402

# measure hvmctl as installed (bytecode present), not a first run compiling its sources
compileall.compile_dir(str(ROOT / "hvmctl"), quiet=1)

__all__ = ["HvEnv", "tiny_profile", "wait_for_text", "wait_full_api", "median", "ROOT"]


def wait_for_text(path: Path, text: bytes, timeout: float = 120.0, start: float | None = None) -> float:
    """Seconds from ``start`` until ``text`` appears in the file at ``path`` (5 ms polling)."""
    start = time.monotonic() if start is None else start
    deadline = start + timeout
    while time.monotonic() < deadline:
        try:
            if text in path.read_bytes():
                return time.monotonic() - start
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} not in {path} after {timeout} s")


def wait_full_api(socket_path: str, timeout: float = 60) -> None:
    """Until the daemon's full API serves: it answers lists before FastAPI has loaded, so its
    RSS measured then would be short. A request only the full API answers (a 404), then a
    moment for the start's last steps (the tap reconcile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(5)
                sock.connect(socket_path)
                sock.sendall(b"GET /v1/domains/no-such-guest HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 404"):
                    time.sleep(0.5)
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"the daemon's full API did not answer within {timeout} s")


def timed(argv: list[str], env: dict[str, str] | None = None, timeout: float = 60.0) -> tuple[float, int]:
    """Seconds from the spawn to the exit of ``argv`` (output thrown away), and its exit code.

    Not ``subprocess.run(..., timeout=)``: with no pipe to read, its wait polls with sleeps
    that double from 0.5 ms (0.5, 1, 2, 4, 8, 16 ms...), so a 17 ms command reads as 31.5 ms
    and a 15 ms one as 15.5: every short figure snaps to those steps. The exit is seen on a
    pidfd instead, at once."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pidfd = os.pidfd_open(proc.pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
        took = time.perf_counter() - start
        if not ready:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"{' '.join(argv)} ran over {timeout} s")
    finally:
        os.close(pidfd)
    return took, proc.wait()


def median(values: list[float]) -> float:
    return statistics.median(values)
