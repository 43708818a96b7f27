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


def uses_ovmf(cfg: DomainConfig) -> bool:
    return cfg.bios == "ovmf"


def code_file(cfg: DomainConfig, firmware_dir: str = OVMF_DIR) -> str:
    """The read-only firmware image the guest runs."""
    return str(PurePath(firmware_dir) / OVMF_CODE)


def vars_template(cfg: DomainConfig, firmware_dir: str = OVMF_DIR) -> str:
    """The pristine variable store a domain's own copy starts from."""
    return str(PurePath(firmware_dir) / OVMF_VARS)


def pflash_args(cfg: DomainConfig, nvram: PurePath | None, firmware_dir: str = OVMF_DIR) -> list[str]:
    """The two flash drives of an OVMF guest (none for SeaBIOS)."""
    if not uses_ovmf(cfg):
        return []
    if nvram is None:
        raise ValueError(f"{cfg.name}: an OVMF guest needs its variable store planned (LaunchPlan.nvram)")
    return [
        "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={escape(code_file(cfg, firmware_dir))}",
        "-drive", f"if=pflash,format=raw,unit=1,file={escape(str(nvram))}",
    ]
