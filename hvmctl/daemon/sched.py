"""xm sched-credit for a domain: its weight and cap in the live definition (the profile's
``cpu_weight``/``cpu_cap``, xl's ``weight``/``cap``), applied to its QEMU's cpu cgroup at
every start and at once when changed (see ``cgroups``)."""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hvmctl.daemon import cgroups
from hvmctl.errors import ConfigError, HostError, HvmctlError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger("hvmctl.domain")


def _pid(dom: "Domain") -> int | None:
    """The QEMU's pid, if it is a process of this host (not a fake backend's)."""
    proc = dom.process
    return proc.pid if proc is not None and os.path.exists(f"/proc/{proc.pid}") else None


def apply_at_start(dom: "Domain") -> None:
    """Every start puts its QEMU in a cgroup of its own, right after the spawn, with the
    domain's weight and cap (defaults: 256, none): one place to account and limit one guest
    (logged, not fatal, where the host has no cpu controller to use)."""
    cfg = dom.config
    pid = _pid(dom)
    if pid is None:
        return
    ctl = cgroups.find()
    try:
        if ctl is None:
            raise HostError("no cpu cgroup controller on this host")
        cgroups.apply(ctl, dom.uuid, pid, cfg.cpu_weight, cfg.cpu_cap)
    except HvmctlError as exc:
        log.warning("domain %s: weight/cap not applied: %s", dom.name, exc.message)


def release(dom: "Domain") -> None:
    """The domain's cgroup goes with its QEMU (an empty group; a restart makes it again)."""
    ctl = cgroups.find() if _pid(dom) is not None or dom.runtime is not None else None
    if ctl is not None:
        try:
            os.rmdir(ctl.group(dom.uuid))
        except OSError:
            pass  # never made, or not empty yet: harmless


async def sched_credit(dom: "Domain", weight: int | None, cap: int | None) -> dict[str, Any]:
    """Show (both None) or set the weight and cap: on the cgroup now, in the definition."""
    if weight is not None and not 1 <= weight <= 65535:
        raise ConfigError(f"sched-credit: expected a weight 1..65535; got {weight}")
    if cap is not None and not 0 <= cap <= 12800:
        raise ConfigError(f"sched-credit: expected a cap 0..12800 (percent of one CPU); got {cap}")
    async with dom.lock:
        dom.require("hotplug")
        pid = _pid(dom)
        if weight is not None or cap is not None:
            cfg = replace(dom.config, cpu_weight=dom.config.cpu_weight if weight is None else weight,
                          cpu_cap=dom.config.cpu_cap if cap is None else cap)
            ctl = cgroups.find()
            if pid is not None:
                if ctl is None:
                    raise HostError("sched-credit: this host has no cpu cgroup controller")
                cgroups.apply(ctl, dom.uuid, pid, cfg.cpu_weight, cfg.cpu_cap)
            dom.config = cfg
            dom.host.persist(dom)
    cfg = dom.config
    return {"name": dom.name, "id": dom.domid, "weight": cfg.cpu_weight or cgroups.DEFAULT_WEIGHT,
            "cap": cfg.cpu_cap or 0}
