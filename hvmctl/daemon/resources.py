"""xm mem-set and vcpu-set on a running guest: the balloon and CPU hotplug.

As in Xen, a guest can be given memory between a floor and ``maxmem`` (the balloon exists
when ``maxmem`` is above ``memory``; QEMU then gives the guest ``maxmem`` and the balloon
holds it at ``memory``) and vCPUs between its boot count and ``maxvcpus``. Both change the
live definition with the QMP change: ``memory`` becomes the balloon target, plugged vCPUs are
recorded (``cpu_plugs``), so a restart, restore or migration target keeps them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import CpuPlug, DomainConfig
from hvmctl.devices import cpu, layout, memory
from hvmctl.errors import ConfigError, StateError, TimeoutError_

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

MAX_MEMORY_MIB = 1 << 24  # the API's bound on mem-set too
MIN_MEMORY_MIB = 32  # below this a guest kernel is starved; xm refused tiny targets too
UNPLUG_TIMEOUT = 30.0  # a TCG guest takes a few seconds to offline and eject a vCPU
PERIPHERAL = "/machine/peripheral/"


async def mem_set(dom: "Domain", mib: int) -> dict[str, Any]:
    """Ask the guest's balloon driver for ``mib`` MiB; returns what the balloon reports."""
    if not memory.has_balloon(dom.config):
        raise StateError(f"domain '{dom.name}' has no balloon: give it maxmem above memory in its profile")
    limit = min(memory.boot_mib(dom.config), running_mib(dom) or memory.boot_mib(dom.config))
    if not running_balloon(dom):
        raise StateError(f"domain '{dom.name}' was started without a balloon; its new maxmem applies "
                         "from its next start")
    if not MIN_MEMORY_MIB <= mib <= limit:
        raise ConfigError(f"mem-set: expected {MIN_MEMORY_MIB}..{limit} MiB for '{dom.name}'; got {mib}")
    async with dom.lock:
        dom.require("hotplug")
        await dom.qmp("balloon", memory.target_args(mib))
        actual = (await dom.qmp("query-balloon"))["actual"] >> 20
        # pinned first: the balloon's slot keeps it in the argv even at memory == maxmem
        dom.config = replace(layout.pin(dom.config), memory=mib)
        if dom.runtime is not None:
            dom.runtime.memory_mib = mib
        dom.host.persist(dom)
    return {"name": dom.name, "target_mib": mib, "actual_mib": actual}


def running_mib(dom: "Domain") -> int | None:
    """The running QEMU's ``-m`` (what the guest has at most until its next start)."""
    argv = dom.runtime.argv if dom.runtime is not None else []
    for i, word in enumerate(argv[:-1]):
        if word == "-m":
            value = argv[i + 1].split(",")[0].removeprefix("size=")
            if value.endswith("M") and value[:-1].isdigit():
                return int(value[:-1])
    return None


def running_balloon(dom: "Domain") -> bool:
    """Does the running QEMU have the balloon (raising maxmem adds one only at a restart)?"""
    argv = dom.runtime.argv if dom.runtime is not None else []
    return dom.runtime is None or any("virtio-balloon" in word for word in argv)


async def mem_max(dom: "Domain", mib: int) -> dict[str, Any]:
    """``xm mem-max``: the live definition's ``maxmem``, the ceiling of ``mem-set``. Lowered,
    it applies at once; above the running QEMU's ``-m`` it applies from the next start."""
    async with dom.lock:
        if dom.runtime is not None:
            dom.require("hotplug")
        if mib < dom.config.memory:
            raise ConfigError(f"mem-max: {mib} MiB is below the memory '{dom.name}' has now "
                              f"({dom.config.memory} MiB); mem-set it lower first")
        if mib > MAX_MEMORY_MIB:
            raise ConfigError(f"mem-max: expected at most {MAX_MEMORY_MIB} MiB; got {mib}")
        # pinned first: a balloon the guest has keeps its slot whatever maxmem becomes
        dom.config = replace(layout.pin(dom.config) if dom.runtime is not None else dom.config, maxmem=mib)
        dom.host.persist(dom)
        now = running_mib(dom)
    later = now is not None and (mib > now or not running_balloon(dom))
    return {"name": dom.name, "maxmem_mib": mib, "running_mib": now, "next_start": later}


async def _hotpluggable(dom: "Domain") -> list[dict[str, Any]]:
    """Every vCPU the guest can have, in topology order (its place = the N of vcpuN)."""
    return sorted(await dom.qmp("query-hotpluggable-cpus"), key=cpu.slot_key)


