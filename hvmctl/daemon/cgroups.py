"""xm sched-credit on Linux cgroups: one cpu cgroup per domain's QEMU.

Xen's credit scheduler gave a domain a weight (default 256) and a cap (percent of one CPU,
0: none). Here they become the cpu controller's weight and quota -- on cgroup v2
(``cpu.weight``, ``cpu.max``) where the cpu controller is on the v2 hierarchy, else on v1
(``cpu.shares``, ``cpu.cfs_quota_us``/``cpu.cfs_period_us``): hybrid hosts have it on v1.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hvmctl.errors import HostError

ROOT = "/sys/fs/cgroup"
DEFAULT_WEIGHT = 256
PERIOD_US = 100_000


@dataclass(frozen=True)
class CpuController:
    version: int  # 1 or 2
    base: str  # where hvmctl's groups go

    def group(self, key: str) -> str:
        return os.path.join(self.base, "hvmctl", key)


def _has_cpu(controllers: str) -> bool:
    try:
        with open(controllers) as fh:
            return "cpu" in fh.read().split()
    except OSError:
        return False


def find(root: str = ROOT) -> CpuController | None:
    """The cpu controller's hierarchy: v2 (pure or hybrid's unified) first, else v1."""
    for base in (root, os.path.join(root, "unified")):
        if _has_cpu(os.path.join(base, "cgroup.controllers")):
            return CpuController(2, base)
    v1 = os.path.join(root, "cpu")
    if os.path.exists(os.path.join(v1, "cpu.shares")):
        return CpuController(1, v1)
    return None


def _write(path: str, value: str) -> None:
    try:
        with open(path, "w") as fh:
            fh.write(value)
    except OSError as exc:
        raise HostError(f"{path}: cannot write {value.strip()!r}: {exc.strerror}") from exc


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read().strip()
    except OSError as exc:
        raise HostError(f"{path}: cannot read: {exc.strerror}") from exc


def apply(ctl: CpuController, key: str, pid: int, weight: int | None, cap: int | None) -> str:
    """Put QEMU ``pid`` (all its threads) into group ``key`` with ``weight`` and ``cap``."""
    group = ctl.group(key)
    try:
        if ctl.version == 2:
            parent = os.path.dirname(group)
            os.makedirs(parent, exist_ok=True)
            if not _has_cpu(os.path.join(parent, "cgroup.subtree_control")):
                _write(os.path.join(ctl.base, "cgroup.subtree_control"), "+cpu")
                _write(os.path.join(parent, "cgroup.subtree_control"), "+cpu")
        os.makedirs(group, exist_ok=True)
    except OSError as exc:
        raise HostError(f"{group}: cannot make the domain's cgroup: {exc.strerror}") from exc
    w = weight or DEFAULT_WEIGHT
    if ctl.version == 2:
        _write(os.path.join(group, "cpu.weight"), str(max(1, min(10000, w * 100 // DEFAULT_WEIGHT))))
        _write(os.path.join(group, "cpu.max"), f"{cap * PERIOD_US // 100} {PERIOD_US}" if cap else f"max {PERIOD_US}")
    else:
        _write(os.path.join(group, "cpu.shares"), str(max(2, w * 1024 // DEFAULT_WEIGHT)))
        _write(os.path.join(group, "cpu.cfs_period_us"), str(PERIOD_US))
        _write(os.path.join(group, "cpu.cfs_quota_us"), str(cap * PERIOD_US // 100) if cap else "-1")
    _write(os.path.join(group, "cgroup.procs"), str(pid))
    return group


def read(ctl: CpuController, key: str) -> dict[str, int]:
    """What the group holds now, in xm's units (weight, cap %)."""
    group = ctl.group(key)
    if ctl.version == 2:
        weight = int(_read(os.path.join(group, "cpu.weight"))) * DEFAULT_WEIGHT // 100
        quota, period = _read(os.path.join(group, "cpu.max")).split()
        cap = 0 if quota == "max" else int(quota) * 100 // int(period)
    else:
        weight = int(_read(os.path.join(group, "cpu.shares"))) * DEFAULT_WEIGHT // 1024
        quota_us = int(_read(os.path.join(group, "cpu.cfs_quota_us")))
        cap = 0 if quota_us < 0 else quota_us * 100 // int(_read(os.path.join(group, "cpu.cfs_period_us")))
    return {"weight": weight, "cap": cap}


def procs(ctl: CpuController, key: str) -> list[int]:
    return [int(p) for p in _read(os.path.join(ctl.group(key), "cgroup.procs")).split()]
