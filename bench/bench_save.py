"""Save and restore throughput of a 1 GiB guest: hvmctl (`xm save`/`xm restore`) against raw
QEMU saving to an fd over QMP (``stop``, ``getfd``, ``migrate fd:``) in the same run.

Throughput = guest RAM / wall time of the command (an idle guest's state file is smaller
than its RAM: zero pages are sent as markers). Goals: >= 1 GB/s, <= 1.1x raw.

Usage: python bench/bench_save.py [--memory 1024] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from common import HvEnv, median, tiny_profile  # noqa: E402


async def raw_save_restore(memory: int, directory: Path) -> tuple[float, float, int]:
    """The same guest under plain QEMU: save to an fd, restore with -incoming defer."""
    from tests.fixtures.guests import tiny_guest
    from tests.fixtures.rawqemu import RawQemu

    guest = tiny_guest()
    args = ["-kernel", str(guest.kernel), "-initrd", str(guest.initrd), "-append", guest.cmdline]
    path = directory / "raw.save"
    async with RawQemu(args, memory_mib=memory) as vm:
        await vm.wait_serial("HVMCTL-READY", timeout=120)
        t0 = time.monotonic()
        await vm.qmp.execute("migrate-set-parameters", {"max-bandwidth": 1 << 40})
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
    async with RawQemu(args + ["-incoming", "defer"], memory_mib=memory) as vm:
        t0 = time.monotonic()
        fd = os.open(path, os.O_RDONLY)
        vm.qmp.send_fd_scm(fd)
        await vm.qmp.execute("getfd", {"fdname": "r"})
        await vm.qmp.execute("migrate-incoming", {"uri": "fd:r"})
        while (await vm.qmp.execute("query-status"))["status"] == "inmigrate":
            await asyncio.sleep(0.002)
        restore_s = time.monotonic() - t0
        os.close(fd)
    return save_s, restore_s, path.stat().st_size


def hvmctl_save_restore(memory: int, directory: Path) -> tuple[float, float, int]:
    hv = HvEnv.make()
    hv.start_daemon()
    try:
        hv.write_profile("bs", tiny_profile("bs", memory=memory))
        hv.hv("create", "bs")
        hv.wait_console("bs", "HVMCTL-READY", timeout=120)
        path = directory / "hv.save"
        t0 = time.monotonic()
        hv.hv("save", "bs", str(path))
        save_s = time.monotonic() - t0
        t0 = time.monotonic()
        hv.hv("restore", str(path))
        restore_s = time.monotonic() - t0
        return save_s, restore_s, path.stat().st_size
    finally:
        hv.cleanup()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--memory", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args()
    ram = opts.memory << 20
    rows: dict[str, list[tuple[float, float, int]]] = {"raw": [], "hvmctl": []}
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for _ in range(opts.rounds):
            rows["raw"].append(asyncio.run(raw_save_restore(opts.memory, Path(tmp))))
            rows["hvmctl"].append(hvmctl_save_restore(opts.memory, Path(tmp)))
    out = {}
    for who, vals in rows.items():
        save, restore = median([v[0] for v in vals]), median([v[1] for v in vals])
        out[who] = {"save_s": round(save, 3), "restore_s": round(restore, 3), "file_bytes": vals[0][2],
                    "save_GBps": round(ram / save / 1e9, 2), "restore_GBps": round(ram / restore / 1e9, 2)}
    out["ratio_save"] = round(out["hvmctl"]["save_s"] / out["raw"]["save_s"], 2)  # type: ignore[index]
    out["ratio_restore"] = round(out["hvmctl"]["restore_s"] / out["raw"]["restore_s"], 2)  # type: ignore[index]
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
