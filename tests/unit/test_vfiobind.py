"""xl pci-assignable-add/-remove against a sysfs tree built here: the writes land in its
files (driver_override, unbind, drivers_probe, bind), a tiny stand-in for the kernel moves
the driver link as the real one would, and the driver it had is given back on remove."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hvmctl.daemon import passthrough, vfiobind
from hvmctl.errors import ConflictError, HostError, NotFoundError
from tests.unit.test_passthrough import sysfs

BDF = "0000:01:00.0"


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[tuple[str, str]]]:
    root = tmp_path / "sys"
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(root))
    sysfs(root, BDF, driver="snd_hda_intel")
    (root / "bus/pci/drivers/vfio-pci").mkdir(parents=True)
    writes: list[tuple[str, str]] = []
    real = vfiobind.write

    def kernel(path: Path, text: str) -> None:
        real(path, text)  # the file gets what was written
        writes.append((str(path.relative_to(root)), text))
        dev = root / "bus/pci/devices" / text.strip()
        if path.name == "unbind":
            (dev / "driver").unlink()
        elif path.name == "drivers_probe":
            override = (dev / "driver_override").read_text().strip()
            target = root / "bus/pci/drivers" / (override or "snd_hda_intel")
            (dev / "driver").symlink_to(target)
        elif path.name == "bind":
            (dev / "driver").symlink_to(path.parent)

    monkeypatch.setattr(vfiobind, "write", kernel)
    return root, writes


def test_add_then_remove_gives_the_driver_back(tree: tuple[Path, list[tuple[str, str]]], tmp_path: Path) -> None:
    root, writes = tree
    state = tmp_path / "state"
    state.mkdir()
    out = vfiobind.add(state, BDF, {})
    assert out == {"bdf": BDF, "driver": "vfio-pci", "previous": "snd_hda_intel", "changed": True}
    assert writes == [(f"bus/pci/devices/{BDF}/driver_override", "vfio-pci"),
                      (f"bus/pci/devices/{BDF}/driver/unbind", BDF),
                      ("bus/pci/drivers_probe", BDF)]
    assert (root / "bus/pci/drivers/snd_hda_intel/unbind").read_text() == BDF  # through the old link
    assert passthrough.driver_of(BDF) == "vfio-pci"
    assert [r["bdf"] for r in passthrough.assignable()] == [BDF]
    assert vfiobind.add(state, BDF, {})["changed"] is False  # twice: nothing to do
    with pytest.raises(ConflictError, match=f"{BDF} is passed through to domain 'gpu'; detach it first"):
        vfiobind.remove(state, BDF, {BDF: "gpu"})
    writes.clear()
    out = vfiobind.remove(state, BDF, {})
    assert out == {"bdf": BDF, "driver": "snd_hda_intel", "previous": "snd_hda_intel", "changed": True}
    assert writes == [(f"bus/pci/devices/{BDF}/driver_override", "\n"),
                      (f"bus/pci/devices/{BDF}/driver/unbind", BDF),
                      ("bus/pci/drivers/snd_hda_intel/bind", BDF)]
    assert os.path.exists(state / vfiobind.RECORD) and vfiobind._record(state) == {}
    with pytest.raises(ConflictError, match="is not bound to vfio-pci \\(bound to snd_hda_intel\\)"):
        vfiobind.remove(state, BDF, {})


def test_add_refusals(tree: tuple[Path, list[tuple[str, str]]], tmp_path: Path) -> None:
    root, writes = tree
    with pytest.raises(NotFoundError, match="0000:09:00.0: no such host PCI device"):
        vfiobind.add(tmp_path, "0000:09:00.0", {})
    with pytest.raises(ConflictError, match="passed through to domain 'gpu'"):
        vfiobind.add(tmp_path, BDF, {BDF: "gpu"})
    (root / "bus/pci/drivers/vfio-pci").rmdir()
    with pytest.raises(HostError, match=r"the vfio-pci driver is not loaded \(modprobe vfio-pci\)"):
        vfiobind.add(tmp_path, BDF, {})
    (root / f"bus/pci/devices/{BDF}/iommu_group").unlink()
    with pytest.raises(HostError, match="the IOMMU is off"):
        vfiobind.add(tmp_path, BDF, {})
    assert writes == [] and passthrough.driver_of(BDF) == "snd_hda_intel"  # nothing touched


def test_a_driver_that_will_not_let_go_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the stand-in kernel nothing moves: the link still names the old driver after the probe."""
    root = tmp_path / "sys"
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(root))
    sysfs(root, BDF, driver="nouveau")
    (root / "bus/pci/drivers/vfio-pci").mkdir(parents=True)
    with pytest.raises(HostError, match=f"{BDF} did not bind to vfio-pci \\(bound to nouveau\\)"):
        vfiobind.add(tmp_path, BDF, {})
    assert (root / f"bus/pci/devices/{BDF}/driver_override").read_text() == "vfio-pci"
    assert vfiobind._record(tmp_path) == {BDF: "nouveau"}
