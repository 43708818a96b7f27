"""`hvmctl host evacuate NAME --copy-storage` between pool members that do not share their
image directory (issue 13): the destination member sees its own, empty, directory at the
same path (a private tmpfs); the guest's disk is copied during the live migration, its
counter goes on, and the source's copy is left where it was -- and is never what an HA
restart runs from: with the destination dead, the guest is not restarted on the source."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.etcdcluster import EtcdCluster, free_ports
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.migration_hosts import MOUNT_SCRIPT
from tests.integration.poolenv import kill_member, member, new_prefix, qemu_pids, wait_members
from tests.integration.test_migration import assert_continued, console, run_in_guest, type_line


@pytest.fixture(scope="module")
def etcd() -> Iterator[EtcdCluster]:
    with EtcdCluster.running(1) as cluster:
        yield cluster


def test_evacuate_copy_storage_between_members_without_shared_images(etcd: EtcdCluster) -> None:
    prefix = new_prefix()
    p1, p2 = free_ports(2)
    hosts: list[HvEnv] = []
    try:
        hosts.append(member(etcd, "s1", prefix=prefix, extra={"HVMCTL_REMOTE_LISTEN": f"127.0.0.1:{p1}"}))
        s1 = hosts[0]
        images = s1.base / "images"  # s1's image directory; s2 has its own (empty) one at that path
        images.mkdir()
        hosts.append(member(etcd, "s2", prefix=prefix, extra={"HVMCTL_REMOTE_LISTEN": f"127.0.0.1:{p2}"},
                            wrap=["unshare", "--mount", "--propagation", "private", "--",
                                  sys.executable, "-c", MOUNT_SCRIPT, str(images)]))
        s2 = hosts[1]
        wait_members(s1, {"s1", "s2"})
        s1.wait_for(lambda: all("endpoint" in m for m in s1.hv("pool", "status", "--json").json()["members"]),
                    timeout=15, what="both endpoints published")
        disk = images / "cs.img"
        subprocess.run(["truncate", "-s", "32M", str(disk)], check=True, timeout=10)
        assert s2.daemon is not None
        theirs = Path(f"/proc/{s2.daemon.pid}/root") / str(disk).lstrip("/")
        assert not theirs.exists()  # not shared
        s1.write_profile("cs", tiny_profile("cs", extra="hvtest.counter=1", vnc=False,
                                            more=f'ha = 1\ndisk = ["file:{disk},xvda,w"]\n'))
        s1.hv("create", "cs", "--host", "s1")  # a pool domain: its run lock moves with it
        s1.wait_console("cs", "COUNTER 2", timeout=120)
        stamp = f"HVDATA{os.getpid()}"
        type_line(s1, "cs", f"echo {stamp} | dd of=/dev/vda bs=512 seek=100 conv=fsync 2>/dev/null"
                            " && echo WROTE-$((40+2))")
        s1.wait_console("cs", "WROTE-42", timeout=30)
        # without --copy-storage s2 lacks the image: nothing moves
        res = s2.hv("host", "evacuate", "s1", "--json", timeout=300, check=False)
        assert res.returncode == 1, res.stderr  # a guest that did not move: the command failed
        refused = res.json()["moved"]
        assert [(m["name"], m["state"]) for m in refused] == [("cs", "failed")], refused
        assert "does not exist here" in str(refused[0]["error"]), refused
        assert len(qemu_pids(s1)) == 1 and qemu_pids(s2) == []
        # asked on s2, carried out by s1
        moved = s2.hv("host", "evacuate", "s1", "--copy-storage", "--json", timeout=300).json()["moved"]
        assert [(m["name"], m["to"], m["state"]) for m in moved] == [("cs", "s2", "completed")], moved
        assert_continued(s1, s2, "cs")  # the counter goes on, no second boot
        assert qemu_pids(s1) == [] and len(qemu_pids(s2)) == 1
        data = theirs.read_bytes()
        assert len(data) == 32 << 20 and data[512 * 100: 512 * 100 + len(stamp)] == stamp.encode()
        out = run_in_guest(s2, "cs", "DISK", "echo 3 > /proc/sys/vm/drop_caches; "
                                             "dd if=/dev/vda bs=512 skip=100 count=1 2>/dev/null | head -c 20")
        assert out.startswith(stamp)  # the guest reads the copy on s2's own storage
        # the source's copy is left as it was (hvmctl does not delete an image a profile names)
        assert stamp.encode() in disk.read_bytes()
        events = lambda: [e["text"] for e in s1.hv("pool", "events", "--json").json()["events"]]  # noqa: E731
        s1.wait_for(lambda: "cs: its disks are on s2's own storage now (--copy-storage)" in events(), timeout=10,
                    what="where the disks are, recorded")
        # s2 dies: its guest's disks went with it; s1's stale copy is never booted
        kill_member(s2)
        s1.wait_for(lambda: any(t.startswith("HA: not restarting cs: its disks are on s2's own storage")
                                for t in events()), timeout=40, what="the HA manager's refusal")
        for _ in range(30):  # 3 s more: nothing starts it
            assert qemu_pids(s1) == []
            time.sleep(0.1)
    finally:
        for hv in hosts:
            hv.cleanup()
