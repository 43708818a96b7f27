"""The daemon opens what a guest's QEMU uses and passes fds: the argv names only fd numbers
(golden file, fixed numbers), every fd the table opened is closed on every path (a start, a
failed start, a crash at each open), and QEMU is handed exactly the fds its argv names."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon import fdtable
from hvmctl.daemon.fdtable import FdTable
from hvmctl.errors import HostError
from hvmctl.qemu.argv import FdSet, HostFacts, LaunchPlan, NicPlan, build_argv
from tests.fixtures.seedfiles import SEED_PROFILES as SEED
from tests.unit import crashkit as ck

GOLDEN = Path(__file__).parent / "golden" / "argv"
FACTS = HostFacts(accel="tcg", qemu_binary="qemu-system-x86_64")


def open_fds() -> set[str]:
    """This process's open fds and what they are (what a leak would add)."""
    out = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            out.add(f"{name}:{os.readlink(f'/proc/self/fd/{name}')}")
        except OSError:
            pass
    return out


def test_golden_argv_with_passed_fds() -> None:
    """lists.phy (file and phy: disks, a cdrom, bridged vifs): every image is /dev/fdset/N,
    every tap fd=N, the console log an fd set, the QMP and console sockets fd=N; numbers
    fixed by the plan, nothing opened."""
    name = "lists.phy"
    cfg = parse_profile((SEED / name).read_text(), filename=f"/etc/xen/{name}", default_name=name).config
    nics = tuple(NicPlan(i, f"00:16:3e:00:00:{i:02x}", v.nic_model, "bridge", f"vif7.{i}")
                 for i, v in enumerate(cfg.vifs))
    sets, fd = [], 40
    for disk in sorted(cfg.disks, key=lambda d: d.vdev):
        if not disk.empty:
            n = len(fdtable.disk_flags(disk))
            sets.append(FdSet(len(sets) + 1, f"disk:{disk.vdev}", tuple(range(fd, fd + n)),
                              f"disk:{disk.vdev}={disk.target}", block=disk.backend == "phy"))
            fd += n
    sets.append(FdSet(len(sets) + 1, "console-log", (fd,), "console-log=/var/log/hvmctl/x.console.log"))
    plan = LaunchPlan(domid=7, run_dir=PurePath("/run/hvmctl/dom/ffc68565"), nics=nics,
                      log_dir=PurePath("/var/log/hvmctl"), name=cfg.name, fdsets=tuple(sets),
                      tap_fds={n.index: 60 + n.index for n in nics},
                      socket_fds={"qmp": 70, "serial0": 71})
    argv = build_argv(cfg, FACTS, plan)
    text = "\n".join(argv) + "\n"
    golden = GOLDEN / "fdpass.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), "argv with fds changed; HVMCTL_UPDATE_GOLDEN=1 to accept"
    drives = [a for a in argv if a.startswith("file=")]
    assert drives and all(a.startswith("file=/dev/fdset/") for a in drives)
    assert not any("ifname=" in a for a in argv)
    assert "tap,id=net0,fd=60" in argv and "socket,id=qmp,fd=70,server=on,wait=off" in argv
    assert f"socket,id=serial0,fd=71,server=on,wait=off,logfile={plan.fdset_path('console-log')},logappend=on" in argv
    assert not [a for a in argv if ".sock" in a]  # QEMU binds no socket of its own in the run dir
    assert "file=/dev/fdset/2,if=none,id=drive-hdb,auto-read-only=off,file.driver=host_device,format=raw,cache=none,aio=native" in argv
    # only the -add-fd opaque strings name the paths (query-fdsets shows them)
    assert not [a for a in argv if any(d.target in a for d in cfg.disks if d.target) and "opaque=" not in a]


