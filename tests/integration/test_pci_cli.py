"""pci-assignable-list/-add/-remove and pci-attach end to end (CLI -> HTTP -> daemon ->
sysfs), against a sysfs tree built here: no guest boots, no host device is touched."""

from __future__ import annotations

from pathlib import Path

from tests.integration.hvenv import HvEnv
from tests.unit.test_passthrough import sysfs


def test_assignable_commands_through_the_daemon() -> None:
    env = HvEnv.make()
    root = env.base / "sys"
    env.env["HVMCTL_SYSFS_ROOT"] = str(root)
    sysfs(root, "0000:01:00.0")
    sysfs(root, "0000:02:00.0", driver="e1000e")
    try:
        env.start_daemon()
        rows = env.hv("pci-assignable-list", "--json").json()
        assert [r["bdf"] for r in rows] == ["0000:01:00.0"]
        # the tree has no kernel behind it: the writes land, the link stays, and that is said
        add = env.hv("pci-assignable-add", "02:00.0", check=False)
        assert add.returncode != 0
        assert "0000:02:00.0 did not bind to vfio-pci (bound to e1000e)" in add.stderr
        dev = Path(root / "bus/pci/devices/0000:02:00.0")
        assert (dev / "driver_override").read_text() == "vfio-pci"
        assert (root / "bus/pci/drivers/e1000e/unbind").read_text() == "0000:02:00.0"
        assert (root / "bus/pci/drivers_probe").read_text() == "0000:02:00.0"
        rm = env.hv("pci-assignable-remove", "0000:02:00.0", check=False)
        assert rm.returncode != 0 and "is not bound to vfio-pci (bound to e1000e)" in rm.stderr
        bad = env.hv("pci-assignable-add", "1:0.0", check=False)
        assert bad.returncode != 0 and "expected a PCI address" in bad.stderr
        attach = env.hv("pci-attach", "nosuch", "01:00.0", check=False)
        assert attach.returncode != 0 and "nosuch" in attach.stderr
    finally:
        env.cleanup()
