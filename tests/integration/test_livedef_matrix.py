"""Every hot-plug kind x {reboot, live migration, host-stop/host-start}: one guest gets a
virtio disk, a SCSI disk attached and detached (its controller stays), a NIC, a vCPU and
memory above its boot size -- all while running -- and then goes through the operation.
After it the guest still has every device at the same PCI address, the vCPU count and the
memory; after a migration or host-stop it carried on (its counter), after a reboot it booted
with all of it. (Each kind with save/restore is in test_livedef.py.)"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv
from tests.integration.test_livedef import ask, console_file, counters, pci_slots, start

TOTAL = "grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2"
CPUS = "ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l"
MARK = b"MATRIX-MARK"


def plug_everything(hv: HvEnv, name: str, images: Path) -> dict[str, object]:
    """Hot-plug one of each kind; returns what the guest sees afterwards."""
    extra = images / f"{name}-xvdb.img"
    extra.write_bytes(MARK + bytes(4 << 20))
    scsi = images / f"{name}-sdb.img"
    scsi.write_bytes(bytes(4 << 20))
    small = int(ask(hv, name, TOTAL))
    hv.hv("block-attach", name, f"file:{extra}", "xvdb", "w")
    hv.hv("block-attach", name, f"file:{scsi}", "sdb", "w")
    hv.hv("block-detach", name, "sdb")
    hv.hv("network-attach", name, "model=virtio", "bridge=none0")
    hv.hv("vcpu-set", name, "2")
    hv.hv("mem-set", name, "160")
    hv.wait_for(lambda: "vdb" in ask(hv, name, "ls /sys/block"), timeout=30, what="the guest sees vdb")
    hv.wait_for(lambda: len(ask(hv, name, "ls /sys/class/net").split()) == 3, timeout=30, what="the new NIC")
    hv.wait_for(lambda: ask(hv, name, CPUS) == "2", timeout=30, what="the second vCPU")
    hv.wait_for(lambda: int(ask(hv, name, TOTAL)) > small + 32 * 1024, timeout=60, what="MemTotal grew")
    return {"slots": pci_slots(hv, name), "memtotal": int(ask(hv, name, TOTAL))}


def assert_everything(hv: HvEnv, name: str, seen: dict[str, object]) -> None:
    assert pci_slots(hv, name) == seen["slots"]  # the SCSI controller too
    assert ask(hv, name, "dd if=/dev/vdb bs=11 count=1 2>/dev/null") == MARK.decode()
    assert len(ask(hv, name, "ls /sys/class/net").split()) == 3
    assert ask(hv, name, CPUS) == "2" and hv.domain(name)["vcpus"] == 2
    assert hv.domain(name)["memory"] == 160
    total = int(ask(hv, name, TOTAL))
    assert abs(total - int(seen["memtotal"])) < 16 * 1024, (total, seen["memtotal"])  # type: ignore[arg-type]
    config = hv.hv("profile", "--json", name).json()["config"]
    assert {"xvdb", "scsi0", "nic1"} <= set(config["slots"]) and "sdb" not in config["slots"]


def _more(images: Path, name: str) -> str:
    boot = images / f"{name}-xvda.img"
    boot.write_bytes(bytes(4 << 20))  # a virtio disk at boot: the guest has virtio_blk loaded
    return f"disk = ['file:{boot},xvda,w']\nmaxvcpus = 2\nmaxmem = 160\n"


def test_every_hotplug_kind_then_reboot(hv: HvEnv, tmp_path: Path) -> None:
    start(hv, "mx1", more=_more(tmp_path, "mx1"))
    seen = plug_everything(hv, "mx1", tmp_path)
    hv.hv("reboot", "-w", "mx1", timeout=120)
    hv.wait_for(lambda: console_file(hv, "mx1").count("HVMCTL-READY") == 2, timeout=90, what="the second boot")
    hv.wait_console("mx1", "COUNTER 2", count=2, timeout=60)
    assert_everything(hv, "mx1", seen)


def test_every_hotplug_kind_then_live_migrate() -> None:
    from tests.integration.migration_hosts import two_hosts

    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    with two_hosts() as h:
        images = h.src.base  # the same path on both hosts: shared storage
        start(h.src, "mx2", more=_more(images, "mx2"))
        seen = plug_everything(h.src, "mx2", images)
        res = h.migrate("--live", "--json", "mx2", h.dst_addr).json()
        assert res["live"] and h.src.domains() == []
        last = max(counters(console_file(h.src, "mx2")))
        h.dst.wait_for(lambda: len(counters(console_file(h.dst, "mx2"))) >= 2, timeout=30, what="the counter")
        after = console_file(h.dst, "mx2")
        assert "HVMCTL-READY" not in after and last + 1 <= min(counters(after)) <= last + 2
        assert [n["index"] for n in h.dst.domain("mx2")["nics"]] == [0, 1]
        argv = h.dst.hv("profile", "--json", "mx2").json()["argv"]
        assert argv[argv.index("-machine") + 1].startswith("pc-i440fx-")  # the pinned, versioned machine
        assert_everything(h.dst, "mx2", seen)


def test_every_hotplug_kind_then_host_stop_and_start(tmp_path: Path) -> None:
    hv = HvEnv.make()
    hv.env["HVMCTL_XENDOMAINS"] = str(hv.base / "xendomains")
    (hv.base / "xendomains").write_text(f'XENDOMAINS_SAVE="{hv.base}/save"\nXENDOMAINS_RESTORE=true\n'
                                        f"XENDOMAINS_AUTO={hv.profile_dir}/auto\nXENDOMAINS_STOP_MAXWAIT=30\n")
    hv.start_daemon()
    try:
        start(hv, "mx3", more=_more(tmp_path, "mx3"))
        seen = plug_everything(hv, "mx3", tmp_path)
        report = hv.hv("host-stop", "--json").json()
        assert [s["name"] for s in report["saved"]] == ["mx3"] and not report["errors"]
        last = max(counters(console_file(hv, "mx3")))
        hv.kill_daemon(signal.SIGTERM)
        Path(hv.env["HVMCTL_SOCKET"]).unlink(missing_ok=True)
        hv.start_daemon()
        hv.wait_for(lambda: len(hv.domains()) == 1, timeout=60, what="the restored guest")
        hv.wait_console("mx3", f"COUNTER {last + 3}", timeout=60)
        seq = counters(console_file(hv, "mx3"))
        assert seq[seq.index(last) + 1] == last + 1 and console_file(hv, "mx3").count("HVMCTL-READY") == 1
        assert_everything(hv, "mx3", seen)
    finally:
        hv.cleanup()
