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
from tests.integration.sockets import free_vnc_display
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


def test_bind_takes_the_first_free_display_and_refuses_a_busy_fixed_one() -> None:
    n = free_vnc_display()
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

    _, world = ck.run_until_crash(root, create, _noop, None)  # the daemon is gone, its QEMU holds the port
    (guest,) = world.alive_with_uuid(ck.UUID)
    waiting = socket.create_connection(("127.0.0.1", ports[0]), timeout=2)  # in the backlog meanwhile

    async def after(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        rt = daemon.lookup("demo").runtime
        assert rt is not None and rt.vnc_port == ports[0] and rt.vnc_listen_fd is not None
        assert guest.sockets[rt.vnc_listen_fd] == str(("127.0.0.1", ports[0]))  # passed at spawn
        waiting.settimeout(5)
        assert await asyncio.to_thread(waiting.recv, 12) == b"RFB 003.008\n"  # served after re-attach
        waiting.close()
        assert await _banner(ports[0]) == b"RFB 003.008\n"
        dom = daemon.lookup("demo")
        dom._close_vnc()
        assert dom.runtime is not None and dom.runtime.vnc_listen_fd is None
        record = dom.to_record()  # one written by the keeper-process version still loads
        record["runtime"] = dict(record["runtime"], vnc_keeper=[4242, 7, 9], vnc_listen_fd=None)
        old = type(dom).from_record(daemon, record)
        assert old.runtime is not None and old.runtime.vnc_port == ports[0] and not hasattr(old.runtime, "vnc_keeper")

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


def test_qemu_holds_the_port_while_the_daemon_is_away_and_it_goes_with_qemu(tmp_path: Path) -> None:
    from hvmctl.daemon.process import QemuProcess

    async def scenario() -> None:
        sock = vncserve.bind("127.0.0.1", [free_vnc_display()])
        port, fd = sock.getsockname()[1], sock.fileno()
        qemu = QemuProcess.spawn(["sleep", "30"], tmp_path / "q.log", pass_fds=(fd,))  # stands in for QEMU
        try:
            sock.close()  # the daemon dies: its copy is gone, QEMU's is not
            with socket.create_connection(("127.0.0.1", port), timeout=2) as waiting:  # in the backlog
                assert QemuProcess.adopt(qemu.pid, (qemu.start_ticks or 0) + 1) is None  # not that process
                again = QemuProcess.adopt(qemu.pid, qemu.start_ticks)  # the restarted daemon's
                assert again is not None
                got = again.take_fd(fd)
                assert got is not None
                back = socket.socket(fileno=got)
                assert back.getsockname()[1] == port
                conn, _ = back.accept()  # the very connection made while nobody served
                conn.sendall(b"hi")
                assert waiting.recv(2) == b"hi"
                conn.close()
                back.close()
            assert again.take_fd(999) is None  # no such fd in it
            qemu.kill()
            assert await qemu.wait(5) and await again.wait(5)
            assert again.take_fd(fd) is None  # it ended
            with pytest.raises(OSError):  # nothing else held the socket: the port closed with QEMU
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
        finally:
            qemu.kill()

    asyncio.run(scenario())
