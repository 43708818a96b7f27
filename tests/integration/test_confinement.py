"""QEMU confined, on real guests: its own non-root uid with no capabilities, refused a host
file nobody gave it (asked straight over QMP), and nothing left granted after it is gone."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from tests.integration.hvenv import HvEnv, tiny_profile

READY = "HVMCTL-READY"
XATTR = "system.posix_acl_access"


def _status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _photo(paths: list[Path]) -> dict[str, tuple[int, int, int, bytes | None]]:
    """Owner, group, mode and ACL of every file and dir under ``paths`` (stat + getfacl)."""
    out = {}
    for top in paths:
        for p in [top, *top.rglob("*")] if top.is_dir() else [top]:
            if p.is_symlink() or not p.exists() or p.is_socket():
                continue
            st = p.stat()
            try:
                acl: bytes | None = os.getxattr(p, XATTR)
            except OSError:
                acl = None
            out[str(p)] = (st.st_uid, st.st_gid, st.st_mode, acl)
    return out


def _qmp(sock: str, command: str, args: dict[str, object]) -> str:
    """One QMP command on the guest's own socket (the daemon is not holding it): the error text."""
    from qemu.qmp import QMPClient
    from qemu.qmp.qmp_client import ExecuteError

    async def run() -> str:
        client = QMPClient("test")
        await client.connect(sock)
        try:
            await client.execute(command, args)
            return "ok"
        except ExecuteError as exc:
            return str(exc)
        finally:
            await client.disconnect()

    return asyncio.run(run())


def test_qemu_unprivileged_refused_an_ungiven_file_and_nothing_left_granted(hv: HvEnv) -> None:
    images = hv.base / "images"
    images.mkdir(mode=0o700)
    disk = images / "data.img"
    subprocess.run(["truncate", "-s", "8M", str(disk)], check=True, timeout=10)
    os.chmod(disk, 0o600)
    cache = Path(os.environ.get("HVMCTL_GUEST_CACHE", "/var/cache/hvmctl-guests"))
    watched = [hv.base, cache] if cache.is_dir() else [hv.base]
    before = _photo(watched)

    hv.write_profile("conf1", tiny_profile("conf1", more=f'disk = ["file:{disk},xvdb,w"]\n'))
    hv.hv("create", "conf1")
    hv.wait_console("conf1", READY)
    dom = hv.domain("conf1")
    status = _status(int(dom["pid"]))
    uid, gid = int(status["Uid"].split()[0]), int(status["Gid"].split()[0])
    assert uid != 0 and gid != 0 and set(status["Uid"].split()) == {str(uid)}
    assert status["Groups"] == ""
    for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        assert int(status[cap], 16) == 0, (cap, status[cap])
    assert status["NoNewPrivs"] == "1"  # -sandbox elevateprivileges=deny
    # in a cgroup of its own from the start (no weight or cap asked)
    groups = Path(f"/proc/{dom['pid']}/cgroup").read_text()
    assert f"/hvmctl/{dom['uuid']}" in groups, groups
    # the guest writes its disk (0600 in a 0700 dir: the daemon opened it and passed the fd)
    hv.hv("console", "conf1", input="dd if=/dev/zero of=/dev/vdb bs=4k count=4 && echo WROTE-$((20+1))\n",
          timeout=30)
    hv.wait_console("conf1", "WROTE-21")

    # QEMU asked directly for a file it was not given: the kernel refuses its uid. In its
    # run dir (its own, in its mount namespace too): anything else it cannot even see
    hv.kill_daemon()
    run_dir = Path(hv.base / "run" / "dom" / str(dom["uuid"])[:8])
    secret = run_dir / "root-only"
    secret.write_text("not for guests\n")
    os.chmod(secret, 0o600)
    answer = _qmp(str(run_dir / "qmp.sock"), "blockdev-add",
                  {"driver": "file", "node-name": "stolen", "filename": str(secret), "read-only": True})
    assert "Permission denied" in answer, answer
    hv.start_daemon()  # adopts the guest; its grants stay while it runs
    assert hv.domain("conf1")["pid"] == dom["pid"]
    assert os.getxattr(run_dir, XATTR)  # its run dir: still its uid's (a live guest's grants stay)

    hv.hv("destroy", "conf1")
    after = _photo(watched)
    changed = {p: (before[p], after.get(p)) for p in before if after.get(p) != before[p]}
    assert changed == {}, changed
    owned = [p for p, (u, g, _, _) in after.items() if u == uid or g == gid]
    assert owned == [], owned


def test_swtpm_runs_as_its_guests_uid_and_its_state_stays_root_owned(hv: HvEnv) -> None:
    hv.write_profile("ctpm", tiny_profile("ctpm", more='vtpm = ["backend=0"]\n'))
    hv.hv("new", "ctpm")  # managed: its TPM state outlives the run
    hv.hv("start", "ctpm")
    hv.wait_console("ctpm", READY)
    dom = hv.domain("ctpm")
    qemu_uid = _status(int(dom["pid"]))["Uid"].split()[0]
    swtpm = hv.hv("vtpm-list", "ctpm", "--json").json()[0]
    status = _status(int(swtpm["pid"]))
    assert status["Uid"].split()[0] == qemu_uid != "0" and int(status["CapEff"], 16) == 0
    state = Path(swtpm["state_dir"])
    assert {p.stat().st_uid for p in state.rglob("*")} == {int(qemu_uid)}  # swtpm made them, as the guest
    hv.hv("destroy", "ctpm")
    made = list(state.rglob("*"))
    assert made, "swtpm wrote no state"
    assert all(p.stat().st_uid == 0 for p in [state, *made]), [(str(p), p.stat().st_uid) for p in made]
