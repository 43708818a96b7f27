"""The destination's pre-flight refuses a guest whose OVMF files or swtpm it lacks (the
source carries the variable store and TPM state, never the firmware or the emulator)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hvmctl.config.model import DomainConfig
from hvmctl.devices import firmware
from hvmctl.migration import target
from tests.unit.test_registry import _daemon

UUID = "6f1c2a3b-0000-4000-8000-00000000cccc"


def _checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["check"]: c for c in report["checks"]}


def test_missing_ovmf_and_swtpm_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    daemon = _daemon(tmp_path)
    fw = tmp_path / "ovmf"
    fw.mkdir()
    daemon.facts = replace(daemon.facts, firmware_dir=str(fw))
    monkeypatch.setenv("HVMCTL_SWTPM", str(tmp_path / "no-swtpm"))
    cfg = DomainConfig(name="win11", uuid=UUID, bios="ovmf", secure_boot=True, vtpm="crb")
    req = {"record": {"config": cfg.to_dict()}}
    report = asyncio.run(target.preflight(daemon, req))
    assert not report["ok"]
    assert (f"firmware: the guest boots with OVMF; {fw / firmware.OVMF_CODE_SECBOOT}, {fw / firmware.OVMF_VARS_MS} "
            "missing here (Debian package 'ovmf')") in report["problems"]
    assert (f"swtpm: the guest has a TPM; {tmp_path / 'no-swtpm'} not found here (Debian packages swtpm, "
            "swtpm-tools)") in report["problems"]

    (fw / firmware.OVMF_CODE_SECBOOT).write_bytes(b"code")
    (fw / firmware.OVMF_VARS_MS).write_bytes(b"vars")
    monkeypatch.setenv("HVMCTL_SWTPM", "/bin/true")
    checks = _checks(asyncio.run(target.preflight(daemon, req)))
    assert checks["firmware"]["ok"] and checks["swtpm"]["ok"]


def test_a_seabios_guest_without_tpm_needs_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    daemon = _daemon(tmp_path)
    daemon.facts = replace(daemon.facts, firmware_dir=str(tmp_path / "none"))
    monkeypatch.setenv("HVMCTL_SWTPM", str(tmp_path / "no-swtpm"))
    cfg = DomainConfig(name="old", uuid=UUID)
    checks = _checks(asyncio.run(target.preflight(daemon, {"record": {"config": cfg.to_dict()}})))
    assert "firmware" not in checks and "swtpm" not in checks


def test_a_peer_may_not_hand_this_host_a_system_file(tmp_path: Path) -> None:
    """The migration endpoint is gated by the one path rule: a peer holding the migration token
    is held to local root's rule (no system files), so it cannot hand a guest /etc/shadow."""
    daemon = _daemon(tmp_path)
    cfg = DomainConfig.from_dict(DomainConfig(name="thief", uuid=UUID).to_dict()
                                 | {"disks": [{"target": "/etc/shadow", "vdev": "xvdb", "mode": "w"}]})
    checks = _checks(asyncio.run(target.preflight(daemon, {"record": {"config": cfg.to_dict()}})))
    assert not checks["host paths"]["ok"]
    assert "/etc/shadow is a system file (opened for writing)" in checks["host paths"]["detail"]

    ok = DomainConfig(name="fine", uuid=UUID)
    assert _checks(asyncio.run(target.preflight(daemon, {"record": {"config": ok.to_dict()}})))["host paths"]["ok"]
