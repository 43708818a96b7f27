"""The daemon binds each guest's VNC port and hands every connection to QEMU (fake
backend: its QEMU greets a handed-over client with the RFB version, as QEMU does).

Real TCP ports on 127.0.0.1 (5900+N): each test binds what it needs and asserts on what a
client connecting there gets, not on the daemon's bookkeeping alone."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from hvmctl.config.model import VfbSpec
from hvmctl.daemon import vncserve
from hvmctl.errors import HostError
from tests.unit import crashkit as ck

OTHER = "8a3e4d5c-0000-4000-8000-00000000cccc"


def test_display_choices() -> None:
    assert vncserve.displays(VfbSpec(), domid=4) == list(range(0, 100))
    assert vncserve.displays(VfbSpec(vncdisplay=97), domid=4) == [97, 98, 99]
    assert vncserve.displays(VfbSpec(vncunused=False, vncdisplay=7), domid=4) == [7]
    assert vncserve.displays(VfbSpec(vncunused=False), domid=4) == [4]  # Xen: the domain ID
    # restore, migration: the display it had first, then what the profile says
    assert vncserve.displays(VfbSpec(vncdisplay=97), domid=4, pinned=12) == [12, 97, 98, 99]
    assert vncserve.displays(VfbSpec(vncunused=False), domid=4, pinned=2) == [2, 4]
    assert vncserve.displays(VfbSpec(vncunused=False, vncdisplay=7), domid=4, pinned=7) == [7]
    assert vncserve.displays(VfbSpec(vncdisplay=150), domid=4) == [150]


def _free_display() -> int:
    for n in range(60, 99):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", 5900 + n))
                return n
            except OSError:
                continue
    raise RuntimeError("no free display in 60..98")


def test_bind_takes_the_first_free_display_and_refuses_a_busy_fixed_one() -> None:
    n = _free_display()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 5900 + n))
        busy.listen()
        sock = vncserve.bind("127.0.0.1", [n, n + 1])
        try:
            assert sock.getsockname() == ("127.0.0.1", 5901 + n)
        finally:
            sock.close()
        with pytest.raises(HostError, match=f"vncdisplay {n} .port {5900 + n} on 127.0.0.1. is already in use"):
            vncserve.bind("127.0.0.1", [n])


async def _banner(port: int) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    try:
        return await asyncio.wait_for(reader.readexactly(12), 5)
    finally:
        writer.close()


def test_each_connection_is_handed_to_qemu_and_the_port_goes_with_the_guest(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        await daemon.create(ck.profile("other", OTHER), filename="/etc/xen/other", overrides=[])
        one, two = daemon.lookup("demo"), daemon.lookup("other")
        assert one.runtime is not None and two.runtime is not None
        ports = one.runtime.vnc_port, two.runtime.vnc_port
        assert ports[0] and ports[1] and ports[0] != ports[1]  # vncunused: each its own display
        assert "-vnc" in one.runtime.argv and one.runtime.argv[one.runtime.argv.index("-vnc") + 1] == "none"
        for _ in range(3):  # every connection reaches QEMU, one after the other
            assert await _banner(ports[0]) == b"RFB 003.008\n"
        (guest,) = world.alive_with_uuid(ck.UUID)
        assert guest.commands.count("add_client") == 3 and guest.commands.count("getfd") == 3
        row = daemon.lookup("demo").summary()
        assert row["vnc"] == f"127.0.0.1:{ports[0]}" and row["vnc_display"] == ports[0] - 5900
        await one.destroy()
        with pytest.raises(OSError):
            await _banner(ports[0])  # nobody listens there any more
        seen["free"] = ports[0]

    ck.run_scenario(tmp_path / "h", scenario)
    with socket.socket() as s:  # the display is free for the next guest
        s.bind(("127.0.0.1", int(seen["free"])))  # type: ignore[call-overload]


def test_a_restarted_daemon_serves_the_port_of_the_record_again(tmp_path: Path) -> None:
    root = tmp_path / "h"
    ports: list[int] = []

    async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        rt = daemon.lookup("demo").runtime
        assert rt is not None and rt.vnc_port
        ports.append(rt.vnc_port)
        assert await _banner(rt.vnc_port) == b"RFB 003.008\n"

    _, world = ck.run_until_crash(root, create, _noop, None)  # the daemon is gone: no listener

    async def after(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        rt = daemon.lookup("demo").runtime
        assert rt is not None and rt.vnc_port == ports[0]
        assert await _banner(ports[0]) == b"RFB 003.008\n"
        daemon.lookup("demo")._close_vnc()

    out = ck.restart(root, world, after)
    assert ck.check_one_or_none(root, world, out) is True


def test_relay_end_is_a_socketpair_handed_over(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(more="vncpasswd = 'pw'\n"), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        sock = await vncserve.open_client(dom)
        assert sock.family == socket.AF_UNIX  # no TCP hop
        reader, writer = await asyncio.open_connection(sock=sock)
        assert await asyncio.wait_for(reader.readexactly(12), 5) == b"RFB 003.008\n"
        writer.close()
        await dom.destroy()
        with pytest.raises(Exception, match="has no VNC console"):
            await vncserve.open_client(dom)

    ck.run_scenario(tmp_path / "h", scenario)


async def _noop(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    return None


def test_a_keeper_holds_the_port_hands_it_back_and_ends_with_its_qemu() -> None:
    import subprocess
    import time

    from hvmctl.daemon import vnckeeper
    from hvmctl.daemon.procfs import process_alive

    qemu = subprocess.Popen(["sleep", "30"])  # stands in for the guest's QEMU process
    try:
        sock = vncserve.bind("127.0.0.1", [_free_display()])
        port = sock.getsockname()[1]
        keeper = vnckeeper.start(sock.fileno(), qemu.pid)
        assert keeper is not None and process_alive(keeper[0], keeper[1])
        sock.close()  # the daemon dies: its copy is gone, the keeper's is not
        with socket.create_connection(("127.0.0.1", port), timeout=2) as waiting:  # in the backlog
            back = vnckeeper.take(keeper)
            assert back is not None and back.getsockname()[1] == port
            back.setblocking(True)
            conn, _ = back.accept()  # the very connection made while nobody served
            conn.sendall(b"hi")
            assert waiting.recv(2) == b"hi"
            conn.close()
            back.close()
        qemu.kill()
        qemu.wait(5)
        deadline = time.monotonic() + 5  # tail --pid looks once a second
        while process_alive(keeper[0], keeper[1]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not process_alive(keeper[0], keeper[1]), "the keeper outlived its QEMU"
        vnckeeper.stop(keeper)  # reaped
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        assert vnckeeper.start(3, 5_000_000) is None  # no such process (a fake QEMU): no keeper
    finally:
        qemu.kill()
        qemu.wait(5)
