"""pci = [...]: xl's syntax, the vfio-pci argv (golden), and the host checks against a sysfs
tree built here (IOMMU off, bound to another driver, held by another guest), the assignable
list, and migration refused while a device is passed through."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.writer import write_xm
from hvmctl.daemon import passthrough
from hvmctl.errors import ConfigError, ConflictError, HostError, StateError
from hvmctl.migration import live as livemig
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from tests.unit import crashkit as ck

GOLDEN = Path(__file__).parent / "golden" / "argv"
PROFILE = ('name = "gpu"\nuuid = "6f1c2a3b-0000-4000-8000-00000000ffff"\nbuilder = "hvm"\nmemory = 512\n'
           'disk = ["file:/srv/gpu.img,hda,w"]\npci = ["01:00.0", "0000:01:00.1,permissive=1"]\n')


def sysfs(root: Path, bdf: str, *, driver: str | None = "vfio-pci", group: str | None = "7") -> None:
    dev = root / "bus" / "pci" / "devices" / bdf
    dev.mkdir(parents=True)
    (dev / "vendor").write_text("0x10de\n")
    (dev / "device").write_text("0x1eb8\n")
    if driver:
        (root / "bus" / "pci" / "drivers" / driver).mkdir(parents=True, exist_ok=True)
        (dev / "driver").symlink_to(root / "bus" / "pci" / "drivers" / driver)
    if group:
        (root / "kernel" / "iommu_groups" / group).mkdir(parents=True, exist_ok=True)
        (dev / "iommu_group").symlink_to(root / "kernel" / "iommu_groups" / group)


def test_pci_syntax_and_golden_argv() -> None:
    loaded = parse_profile(PROFILE, filename="/etc/xen/gpu")
    cfg = loaded.config
    assert cfg.pci == ("0000:01:00.0", "0000:01:00.1")
    assert [str(w) for w in loaded.warnings if w.key == "pci"] == [
        "/etc/xen/gpu:6: warning: pci: 0000:01:00.1: permissive has no effect with vfio-pci; ignored"]
    argv = build_argv(cfg, HostFacts(), LaunchPlan(domid=2, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"),
                                                    log_dir=PurePath("/var/log/hvmctl"), name=cfg.name))
    assert "vfio-pci,host=0000:01:00.0,id=hostdev-0000-01-00.0,bus=pci.0,addr=0x3" in argv
    assert "vfio-pci,host=0000:01:00.1,id=hostdev-0000-01-00.1,bus=pci.0,addr=0x4" in argv
    golden = GOLDEN / "pci.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text("\n".join(argv) + "\n")
    assert "\n".join(argv) + "\n" == golden.read_text()
    assert parse_profile(write_xm(cfg), filename="/etc/xen/gpu").config.pci == cfg.pci


@pytest.mark.parametrize("value,message", [
    ('["1:00.0"]', r"expected a PCI address"), ('["01:00.0", "0000:01:00.0"]', "expected each PCI device once"),
    ('["01:00.0,colour=red"]', "expected options"),
])
def test_pci_mistakes(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(PROFILE.replace('["01:00.0", "0000:01:00.1,permissive=1"]', value), filename="/etc/xen/gpu")


def test_host_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(tmp_path))
    cfg = parse_profile(PROFILE, filename="/etc/xen/gpu").config
    with pytest.raises(ConfigError, match=r"/etc/xen/gpu:6: pci: expected a host PCI device; 0000:01:00.0 does not"):
        passthrough.check(cfg, [])
    sysfs(tmp_path, "0000:01:00.0", group=None)
    sysfs(tmp_path, "0000:01:00.1", driver="snd_hda_intel")
    with pytest.raises(HostError, match=r"0000:01:00.0: the IOMMU is off \(no iommu_group\)"):
        passthrough.check(cfg, [])
    (tmp_path / "kernel" / "iommu_groups" / "7").mkdir(parents=True, exist_ok=True)
    (tmp_path / "bus/pci/devices/0000:01:00.0/iommu_group").symlink_to(tmp_path / "kernel/iommu_groups/7")
    with pytest.raises(HostError, match=r"0000:01:00.1 is bound to driver 'snd_hda_intel'; bind it to vfio-pci "
                                        r"first \(xl pci-assignable-add 0000:01:00.1\)"):
        passthrough.check(cfg, [])
    (tmp_path / "bus/pci/devices/0000:01:00.1/driver").unlink()
    (tmp_path / "bus/pci/devices/0000:01:00.1/driver").symlink_to(tmp_path / "bus/pci/drivers/vfio-pci")
    passthrough.check(cfg, [])
    other = parse_profile(PROFILE.replace("gpu", "other").replace("ffff", "aaaa"), filename="/etc/xen/other").config
    with pytest.raises(ConflictError, match=r"0000:01:00.0 is already passed through to domain 'other'"):
        passthrough.check(cfg, [other])
    assert [r["bdf"] for r in passthrough.assignable()] == ["0000:01:00.0", "0000:01:00.1"]
    assert passthrough.assignable()[0] | {} == {"bdf": "0000:01:00.0", "id": "10de:1eb8", "iommu_group": "7"}


def test_create_checks_and_migration_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMCTL_SYSFS_ROOT", str(tmp_path / "sys"))
    sysfs(tmp_path / "sys", "0000:01:00.0", driver="nouveau")

    async def main() -> None:
        daemon = ck.new_daemon(tmp_path / "h", ck.FakeWorld())
        await daemon.start()
        text = ck.profile(more='pci = ["01:00.0"]\n')
        with pytest.raises(HostError, match="bound to driver 'nouveau'"):
            await daemon.create(text, filename="/etc/xen/demo", overrides=[], dry_run=True)
        link = tmp_path / "sys/bus/pci/devices/0000:01:00.0/driver"
        link.unlink()
        link.symlink_to(tmp_path / "sys/bus/pci/drivers/vfio-pci")
        await daemon.create(text, filename="/etc/xen/demo", overrides=[])
        with pytest.raises(ConflictError, match="already passed through to domain 'demo'"):
            await daemon.create(ck.profile("two", ck.OTHER_UUID, more='pci = ["01:00.0"]\n'),
                                filename="/etc/xen/two", overrides=[])
        with pytest.raises(StateError, match="has host PCI devices passed through"):
            await livemig.start_migration(daemon, daemon.lookup("demo"), livemig.MigrateRequest(host="dest"))

    (tmp_path / "sys/bus/pci/drivers/vfio-pci").mkdir(parents=True)
    asyncio.run(main())
