"""Save and restore of a 1 GiB guest: hvmctl (`xm save`/`xm restore`) against raw QEMU saving to
an fd over QMP (``stop``, ``getfd``, ``migrate fd:``, fsync) in the same run, rounds alternating.

Figures (medians):
- raw ``save``: stop -> stream complete and fsynced; raw ``restore``: ``migrate-incoming`` ->
  loaded (QEMU already running: the stream alone); raw ``restore+spawn``: from starting QEMU
  (``-incoming defer``) to loaded -- what any restore has to pay;
- hvmctl ``cli``: the `hvmctl save|restore` command's wall time (includes the CLI's Python
  start-up and an HTTP round trip); hvmctl ``api``: the same request from a client already
  running (no CLI start-up), i.e. the daemon's own cost;
- the daemon's phases (prepare / stream / fsync for save; QEMU start / stream for restore).

Throughput = guest RAM / wall time (an idle guest's state file is smaller than its RAM: zero
pages go as markers). Goals: >= 1 GB/s, <= 1.1x raw.

Usage: python bench/bench_save.py [--memory 1024] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import HvEnv, median, tiny_profile  # noqa: E402


async def raw_round(memory: int, directory: Path) -> dict[str, float]:
    """The same guest under plain QEMU: save to an fd, restore with -incoming defer."""
    from tests.fixtures.guests import tiny_guest
    from tests.fixtures.rawqemu import RawQemu

    guest = tiny_guest()
    args = ["-kernel", str(guest.kernel), "-initrd", str(guest.initrd), "-append", guest.cmdline]
    path = directory / "raw.save"
    async with RawQemu(args, memory_mib=memory) as vm:
        await vm.wait_serial("HVMCTL-READY", timeout=120)
        await vm.qmp.execute("migrate-set-parameters", {"max-bandwidth": 1 << 40})
        t0 = time.monotonic()
        await vm.qmp.execute("stop")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        vm.qmp.send_fd_scm(fd)
        await vm.qmp.execute("getfd", {"fdname": "s"})
        await vm.qmp.execute("migrate", {"uri": "fd:s"})
        while (await vm.qmp.execute("query-migrate"))["status"] not in ("completed", "failed"):
            await asyncio.sleep(0.002)
        os.fsync(fd)
        os.close(fd)
        save_s = time.monotonic() - t0
    vm = RawQemu(args + ["-incoming", "defer"], memory_mib=memory)
    t_spawn = time.monotonic()
    await vm.start()
    try:
        t0 = time.monotonic()
        fd = os.open(path, os.O_RDONLY)
        vm.qmp.send_fd_scm(fd)
        await vm.qmp.execute("getfd", {"fdname": "r"})
        await vm.qmp.execute("migrate-incoming", {"uri": "fd:r"})
        while (await vm.qmp.execute("query-status"))["status"] == "inmigrate":
            await asyncio.sleep(0.002)
        t_end = time.monotonic()
        os.close(fd)
    finally:
        await vm.close()
    return {"save": save_s, "restore": t_end - t0, "restore+spawn": t_end - t_spawn,
            "file_bytes": float(path.stat().st_size)}


def _api_client(hv: HvEnv) -> Any:
    from hvmctl.cli.client import Client
    from hvmctl.paths import Paths

    for key in ("HVMCTL_STATE_DIR", "HVMCTL_RUN_DIR", "HVMCTL_SOCKET"):
        os.environ[key] = hv.env[key]
    return Client(Paths.from_env(), autostart=False)


def hvmctl_round(memory: int, directory: Path) -> dict[str, float]:
    hv = HvEnv.make()
    hv.start_daemon()
    try:
        hv.write_profile("bs", tiny_profile("bs", memory=memory))
        hv.hv("create", "bs")
        hv.wait_console("bs", "HVMCTL-READY", timeout=120)
        path = directory / "hv.save"
        out: dict[str, float] = {}
        t0 = time.monotonic()
        res = hv.hv("save", "--json", "bs", str(path)).json()
        out["cli_save"] = time.monotonic() - t0
        for key, value in res.get("phases_ms", {}).items():
            out[f"save_{key}_ms"] = value
        t0 = time.monotonic()
        hv.hv("restore", str(path))
        out["cli_restore"] = time.monotonic() - t0
        client = _api_client(hv)
        t0 = time.monotonic()
        client.post("/v1/domains/bs/save", {"file": str(path), "checkpoint": False})
        out["api_save"] = time.monotonic() - t0
        t0 = time.monotonic()
        client.post("/v1/restore", {"file": str(path), "paused": False})
        out["api_restore"] = time.monotonic() - t0
        lines = [ln for ln in hv.daemon_log().splitlines() if "restored from" in ln]
        m = re.search(r"QEMU start ([\d.]+) ms, stream ([\d.]+) ms", lines[-1]) if lines else None
        if m:
            out["restore_qemu_start_ms"], out["restore_stream_ms"] = float(m.group(1)), float(m.group(2))
        out["file_bytes"] = float(path.stat().st_size)
        return out
    finally:
        hv.cleanup()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--memory", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args()
    ram = opts.memory << 20
    raw: list[dict[str, float]] = []
    hvm: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for i in range(opts.rounds):  # alternate who goes first: the machine's load drifts
            if i % 2:
                hvm.append(hvmctl_round(opts.memory, Path(tmp)))
                raw.append(asyncio.run(raw_round(opts.memory, Path(tmp))))
            else:
                raw.append(asyncio.run(raw_round(opts.memory, Path(tmp))))
                hvm.append(hvmctl_round(opts.memory, Path(tmp)))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return round(median([r[key] for r in rows if key in r]), 4)

    out: dict[str, Any] = {"memory_mib": opts.memory, "rounds": opts.rounds, "load": os.getloadavg()[0]}
    out["raw"] = {k: med(raw, k) for k in raw[0]}
    out["hvmctl"] = {k: med(hvm, k) for k in hvm[0]}
    r, h = out["raw"], out["hvmctl"]
    out["GBps"] = {"raw_save": round(ram / r["save"] / 1e9, 2), "api_save": round(ram / h["api_save"] / 1e9, 2),
                   "cli_save": round(ram / h["cli_save"] / 1e9, 2),
                   "raw_restore": round(ram / r["restore"] / 1e9, 2),
                   "api_restore": round(ram / h["api_restore"] / 1e9, 2)}
    out["ratios"] = {
        "api_save/raw_save": round(h["api_save"] / r["save"], 2),
        "cli_save/raw_save": round(h["cli_save"] / r["save"], 2),
        "api_restore/raw_restore+spawn": round(h["api_restore"] / r["restore+spawn"], 2),
        "cli_restore/raw_restore+spawn": round(h["cli_restore"] / r["restore+spawn"], 2),
        "api_restore/raw_restore(stream only)": round(h["api_restore"] / r["restore"], 2),
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
