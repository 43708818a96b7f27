"""xm mem-set and vcpu-set on a running guest: the balloon and CPU hotplug.

As in Xen, a guest can be given memory between a floor and ``maxmem`` (the balloon exists
when ``maxmem`` is above ``memory``) and vCPUs between its boot count and ``maxvcpus``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hvmctl.errors import ConfigError, StateError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

MIN_MEMORY_MIB = 32  # below this a guest kernel is starved; xm refused tiny targets too


async def mem_set(dom: "Domain", mib: int) -> dict[str, Any]:
    """Ask the guest's balloon driver for ``mib`` MiB; returns what the balloon reports."""
    limit = dom.config.maxmem or dom.config.memory
    if not dom.config.maxmem or dom.config.maxmem <= dom.config.memory:
        raise StateError(f"domain '{dom.name}' has no balloon: give it maxmem above memory in its profile")
    if not MIN_MEMORY_MIB <= mib <= limit:
        raise ConfigError(f"mem-set: expected {MIN_MEMORY_MIB}..{limit} MiB for '{dom.name}'; got {mib}")
    async with dom.lock:
        dom.require("hotplug")
        await dom.qmp("balloon", {"value": mib << 20})
        actual = (await dom.qmp("query-balloon"))["actual"] >> 20
        if dom.runtime is not None:
            dom.runtime.memory_mib = mib
            dom.host.persist(dom)
    return {"name": dom.name, "target_mib": mib, "actual_mib": actual}


async def vcpu_set(dom: "Domain", count: int) -> dict[str, Any]:
    """Plug or unplug vCPUs so the guest has ``count`` (boot vCPUs stay)."""
    boot, most = dom.config.vcpus, max(dom.config.maxvcpus or 0, dom.config.vcpus)
    if not boot <= count <= most:
        raise ConfigError(
            f"vcpu-set: expected {boot}..{most} for '{dom.name}' (vcpus..maxvcpus in its profile); got {count}"
        )
    async with dom.lock:
        dom.require("hotplug")
        slots = await dom.qmp("query-hotpluggable-cpus")
        present = sorted((s for s in slots if s.get("qom-path")), key=lambda s: s["props"].get("socket-id", 0))
        free = sorted((s for s in slots if not s.get("qom-path")), key=lambda s: s["props"].get("socket-id", 0))
        for slot in free[: max(0, count - len(present))]:
            props = slot["props"]
            ident = f"vcpu{props.get('socket-id', 0)}"
            await dom.qmp("device_add", {"driver": slot["type"], "id": ident, **props})
        for slot in reversed(present[count:]):
            path = str(slot["qom-path"])
            if not path.startswith("/machine/peripheral/"):
                continue  # a boot vCPU: never unplugged
            await dom.qmp("device_del", {"id": path.rsplit("/", 1)[1]})
        await dom.refresh_vcpus()
        now = len(dom.runtime.vcpu_threads) if dom.runtime else count
    return {"name": dom.name, "vcpus": count, "present": now}
