"""The live definition against real guests: a guest changed while it runs (a disk, a SCSI
disk attached and detached, a NIC, vCPUs, memory above its boot size) is saved and restored
and carries on -- its counter goes on, it never boots again, and it still has the device,
at the same PCI address. Before the live definition each of these lost the guest
("Unknown savevm section")."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.test_migration import type_line  # typing on the serial socket (xm console waits for quiet)

MAC = "00:16:3e:5a:10:01"


def console_file(hv: HvEnv, name: str) -> str:
    return (hv.base / "state" / "log" / f"{name}.console.log").read_text(errors="replace")


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"COUNTER (\d+)\r?$", text, re.M)]


_asked = 0


def ask(hv: HvEnv, name: str, command: str, timeout: float = 30.0) -> str:
    """What ``command`` prints inside the guest (one line)."""
    global _asked
    _asked += 1
    tag = f"ANS{_asked}X"
    # the tag is split in the typed line so that the echo of the typing never matches
    type_line(hv, name, f"echo {tag[:2]}\"\"{tag[2:]}: $({command} | tr '\\n' ' ') :END")
    found = hv.wait_for(lambda: re.findall(rf"{tag}: (.*?) ?:END", console_file(hv, name)), timeout=timeout,
                        what=f"the guest's answer to {command!r}")
    return str(found[-1]).strip()


def start(hv: HvEnv, name: str, *, memory: int = 96, more: str = "") -> None:
    hv.write_profile(name, tiny_profile(name, extra="hvtest.counter=1", memory=memory, vnc=False,
                                        more=f'vif = ["mac={MAC},model=virtio"]\n{more}'))
    hv.hv("create", name)
    hv.wait_console(name, "COUNTER 2", timeout=90)


def pci_slots(hv: HvEnv, name: str) -> str:
    return ask(hv, name, "ls /sys/bus/pci/devices")


def save_restore(hv: HvEnv, name: str) -> None:
    """xm save + xm restore; the guest must carry on where it stopped, not boot again."""
    save = hv.base / f"{name}.save"
    hv.hv("save", name, str(save))
    last = max(counters(console_file(hv, name)))
    restored = hv.hv("restore", "--json", str(save)).json()
    assert restored["state"] == "running"
    hv.wait_console(name, f"COUNTER {last + 3}", timeout=60)
    seq = counters(console_file(hv, name))
    assert seq[seq.index(last) + 1] == last + 1, seq  # picked up exactly where it stopped
    assert console_file(hv, name).count("HVMCTL-READY") == 1, "the guest booted again"
    save.unlink()


def test_virtio_disk_hotplug_then_save_restore(hv: HvEnv, tmp_path: Path) -> None:
    boot = tmp_path / "boot.img"
    boot.write_bytes(bytes(4 << 20))  # a virtio disk at boot: the guest loads virtio_blk for it
    start(hv, "ld1", more=f"disk = ['file:{boot},xvda,w']\n")
    extra = tmp_path / "extra.img"
    extra.write_bytes(b"LIVEDEF-MARK" + bytes(8 << 20))
    hv.hv("block-attach", "ld1", f"file:{extra}", "xvdb", "w")
    hv.wait_for(lambda: "vdb" in ask(hv, "ld1", "ls /sys/block"), timeout=30, what="the guest sees vdb")
    before = pci_slots(hv, "ld1")
    save_restore(hv, "ld1")
    assert "vdb" in ask(hv, "ld1", "ls /sys/block")
    assert ask(hv, "ld1", "dd if=/dev/vdb bs=12 count=1 2>/dev/null") == "LIVEDEF-MARK"
    assert pci_slots(hv, "ld1") == before  # every device where it was
    # the restored guest's argv names the disk at the slot the hot-plug gave it
    argv = " ".join(hv.hv("profile", "--json", "ld1").json()["argv"])
    slot = hv.hv("profile", "--json", "ld1").json()["config"]["slots"]["xvdb"]
    assert f"virtio-blk-pci,drive=drive-xvdb,id=xvdb,bus=pci.0,addr={slot:#x}" in argv


def test_scsi_disk_attach_detach_then_save_restore(hv: HvEnv, tmp_path: Path) -> None:
    """The virtio-scsi controller an sdb attach made stays after the detach: it is in the
    live definition, so the restore target has it too."""
    start(hv, "ld2")
    extra = tmp_path / "scsi.img"
    extra.write_bytes(bytes(8 << 20))
    hv.hv("block-attach", "ld2", f"file:{extra}", "sdb", "w")
    hv.hv("block-detach", "ld2", "sdb")
    before = pci_slots(hv, "ld2")
    assert "scsi0" in hv.hv("profile", "--json", "ld2").json()["config"]["slots"]
    save_restore(hv, "ld2")
    assert pci_slots(hv, "ld2") == before


def test_network_attach_then_save_restore(hv: HvEnv) -> None:
    start(hv, "ld3")
    nics_before = ask(hv, "ld3", "ls /sys/class/net")
    hv.hv("network-attach", "ld3", "model=virtio", "bridge=none0")
    hv.wait_for(lambda: len(ask(hv, "ld3", "ls /sys/class/net").split()) > len(nics_before.split()), timeout=30,
                what="the guest sees the new NIC")
    nics = ask(hv, "ld3", "ls /sys/class/net")
    before = pci_slots(hv, "ld3")
    save_restore(hv, "ld3")
    assert ask(hv, "ld3", "ls /sys/class/net") == nics
    assert pci_slots(hv, "ld3") == before
    assert [n["index"] for n in hv.domain("ld3")["nics"]] == [0, 1]


def test_vcpu_set_up_and_down_then_save_restore(hv: HvEnv) -> None:
    """Case 2: 1 -> 2 -> 3 (no 'Duplicate device ID vcpu0') -> save/restore -> 2."""
    start(hv, "ld4", more="maxvcpus = 4\n")
    cpus = "ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l"
    assert hv.hv("vcpu-set", "--json", "ld4", "2").json()["present"] == 2
    assert hv.hv("vcpu-set", "--json", "ld4", "3").json()["present"] == 3
    hv.wait_for(lambda: ask(hv, "ld4", cpus) == "3", timeout=30, what="the guest sees 3 vCPUs")
    save_restore(hv, "ld4")
    assert ask(hv, "ld4", cpus) == "3" and hv.domain("ld4")["vcpus"] == 3
    # lowering works on the restored guest too: the vCPUs plugged are devices of its argv
    assert hv.hv("vcpu-set", "--json", "ld4", "2").json()["present"] == 2
    hv.wait_for(lambda: ask(hv, "ld4", cpus) == "2", timeout=30, what="the guest let a vCPU go")
    assert hv.domain("ld4")["vcpus"] == 2


def test_mem_set_above_boot_memory_grows_the_guest(hv: HvEnv) -> None:
    """Case 3: memory=96, maxmem=192: QEMU has 192, the balloon holds the guest at 96;
    mem-set 192 gives the guest the rest (its MemTotal grows), and a restore keeps it."""
    start(hv, "ld5", memory=96, more="maxmem = 192\n")
    total = "grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2"
    hv.wait_for(lambda: int(ask(hv, "ld5", total)) < 100 * 1024, timeout=60, what="the balloon held it at 96")
    small = int(ask(hv, "ld5", total))
    hv.hv("mem-set", "ld5", "192")
    hv.wait_for(lambda: int(ask(hv, "ld5", total)) > small + 64 * 1024, timeout=60, what="MemTotal grew")
    big = int(ask(hv, "ld5", total))
    save_restore(hv, "ld5")
    assert int(ask(hv, "ld5", total)) == big and hv.domain("ld5")["memory"] == 192


# every hot-plug kind with reboot, live migration and host-stop/host-start: test_livedef_matrix.py
