"""Files a domain owns beside its record: an OVMF guest's UEFI variable store, and the
state dir of its swtpm (``vtpm``; started and ended by hvmctl.daemon.vtpm).

The store is the guest's NVRAM -- boot entries, Secure Boot keys, whatever its OS wrote --
so it lives as long as the domain (STATE_DIR/nvram/UUID.fd): made from the firmware's
template at the first start and never overwritten by a start, kept across reboots and
restarts, removed with the domain (``Daemon.undefine``: a transient domain that ends, a
managed one that is deleted). Whatever moves a domain carries it as a payload
(:func:`collect`, :func:`install`): a save file's header, a migration's request.
"""

from __future__ import annotations

import base64
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

from hvmctl.atomic import write_bytes_atomic
from hvmctl.config.model import DomainConfig
from hvmctl.devices import firmware
from hvmctl.errors import ConfigError, HostError
from hvmctl.paths import Paths


def nvram_path(paths: Paths, uuid: str) -> Path:
    return paths.state_dir / "nvram" / f"{uuid}.fd"


def check_firmware(cfg: DomainConfig, firmware_dir: str) -> None:
    """Refuse before anything starts when the firmware the profile asks for is missing."""
    if not firmware.uses_ovmf(cfg):
        return
    for path in (firmware.code_file(cfg, firmware_dir), firmware.vars_template(cfg, firmware_dir)):
        if not os.path.isfile(path):
            line = cfg.line_of("bios")
            raise ConfigError(f"expected the OVMF firmware at {path} (Debian package 'ovmf'); it is missing",
                              file=cfg.source or "<config>", line=line, key="bios")


def prepare_nvram(paths: Paths, cfg: DomainConfig, firmware_dir: str, *, dry_run: bool = False) -> Path | None:
    """The domain's variable store, made from the template if it has none yet (never
    replaced: it is the guest's). None for SeaBIOS guests; a dry-run makes nothing."""
    check_firmware(cfg, firmware_dir)
    if not firmware.uses_ovmf(cfg):
        return None
    assert cfg.uuid is not None
    path = nvram_path(paths, cfg.uuid)
    if dry_run or path.exists():
        return path
    template = Path(firmware.vars_template(cfg, firmware_dir))
    _create_once(path, template.read_bytes())
    return path


def _create_once(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, unless a file is already there (linked, not renamed)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_bytes_atomic(tmp, data, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    except OSError as exc:
        raise HostError(f"{path}: cannot create the UEFI variable store: {exc.strerror}", cause=exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


def import_nvram(paths: Paths, unpacked: dict[str, Any]) -> str | None:
    """After ``import``: the bundle's UEFI variable store becomes the domain's own (by the
    UUID its manifest names) unless this host already has one; where it went, or None."""
    uuid = str((unpacked.get("domain") or {}).get("uuid") or "")
    stores = [f["path"] for f in unpacked.get("files", []) if f.get("kind") == "nvram"]
    if not uuid or not stores:
        return None
    path = nvram_path(paths, uuid)
    if path.exists():
        return None
    _create_once(path, Path(stores[0]).read_bytes())
    return str(path)


def collect(paths: Paths, cfg: DomainConfig) -> dict[str, Any]:
    """The domain's state files as a JSON-able payload (compressed: a fresh store is mostly
    empty), for a save file or a migration; {} when it has none."""
    if not firmware.uses_ovmf(cfg) or cfg.uuid is None:
        return {}
    try:
        data = nvram_path(paths, cfg.uuid).read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise HostError(f"{nvram_path(paths, cfg.uuid)}: cannot read the UEFI variable store: {exc.strerror}",
                        cause=exc) from exc
    return {"nvram": base64.b64encode(zlib.compress(data, 6)).decode("ascii")}


def install(paths: Paths, cfg: DomainConfig, payload: dict[str, Any] | None) -> None:
    """Put a carried payload in place (restore, incoming migration): it is what the guest
    had, so it replaces whatever store this host still holds for the UUID."""
    blob = (payload or {}).get("nvram")
    if not blob or cfg.uuid is None:
        return
    try:
        data = zlib.decompress(base64.b64decode(str(blob), validate=True))
    except (ValueError, zlib.error) as exc:
        raise ConfigError(f"expected a UEFI variable store; got an undecodable one ({exc})",
                          file="<record>", key="nvram") from None
    path = nvram_path(paths, cfg.uuid)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_bytes_atomic(path, data, 0o600)


def tpm_dir(paths: Paths, uuid: str) -> Path:
    """swtpm's state (hvmctl.daemon.vtpm)."""
    return paths.state_dir / "tpm" / uuid


def remove(paths: Paths, uuid: str) -> None:
    """The domain is gone for good: so is what it owned."""
    nvram_path(paths, uuid).unlink(missing_ok=True)
    shutil.rmtree(tpm_dir(paths, uuid), ignore_errors=True)