def _plugged(slots: list[dict[str, Any]], known: tuple[CpuPlug, ...]) -> tuple[CpuPlug, ...]:
    """The live definition's plugged vCPUs as QEMU has them now (the truth after a failure)."""
    by_id = {p.id: p for p in known}
    out = []
    for number, slot in enumerate(slots):
        path = str(slot.get("qom-path") or "")
        if path.startswith(PERIPHERAL):
            ident = path.rsplit("/", 1)[1]
            out.append(by_id.get(ident) or replace(cpu.plug_for(slot, number), id=ident))
    return tuple(out)


async def vcpu_set(dom: "Domain", count: int) -> dict[str, Any]:
    """Plug or unplug vCPUs so the guest has ``count`` (boot vCPUs stay); answers with the
    number QEMU really has once the guest has let go of the ones unplugged."""
    boot, most = dom.config.vcpus, cpu.most(dom.config)
    if not boot <= count <= most:
        raise ConfigError(
            f"vcpu-set: expected {boot}..{most} for '{dom.name}' (vcpus..maxvcpus in its profile); got {count}"
        )
    async with dom.lock:
        dom.require("hotplug")
        slots = await _hotpluggable(dom)
        present = [s for s in slots if s.get("qom-path")]
        try:
            if count > len(present):
                free = [(n, s) for n, s in enumerate(slots) if not s.get("qom-path")]
                for number, slot in free[: count - len(present)]:
                    plug = cpu.plug_for(slot, number)
                    await dom.qmp("device_add", cpu.plug_props(plug))
                    dom.config = replace(dom.config, cpu_plugs=dom.config.cpu_plugs + (plug,))
            elif count < len(present):
                mine = [str(s["qom-path"]).rsplit("/", 1)[1] for s in reversed(present)
                        if str(s["qom-path"]).startswith(PERIPHERAL)]
                going = mine[: len(present) - count]
                for ident in going:
                    await dom.qmp("device_del", {"id": ident})
                await _wait_unplugged(dom, set(going))
        finally:
            dom.config = replace(dom.config, cpu_plugs=_plugged(await _hotpluggable(dom), dom.config.cpu_plugs))
            dom.host.persist(dom)
            await dom.refresh_vcpus()
        now = len(dom.runtime.vcpu_threads) if dom.runtime else count
    return {"name": dom.name, "vcpus": now, "requested": count, "present": now}


async def _wait_unplugged(dom: "Domain", idents: set[str], timeout: float = UNPLUG_TIMEOUT) -> None:
    """The guest offlines and ejects each vCPU (ACPI); until then QEMU keeps it."""
    deadline = time.monotonic() + timeout
    while True:
        paths = {str(s.get("qom-path") or "") for s in await dom.qmp("query-hotpluggable-cpus")}
        left = sorted(i for i in idents if f"{PERIPHERAL}{i}" in paths)
        if not left:
            return
        if time.monotonic() > deadline:
            raise TimeoutError_(f"domain '{dom.name}' did not release vCPU {', '.join(left)} within "
                                f"{timeout:.0f} s (the guest must support CPU hot-unplug)")
        await asyncio.sleep(0.1)


# ---- --live / --config (daemon/scope.py) ---------------------------------------------------
def memory_definition(dom: "Domain", mib: int) -> Callable[[DomainConfig], DomainConfig]:
    """mem-set of a definition: its memory (up to its maxmem: virsh's setmem --config)."""
    def change(cfg: DomainConfig) -> DomainConfig:
        top = max(cfg.maxmem or cfg.memory, cfg.memory)
        if not MIN_MEMORY_MIB <= mib <= top:
            raise ConfigError(f"mem-set --config: expected {MIN_MEMORY_MIB}..{top} MiB for the definition of "
                              f"'{dom.name}' (memory..maxmem); got {mib}")
        return replace(cfg, memory=mib)
    return change


def vcpus_definition(dom: "Domain", count: int) -> Callable[[DomainConfig], DomainConfig]:
    """vcpu-set of a definition: its boot vCPUs (up to maxvcpus), no plugged ones."""
    def change(cfg: DomainConfig) -> DomainConfig:
        most = cpu.most(cfg)
        if not 1 <= count <= most:
            raise ConfigError(f"vcpu-set --config: expected 1..{most} for the definition of '{dom.name}' "
                              f"(up to maxvcpus); got {count}")
        return replace(cfg, vcpus=count, cpu_plugs=())
    return change


async def mem_set_scoped(dom: "Domain", mib: int, *, live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "mem-set", live=live, config=config)
    result = await scope.apply(dom, where, lambda: mem_set(dom, mib), memory_definition(dom, mib))
    return {"target_mib": mib} | result


async def vcpu_set_scoped(dom: "Domain", count: int, *, live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "vcpu-set", live=live, config=config)
    result = await scope.apply(dom, where, lambda: vcpu_set(dom, count), vcpus_definition(dom, count))
    return {"requested": count} | result