def test_open_launch_opens_each_resource_with_its_mode(tmp_path: Path) -> None:
    (tmp_path / "a.img").write_bytes(b"\0" * 512)
    (tmp_path / "c.iso").write_bytes(b"\0" * 512)
    cfg = DomainConfig(name="x", disks=(
        DiskSpec(str(tmp_path / "a.img"), "hda"), DiskSpec(str(tmp_path / "c.iso"), "hdc", "r", "cdrom"),
        DiskSpec("", "hdd", "r", "cdrom"),
    ))
    plan = LaunchPlan(domid=1, run_dir=PurePath(tmp_path), log_dir=PurePath(tmp_path), name="x",
                      nics=(NicPlan(0, "00:16:3e:00:00:01", "e1000", "bridge", "vif1.0"),
                            NicPlan(1, "00:16:3e:00:00:02", "e1000", "user")))
    taps: list[str] = []

    def open_tap(name: str) -> int:
        taps.append(name)
        return os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)

    before = open_fds()
    table = FdTable()
    got = fdtable.open_launch(cfg, plan, table, open_tap)
    assert [s.key for s in got.fdsets] == ["disk:hda", "disk:hdc", "console-log"]  # hdd: empty, no fd
    modes = {k: fcntl.fcntl(fd, fcntl.F_GETFL) for k, fd in table.items().items()}
    assert modes["disk:hda#0"] & os.O_ACCMODE == os.O_RDWR and "disk:hda#1" not in modes
    assert modes["disk:hdc#0"] & os.O_ACCMODE == os.O_RDONLY  # a CD is never opened writable
    assert modes["console-log#0"] & os.O_APPEND
    assert taps == ["vif1.0"] and list(got.tap_fds) == [0]
    assert set(table.fds) == ({fd for s in got.fdsets for fd in s.fds} | set(got.tap_fds.values())
                              | set(got.socket_fds.values()))
    assert list(got.socket_fds) == ["qmp", "serial0"]  # bound and listening, QEMU gets the fds
    for sock in ("qmp.sock", "serial.sock"):
        assert (tmp_path / sock).is_socket() and (tmp_path / sock).stat().st_mode & 0o777 == 0o700
    assert got.fdset_path("disk:hda") == "/dev/fdset/1"
    argv = " ".join(build_argv(cfg, FACTS, got))
    assert f"tap,id=net0,fd={got.tap_fds[0]}" in argv and "file=/dev/fdset/1," in argv
    assert f"socket,id=qmp,fd={got.socket_fds['qmp']},server=on,wait=off" in argv
    assert f"socket,id=serial0,fd={got.socket_fds['serial0']},server=on,wait=off,logfile=/dev/fdset/3" in argv
    assert f"opaque=disk:hda={tmp_path}/a.img" in argv
    table.close()
    table.close()  # idempotent
    assert open_fds() == before


def test_open_launch_failing_midway_leaves_table_to_close(tmp_path: Path) -> None:
    (tmp_path / "a.img").write_bytes(b"\0" * 512)
    cfg = DomainConfig(name="x", disks=(DiskSpec(str(tmp_path / "a.img"), "hda"),
                                        DiskSpec(str(tmp_path / "gone.img"), "hdb")))
    plan = LaunchPlan(domid=1, run_dir=PurePath(tmp_path), log_dir=PurePath(tmp_path), name="x")
    before = open_fds()
    with FdTable() as table:
        with pytest.raises(HostError, match="gone.img: cannot open for the guest"):
            fdtable.open_launch(cfg, plan, table)
        assert len(table.fds) == 1  # hda's: still the table's, closed by its owner
    assert open_fds() == before


def disk_profile(root: Path) -> str:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("a.img", "b.img"):
        (root / name).write_bytes(b"\0" * 4096)
    return ck.profile(more=f"disk = ['file:{root}/a.img,hda,w', 'file:{root}/b.img,hdb,r']\n")


def test_create_passes_exactly_the_argv_fds_and_keeps_none(tmp_path: Path) -> None:
    root = tmp_path / "h"
    text = disk_profile(tmp_path / "img")
    before = open_fds()

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(text, filename="/etc/xen/demo", overrides=[])
        (guest,) = world.alive_with_uuid(ck.UUID)
        img = str(tmp_path / "img")
        assert sorted(p for p in guest.passed if p.startswith(img)) == [f"{img}/a.img", f"{img}/b.img"]
        named = [a for i, a in enumerate(guest.argv[1:]) if guest.argv[i] in ("-add-fd", "-chardev", "-netdev")
                 and ("fd=" in a.split(",")[0] or ",fd=" in a)]
        # exactly the fds the argv names (3 files, QMP, serial), and the VNC listening socket
        # QEMU only holds (the port outlives a killed daemon; vncserve)
        assert len(named) == 5 and len(guest.passed) == 6
        rt = daemon.lookup("demo").runtime
        assert rt is not None and guest.sockets[rt.vnc_listen_fd or -1] == str(("127.0.0.1", rt.vnc_port))
        assert not [a for a in guest.argv if img in a and "opaque=" not in a]
        assert not [f for f in open_fds() - before if img in f], "the daemon kept an image open"

    ck.run_scenario(root, scenario)


def test_failed_spawn_closes_every_fd(tmp_path: Path) -> None:
    root = tmp_path / "h"
    text = disk_profile(tmp_path / "img")

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        def refuse(*a: object, **kw: object) -> None:
            raise HostError("spawn refused by the test")

        daemon.backend.spawn = refuse  # type: ignore[method-assign,assignment]
        before = open_fds()
        with pytest.raises(HostError, match="refused by the test"):
            await daemon.create(text, filename="/etc/xen/demo", overrides=[])
        assert not [f for f in open_fds() - before if str(tmp_path) in f]

    ck.run_scenario(root, scenario)


