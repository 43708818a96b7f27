"""xm vcpu-list and vcpu-pin on QEMU's vCPU threads (one host thread per vCPU).

Which host CPU a vCPU runs on, its state and CPU time come from the thread's
``/proc/PID/task/TID/stat``; its affinity is the thread's own (``sched_getaffinity``).
Pins are part of the live definition (``vcpu_pins``, over the profile's ``cpus=`` for
all vCPUs) and are applied to the threads at every start, so a restart, restore or
migration target keeps them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hvmctl.errors import ConfigError, StateError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger("hvmctl.domain")


def parse_cpus(text: str, ncpus: int | None = None) -> set[int]:
    """xm's CPU list: ``all``, ``0-1,3``, ``0-3,^1`` (a ^ takes one out)."""
    ncpus = ncpus or os.cpu_count() or 1
    if text.strip() == "all":
        return set(range(ncpus))
    chosen: set[int] = set()
    removed: set[int] = set()
    for part in text.replace(" ", "").split(","):
        into = removed if part.startswith("^") else chosen
        part = part.removeprefix("^")
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ConfigError(f"expected host CPUs like '0-1,3' or 'all'; got {text!r}")
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ConfigError(f"expected host CPUs like '0-1,3' or 'all'; got {text!r} ({part} runs backwards)")
        into.update(range(first, last + 1))
    cpus = chosen - removed
    beyond = sorted(c for c in cpus if c >= ncpus)
    if beyond:
        raise ConfigError(f"host CPU {beyond[0]} does not exist (this host has CPUs 0-{ncpus - 1})")
    if not cpus:
        raise ConfigError(f"expected at least one host CPU; got {text!r}")
    return cpus


def format_cpus(cpus: set[int], ncpus: int | None = None) -> str:
    """``0-1,3``; ``any cpu`` (xm's words) when it is every CPU of the host."""
    ncpus = ncpus or os.cpu_count() or 1
    if cpus >= set(range(ncpus)):
        return "any cpu"
    runs: list[str] = []
    for cpu in sorted(cpus):
        if runs and runs[-1].split("-")[-1] == str(cpu - 1):
            runs[-1] = f"{runs[-1].split('-')[0]}-{cpu}"
        else:
            runs.append(str(cpu))
    return ",".join(runs)


def wanted(dom: "Domain", vcpu: int) -> str | None:
    """The host CPUs vCPU ``vcpu`` is pinned to in the live definition (None: any)."""
    return dict(dom.config.vcpu_pins).get(vcpu) or dom.config.cpus


def _thread(dom: "Domain", vcpu: int) -> tuple[int, int] | None:
    """(pid, tid) of vCPU ``vcpu``'s thread, if it is a thread of this host's QEMU."""
    rt, proc = dom.runtime, dom.process
    if rt is None or proc is None or not 0 <= vcpu < len(rt.vcpu_threads):
        return None
    tid = rt.vcpu_threads[vcpu]
    return (proc.pid, tid) if os.path.exists(f"/proc/{proc.pid}/task/{tid}") else None


def apply_pins(dom: "Domain") -> None:
    """Give every vCPU thread the affinity of the live definition (at start)."""
    rt = dom.runtime
    for vcpu in range(len(rt.vcpu_threads) if rt else 0):
        cpus = wanted(dom, vcpu)
        found = _thread(dom, vcpu)
        if cpus is None or found is None:
            continue
        try:
            os.sched_setaffinity(found[1], parse_cpus(cpus))
        except (OSError, ConfigError) as exc:
            log.warning("domain %s: vCPU %d not pinned to %s: %s", dom.name, vcpu, cpus, exc)


def _stat(pid: int, tid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/task/{tid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return []
    return raw[raw.rfind(")") + 2:].split()  # fields from the state (3rd) on


def rows(dom: "Domain") -> list[dict[str, Any]]:
    """xm vcpu-list's rows for one domain: Name ID VCPU CPU State Time(s) CPU Affinity."""
    rt = dom.runtime
    out = []
    paused = dom.state.value == "paused"
    tick = os.sysconf("SC_CLK_TCK")
    for vcpu in range(len(rt.vcpu_threads) if rt else 0):
        found = _thread(dom, vcpu)
        fields = _stat(*found) if found else []
        cpu = int(fields[36]) if len(fields) > 36 else None
        state = "--p" if paused else ("r--" if fields and fields[0] == "R" else "-b-")
        seconds = (int(fields[11]) + int(fields[12])) / tick if len(fields) > 12 else 0.0
        try:
            affinity = format_cpus(os.sched_getaffinity(found[1])) if found else "any cpu"
        except OSError:
            affinity = "any cpu"
        out.append({"name": dom.name, "id": dom.domid, "vcpu": vcpu, "cpu": cpu, "state": state,
                    "time": round(seconds, 1), "affinity": affinity,
                    "thread": rt.vcpu_threads[vcpu] if rt else None})
    return out


async def pin(dom: "Domain", vcpu_text: str, cpus_text: str) -> dict[str, Any]:
    """``xm vcpu-pin DOM VCPU CPUS`` (VCPU may be ``all``): on the threads now, and in the
    live definition for every start after."""
    cpus = parse_cpus(cpus_text)
    normal = "all" if cpus_text.strip() == "all" else format_cpus(cpus, 1 << 16)
    async with dom.lock:
        dom.require("hotplug")
        count = len(dom.runtime.vcpu_threads) if dom.runtime else 0
        if vcpu_text == "all":
            targets = list(range(count))
        elif vcpu_text.isdigit() and int(vcpu_text) < count:
            targets = [int(vcpu_text)]
        else:
            raise ConfigError(f"vcpu-pin: expected a vCPU 0..{count - 1} of '{dom.name}' or 'all'; got {vcpu_text!r}")
        for vcpu in targets:
            found = _thread(dom, vcpu)
            if found is None:
                raise StateError(f"domain '{dom.name}': vCPU {vcpu} has no thread on this host")
            try:
                os.sched_setaffinity(found[1], cpus)
            except OSError as exc:
                raise ConfigError(f"vcpu-pin: vCPU {vcpu} of '{dom.name}' to {cpus_text}: {exc.strerror}") from exc
        pins = {v: c for v, c in dom.config.vcpu_pins if v not in targets}
        pins.update({v: normal for v in targets})
        dom.config = replace(dom.config, vcpu_pins=tuple(sorted(pins.items())))
        dom.host.persist(dom)
    return {"name": dom.name, "vcpus": rows(dom)}
