"""Guest ready time: `hvmctl create` -> marker on the serial console, against raw QEMU
started with the very same argv, alternating, in the same run. Goal: <= 1.03x raw QEMU
(libvirt measured 1.048x here)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import HvEnv, median, tiny_profile, wait_for_text

MARKER = b"HVMCTL-READY"


def _since_boot() -> float:
    """Now, on the clock /proc/PID/stat's start times use (seconds since boot)."""
    return float(Path("/proc/uptime").read_text().split()[0])


def _process_started(pid: int) -> float:
    """When a process started, in seconds since boot (10 ms resolution)."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_hvmctl(hv: HvEnv, i: int) -> tuple[float, list[str], Path, Path, float]:
    name = f"b{i}"
    hv.write_profile(name, tiny_profile(name, vnc=True))
    log = Path(hv.env["HVMCTL_STATE_DIR"]) / "log" / f"{name}.console.log"
    start, booted = time.monotonic(), _since_boot()
    hv.hv("create", name)
    took = wait_for_text(log, MARKER, start=start)
    overhead = _process_started(int(hv.domain(name)["pid"])) - booted
    record = json.loads(next((Path(hv.env["HVMCTL_STATE_DIR"]) / "domains").glob("*.json")).read_text())
    argv = record["runtime"]["argv"]
    run_dir = Path(record["runtime"]["run_dir"])
    hv.hv("destroy", name)
    return took, argv, run_dir, log, overhead


def _open_passed(argv: list[str], run_dir: Path) -> list[int]:
    """The fds the argv names (hvmctl passes them: -add-fd ...,opaque=KEY=PATH, the QMP
    chardev's fd=), opened again under the same numbers, as the daemon does."""
    import socket

    fds = []
    for i, arg in enumerate(argv[:-1]):
        nxt = argv[i + 1]
        if arg == "-add-fd":
            opts = dict(kv.split("=", 1) for kv in nxt.split(","))
            key, _, path = opts["opaque"].partition("=")
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT if key == "console-log" else os.O_RDWR
            fd = os.open(path, flags, 0o640)
        elif arg == "-chardev" and nxt.startswith("socket,id=") and ",fd=" in nxt:  # QMP, serial ports
            name = nxt.split("id=")[1].split(",")[0]
            sock = socket.socket(socket.AF_UNIX)
            (run_dir / f"{name}.sock").unlink(missing_ok=True)
            sock.bind(str(run_dir / f"{name}.sock"))
            sock.listen(8)
            fd = sock.detach()
            opts = {"fd": nxt.split("fd=")[1].split(",")[0]}
        else:
            continue
        want = int(opts["fd"])
        if fd != want:
            os.dup2(fd, want)
            os.close(fd)
        fds.append(want)
    return fds


def run_raw(argv: list[str], run_dir: Path, log: Path) -> float:
    """The identical argv, run by hand after hvmctl's guest is gone (same paths; the fds
    hvmctl passes opened the same way first, their opening counted in)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    start = time.monotonic()
    fds = _open_passed(argv, run_dir)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            pass_fds=fds)
    for fd in fds:
        os.close(fd)
    try:
        return wait_for_text(log, MARKER, start=start)
    finally:
        proc.kill()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    hv = HvEnv.make()
    hv.start_daemon()
    try:
        hv.hv("list")  # warm: daemon up, accel known
        ours, raw, overheads = [], [], []
        for i in range(args.rounds):
            took, argv, run_dir, log, overhead = run_hvmctl(hv, i)
            ours.append(took)
            overheads.append(overhead)
            raw.append(run_raw(argv, run_dir, log))
        print(f"rounds: {args.rounds}")
        print(f"raw QEMU, same argv:      median {median(raw):.3f} s  ({', '.join(f'{x:.2f}' for x in raw)})")
        print(f"hvmctl create -> ready:   median {median(ours):.3f} s  ({', '.join(f'{x:.2f}' for x in ours)})")
        print(f"ratio hvmctl/raw:         {median(ours) / median(raw):.3f}x of medians, "
              f"{median([o / r for o, r in zip(ours, raw)]):.3f}x median per round  (goal <= 1.03x; libvirt 1.048x)")
        print(f"hvmctl's own time before QEMU runs (CLI start, API call, parse, checks, spawn): "
              f"median {median(overheads) * 1000:.0f} ms (10 ms resolution)")
        after = [t - o for t, o in zip(ours, overheads)]
        print(f"hvmctl, QEMU start -> ready: median {median(after):.3f} s "
              f"({median(after) / median(raw):.3f}x raw: what supervising the running guest costs)")
    finally:
        hv.cleanup()


if __name__ == "__main__":
    sys.exit(main())
