"""Each QEMU in a mount namespace of its own, on a real guest: not the daemon's namespace,
a root holding only the planned tree, a host file outside it unknown to QEMU even when
anyone may read it (asked straight over QMP), and the guest boots and answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.test_confinement import _qmp

READY = "HVMCTL-READY"
PLANNED_TOP = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc", "tmp", "var"}


def test_qemu_sees_only_its_tree_and_the_guest_still_runs(hv: HvEnv) -> None:
    assert hv.hv("info", "--json").json()["mount_namespace"] == "on"
    public = Path("/var/tmp") / f"hvmctl-jail-{os.getpid()}.img"
    public.write_bytes(b"\0" * 65536)
    os.chmod(public, 0o666)  # any uid may open it: only the namespace keeps QEMU from it
    try:
        hv.write_profile("jail1", tiny_profile("jail1"))
        hv.hv("create", "jail1")
        hv.wait_console("jail1", READY)
        dom = hv.domain("jail1")
        pid = int(dom["pid"])
        assert hv.daemon is not None
        assert os.readlink(f"/proc/{pid}/ns/mnt") != os.readlink(f"/proc/{hv.daemon.pid}/ns/mnt")

        root = Path(f"/proc/{pid}/root")
        top = set(os.listdir(root))
        assert top <= PLANNED_TOP, top - PLANNED_TOP
        assert {"usr", "dev", "proc"} <= top
        for hidden in ("home", "root", "etc/shadow", "etc/passwd", "var/tmp", str(hv.base / "state")[1:]):
            assert not (root / hidden).exists(), hidden
        run_dir = hv.base / "run" / "dom" / str(dom["uuid"])[:8]
        assert (root / str(run_dir)[1:] / "qemu.pid").is_file()  # its run dir, at its own path
        assert sorted(os.listdir(root / "dev")) == ["full", "null", "random", "urandom", "zero"]
        proc = set(os.listdir(root / "proc"))
        assert "sys" not in proc and "meminfo" not in proc  # subset=pid: processes only

        hv.kill_daemon()  # the guest's own QMP socket, nobody else on it
        answer = _qmp(str(run_dir / "qmp.sock"), "blockdev-add",
                      {"driver": "file", "node-name": "stolen", "filename": str(public), "read-only": True})
        assert "No such file or directory" in answer, answer
        hv.start_daemon()
        assert hv.domain("jail1")["pid"] == pid

        hv.hv("console", "jail1", input="echo JAILED-$((40+2))\n", timeout=30)
        hv.wait_console("jail1", "JAILED-42")
        hv.hv("destroy", "jail1")
    finally:
        public.unlink(missing_ok=True)


def test_off_by_config_and_said_so(hv: HvEnv) -> None:
    hv.kill_daemon()
    hv.env["HVMCTL_QEMU_MOUNT_NAMESPACE"] = "no"
    hv.start_daemon()
    assert hv.hv("info", "--json").json()["mount_namespace"] == "off (HVMCTL_QEMU_MOUNT_NAMESPACE=no)"
    hv.write_profile("jail2", tiny_profile("jail2"))
    hv.hv("create", "jail2")
    hv.wait_console("jail2", READY)
    pid = int(hv.domain("jail2")["pid"])
    assert hv.daemon is not None
    assert os.readlink(f"/proc/{pid}/ns/mnt") == os.readlink(f"/proc/{hv.daemon.pid}/ns/mnt")
    hv.hv("destroy", "jail2")


def _kvm_usable() -> bool:
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _kvm_usable(), reason="no usable /dev/kvm")
def test_a_kvm_guest_gets_dev_kvm_in_its_tree(hv: HvEnv) -> None:
    """QEMU made its KVM VM from inside its tree (whether the guest then boots is the host's
    nested KVM's business: on this test host it does not, jail or not)."""
    hv.write_profile("jailkvm", tiny_profile("jailkvm", more='accel = "kvm"\n'))
    hv.hv("create", "jailkvm")
    pid = int(hv.domain("jailkvm")["pid"])
    assert sorted(os.listdir(f"/proc/{pid}/root/dev")) == ["full", "kvm", "null", "random", "urandom", "zero"]
    fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    assert "anon_inode:kvm-vm" in fds, fds  # create returns once QMP answers: the VM exists by then
    hv.hv("destroy", "jailkvm")
