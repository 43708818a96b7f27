"""vCPUs: the CPU model and ``-smp`` of the argv, and hot-plugged vCPUs as ``-device``
options (as libvirt does), so a restore or migration target has each vCPU the source had
plugged, with the same id and topology. The same description is ``device_add``'s."""

from __future__ import annotations

from typing import Any

from hvmctl.config.cpuflags import hv_flags
from hvmctl.config.model import CpuPlug, DomainConfig
from hvmctl.devices import Props, render


def model(cfg: DomainConfig, accel: str = "tcg", nested: str | None = None) -> str:
    """qemu64 (migratable anywhere) with the profile's cpuid flags; under KVM also the
    viridian groups' hv-* flags and, with nestedhvm, the host's vmx/svm (``nested``: what
    the host's KVM module nests, None when it does not)."""
    flags = [] if cfg.pae else ["-pae"]
    flags += cfg.cpuid
    if accel == "kvm":
        flags += hv_flags(cfg.viridian)
        if cfg.nestedhvm and nested:
            flags.append(f"+{nested}")
    return ",".join(["qemu64", *flags])


def left_out(cfg: DomainConfig, accel: str = "tcg", nested: str | None = None) -> list[str]:
    """One line per CPU key the accelerator cannot honour (dry-run and create notes)."""
    notes = []
    if cfg.viridian and accel != "kvm":
        notes.append(f"viridian: Hyper-V enlightenments need KVM; left out under {accel.upper()}: "
                     + " ".join(hv_flags(cfg.viridian)))
    if cfg.nestedhvm and (accel != "kvm" or not nested):
        why = f"under {accel.upper()}" if accel != "kvm" else "the host's KVM module does not nest"
        notes.append(f"nestedhvm: no VMX/SVM for the guest ({why}); left out")
    return notes


def most(cfg: DomainConfig) -> int:
    return max(cfg.maxvcpus or 0, cfg.vcpus)


def online(cfg: DomainConfig) -> int:
    """vCPUs the guest has now: the boot ones plus those plugged."""
    return cfg.vcpus + len(cfg.cpu_plugs)


def smp_args(cfg: DomainConfig, accel: str = "tcg", nested: str | None = None) -> list[str]:
    smp = str(cfg.vcpus)
    if cfg.maxvcpus and cfg.maxvcpus > cfg.vcpus:
        smp += f",maxcpus={cfg.maxvcpus}"
    return ["-cpu", model(cfg, accel, nested), "-smp", smp]


def plug_props(plug: CpuPlug) -> Props:
    return {"driver": plug.driver, "id": plug.id, **dict(plug.props)}


def plug_args(cfg: DomainConfig) -> list[str]:
    args: list[str] = []
    for plug in cfg.cpu_plugs:
        args += ["-device", render(plug_props(plug))]
    return args


def slot_key(slot: dict[str, Any]) -> tuple[int, ...]:
    """Order of a ``query-hotpluggable-cpus`` entry: by its topology, outermost first."""
    props = slot.get("props") or {}
    return tuple(int(props.get(k, 0)) for k in ("node-id", "socket-id", "die-id", "core-id", "thread-id"))


def plug_for(slot: dict[str, Any], number: int) -> CpuPlug:
    """The description of the vCPU to plug into a free ``query-hotpluggable-cpus`` slot;
    ``number`` is its place among all the guest's possible vCPUs (ids vcpuN, unique)."""
    props = tuple(sorted((str(k), int(v)) for k, v in (slot.get("props") or {}).items()))
    return CpuPlug(id=f"vcpu{number}", driver=str(slot["type"]), props=props)
