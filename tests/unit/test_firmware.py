"""OVMF (``bios = "ovmf"``): the profile key, the pflash argv, and the per-domain UEFI
variable store's life -- made at the first start, never overwritten, carried by save/restore
and migration, gone with the domain."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.writer import write_xl, write_xm
from hvmctl.daemon import managed, statefiles
from hvmctl.devices import firmware
from hvmctl.errors import ConfigError
from hvmctl.migration import saverestore
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from tests.unit import crashkit as ck

GOLDEN = Path(__file__).parent / "golden" / "argv"
TEMPLATE = Path(firmware.OVMF_DIR) / firmware.OVMF_VARS
needs_ovmf = pytest.mark.skipif(not TEMPLATE.is_file(), reason="Debian's ovmf package is not installed")

UEFI_PROFILE = """
name = "uefi"
uuid = "6f1c2a3b-0000-4000-8000-00000000cccc"
type = "hvm"
bios = "ovmf"
memory = 256
disk = ["file:/srv/esp.img,hda,w"]
vnc = 0
"""


def _golden(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"argv for {name} changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


def test_ovmf_argv_golden() -> None:
    cfg = parse_profile(UEFI_PROFILE, filename="/etc/xen/uefi").config
    assert cfg.bios == "ovmf"
    plan = LaunchPlan(domid=3, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"), log_dir=PurePath("/var/log/hvmctl"),
                      name=cfg.name, nvram=PurePath("/var/lib/hvmctl/nvram/6f1c2a3b-0000-4000-8000-00000000cccc.fd"))
    argv = build_argv(cfg, HostFacts(accel="tcg"), plan)
    code = argv.index("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd")
    assert argv[code + 2] == "if=pflash,format=raw,unit=1,file=/var/lib/hvmctl/nvram/" \
                             "6f1c2a3b-0000-4000-8000-00000000cccc.fd"
    _golden("ovmf", "\n".join(argv) + "\n")


def test_seabios_stays_the_default_and_has_no_flash() -> None:
    loaded = parse_profile(UEFI_PROFILE.replace('bios = "ovmf"', ""), filename="/etc/xen/x")
    assert loaded.config.bios == "seabios"
    argv = build_argv(loaded.config, HostFacts(), LaunchPlan(domid=1, run_dir=PurePath("/r")))
    assert not any("pflash" in a for a in argv)


def test_bios_key_is_used_not_warned_and_checked() -> None:
    loaded = parse_profile(UEFI_PROFILE, filename="/etc/xen/uefi")
    assert not [w for w in loaded.warnings if w.key == "bios"]
    with pytest.raises(ConfigError, match=r"bios: expected 'seabios' or 'ovmf'; got 'uefi'"):
        parse_profile(UEFI_PROFILE.replace('"ovmf"', '"uefi"'), filename="/etc/xen/uefi")


@pytest.mark.parametrize("writer", [write_xm, write_xl])
def test_writers_give_bios_back(writer: object) -> None:
    cfg = parse_profile(UEFI_PROFILE, filename="/etc/xen/uefi").config
    again = parse_profile(writer(cfg), filename="/etc/xen/uefi").config  # type: ignore[operator]
    assert again.bios == "ovmf" and again.vfb is None


def test_missing_firmware_is_refused_with_the_key_line(tmp_path: Path) -> None:
    cfg = parse_profile(UEFI_PROFILE, filename="/etc/xen/uefi").config
    with pytest.raises(ConfigError, match=r"/etc/xen/uefi:5: bios: expected the OVMF firmware at .*OVMF_CODE_4M.fd"):
        statefiles.check_firmware(cfg, str(tmp_path))


# ---- the variable store's life, on the fake backend -------------------------------------
def run(root: Path, scenario: ck.Scenario) -> None:
    ck.run_scenario(root, scenario)


def nvram(root: Path) -> Path:
    return statefiles.nvram_path(ck.make_paths(root), ck.UUID)


def uefi(name: str = "demo") -> str:
    return ck.profile(name, more='bios = "ovmf"\n')


@needs_ovmf
def test_transient_domain_store_made_at_start_and_gone_with_it(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dry = await daemon.create(uefi(), filename="/etc/xen/demo", overrides=[], dry_run=True)
        # the dry run plans the fd set a start passes (the store named in it), opening nothing
        assert any(a.endswith(f",set=1,opaque=nvram={nvram(root)}") for a in dry["argv"]), dry["argv"]
        assert "if=pflash,format=raw,unit=1,file=/dev/fdset/1,auto-read-only=off" in dry["argv"]
        assert not nvram(root).exists()  # a dry-run makes nothing
        await daemon.create(uefi(), filename="/etc/xen/demo", overrides=[])
        assert nvram(root).read_bytes() == TEMPLATE.read_bytes()
        assert oct(nvram(root).stat().st_mode & 0o777) == "0o600"
        argv = daemon.lookup("demo").runtime.argv  # type: ignore[union-attr]
        # passed as an fd set (the daemon opened it): QEMU gets the fds, the argv no path
        (add_fd,) = [argv[i + 1] for i, a in enumerate(argv) if a == "-add-fd" and "opaque=nvram=" in argv[i + 1]
                     and argv[i + 1].startswith("fd=")][:1]
        set_id = add_fd.split(",")[1].removeprefix("set=")
        assert f"if=pflash,format=raw,unit=1,file=/dev/fdset/{set_id},auto-read-only=off" in argv
        assert str(nvram(root)) not in " ".join(a for a in argv if not a.startswith("fd="))
        (guest,) = world.alive_with_uuid(ck.UUID)
        assert guest.passed.count(str(nvram(root))) == 1
        await daemon.lookup("demo").destroy()
        assert not nvram(root).exists()

    run(root, scenario)


@needs_ovmf
def test_managed_domain_keeps_its_variables_until_delete(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, uefi(), filename="/etc/xen/demo", overrides=[])
        assert not nvram(root).exists()  # made at the first start, not at define
        dom = await managed.start(daemon, daemon.lookup("demo"))
        nvram(root).write_bytes(b"guest wrote this")  # what the guest's OS stored
        await dom.destroy()
        assert nvram(root).read_bytes() == b"guest wrote this"
        dom = await managed.start(daemon, daemon.lookup("demo"))
        assert nvram(root).read_bytes() == b"guest wrote this"  # a start never overwrites it
        await dom.destroy()
        await managed.delete(daemon, daemon.lookup("demo"))
        assert not nvram(root).exists()

    run(root, scenario)


@needs_ovmf
def test_save_file_carries_the_variables(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(uefi(), filename="/etc/xen/demo", overrides=[])
        nvram(root).write_bytes(b"\xffboot order" * 1000)
        save = tmp_path / "demo.save"
        await saverestore.save_domain(daemon.lookup("demo"), save)
        await saverestore.teardown_pending(ck.UUID)
        assert not nvram(root).exists()  # the transient domain is gone; the file holds it
        await saverestore.restore_domain(daemon, save)
        assert nvram(root).read_bytes() == b"\xffboot order" * 1000

    run(root, scenario)


@needs_ovmf
def test_migration_carries_the_variables(tmp_path: Path) -> None:
    from hvmctl.daemon.fakebackend import FakeNet
    from hvmctl.migration import live as livemig
    from hvmctl.migration import target
    from hvmctl.migration.target import IncomingSession

    from hvmctl.migration.saverestore import saved_facts as saveremote_facts

    net = FakeNet()
    src_world, dst_world = ck.FakeWorld(net), ck.FakeWorld(net)
    dst_world.next_pid += 500_000

    async def main() -> None:
        src, dst = ck.new_daemon(tmp_path / "src", src_world), ck.new_daemon(tmp_path / "dst", dst_world)
        await src.start()
        await dst.start()
        await src.create(uefi(), filename="/etc/xen/demo", overrides=[])
        nvram(tmp_path / "src").write_bytes(b"BootOrder 0003")
        dom = src.lookup("demo")
        assert dom.runtime is not None
        # what source_facts sends, without the disk and QEMU probes the fake cannot answer
        facts = {"record": dom.to_record(), "facts": saveremote_facts(dom), "nics": dom.runtime.nics,
                 "disks": [], "qemu": "7.2.0", "machine": "", "accel": dom.runtime.accel, "copy_storage": False,
                 "state_files": src.state_files(dom)}
        assert facts["state_files"]["nvram"]
        session = IncomingSession(dst, "127.0.0.1")
        session._preflighted = (target._digest(facts), time.monotonic())
        job = livemig.MigrationJob(src, dom, livemig.MigrateRequest(host="dest", ca_pem="fake CA"),
                                   ck.LinkChannel(session), facts, {"ok": True, "problems": []})
        await asyncio.wait_for(job.run(), 30)
        assert job.state == "completed", job.state
        assert nvram(tmp_path / "dst").read_bytes() == b"BootOrder 0003"
        assert not nvram(tmp_path / "src").exists()  # the source's guest is gone, and its store

    asyncio.run(main())


# ---- Secure Boot --------------------------------------------------------------------------
SB_PROFILE = UEFI_PROFILE.replace('bios = "ovmf"\n', "secure_boot = 1\n")


def test_secure_boot_argv_golden() -> None:
    cfg = parse_profile(SB_PROFILE, filename="/etc/xen/uefi").config
    assert (cfg.bios, cfg.secure_boot) == ("ovmf", True)  # Secure Boot means UEFI
    plan = LaunchPlan(domid=3, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"), log_dir=PurePath("/var/log/hvmctl"),
                      name=cfg.name, nvram=PurePath("/var/lib/hvmctl/nvram/6f1c2a3b-0000-4000-8000-00000000cccc.fd"))
    argv = build_argv(cfg, HostFacts(accel="tcg"), plan)
    assert argv[argv.index("-machine") + 1] == "q35,smm=on"
    assert "driver=cfi.pflash01,property=secure,value=on" in argv
    assert "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd" in argv
    assert "pcie-pci-bridge,id=pci.0,bus=pcie.0,addr=0x1e" in argv  # devices keep bus pci.0 and their slots
    assert "ide-hd,drive=drive-hda,id=hda,bus=ide.0,bootindex=1" in argv  # AHCI: one unit per port
    _golden("secure-boot", "\n".join(argv) + "\n")


def test_secure_boot_refuses_seabios_and_round_trips() -> None:
    with pytest.raises(ConfigError, match=r"bios: expected 'ovmf' with secure_boot = 1"):
        parse_profile(SB_PROFILE + 'bios = "seabios"\n', filename="/etc/xen/uefi")
    cfg = parse_profile(SB_PROFILE, filename="/etc/xen/uefi").config
    again = parse_profile(write_xm(cfg), filename="/etc/xen/uefi").config
    assert (again.secure_boot, again.bios) == (True, "ovmf")


@needs_ovmf
def test_secure_boot_store_starts_from_the_microsoft_template_on_q35(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        text = ck.profile(more="secure_boot = 1\n")
        dry = await daemon.create(text, filename="/etc/xen/demo", overrides=[], dry_run=True)
        assert dry["notes"] == ["secure_boot: machine q35 with SMM (Secure Boot needs it), firmware "
                                "OVMF_CODE_4M.secboot.fd, variables from OVMF_VARS_4M.ms.fd (Microsoft keys enrolled)"]
        await daemon.create(text, filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        assert nvram(root).read_bytes() == (Path(firmware.OVMF_DIR) / firmware.OVMF_VARS_MS).read_bytes()
        # pinned to q35's versioned type (whatever /bin/true answers: the alias itself here)
        assert dom.config.machine is not None and firmware.is_q35(dom.config.machine)

    run(root, scenario)


@needs_ovmf
def test_export_bundle_carries_the_variables_and_import_installs_them(tmp_path: Path) -> None:
    import threading

    from hvmctl.storage.actions import export_domain
    from hvmctl.storage.bundle import read_bundle

    root = tmp_path / "h"
    out = tmp_path / "demo.tar"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(uefi(), filename="/etc/xen/demo", overrides=[])
        nvram(root).write_bytes(b"exported vars")
        await daemon.lookup("demo").pause()
        result = await export_domain(daemon, daemon.lookup("demo"), str(out), live=False, force=False,
                                     progress=lambda done, total: None, cancel=threading.Event())
        assert [f["name"] for f in result["files"] if f["kind"] == "nvram"] == ["demo_VARS.fd"]

    run(root, scenario)
    unpacked = read_bundle(str(out), str(tmp_path / "imported"))
    other = ck.make_paths(tmp_path / "other")
    assert statefiles.import_nvram(other, unpacked) == str(statefiles.nvram_path(other, ck.UUID))
    assert statefiles.nvram_path(other, ck.UUID).read_bytes() == b"exported vars"
    assert statefiles.import_nvram(other, unpacked) is None  # never over a store the host has
