"""The tree a jailed QEMU sees (qemu/jailplan.py, pure: golden files), the exec helper's
word list, and when the jail is off and why (daemon/jail.py)."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest

from hvmctl import daemonconf
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon import jail, jailexec
from hvmctl.errors import ConfigError
from hvmctl.qemu import jailplan
from hvmctl.qemu.argv import FdSet, KernelBoot, LaunchPlan, NicPlan
from hvmctl.qemu.hostpaths import host_paths

GOLDEN = Path(__file__).parent / "golden" / "jail"
LAYOUT = jailplan.Layout(links=(("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"),
                                ("/sbin", "usr/sbin")), dirs=(),
                         etc=("/etc/ld.so.cache", "/etc/localtime", "/etc/resolv.conf"))
LINKS = {"/etc/localtime": "/usr/share/zoneinfo/Etc/UTC", "/etc/resolv.conf": "/run/systemd/resolve/stub.conf",
         "/xen/pv/vmlinuz": "/srv/kernels/vmlinuz-6.1"}
RUN = PurePath("/run/hvmctl/dom/ffc68565")


def _resolve(path: str) -> str:
    return LINKS.get(path, path)


def _check_golden(name: str, mounts: list[jailplan.Mount]) -> None:
    text = "".join(f"{m.kind} {m.source} {m.target}\n" for m in mounts)
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"jail mounts for {name} changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


def test_pv_guest_with_nat_and_a_serial_file() -> None:
    cfg = DomainConfig(name="pv", uuid="u", disks=(DiskSpec("/xen/pv/disk.img", "xvda"),),
                       serial="file:/var/log/pv.serial", kernel="/xen/pv/vmlinuz")
    plan = LaunchPlan(domid=3, run_dir=RUN, log_dir=PurePath("/var/log/hvmctl"), name="pv",
                      nics=(NicPlan(0, "00:16:3e:00:00:01", "e1000"),),
                      kernel_boot=KernelBoot("/xen/pv/vmlinuz", f"{RUN}/initrd"),
                      fdsets=(FdSet(1, "disk:xvda", (10,)), FdSet(2, "console-log", (11,))))
    mounts = jailplan.jail_mounts(cfg, plan, host_paths(cfg, plan), exe="/usr/bin/qemu-system-x86_64",
                                  layout=LAYOUT, resolve=_resolve)
    _check_golden("pv-nat", mounts)
    targets = [m.target for m in mounts]
    assert "/xen/pv/disk.img" not in targets  # passed as an fd: no place in the tree
    assert f"{RUN}/initrd" not in targets  # in the run dir, which is there read-write
    kernel = next(m for m in mounts if m.target == "/xen/pv/vmlinuz")
    assert (kernel.kind, kernel.source) == ("ro", "/srv/kernels/vmlinuz-6.1")  # at its path, from the file
    assert next(m for m in mounts if m.target == "/var/log/pv.serial").kind == "rw"
    assert "/etc/resolv.conf" in targets


def test_passthrough_kvm_bridged_guest_and_a_qemu_outside_usr() -> None:
    cfg = DomainConfig(name="pt", uuid="u", disks=(DiskSpec("/img/pt.img", "hda"),), pci=("0000:01:00.0",))
    plan = LaunchPlan(domid=4, run_dir=RUN, log_dir=PurePath("/var/log/hvmctl"), name="pt",
                      nics=(NicPlan(0, "00:16:3e:00:00:02", "rtl8139", "bridge", "vif4.0"),))
    items = host_paths(cfg, plan, accel="kvm", iommu_groups={"0000:01:00.0": "12"})
    mounts = jailplan.jail_mounts(cfg, plan, items, exe="/opt/qemu/bin/qemu-system-x86_64", layout=LAYOUT,
                                  resolve=_resolve)
    _check_golden("passthrough-kvm", mounts)
    targets = [m.target for m in mounts]
    for want in ("/sys", "/dev/vfio/vfio", "/dev/vfio/12", "/dev/kvm", "/dev/net/tun", "/img/pt.img",
                 "/opt/qemu/bin/qemu-system-x86_64"):
        assert want in targets, want
    assert "/etc/resolv.conf" not in targets  # no NAT NIC: no DNS to forward
    assert len(targets) == len(set(targets))


def test_helper_words_round_trip() -> None:
    mounts = [jailplan.Mount("ro", "/usr", "/usr"), jailplan.Mount("rw", "/a b", "/a b")]
    words = jailplan.flat(mounts)
    assert jailexec._mounts([*words, "qemu", "-S"]) == ([m.words() for m in mounts], ["qemu", "-S"])
    with pytest.raises(ValueError):
        jailexec._mounts(words[:-1])


def test_off_and_why(tmp_path: Path) -> None:
    assert jail.decide(tmp_path, qemu_as_root=False, fake=False, env={jail.ENV: "no"}).summary \
        == "off (HVMCTL_QEMU_MOUNT_NAMESPACE=no)"
    assert jail.decide(tmp_path, qemu_as_root=False, fake=True, env={}).summary == "off (the fake backend)"
    assert jail.decide(tmp_path, qemu_as_root=True, fake=False, env={}).summary == "off (QEMU runs as root)"
    with pytest.raises(ConfigError):
        jail.wanted({jail.ENV: "maybe"})
    assert "qemu_mount_namespace" in daemonconf.KEYS
    assert daemonconf.parse("qemu_mount_namespace = no\n", "f") == {jail.ENV: "no"}


def test_cap_sys_admin_read_from_status(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text("CapEff:\t000001fffeffffff\n")
    assert jail.has_cap_sys_admin(str(status))
    status.write_text("CapEff:\t0000000000000000\n")
    assert not jail.has_cap_sys_admin(str(status))


needs_root = pytest.mark.skipif(not jail.has_cap_sys_admin() or os.geteuid() != 0, reason="needs root")


@needs_root
def test_helper_builds_the_tree_and_binds_a_path_into_it_later(tmp_path: Path) -> None:
    """The helper for real (``sleep`` in place of QEMU): its own namespace, the planned tree
    only, the uid dropped, the fds passed kept; then a path granted later appears inside."""
    import subprocess
    import time

    root = tmp_path / "jail"
    root.mkdir()
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o755)
    later = tmp_path / "later.pem"
    later.write_text("cert")
    layout = jailplan.probe()
    mounts = [jailplan.Mount("ro", "/usr", "/usr"), *(jailplan.Mount("link", d, t) for t, d in layout.links),
              jailplan.Mount("proc", "proc", "/proc"), jailplan.Mount("rw", str(run_dir), str(run_dir))]
    keep_r, keep_w = os.pipe()
    sleep = os.path.realpath("/usr/bin/sleep")
    argv = jail.prefix(jail.Jail(True, "", str(root), layout), 65534, 65534, sleep, mounts) + ["sleep", "30"]
    proc = subprocess.Popen(argv, pass_fds=(keep_w,), stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while os.readlink(f"/proc/{proc.pid}/exe") != sleep and time.monotonic() < deadline:
            time.sleep(0.01)
        assert jail.own_namespace(proc.pid)
        inside = Path(f"/proc/{proc.pid}/root")
        assert not (inside / "etc").exists() and not (inside / str(tmp_path)[1:] / "later.pem").exists()
        assert (inside / str(run_dir)[1:]).is_dir() and (inside / "usr/bin/sleep").exists()
        status = dict(line.split(":", 1) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines())
        assert status["Uid"].split() == ["65534"] * 4 and status["Groups"].strip() == ""
        assert f"{keep_w}" in os.listdir(f"/proc/{proc.pid}/fd")
        from hvmctl.qemu.hostpaths import HostPath

        jail.bind_into(proc.pid, str(run_dir), [HostPath(str(later), "r")])
        assert (inside / str(later)[1:]).read_text() == "cert"
    finally:
        proc.kill()
        proc.wait(10)
        os.close(keep_r)
        os.close(keep_w)
