"""The live definition without QEMU: hot-plug records in the config exactly what it asks
QEMU for (id, PCI address), and the argv built afterwards from that config -- as a restore
or migration target would be -- has the same device at the same place; the machine type is
pinned; vCPUs plugged get unique ids and come back as -device; no value can add options."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path, PurePath
from typing import Any

import pytest

from hvmctl.config.model import CpuPlug, DiskSpec, DomainConfig, VifSpec
from hvmctl.config.writer import write_live_xm
from hvmctl.daemon import resources
from hvmctl.daemon.state import DomainState, check_action
from hvmctl.devices import layout, render
from hvmctl.qemu import machine
from hvmctl.qemu.argv import HostFacts, LaunchPlan, NicPlan, build_argv
from hvmctl.storage import actions
from tests.unit.test_netmgr import _running, run

FACTS = HostFacts(accel="tcg", qemu_binary="qemu-system-x86_64")
UUID = "cccccccc-0000-4000-8000-000000000003"


def argv_of(cfg: DomainConfig, nics: tuple[NicPlan, ...] = ()) -> list[str]:
    return build_argv(cfg, FACTS, LaunchPlan(domid=9, run_dir=PurePath("/r"), nics=nics, name=cfg.name))


def devices(argv: list[str]) -> list[str]:
    """The -device options, without pvpanic and without boot order (bootindex only tells the
    firmware where to boot from; it is no part of the device's state or address)."""
    found = [re.sub(r",bootindex=\d+", "", argv[i + 1]) for i, a in enumerate(argv) if a == "-device"]
    return [d for d in found if d != "pvpanic"]


class _FakeDom:
    """The parts of Domain that block-attach/detach, mem-set and vcpu-set use."""

    def __init__(self, cfg: DomainConfig) -> None:
        self.config = cfg
        self.state = DomainState.RUNNING
        self.lock = asyncio.Lock()
        self.host = self
        self.runtime: Any = None
        self.log: list[tuple[str, dict[str, Any] | None]] = []
        self.peripherals: set[str] = set()
        self.cpus = [{"type": "qemu64-x86_64-cpu", "vcpus-count": 1, "qom-path": "/machine/unattached/device[0]",
                      "props": {"socket-id": 0, "core-id": 0, "thread-id": 0}}] + [
            {"type": "qemu64-x86_64-cpu", "vcpus-count": 1, "props": {"socket-id": 0, "core-id": c, "thread-id": 0}}
            for c in (1, 2, 3)]  # QEMU 7.2 with -smp 1,maxcpus=4: one socket, four cores
        self.persisted = 0
        self.monitor = self  # fd passing: send_fd + add-fd/remove-fd/query-fdsets below
        self.sent: list[str] = []
        self.fdsets: dict[int, list[dict[str, Any]]] = {}

    name = property(lambda self: self.config.name)

    def send_fd(self, fd: int) -> None:
        self.sent.append(os.readlink(f"/proc/self/fd/{fd}"))

    async def pass_fd(self, fd: int, command: str, args: dict[str, Any], timeout: float = 30.0) -> Any:
        self.send_fd(fd)
        return await self.qmp(command, args, timeout)

    def persist(self, dom: Any) -> None:
        self.persisted += 1

    def require(self, action: str) -> None:
        check_action(self.name, self.state, action)

    async def refresh_vcpus(self) -> None:
        pass

    async def qmp(self, command: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        self.log.append((command, args))
        assert args is not None or command.startswith("query") or command == "qom-list"
        if command == "qom-list":
            return [{"name": p} for p in sorted(self.peripherals)]
        if command == "device_add":
            assert args is not None and args["id"] not in self.peripherals, f"Duplicate device ID '{args['id']}'"
            self.peripherals.add(args["id"])
            for cpu in self.cpus:
                if args["driver"] == cpu["type"] and all(args.get(k) == v for k, v in cpu["props"].items()):
                    cpu["qom-path"] = f"/machine/peripheral/{args['id']}"
        elif command == "device_del":
            assert args is not None
            self.peripherals.discard(args["id"])
            for cpu in self.cpus:  # the guest ejects at once
                if cpu.get("qom-path") == f"/machine/peripheral/{args['id']}":
                    del cpu["qom-path"]
        elif command == "query-hotpluggable-cpus":
            return [dict(c) for c in self.cpus]
        elif command == "query-balloon":
            return {"actual": 96 << 20}
        elif command == "add-fd":
            assert args is not None and self.sent, "add-fd without an fd sent"
            set_id = int(args.get("fdset-id", max(self.fdsets, default=-1) + 1))
            self.fdsets.setdefault(set_id, []).append({"fd": 90, "opaque": args.get("opaque"),
                                                       "path": self.sent.pop()})
            return {"fdset-id": set_id, "fd": 90}
        elif command == "remove-fd":
            assert args is not None
            del self.fdsets[int(args["fdset-id"])]
        elif command == "query-fdsets":
            return [{"fdset-id": k, "fds": v} for k, v in self.fdsets.items()]
        return {}


def FakeDom(cfg: DomainConfig) -> Any:
    """Typed Any: it stands where the code expects a Domain."""
    return _FakeDom(cfg)


class _FakeDaemon:
    def __init__(self) -> None:
        from hvmctl.daemon.registry import LocalRegistry

        self.domains: dict[str, Any] = {}
        self.registry = LocalRegistry(lambda: self.domains.values())

    def persist(self, dom: Any) -> None:
        pass


def FakeDaemon() -> Any:
    """Typed Any: it stands where the code expects a Daemon."""
    return _FakeDaemon()


def _image(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(bytes(1 << 20))
    return str(path)


def test_argv_after_disk_hotplug_has_the_device_hotplug_made(tmp_path: Path) -> None:
    """block-attach xvdb: the device_add QMP call and the argv of the next start (built
    from the live definition, as a restore/migration target is) agree on id and addr."""
    cfg = DomainConfig(name="g", uuid=UUID, disks=(DiskSpec(_image(tmp_path, "a.img"), "xvda"),),
                       vifs=(VifSpec(mac="00:16:3e:00:00:01", model="virtio"),))
    dom = FakeDom(layout.pin(cfg, machine="pc-i440fx-7.2"))
    run(actions.block_attach(FakeDaemon(), dom, f"file:{_image(tmp_path, 'b.img')}", "xvdb", "w"))
    added = [a for c, a in dom.log if c == "device_add"]
    assert added == [{"driver": "virtio-blk-pci", "drive": "drive-xvdb", "id": "xvdb", "bus": "pci.0", "addr": "0x5"}]
    assert dom.config.slots == {"xvda": 3, "nic0": 4, "xvdb": 5}
    argv = argv_of(dom.config, (NicPlan(0, "00:16:3e:00:00:01", "virtio"),))
    assert render(added[0]) in devices(argv)  # the very same description
    # the image passed by fd (read-write and read-only, one set), not opened by QEMU by name
    (node,) = [a for c, a in dom.log if c == "blockdev-add"]
    assert node is not None and node["file"]["filename"] == "/dev/fdset/0"
    assert [f["path"] for f in dom.fdsets[0]] == [str(tmp_path / "b.img")]
    # detach: the slot is free again and a later attach takes it; QEMU keeps no fd set
    dom.peripherals.discard("xvdb")
    run(actions.block_detach(FakeDaemon(), dom, "xvdb"))
    assert dom.fdsets == {}
    assert "xvdb" not in dom.config.slots and not any("xvdb" in d for d in devices(argv_of(dom.config)))


def test_scsi_controller_stays_in_the_argv_after_its_last_disk_left(tmp_path: Path) -> None:
    dom = FakeDom(layout.pin(DomainConfig(name="g", uuid=UUID)))
    run(actions.block_attach(FakeDaemon(), dom, f"file:{_image(tmp_path, 's.img')}", "sdb", "w"))
    added = [a for c, a in dom.log if c == "device_add"]
    assert added[0] == {"driver": "virtio-scsi-pci", "id": "scsi0", "bus": "pci.0", "addr": "0x3"}
    assert added[1] == {"driver": "scsi-hd", "drive": "drive-sdb", "id": "sdb", "bus": "scsi0.0", "scsi-id": 1,
                        "lun": 0}
    assert [render(a) for a in added] == devices(argv_of(dom.config))
    dom.peripherals.discard("sdb")
    run(actions.block_detach(FakeDaemon(), dom, "sdb"))
    assert devices(argv_of(dom.config)) == [render(added[0])]  # the guest still has scsi0 at 0x3


def test_argv_after_nic_hotplug_has_the_device_hotplug_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, _ = _running(tmp_path, monkeypatch)
    nic = run(mgr.attach(dom, ["bridge=xenbr1", "model=e1000"], [dom]))
    added = [a for c, a in dom.qmp_log if c == "device_add"]
    plans = tuple(NicPlan(n["index"], n["mac"], n["model"], n["kind"], n.get("tap")) for n in dom.runtime.nics)
    assert render(added[0]) in devices(argv_of(dom.config, plans))
    # a restore target: no runtime; its NICs come from the live definition alone
    assert [(n, v.mac) for n, v in [(v.devid, v) for v in dom.config.vifs][1:]] == [(1, nic["mac"])]


def test_vcpu_set_up_down_and_the_argv_gets_the_plugged_vcpus() -> None:
    """Case 2: 1 -> 2 -> 3 gives vcpu1, vcpu2 (not vcpu0 twice); 3 -> 1 unplugs both."""
    dom = FakeDom(DomainConfig(name="g", uuid=UUID, vcpus=1, maxvcpus=4))
    run(resources.vcpu_set(dom, 2))
    run(resources.vcpu_set(dom, 3))
    assert [p.id for p in dom.config.cpu_plugs] == ["vcpu1", "vcpu2"]
    argv = argv_of(dom.config)
    assert "qemu64-x86_64-cpu,id=vcpu2,core-id=2,socket-id=0,thread-id=0" in devices(argv)
    assert argv[argv.index("-smp") + 1] == "1,maxcpus=4"
    run(resources.vcpu_set(dom, 1))
    assert dom.config.cpu_plugs == () and [c for c, _ in dom.log].count("device_del") == 2
    assert not any("cpu" in d for d in devices(argv_of(dom.config)))
    with pytest.raises(Exception, match="expected 1..4"):
        run(resources.vcpu_set(dom, 5))


def test_mem_set_above_boot_memory_and_the_balloon_stays() -> None:
    """Case 3: QEMU gets -m maxmem; mem-set moves the target (the config's memory); at
    memory == maxmem the balloon is still in the argv (its slot is recorded)."""
    cfg = layout.pin(DomainConfig(name="g", uuid=UUID, memory=128, maxmem=256))
    argv = argv_of(cfg)
    assert argv[argv.index("-m") + 1] == "256M" and "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3" in argv
    dom = FakeDom(cfg)
    out = run(resources.mem_set(dom, 256))
    assert out["target_mib"] == 256 and ("balloon", {"value": 256 << 20}) in dom.log
    assert dom.config.memory == 256
    assert "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3" in argv_of(dom.config)
    assert "memory = 256" in write_live_xm(dom.config)


def test_machine_type_is_pinned_and_kept(tmp_path: Path) -> None:
    fake = tmp_path / "qemu"
    fake.write_text("#!/bin/sh\necho 'Supported machines are:'\n"
                    "echo 'pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)'\n"
                    "echo 'pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)'\n"
                    "echo 'q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)'\n")
    os.chmod(fake, 0o755)
    cache = tmp_path / "machines.json"
    assert machine.resolve(str(fake), "pc", cache) == "pc-i440fx-7.2"
    fake.write_text("#!/bin/sh\nexit 1\n")
    os.utime(fake, ns=(os.stat(cache).st_mtime_ns, os.stat(cache).st_mtime_ns))  # same key: from the cache
    pinned = layout.pin(DomainConfig(name="g"), machine="pc-i440fx-7.2")
    assert pinned.machine == "pc-i440fx-7.2"
    # a later start (a newer QEMU whose pc is 8.0) keeps the machine the guest was made on
    again = layout.pin(DomainConfig.from_dict(pinned.to_dict()), machine="pc-i440fx-8.0")
    argv = argv_of(again)
    assert argv[argv.index("-machine") + 1] == "pc-i440fx-7.2"


def test_live_definition_round_trips_through_the_record() -> None:
    cfg = DomainConfig(name="g", uuid=UUID, machine="pc-i440fx-7.2", slots={"nic1": 4, "scsi0": 3},
                       vifs=(VifSpec(mac="00:16:3e:00:00:09", devid=1),),
                       cpu_plugs=(CpuPlug("vcpu1", "qemu64-x86_64-cpu", (("core-id", 1), ("socket-id", 0))),))
    import json

    assert DomainConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg


def test_values_never_add_qemu_options() -> None:
    """A comma in any value is doubled: ``name = "web,process=kworker"`` stays a name."""
    bad = "x,process=kworker"
    cfg = DomainConfig(name=f"web{bad}", uuid=UUID, serial=f"file:/tmp/s{bad}",
                       disks=(DiskSpec(f"/img{bad}.raw", "xvda"), DiskSpec(f"/cd{bad}.iso", "hdc", "r", "cdrom")),
                       soundhw="ac97", usbdevices=(f"tablet{bad}",), machine=f"pc{bad}")
    nics = (NicPlan(0, f"00:16:3e:00:00:01{bad}", "virtio", "bridge", f"tap{bad}"),
            NicPlan(1, "00:16:3e:00:00:02", "virtio", "user", hostfwd=(f"tcp::1-:2{bad}",)))
    plan = LaunchPlan(domid=1, run_dir=PurePath(f"/run{bad}"), nics=nics, name=cfg.name,
                      log_dir=PurePath(f"/log{bad}"))
    argv = build_argv(cfg, FACTS, plan)
    assert f"guest=web{bad.replace(',', ',,')},debug-threads=on" in argv
    for i, value in enumerate(argv):
        if "process=kworker" in value and argv[i - 1] not in ("-pidfile", "-kernel", "-append"):
            assert ",process=" not in value.replace(",,", ""), (argv[i - 1], value)


def test_live_profile_reads_back_as_the_guest_is_now() -> None:
    """``hvmctl profile``: the vCPUs online and the memory target, hot-plugged disks and
    NICs, in a profile the reader takes; what only QEMU needs is in comments."""
    from hvmctl.config import parse_profile

    cfg = layout.pin(DomainConfig(
        name="g", uuid=UUID, memory=160, maxmem=256, vcpus=1, maxvcpus=4,
        disks=(DiskSpec("/img/a.raw", "xvda"), DiskSpec("/img/b.raw", "xvdb")),
        vifs=(VifSpec(mac="00:16:3e:00:00:01"), VifSpec(mac="00:16:3e:00:00:07", model="virtio", devid=3)),
        cpu_plugs=(CpuPlug("vcpu1", "qemu64-x86_64-cpu", ()), CpuPlug("vcpu2", "qemu64-x86_64-cpu", ()))),
        machine="pc-i440fx-7.2")
    text = write_live_xm(cfg)
    assert "# live definition: machine pc-i440fx-7.2" in text and "xvdb=0x4" in text
    back = parse_profile(text, filename="/etc/xen/g").config
    assert (back.vcpus, back.maxvcpus, back.memory, back.maxmem) == (3, 4, 160, 256)
    assert [d.vdev for d in back.disks] == ["xvda", "xvdb"]
    assert [v.mac for v in back.vifs] == ["00:16:3e:00:00:01", "00:16:3e:00:00:07"]
