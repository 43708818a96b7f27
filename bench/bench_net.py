"""Guest-to-guest throughput over a bridge, hvmctl's guests against two raw QEMU guests on
the same bridge in the same run (virtio and e1000), and the time to hot-attach 20 vifs.

Everything runs inside a throwaway network namespace holding bridge ``xenbr0``: the
hvmctl daemon (so its taps and QEMUs live there) and the raw QEMUs (``ip netns exec``, with
taps made by hand the way hvmctl makes them). All four guests of a model run at once and
the rounds alternate hvmctl / raw, so a load change on the machine hits both alike.

Throughput: the receiver runs ``sleep | nc -l``, the sender times ``dd if=/dev/zero | nc``
with the guest's own /proc/uptime (the sender's nc returns once the receiver has read it
all and closed), so console and CLI latency are not in the figure. Guests: the ``nics``
test guest (generic kernel: virtio-net and e1000 drivers), 96 MiB, TCG.

Needs root. ``python bench/bench_net.py [--rounds 3] [--mib 32] [--vifs 20]``
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path
from typing import Any

from common import HvEnv, median

from hvmctl.network.bridge import create_bridge
from hvmctl.network.sandbox import Sandbox
from hvmctl.network.taps import create_tap, delete_tap
from tests.fixtures.guests import nics_guest
from tests.fixtures.rawqemu import RawQemu

PORT = 5001
MODELS = {"virtio": "virtio-net-pci", "e1000": "e1000"}


def profile(name: str, model: str, ip: str) -> str:
    g = nics_guest()
    return (
        f'name = "{name}"\nbuilder = "hvm"\nmemory = 96\nvcpus = 1\n'
        f'kernel = "{g.kernel}"\nramdisk = "{g.initrd}"\nextra = "{g.cmdline} hvtest.ip={ip}/24"\n'
        f"vif = ['bridge=xenbr0,model={model}']\n"
    )


class HvGuest:
    """One hvmctl guest: type on its console, read its console log."""

    def __init__(self, hv: HvEnv, name: str) -> None:
        self.hv, self.name = hv, name
        self.log = Path(hv.env["HVMCTL_STATE_DIR"]) / "log" / f"{name}.console.log"

    async def type(self, line: str) -> None:
        await asyncio.to_thread(self.hv.hv, "console", self.name, input=line + "\n", timeout=60)

    def text(self) -> str:
        return self.log.read_bytes().decode(errors="replace") if self.log.exists() else ""


class RawGuest:
    """One raw QEMU guest (same kernel, initrd, memory, NIC model) in the namespace."""

    def __init__(self, ns: str, name: str, model: str, ip: str, mac: str) -> None:
        g = nics_guest()
        self.tap, self.mac = f"raw{name}", mac
        args = g.qemu_args(f"hvtest.ip={ip}/24") + [
            "-machine", "pc", "-cpu", "qemu64",
            "-netdev", f"tap,id=n0,ifname={self.tap},script=no,downscript=no",
            "-device", f"{MODELS[model]},netdev=n0,mac={mac},romfile=",
        ]
        self.vm = RawQemu(args, memory_mib=96, name=f"raw{name}")
        self.vm.argv = ["ip", "netns", "exec", ns, *self.vm.argv]
        self.ns = ns

    async def start(self) -> None:
        # pyroute2's sync API runs its own event loop: call it from a thread
        await asyncio.to_thread(create_tap, self.tap, bridge="xenbr0", guest_mac=self.mac, netns=self.ns)
        await self.vm.start()

    async def type(self, line: str) -> None:
        await self.vm.type(line + "\n")

    def text(self) -> str:
        return self.vm.serial_text()

    async def close(self) -> None:
        await self.vm.close()
        await asyncio.to_thread(delete_tap, self.tap, netns=self.ns)


async def wait_text(guest: Any, pattern: str, timeout: float = 180.0, start: int = 0) -> re.Match[str]:
    rx = re.compile(pattern, re.M)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = rx.search(guest.text(), start)
        if m:
            return m
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{pattern!r} not seen; tail: {guest.text()[-800:]}")


_round = iter(range(100, 100_000))


async def throughput(sender: Any, receiver: Any, dst: str, mib: int) -> float:
    """MB/s (10^6 bytes/s) of one ``mib`` MiB transfer, timed inside the sender."""
    r = next(_round)
    await receiver.type(f"(sleep 900 | nc -l -p {PORT} >/dev/null) & echo LISTEN$(({r}+0))")
    await wait_text(receiver, rf"^LISTEN{r}\b")
    await asyncio.sleep(1.0)
    start = len(sender.text())
    await sender.type(
        f"read a _ </proc/uptime; dd if=/dev/zero bs=64k count={mib * 16} 2>/dev/null | nc {dst} {PORT}; "
        f"read b _ </proc/uptime; echo TPUT{r} $a $b"
    )
    m = await wait_text(sender, rf"^TPUT{r} ([0-9.]+) ([0-9.]+)", timeout=600, start=start)
    seconds = float(m.group(2)) - float(m.group(1))
    return mib * 1024 * 1024 / seconds / 1e6


async def compare(hv: HvEnv, ns: str, model: str, rounds: int, mib: int) -> dict[str, list[float]]:
    names = [f"h{model[0]}a", f"h{model[0]}b"]
    for name, ip in zip(names, ("10.99.0.1", "10.99.0.2")):
        hv.write_profile(name, profile(name, model, ip))
        await asyncio.to_thread(hv.hv, "create", name)
    ha, hb = (HvGuest(hv, n) for n in names)
    ra = RawGuest(ns, f"{model[0]}a", model, "10.99.0.11", "00:16:3e:7f:00:11")
    rb = RawGuest(ns, f"{model[0]}b", model, "10.99.0.12", "00:16:3e:7f:00:12")
    try:
        await ra.start()
        await rb.start()
        for g in (ha, hb, ra, rb):
            await wait_text(g, r"^HVMCTL-READY")
        out: dict[str, list[float]] = {"hvmctl": [], "raw": []}
        for _ in range(rounds):
            out["hvmctl"].append(await throughput(ha, hb, "10.99.0.2", mib))
            out["raw"].append(await throughput(ra, rb, "10.99.0.12", mib))
        return out
    finally:
        await ra.close()
        await rb.close()
        for n in names:
            await asyncio.to_thread(hv.hv, "destroy", n, check=False)


def attach_many(hv: HvEnv, count: int) -> tuple[float, list[float], float]:
    """Seconds for ``count`` network-attach calls in a row (each one: a tap on xenbr0, netdev,
    device), each one's time, and the time to detach them all again."""
    hv.write_profile("many", profile("many", "virtio", "10.99.0.50"))
    hv.hv("create", "many")
    asyncio.run(wait_text(HvGuest(hv, "many"), r"^HVMCTL-READY"))
    each = []
    t0 = time.monotonic()
    for _ in range(count):
        t = time.monotonic()
        hv.hv("network-attach", "many", "bridge=xenbr0", "model=virtio")
        each.append(time.monotonic() - t)
    total = time.monotonic() - t0
    listed = hv.hv("network-list", "--json", "many").json()
    assert len(listed) == count + 1, listed
    t1 = time.monotonic()
    for nic in listed[1:]:
        hv.hv("network-detach", "many", str(nic["index"]))
    detach = time.monotonic() - t1
    hv.hv("destroy", "many")
    return total, each, detach


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mib", type=int, default=32, help="MiB per transfer")
    parser.add_argument("--vifs", type=int, default=20)
    parser.add_argument("--models", default="virtio,e1000")
    args = parser.parse_args()
    nics_guest()  # build (or find) the guest before timing anything
    with Sandbox("hvbn") as sb:
        ns = sb.netns("host")
        create_bridge("xenbr0", netns=ns)
        hv = HvEnv.make(netns=ns)
        hv.start_daemon()
        try:
            print(f"guest-to-guest over bridge xenbr0, {args.mib} MiB per transfer, {args.rounds} rounds, "
                  "MB/s (median; each round)")
            for model in args.models.split(","):
                res = asyncio.run(compare(hv, ns, model, args.rounds, args.mib))
                h, r = median(res["hvmctl"]), median(res["raw"])
                print(f"  {model:<7} hvmctl {h:7.1f}  raw QEMU {r:7.1f}  ratio {h / r:.3f}   "
                      f"(hvmctl {', '.join(f'{x:.1f}' for x in res['hvmctl'])}; "
                      f"raw {', '.join(f'{x:.1f}' for x in res['raw'])})")
                sys.stdout.flush()
            total, each, detach = attach_many(hv, args.vifs)
            print(f"network-attach x{args.vifs} (CLI, tap on xenbr0 + netdev_add + device_add): "
                  f"{total:.2f} s total, median {median(each) * 1000:.0f} ms, max {max(each) * 1000:.0f} ms; "
                  f"detaching them all: {detach:.2f} s")
        finally:
            hv.cleanup()


if __name__ == "__main__":
    main()
