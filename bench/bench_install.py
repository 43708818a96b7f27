"""Seed 2.3.1 timed: the whole install walkthrough, and a boot of the installed disk against
raw QEMU started with the very same argv, alternating, in the same run.

Walkthrough = `hvmctl image create DIR/SL50_64 20G` -> `xm create` of the seed's install
profile (boot ISO on hdc, boot = "d") -> the installer writes the disk and powers off -> the
domain is gone -> `xm create` of the seed's post-install profile -> the installed system's
init prints HVMCTL-READY. Firmware boots (SeaBIOS, ISOLINUX/SYSLINUX), TCG.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import HvEnv, median

from tests.fixtures.guests import installer_iso
from tests.integration.seedprof import seed_profile

NAME = "SL50_64"
READY = b"HVMCTL-READY"
INSTALLED = b"HVMCTL-INSTALL-DONE"
TIMEOUT = 300.0


def _log(hv: HvEnv) -> Path:
    return Path(hv.env["HVMCTL_STATE_DIR"]) / "log" / f"{NAME}.console.log"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _wait_text(path: Path, text: bytes, after: int, start: float) -> float:
    """Seconds from ``start`` until ``text`` appears in ``path`` past byte ``after``."""
    deadline = start + TIMEOUT
    while time.monotonic() < deadline:
        try:
            with path.open("rb") as fh:
                fh.seek(after)
                if text in fh.read():
                    return time.monotonic() - start
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} not in {path} after {TIMEOUT} s")


def _gone(hv: HvEnv, start: float) -> float:
    deadline = start + TIMEOUT
    while time.monotonic() < deadline:
        if NAME not in [d["name"] for d in hv.domains()]:
            return time.monotonic() - start
        time.sleep(0.02)
    raise TimeoutError(f"{NAME} still listed after {TIMEOUT} s")


def walkthrough(hv: HvEnv, domu: Path) -> dict[str, float]:
    """One whole walkthrough from nothing; returns the phase times."""
    image = domu / NAME
    image.unlink(missing_ok=True)
    log = _log(hv)
    t0 = time.monotonic()
    hv.hv("image", "create", str(image), "20G")
    t_image = time.monotonic() - t0
    hv.write_profile(NAME, seed_profile("SL50_64.install", domu))
    before = _size(log)
    t1 = time.monotonic()
    hv.hv("create", NAME)
    t_installed = _wait_text(log, INSTALLED, before, t1)
    t_gone = _gone(hv, t1)
    hv.write_profile(NAME, seed_profile("SL50_64", domu))
    before = _size(log)
    t2 = time.monotonic()
    hv.hv("create", NAME)
    t_ready = _wait_text(log, READY, before, t2)
    total = time.monotonic() - t0
    hv.hv("destroy", NAME)
    return {"image": t_image, "install": t_installed, "install_gone": t_gone, "boot": t_ready, "total": total,
            "allocated_mib": image.stat().st_blocks * 512 / 2**20}


def boot_hvmctl(hv: HvEnv) -> tuple[float, list[str], Path]:
    log = _log(hv)
    before = _size(log)
    start = time.monotonic()
    hv.hv("create", NAME)
    took = _wait_text(log, READY, before, start)
    record = json.loads(next((Path(hv.env["HVMCTL_STATE_DIR"]) / "domains").glob("*.json")).read_text())
    hv.hv("destroy", NAME)
    return took, record["runtime"]["argv"], Path(record["runtime"]["run_dir"])


def boot_raw(argv: list[str], run_dir: Path, log: Path) -> float:
    """The identical argv by hand, once hvmctl's guest is gone (same paths, same disk)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    before = _size(log)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return _wait_text(log, READY, before, start)
    finally:
        proc.kill()
        proc.wait(10)
        shutil.rmtree(run_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walkthroughs", type=int, default=3)
    parser.add_argument("--boots", type=int, default=5, help="rounds of hvmctl vs raw boots of the installed disk")
    args = parser.parse_args()
    iso = installer_iso().path
    hv = HvEnv.make()
    hv.start_daemon()
    try:
        domu = hv.base / "domU"
        domu.mkdir()
        os.symlink(iso, domu / "boot.iso")
        hv.hv("list")  # warm: daemon up, accelerator known
        walks = [walkthrough(hv, domu) for _ in range(args.walkthroughs)]
        ours, raw = [], []
        for _ in range(args.boots):
            took, argv, run_dir = boot_hvmctl(hv)
            ours.append(took)
            raw.append(boot_raw(argv, run_dir, _log(hv)))
        print(f"install walkthrough (seed 2.3.1), {args.walkthroughs} runs, TCG:")
        for key, label in (("image", "image create 20G"), ("install", "create -> INSTALL-DONE"),
                           ("install_gone", "create -> powered off, gone"), ("boot", "create -> installed READY"),
                           ("total", "whole walkthrough")):
            values = [w[key] for w in walks]
            print(f"  {label:<30} median {median(values):7.3f} s  min {min(values):7.3f} s  "
                  f"({', '.join(f'{v:.2f}' for v in values)})")
        print(f"  image allocated after install: {walks[-1]['allocated_mib']:.1f} MiB of 20 GiB")
        print(f"boot of the installed disk, {args.boots} rounds alternating:")
        print(f"  raw QEMU, same argv        median {median(raw):7.3f} s  min {min(raw):7.3f} s  "
              f"({', '.join(f'{x:.2f}' for x in raw)})")
        print(f"  hvmctl create -> READY     median {median(ours):7.3f} s  min {min(ours):7.3f} s  "
              f"({', '.join(f'{x:.2f}' for x in ours)})")
        print(f"  ratio hvmctl/raw           {median(ours) / median(raw):.3f}x  "
              f"(median of per-round ratios {median([o / r for o, r in zip(ours, raw)]):.3f}x)")
        print(f"host load average (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    finally:
        hv.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
