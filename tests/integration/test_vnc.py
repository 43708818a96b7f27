"""Consoles (S2 step 4, S7): VNC serves the guest's real screen, as a viewer sees it.

Every check goes over the RFB wire with a real client handshake (tests/integration/rfb.py)
and reads the screen as text (tests/integration/screen.py): the installer's banner during
the ISO boot, distinct displays for ``vncunused=1``, a fixed ``vncdisplay`` honoured and a
clash refused, ``vncpasswd`` required (no password and a wrong one fail, the right one
gets the screen).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.fixtures.guests import installer_iso, tiny_guest
from tests.integration.hvenv import HvEnv
from tests.integration.rfb import AuthFailed, RfbClient
from tests.integration.sockets import children, free_vnc_display, holders, listening_sockets, tcp_listeners
from tests.integration.screen import decode_png, png_text, screen_text
from tests.integration.seedprof import wait_log


def _direct(name: str, vfb: str) -> str:
    guest = tiny_guest()
    return (f'name = "{name}"\nbuilder = "hvm"\nmemory = 96\nkernel = "{guest.kernel}"\n'
            f'ramdisk = "{guest.initrd}"\nextra = "{guest.cmdline}"\n{vfb}\n')


def _vnc(hv: HvEnv, name: str) -> tuple[str, int]:
    host, port = hv.domain(name)["vnc"].rsplit(":", 1)
    return host, int(port)


def _without_cursor(text: str) -> str:
    """The text cursor blinks: an underscore at the end of a line comes and goes."""
    return "\n".join(line.removesuffix("_").rstrip() for line in text.splitlines())


def test_screen_of_the_iso_boot_over_vnc_and_screendump(hv: HvEnv) -> None:
    # the installer ISO with no disk to install on: its banner stays on the screen
    iso = installer_iso().path
    hv.write_profile("inst", f'name = "inst"\nbuilder = "hvm"\nmemory = 128\n'
                             f"disk = [ 'file:{iso},hdc:cdrom,r' ]\nboot = \"d\"\n"
                             'vfb = ["type=vnc,vncunused=1"]\n')
    hv.hv("create", "inst")
    wait_log(hv, "inst", "HVMCTL-INSTALL-FAILED no empty disk", timeout=180)
    wait_log(hv, "inst", "hvtest#", timeout=60)

    png_path = hv.base / "inst.png"
    hv.hv("screenshot", "inst", str(png_path))
    png = png_path.read_bytes()
    shot = decode_png(png)
    assert (shot.width, shot.height) == (720, 400) and shot.colours() >= 2
    text = png_text(png)
    assert "Booting from DVD/CD..." in text, text
    assert "HVMCTL INSTALLER: installing the test guest onto the first empty disk" in text, text
    assert "HVMCTL INSTALL FAILED: no empty disk" in text, text
    # the banner's big letters, cell for cell
    assert "    #####  #   #  # # #  #        #    #" in text.splitlines(), text

    # a VNC viewer gets the very same pixels
    host, port = _vnc(hv, "inst")
    assert host == "127.0.0.1"
    with RfbClient(host, port) as vnc:
        assert vnc.name == "QEMU (inst)"
        frame = vnc.capture()
    assert (frame.width, frame.height) == (720, 400)
    assert _without_cursor(screen_text(frame)) == _without_cursor(text)
    # pixel for pixel, but for the blinking cursor (at most one 9x16 cell)
    differ = sum(frame.rgb[i : i + 3] != shot.rgb[i : i + 3] for i in range(0, len(shot.rgb), 3))
    assert differ <= 9 * 16, f"VNC and the screendump disagree on {differ} pixels"


def test_vncunused_guests_get_distinct_displays(hv: HvEnv) -> None:
    names = ["va", "vb", "vc"]
    for name in names:
        hv.write_profile(name, _direct(name, 'vfb = ["type=vnc,vncunused=1"]'))
        hv.hv("create", name)
    ports = {name: _vnc(hv, name)[1] for name in names}
    assert len(set(ports.values())) == len(names), ports
    for name in names:
        dom = hv.domain(name)
        assert dom["vnc_display"] == ports[name] - 5900
        with RfbClient("127.0.0.1", ports[name]) as vnc:
            assert vnc.name == f"QEMU ({name})"  # each display serves its own guest


def test_vncdisplay_is_honoured_and_a_clash_refused(hv: HvEnv) -> None:
    n = free_vnc_display()
    hv.write_profile("fixed", _direct("fixed", f'vfb = ["type=vnc,vncdisplay={n},vncunused=0"]'))
    hv.hv("create", "fixed")
    assert _vnc(hv, "fixed") == ("127.0.0.1", 5900 + n)
    with RfbClient("127.0.0.1", 5900 + n) as vnc:
        assert vnc.name == "QEMU (fixed)"

    # the same display for another guest (the HVM keys this time): refused before it starts
    hv.write_profile("clash", _direct("clash", f"vnc = 1\nvncdisplay = {n}\nvncunused = 0"))
    res = hv.hv("create", "clash", check=False)
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and f"vncdisplay {n}" in res.stderr and "fixed" in res.stderr, res.stderr
    assert "clash" not in [d["name"] for d in hv.domains()]

    # a display held by another program is refused clearly too
    with socket.socket() as other:
        m = free_vnc_display()
        other.bind(("127.0.0.1", 5900 + m))
        other.listen()
        hv.write_profile("busy", _direct("busy", f'vfb = ["type=vnc,vncdisplay={m},vncunused=0"]'))
        res = hv.hv("create", "busy", check=False)
        assert res.returncode == 1 and f"vncdisplay {m}" in res.stderr and "in use" in res.stderr, res.stderr
    assert "busy" not in [d["name"] for d in hv.domains()]
    # the first guest still serves its display
    with RfbClient("127.0.0.1", 5900 + n) as vnc:
        assert vnc.name == "QEMU (fixed)"


def test_vncpasswd_is_enforced(hv: HvEnv) -> None:
    hv.write_profile("locked", _direct("locked", 'vfb = ["type=vnc,vncunused=1,vncpasswd=s3cr3t"]'))
    hv.hv("create", "locked")
    wait_log(hv, "locked", "HVMCTL-READY", timeout=120)
    host, port = _vnc(hv, "locked")
    with pytest.raises(AuthFailed, match="requires authentication"):
        RfbClient(host, port)  # no password: the server offers VNC authentication only
    with pytest.raises(AuthFailed):
        RfbClient(host, port, password="wrong")
    with RfbClient(host, port, password="s3cr3t") as vnc:
        assert 2 in vnc.security_types and 1 not in vnc.security_types
        assert vnc.name == "QEMU (locked)"
        text = screen_text(vnc.capture())
    assert "SeaBIOS" in text, text  # the guest's real screen, behind the password


def test_the_daemon_listens_qemu_serves_and_sessions_outlive_a_killed_daemon(hv: HvEnv) -> None:
    # a fixed display well above the low ones other tests' vncunused guests take: while our
    # daemon is dead its port is free, and a stranger's guest must not take it meanwhile
    n = free_vnc_display()
    hv.write_profile("owned", _direct("owned", f'vfb = ["type=vnc,vncunused=0,vncdisplay={n},vncpasswd=s3cr3t"]'))
    hv.hv("create", "owned")
    wait_log(hv, "owned", "HVMCTL-READY", timeout=120)
    dom = hv.domain("owned")
    host, port = _vnc(hv, "owned")
    assert port == 5900 + n
    # QEMU listens on no TCP port of its own; the daemon holds the VNC one, and QEMU a copy of
    # that very socket (never accepted on: -vnc none) -- no other process, no keeper
    assert hv.daemon is not None and port in tcp_listeners(hv.daemon.pid)
    assert tcp_listeners(dom["pid"], besides=hv.daemon.pid) == []
    (inode,) = [i for i, p in listening_sockets(dom["pid"]).items() if p == port]
    assert holders(inode) == {hv.daemon.pid, dom["pid"]}
    assert children(hv.daemon.pid) == {dom["pid"]}  # no child but its QEMU
    argv = (Path(f"/proc/{dom['pid']}/cmdline").read_bytes()).split(b"\0")
    assert argv[argv.index(b"-vnc") + 1] == b"none,password-secret=vncpass"
    with pytest.raises(AuthFailed, match="requires authentication"):
        RfbClient(host, port)  # QEMU still asks for the password: security type 2 only
    with pytest.raises(AuthFailed):
        RfbClient(host, port, password="wrong")

    with RfbClient(host, port, password="s3cr3t") as session:
        assert session.name == "QEMU (owned)"
        hv.kill_daemon()  # kill -9: QEMU holds the session's fd and the listening socket
        assert holders(inode) == {dom["pid"]}  # QEMU alone keeps the port
        assert "SeaBIOS" in screen_text(session.capture())  # the open session goes on
        with socket.create_connection((host, port), timeout=5) as waiting:  # accepted by the kernel...
            waiting.settimeout(1.0)
            with pytest.raises(socket.timeout):
                waiting.recv(12)  # ...but nobody hands it to QEMU while the daemon is away
            hv.start_daemon()
            waiting.settimeout(30)
            assert waiting.recv(12) == b"RFB 003.008\n"  # the same connection, served after re-attach
        assert hv.daemon is not None and holders(inode) == {hv.daemon.pid, dom["pid"]}  # taken back
        assert children(hv.daemon.pid) <= {dom["pid"]}  # nothing started for it (QEMU is init's now)
        with RfbClient(host, port, password="s3cr3t") as again:
            assert again.name == "QEMU (owned)"
        assert "SeaBIOS" in screen_text(session.capture())
    assert hv.domain("owned")["vnc"] == f"{host}:{port}"
    hv.hv("destroy", "owned")
    with pytest.raises(ConnectionRefusedError):  # the port goes with the guest
        socket.create_connection((host, port), timeout=5).close()
    assert holders(inode) == set()


def test_save_restore_keeps_the_display_and_serves_it(hv: HvEnv) -> None:
    hv.write_profile("kept", _direct("kept", 'vfb = ["type=vnc,vncunused=1"]'))
    hv.hv("create", "kept")
    wait_log(hv, "kept", "HVMCTL-READY", timeout=120)
    before = hv.domain("kept")["vnc"]
    save = hv.base / "kept.save"
    hv.hv("save", "kept", str(save))
    restored = hv.hv("restore", "--json", str(save)).json()
    host, port = _vnc(hv, "kept")
    if restored["vnc"] != before:  # only if another program took the display in the gap
        with socket.socket() as s, pytest.raises(OSError):
            s.bind(("127.0.0.1", int(before.rsplit(":", 1)[1])))
    with RfbClient(host, port) as vnc:
        assert vnc.name == "QEMU (kept)"
        assert "SeaBIOS" in screen_text(vnc.capture())
    assert hv.daemon is not None and tcp_listeners(hv.domain("kept")["pid"], besides=hv.daemon.pid) == []
