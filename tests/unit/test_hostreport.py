"""The host report behind ``xm info``: facts read from files the tests control, what is
missing for which feature, and the xm-shaped text (one ``key : value`` line each)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hvmctl.cli import render
from hvmctl.daemon import hostreport
from hvmctl.paths import Paths
from hvmctl.qemu import accel

QEMU_HELP = """Supported machines are:
microvm              microvm (i386)
pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)
pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)
pc-i440fx-2.0        Standard PC (i440FX + PIIX, 1996)
q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)
pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)
pc-q35-4.0.1         Standard PC (Q35 + ICH9, 2009)
"""


def test_virt_flags_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu vme sse2 vmx ept\n\nprocessor\t: 1\nflags\t\t: fpu vmx\n")
    assert hostreport.virt_flags.__wrapped__(str(cpuinfo)) == ("vmx",)
    cpuinfo.write_text("flags\t\t: fpu svm npt\n")
    assert hostreport.virt_flags.__wrapped__(str(cpuinfo)) == ("svm",)
    cpuinfo.write_text("flags\t\t: fpu sse2 hypervisor\n")
    assert hostreport.virt_flags.__wrapped__(str(cpuinfo)) == ()


def test_machines_named_and_counted() -> None:
    machines = hostreport.parse_machines(QEMU_HELP)
    assert machines == sorted(["microvm", "pc", "pc-i440fx-7.2", "pc-i440fx-2.0", "q35", "pc-q35-7.2", "pc-q35-4.0.1"])
    assert hostreport.machine_summary(machines) == "microvm pc q35 (+4 versioned)"
    assert hostreport.machine_summary([]) == "none"


def test_bridges_and_cgroup(tmp_path: Path) -> None:
    net = tmp_path / "net"
    (net / "xenbr0" / "bridge").mkdir(parents=True)
    (net / "eth0").mkdir()
    (net / "br-lan" / "bridge").mkdir(parents=True)
    assert hostreport.host_bridges(net) == ["br-lan", "xenbr0"]
    assert hostreport.host_bridges(tmp_path / "absent") == []
    cg = tmp_path / "cg"
    cg.mkdir()
    assert hostreport.cgroup_mode(cg) == "none"
    (cg / "unified").mkdir()
    (cg / "unified" / "cgroup.controllers").write_text("cpu memory\n")
    assert hostreport.cgroup_mode(cg).startswith("hybrid")
    (cg / "cgroup.controllers").write_text("cpu memory\n")
    assert hostreport.cgroup_mode(cg) == "v2 (unified)"


def test_verdict_read_from_the_probe_cache_only_while_it_holds(tmp_path: Path) -> None:
    cache = tmp_path / "accel.json"
    assert hostreport.cached_verdict(cache, "qemu-x") is None
    good = {"accel": "tcg", "reason": "KVM is slower than emulation here", "key": accel._cache_key("qemu-x"),
            "checked_at": time.time()}
    cache.write_text(json.dumps(good))
    verdict = hostreport.cached_verdict(cache, "qemu-x")
    assert verdict is not None
    assert hostreport.kvm_works(verdict, None) == "no: KVM is slower than emulation here"
    assert hostreport.kvm_works(verdict, "kvm").endswith("forced to kvm by HVMCTL_ACCEL")
    assert hostreport.cached_verdict(cache, "another-qemu") is None  # another binary: another verdict
    cache.write_text(json.dumps(dict(good, checked_at=time.time() - accel.CACHE_TTL - 1)))
    assert hostreport.cached_verdict(cache, "qemu-x") is None
    assert hostreport.kvm_works(None, None).startswith("not probed yet")


def _missing(**over: object) -> list[str]:
    args: dict[str, object] = dict(flags=("vmx",), kvm_dev="rw", verdict={"accel": "kvm", "reason": "fast"},
                                   forced=None, qemu="qemu-system-x86_64", qemu_path="/usr/bin/qemu-system-x86_64",
                                   bridges=["xenbr0"], tun="rw", tools={"qemu-img": True, "ssh": True, "vncviewer": True},
                                   seabios=True, ipxe=True)
    args.update(over)
    return hostreport.missing_features(**args)  # type: ignore[arg-type]  # the keywords above, typed there


def test_missing_names_the_feature_and_the_fix() -> None:
    assert _missing() == []
    assert _missing(flags=()) == [
        "kvm: the CPU shows no vmx/svm flag (off in the firmware, or a VM without nested virtualisation): "
        "guests run under TCG emulation"]
    assert _missing(kvm_dev="missing") == ["kvm: /dev/kvm missing (modprobe kvm_intel or kvm_amd): "
                                           "guests run under TCG emulation"]
    slow = _missing(verdict={"accel": "tcg", "reason": "KVM is slower than emulation here"})
    assert slow == ["kvm: the probe found KVM unusable (KVM is slower than emulation here): "
                    "guests run under TCG emulation"]
    assert _missing(qemu_path=None)[0].startswith("guests: QEMU binary qemu-system-x86_64 not found")
    assert [m.split(":")[0] for m in _missing(bridges=[], tun="missing", tools={}, ipxe=False, seabios=False)] == [
        "guests", "bridged and tap networking", "bridged networking", "network boot (boot=n) and NIC option ROMs",
        "qcow2 images (image create --format qcow2, image info)", "migration over ssh (xm migrate)",
        "xm vncviewer opening a viewer"]


def test_qemu_facts_asked_in_a_thread_then_remembered(tmp_path: Path) -> None:
    fake = tmp_path / "qemu-fake"
    fake.write_text('#!/bin/sh\ncase "$1" in -version) echo "QEMU emulator version 9.1.2 (x)";;\n'
                    f'-machine) cat <<EOF\n{QEMU_HELP}EOF\n;; esac\n')
    fake.chmod(0o755)
    first = hostreport.qemu_facts(str(fake))
    assert first == (hostreport.PENDING, [])  # never blocks the daemon's loop
    deadline = time.monotonic() + 20
    while hostreport.qemu_facts(str(fake))[0] == hostreport.PENDING and time.monotonic() < deadline:
        time.sleep(0.02)
    version, machines = hostreport.qemu_facts(str(fake))
    assert version == "9.1.2" and "q35" in machines and len(machines) == 7
    assert hostreport.qemu_facts(str(tmp_path / "absent")) == ("not found", [])


def test_info_text_keeps_xm_lines_then_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hvmctl.daemon.service import Daemon

    monkeypatch.setenv("HVMCTL_STATE_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("HVMCTL_RUN_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("HVMCTL_QEMU", str(tmp_path / "no-such-qemu"))
    daemon = Daemon(Paths.from_env())
    info = daemon.host_info()
    for key in ("virt_caps", "kvm_device", "kvm_works", "qemu_version", "qemu_machines", "bridges",
                "tun_device", "cgroup", "missing"):
        assert key in info, key
    assert info["qemu_version"] == "not found"
    text = render.info_text(info).splitlines()
    assert text[0].startswith("host                   : ")
    keys = [line.split(":", 1)[0].strip() for line in text]
    assert keys.index("daemon_uptime") < keys.index("virt_caps") < keys.index("missing")
    assert "cpu_time" not in keys and "platform" not in keys
    missing = [line.split(": ", 1)[1] for line in text if line.startswith("missing ")]
    assert missing == info["missing"] and any(m.startswith("guests: QEMU binary") for m in missing)
