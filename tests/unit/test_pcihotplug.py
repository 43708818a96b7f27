"""xm pci-attach / pci-detach over the fake backend and a sysfs tree built here: create's
checks refuse before QMP is touched, the live definition (pci + pinned slot) follows, a
restart gets the device at the same slot, migration is refused exactly while it is there."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hvmctl.daemon import pcihotplug
from hvmctl.daemon.domain import Domain
from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError, StateError
from hvmctl.migration import live as livemig
from hvmctl.migration import saverestore
from tests.unit import crashkit as ck
from tests.unit.test_passthrough import sysfs

DEV = "hostdev-0000-01-00.0"


async def _settle(dom: Domain) -> None:
    for _ in range(200):
        await asyncio.sleep(0)
        async with dom.lock:
            pass


def test_attach_detach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sys"
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(root))
    sysfs(root, "0000:01:00.0")
    sysfs(root, "0000:02:00.0", driver="e1000e")
    sysfs(root, "0000:03:00.0", group=None)
    world = ck.FakeWorld()

    async def main() -> None:
        daemon = ck.new_daemon(tmp_path / "h", world)
        await daemon.start()
        await daemon.create(ck.profile(more="usb = 1\n"), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        with pytest.raises(HostError, match=r"pci-attach demo: 0000:02:00.0 is bound to driver 'e1000e'; "
                                            r"bind it to vfio-pci first"):
            await pcihotplug.attach(dom, "02:00.0", None, daemon.all())
        with pytest.raises(HostError, match="0000:03:00.0: the IOMMU is off"):
            await pcihotplug.attach(dom, "03:00.0", None, daemon.all())
        with pytest.raises(NotFoundError, match="0000:09:00.0: no such host PCI device"):
            await pcihotplug.attach(dom, "09:00.0", None, daemon.all())
        with pytest.raises(ConfigError, match="expected a PCI address"):
            await pcihotplug.attach(dom, "zz", None, daemon.all())
        taken = min(dom.config.slots.values())
        with pytest.raises(ConflictError, match=f"virtual slot {hex(taken)} of domain 'demo' is taken"):
            await pcihotplug.attach(dom, "01:00.0", hex(taken), daemon.all())
        with pytest.raises(ConfigError, match="outside 0x3..0x1f"):
            await pcihotplug.attach(dom, "01:00.0", "0x20", daemon.all())
        assert dom.process is not None
        guest = world.guests[dom.process.pid]
        assert "device_add" not in guest.commands  # every refusal came before QMP

        out = await pcihotplug.attach(dom, "01:00.0", "0x9", daemon.all())
        assert out == {"name": "demo", "bdf": "0000:01:00.0", "id": DEV, "slot": 9}
        assert DEV in guest.devices
        assert dom.config.pci == ("0000:01:00.0",) and dom.config.slots[DEV] == 9
        with pytest.raises(ConflictError, match="already passed through to domain 'demo'"):
            await pcihotplug.attach(dom, "0000:01:00.0", None, daemon.all())
        await daemon.create(ck.profile("two", ck.OTHER_UUID), filename="/etc/xen/two", overrides=[])
        with pytest.raises(ConflictError, match="0000:01:00.0 is already passed through to domain 'demo'"):
            await pcihotplug.attach(daemon.lookup("two"), "01:00.0", None, daemon.all())
        with pytest.raises(StateError, match="has host PCI devices passed through"):
            await livemig.start_migration(daemon, dom, livemig.MigrateRequest(host="dest"))
        with pytest.raises(StateError, match=r"\(0000:01:00.0\); they cannot be saved: detach them first"):
            await saverestore.save_domain(dom, tmp_path / "demo.save")
        assert not (tmp_path / "demo.save").exists()

        # the restart agrees with the live definition: same device, same slot
        world.guest_reboot(dom.process.pid)
        await _settle(dom)
        assert dom.process is not None and dom.process.pid != guest.pid
        argv = world.guests[dom.process.pid].argv
        assert f"vfio-pci,host=0000:01:00.0,id={DEV},bus=pci.0,addr=0x9" in argv

        # a daemon restart reads the same definition back
        daemon2 = ck.new_daemon(tmp_path / "h", world)
        await daemon2.start()
        dom2 = daemon2.lookup("demo")
        assert dom2.config.pci == ("0000:01:00.0",) and dom2.config.slots[DEV] == 9
        with pytest.raises(NotFoundError, match="has no host PCI device 0000:02:00.0"):
            await pcihotplug.detach(dom2, "02:00.0")
        out = await pcihotplug.detach(dom2, "01:00.0")
        assert out["slot"] == 9 and "device_del" in world.guests[dom2.process.pid].commands  # type: ignore[union-attr]
        assert dom2.config.pci == () and DEV not in dom2.config.slots
        # now free for another guest
        await pcihotplug.attach(daemon2.lookup("two"), "01:00.0", None, daemon2.all())

    asyncio.run(main())


def test_detach_waits_for_the_guest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A guest that never lets go (no ACPI hotplug): a timeout, and the definition keeps the device."""
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(tmp_path / "sys"))
    sysfs(tmp_path / "sys", "0000:01:00.0")
    from hvmctl.daemon.fakebackend import FakeMonitor

    monkeypatch.setattr(FakeMonitor, "_qmp_device_del", lambda self, g, a: {})

    async def main() -> None:
        daemon = ck.new_daemon(tmp_path / "h", ck.FakeWorld())
        await daemon.start()
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        await pcihotplug.attach(dom, "01:00.0", None, daemon.all())
        with pytest.raises(Exception, match="did not release host PCI device 0000:01:00.0 within 0 s"):
            await pcihotplug.detach(dom, "01:00.0", timeout=0.2)
        assert dom.config.pci == ("0000:01:00.0",)

    asyncio.run(main())
