"""The guest's firmware: SeaBIOS (QEMU's default, nothing to say) or OVMF (UEFI).

OVMF is two flash chips: the code, shared by every guest and read-only, and the variable
store (boot entries, Secure Boot keys, whatever the guest's OS writes), one per domain --
a copy of the template made at its first start and kept with the domain by the daemon
(``hvmctl.daemon.statefiles``). The argv only names the files; the daemon decides where.
"""

from __future__ import annotations

from pathlib import PurePath

from hvmctl.config.model import DomainConfig
from hvmctl.devices import escape

#: Debian's ``ovmf`` package: the 4 MiB builds (the 2 MiB ones are kept for old guests only)
OVMF_DIR = "/usr/share/OVMF"
OVMF_CODE = "OVMF_CODE_4M.fd"
OVMF_VARS = "OVMF_VARS_4M.fd"
#: Secure Boot: the SMM build (its variables writable only from SMM) and a variable store
#: with Microsoft's KEK and db enrolled and Secure Boot on (shim is signed by Microsoft's CA)
OVMF_CODE_SECBOOT = "OVMF_CODE_4M.secboot.fd"
OVMF_VARS_MS = "OVMF_VARS_4M.ms.fd"


def uses_ovmf(cfg: DomainConfig) -> bool:
    return cfg.bios == "ovmf"


def code_file(cfg: DomainConfig, firmware_dir: str = OVMF_DIR) -> str:
    """The read-only firmware image the guest runs."""
    return str(PurePath(firmware_dir) / (OVMF_CODE_SECBOOT if cfg.secure_boot else OVMF_CODE))


def vars_template(cfg: DomainConfig, firmware_dir: str = OVMF_DIR) -> str:
    """The pristine variable store a domain's own copy starts from."""
    return str(PurePath(firmware_dir) / (OVMF_VARS_MS if cfg.secure_boot else OVMF_VARS))


def machine_alias(cfg: DomainConfig, default: str) -> str:
    """The machine a new guest is pinned to: Secure Boot needs SMM, which needs q35."""
    return "q35" if cfg.secure_boot else default


def is_q35(machine: str) -> bool:
    return machine == "q35" or machine.startswith("pc-q35")


def q35_args(machine: str) -> list[str]:
    """q35's root bus is PCI Express (pcie.0): a PCI bridge named pci.0 in the last free slot
    gives every device the bus and slot it has on i440fx (hot-plug included, by SHPC)."""
    if not is_q35(machine):
        return []
    return ["-device", "pcie-pci-bridge,id=pci.0,bus=pcie.0,addr=0x1e"]


def notes(cfg: DomainConfig) -> list[str]:
    if not cfg.secure_boot:
        return []
    return [f"secure_boot: machine q35 with SMM (Secure Boot needs it), firmware {OVMF_CODE_SECBOOT}, "
            f"variables from {OVMF_VARS_MS} (Microsoft keys enrolled)"]


def pflash_args(cfg: DomainConfig, nvram: PurePath | None, firmware_dir: str = OVMF_DIR) -> list[str]:
    """The two flash drives of an OVMF guest (none for SeaBIOS)."""
    if not uses_ovmf(cfg):
        return []
    if nvram is None:
        raise ValueError(f"{cfg.name}: an OVMF guest needs its variable store planned (LaunchPlan.nvram)")
    secure = ["-global", "driver=cfi.pflash01,property=secure,value=on"] if cfg.secure_boot else []
    return [
        *secure,
        "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={escape(code_file(cfg, firmware_dir))}",
        "-drive", f"if=pflash,format=raw,unit=1,file={escape(str(nvram))}"
                  + (",auto-read-only=off" if str(nvram).startswith("/dev/fdset/") else ""),
    ]