def test_crash_at_every_open_leaks_nothing(tmp_path: Path) -> None:
    """A daemon killed between two opens: the dying launch closes what it opened, and the
    next daemon finds no guest to adopt (no QEMU was spawned)."""
    text = disk_profile(tmp_path / "img")

    async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(text, filename="/etc/xen/demo", overrides=[])

    points = ck.count_points(tmp_path / "count", None, create)
    at = [i for i, p in enumerate(points) if p == "launch:fd"]
    assert len(at) == 5  # hda rw, hdb ro, the console log, the QMP and serial sockets
    for n, index in enumerate(at):
        root = tmp_path / f"h{n}"
        before = open_fds()
        crasher, world = ck.run_until_crash(root, None, create, index)
        assert crasher.photo is not None and crasher.photo.point == "launch:fd"
        assert not [f for f in open_fds() - before if str(tmp_path) in f], f"fds leaked at open {n}"
        world = ck.restore_photo(root, crasher.photo)
        out = ck.restart(root, world)
        assert ck.check_one_or_none(root, world, out) is False


def test_hotplug_fdsets_over_qmp_are_given_back(tmp_path: Path) -> None:
    """add-fd for a writable image, a CD, and remove-fd by key:
    QEMU is left holding no set, the daemon no fd."""
    root = tmp_path / "h"
    img, iso = tmp_path / "x.img", tmp_path / "c.iso"
    img.write_bytes(b"\0" * 512)
    iso.write_bytes(b"\0" * 512)

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        (guest,) = world.alive_with_uuid(ck.UUID)
        before = open_fds()
        disk = DiskSpec(str(img), "xvdb")
        path = await fdtable.add_fdset(dom, "disk:xvdb", str(img), fdtable.disk_flags(disk))
        cd = await fdtable.add_fdset(dom, "disk:hdc", str(iso), (os.O_RDONLY,))
        assert path != cd and path.startswith("/dev/fdset/")
        sets = await dom.qmp("query-fdsets")
        assert [len(s["fds"]) for s in sets] == [1, 1]
        assert [f["path"] for v in guest.fdsets.values() for f in v] == [str(img), str(iso)]
        assert (await fdtable.fdset_paths(dom))[cd] == str(iso)
        assert open_fds() == before  # the daemon's copies are closed
        # a media change: the new set in, the old one given back
        new = await fdtable.add_fdset(dom, "disk:hdc", str(iso), (os.O_RDONLY,))
        assert await fdtable.remove_fdsets(dom, "disk:hdc", keep=new) == [int(cd.rsplit("/", 1)[1])]
        await fdtable.remove_fdsets(dom, "disk:hdc")
        await fdtable.remove_fdsets(dom, "disk:xvdb")
        assert await dom.qmp("query-fdsets") == []

    ck.run_scenario(root, scenario)


def test_qemu_errors_name_the_passed_path() -> None:
    argv = ["qemu", "-add-fd", "fd=40,set=1,opaque=disk:hda=/img/a,,b.img", "-add-fd", "fd=41,set=12,opaque=disk:hdb=/b"]
    assert fdtable.named("Is another process using the image [/dev/fdset/1]?", argv) == \
        "Is another process using the image [/img/a,b.img]?"
    assert fdtable.named("/dev/fdset/12: no", argv) == "/b: no"
    assert fdtable.named("no fd set here", argv) == "no fd set here"


def test_offline_commit_of_a_live_export_overlay_finds_the_passed_image(tmp_path: Path) -> None:
    """QEMU wrote /dev/fdset/N as the overlay's backing file (it knew the image by fd): the
    offline commit after a QEMU death is pointed at the image's path, and the writes land."""
    import shutil
    import subprocess
    from types import SimpleNamespace

    from hvmctl.storage import actions

    if shutil.which("qemu-img") is None:
        pytest.skip("qemu-img not installed")
    base, overlay = tmp_path / "base.img", tmp_path / "export-xvda.qcow2"
    base.write_bytes(b"\0" * (1 << 20))
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "/dev/fdset/1", "-F", "raw",
                    str(overlay), "1M"], check=True, timeout=30)
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 512", str(overlay)], check=False,
                   capture_output=True, timeout=30)  # fails: the backing file cannot be opened
    dom = SimpleNamespace(config=DomainConfig(name="x", disks=(DiskSpec(str(base), "xvda"),)))
    actions._point_at_image(dom, "xvda", str(overlay))  # type: ignore[arg-type]
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 512", str(overlay)], check=True,
                   capture_output=True, timeout=30)
    subprocess.run(["qemu-img", "commit", "-q", "-f", "qcow2", str(overlay)], check=True, timeout=30)
    assert base.read_bytes()[:512] == b"\x5a" * 512
