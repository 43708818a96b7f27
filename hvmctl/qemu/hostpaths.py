"""Every host path a guest's QEMU still opens by name, with the access it needs.

An unprivileged QEMU can open only what its uid may: each path here is granted to the
guest's uid for the incarnation (daemon/grants.py) and taken back after. One pure function
of (config, plan), next to the argv that names the same files, so that as files move to
descriptor passing (the daemon opens, QEMU gets an fd) this list shrinks in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.qemu.argv import KernelBoot, LaunchPlan


@dataclass(frozen=True)
class HostPath:
    path: str
    access: str  # "r", "rw"; "rwx" for a directory QEMU makes files in


TUN = HostPath("/dev/net/tun", "rw")  # a tap's netdev opens it (0666 on most hosts, not all)


def disk_paths(disks: tuple[DiskSpec, ...] | list[DiskSpec]) -> list[HostPath]:
    """Disk images, phy: devices and cdrom media (hot-plug and media change use it too)."""
    return [HostPath(d.target, "r" if d.readonly or d.devtype == "cdrom" else "rw") for d in disks if d.target]


def serial_files(ports: list[str]) -> list[str]:
    """``file:PATH`` serial ports: QEMU opens (creates) PATH for writing."""
    return [p[len("file:"):] for p in ports if p.startswith("file:") and len(p) > len("file:")]


def host_paths(cfg: DomainConfig, plan: LaunchPlan, *, accel: str = "tcg",
               iommu_groups: Mapping[str, str] | None = None) -> list[HostPath]:
    """What QEMU of ``cfg`` started with ``plan`` opens by path (not the run dir, which is
    the guest's own for the incarnation). ``iommu_groups``: bdf -> group of passed-through
    functions (QEMU opens /dev/vfio/GROUP). What the daemon opened and passes as an fd set
    (``plan.fdsets``: images, media, nvram, the console log) or fd (taps) is not here."""
    # the pidfile and swtpm's socket; the daemon binds the QMP and serial sockets and passes them
    out = [HostPath(str(plan.run_dir), "rwx")]
    out += disk_paths([d for d in cfg.disks if plan.fdset_path(f"disk:{d.vdev}") is None])
    if plan.nvram is not None and plan.fdset_path("nvram") is None:
        out.append(HostPath(str(plan.nvram), "rw"))
    boot = plan.kernel_boot
    if boot is None and cfg.kernel:  # an HVM profile's direct boot (as argv.firmware_args)
        boot = KernelBoot(cfg.kernel, cfg.ramdisk)
    if boot is not None:
        out.append(HostPath(boot.kernel, "r"))
        if boot.initrd:
            out.append(HostPath(boot.initrd, "r"))
    if cfg.serial not in ("none", "") and plan.fdset_path("console-log") is None:
        out.append(HostPath(str(plan.console_log), "rw"))  # serial0's logfile=
    out += [HostPath(p, "rw") for p in serial_files([cfg.serial, *cfg.more_serials])]
    if cfg.vfb is not None and cfg.vfb.vncpasswd:
        out.append(HostPath(str(plan.vnc_secret_file), "r"))
    for bdf in cfg.pci:
        group = (iommu_groups or {}).get(bdf)
        if group is not None:
            out.append(HostPath(f"/dev/vfio/{group}", "rw"))
    if any(n.kind == "bridge" and n.index not in plan.tap_fds for n in plan.nics):
        out.append(TUN)
    if accel == "kvm":
        out.append(HostPath("/dev/kvm", "rw"))
    seen: set[str] = set()
    unique = []
    for hp in out:
        if hp.path not in seen:
            seen.add(hp.path)
            unique.append(hp)
    return unique
