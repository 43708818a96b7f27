"""Guest ready time: `hvmctl create` -> marker on the serial console, against raw QEMU
started with the very same argv, alternating, in the same run. Goal: <= 1.03x raw QEMU
(libvirt measured 1.048x here)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import HvEnv, median, tiny_profile, wait_for_text

MARKER = b"HVMCTL-READY"


def run_hvmctl(hv: HvEnv, i: int) -> tuple[float, list[str], Path, Path]:
    name = f"b{i}"
    hv.write_profile(name, tiny_profile(name, vnc=True))
    log = Path(hv.env["HVMCTL_STATE_DIR"]) / "log" / f"{name}.console.log"
    start = time.monotonic()
    hv.hv("create", name)
    took = wait_for_text(log, MARKER, start=start)
    record = json.loads(next((Path(hv.env["HVMCTL_STATE_DIR"]) / "domains").glob("*.json")).read_text())
    argv = record["runtime"]["argv"]
    run_dir = Path(record["runtime"]["run_dir"])
    hv.hv("destroy", name)
    return took, argv, run_dir, log


def run_raw(argv: list[str], run_dir: Path, log: Path) -> float:
    """The identical argv, run by hand after hvmctl's guest is gone (same paths)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        ours, raw = [], []
        for i in range(args.rounds):
            took, argv, run_dir, log = run_hvmctl(hv, i)
            ours.append(took)
            raw.append(run_raw(argv, run_dir, log))
        print(f"rounds: {args.rounds}")
        print(f"raw QEMU, same argv:      median {median(raw):.3f} s  ({', '.join(f'{x:.2f}' for x in raw)})")
        print(f"hvmctl create -> ready:   median {median(ours):.3f} s  ({', '.join(f'{x:.2f}' for x in ours)})")
        print(f"ratio hvmctl/raw:         {median(ours) / median(raw):.3f}x  (goal <= 1.03x; libvirt 1.048x)")
    finally:
        hv.cleanup()


if __name__ == "__main__":
    sys.exit(main())
