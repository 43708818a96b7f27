"""Each guest's VNC listening socket, bound and served by the daemon.

QEMU (an unprivileged uid) listens on nothing: it starts with ``-vnc none`` (the password
secret and keymap still apply) and the daemon binds ``HOST:5900+N`` itself -- ``vncunused``
takes the first display it can bind from ``vncdisplay`` (or 0) to 99, race-free because the
bound socket is the claim. Each accepted connection is handed to QEMU over QMP (``getfd`` +
``add_client protocol=vnc skipauth=false``): QEMU then does the RFB handshake and the
password itself, and holds the connection, so a daemon killed with ``kill -9`` leaves the
open sessions running. QEMU also holds a copy of the listening socket, passed at spawn as
one more fd it never uses (the socket is bound before every spawn: create, restore,
migrate-in), so the port stays listening while the daemon is away: new clients wait in
its backlog until a restarted daemon takes the socket back from QEMU (``pidfd_getfd``,
its number in the record) at re-attach, and it closes when QEMU ends. The web console's relay gets one end of a socketpair handed over
the same way (no TCP hop). Hand-overs are done one at a time (``BACKLOG`` connections wait);
QMP answers while a guest is paused, restoring or migrating, so those get theirs too.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
import os
import socket
from typing import TYPE_CHECKING

from hvmctl.config.model import VfbSpec
from hvmctl.daemon.registry import VNC_BASE_PORT
from hvmctl.errors import HostError, HvmctlError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger(__name__)

LAST_DISPLAY = 99  # vncunused looks no further (QEMU's ``to=99`` before)
BACKLOG = 8  # connections waiting for their hand-over
HANDOVER_TIMEOUT = 10.0  # seconds QEMU may take to take one connection

_names = itertools.count(1)


def displays(vfb: VfbSpec, domid: int, pinned: int | None = None) -> list[int]:
    """The displays to try, in order: the pinned one first (restore, migration: the display
    it had, if nothing took it since), then the first free from ``vncdisplay`` (or 0) up to
    99 for ``vncunused``, else ``vncdisplay`` or the domain ID (as Xen does)."""
    if vfb.vncunused:
        first = vfb.vncdisplay or 0
        choices = list(range(first, max(first, LAST_DISPLAY) + 1))
    else:
        choices = [vfb.vncdisplay if vfb.vncdisplay is not None else domid]
    if pinned is None:
        return choices
    return [pinned, *(d for d in choices if d != pinned)]


def bind(host: str, choices: list[int]) -> socket.socket:
    """A listening, non-blocking socket on the first of ``choices`` that is free on ``host``."""
    busy = 0
    for display in choices:
        port = VNC_BASE_PORT + display
        try:
            family, kind, proto, _, addr = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, 0,
                                                               socket.AI_PASSIVE)[0]
        except (OSError, UnicodeError) as exc:
            raise HostError(f"vnclisten {host}: cannot be resolved: {exc}", cause=exc) from exc
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a re-bind beside live sessions
            sock.bind(addr)
            sock.listen(BACKLOG)
            sock.setblocking(False)
            return sock
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise HostError(f"vnclisten {host}: cannot listen on port {port}: {exc.strerror}", cause=exc) from exc
            busy += 1
    if len(choices) == 1:
        raise HostError(f"vncdisplay {choices[0]} (port {VNC_BASE_PORT + choices[0]} on {host}) is already in use")
    raise HostError(f"no free VNC display from {choices[0]} to {choices[-1]} on {host} ({busy} in use)")


class VncListener:
    """One guest's listening socket and the task accepting on it; the task owns the socket
    (cancelling it closes the socket) and accepts only once :meth:`start` is called (QMP up)."""

    def __init__(self, dom: "Domain", sock: socket.socket) -> None:
        self.sock = sock
        name = sock.getsockname()
        self.host, self.port = str(name[0]), int(name[1])
        self._ready = asyncio.Event()
        self._exited: "asyncio.Future[int | None] | None" = None
        self._task = asyncio.create_task(self._serve(dom), name=f"vnc-{dom.name}")

    @property
    def display(self) -> int:
        return self.port - VNC_BASE_PORT

    def start(self, exited: "asyncio.Future[int | None]") -> None:
        """Accept from now on, until this QEMU exits (not the next incarnation's)."""
        self._exited = exited
        exited.add_done_callback(self._on_exit)
        self._ready.set()

    def _on_exit(self, _: object) -> None:
        self.close()

    def close(self) -> None:
        """Closed for good (the guest stops, or is preserved without a console): shut down,
        so QEMU's copy stops listening too and the port is free at once. A daemon that
        dies never gets here: QEMU's copy keeps the port for the next one."""
        self._forget_exit()
        self._task.cancel()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def _forget_exit(self) -> None:
        if self._exited is not None:  # no callback left on the future (its loop may end first)
            self._exited.remove_done_callback(self._on_exit)
            self._exited = None

    async def _serve(self, dom: "Domain") -> None:
        loop = asyncio.get_running_loop()
        try:
            await self._ready.wait()
            while True:
                conn, peer = await loop.sock_accept(self.sock)
                try:
                    await hand_over(dom, conn)
                except (HvmctlError, OSError) as exc:
                    log.warning("domain %s: VNC client %s not handed over: %s", dom.name, peer[0], exc)
                finally:
                    conn.close()  # QEMU has its own copy
        except OSError as exc:  # the socket was closed under us
            log.debug("domain %s: VNC listener ends: %s", dom.name, exc)
        finally:
            self._forget_exit()
            self.sock.close()


def listen(dom: "Domain", domid: int, pinned: int | None) -> VncListener | None:
    """Bind the socket a launch of ``dom`` serves VNC on (None: it has no VNC console)."""
    vfb = dom.config.vfb
    if vfb is None or vfb.type != "vnc":
        return None
    return VncListener(dom, bind(vfb.vnclisten or "127.0.0.1", displays(vfb, domid, pinned)))


def relisten(dom: "Domain") -> VncListener | None:
    """A restarted daemon takes the listening socket back from the guest's QEMU (the
    clients that connected meanwhile are in its backlog), else (a QEMU started without
    it) binds the port its record names again. The QEMU's open sessions went on meanwhile.
    None when it cannot (the port is taken)."""
    rt = dom.runtime
    vfb = dom.config.vfb
    if rt is None or not rt.vnc_port or vfb is None or vfb.type != "vnc":
        return None
    sock = _take_back(dom, rt.vnc_listen_fd, rt.vnc_port)
    if sock is not None:
        return VncListener(dom, sock)
    rt.vnc_listen_fd = None  # this one is not QEMU's: it does not outlive the daemon
    try:
        return VncListener(dom, bind(rt.vnc_host or vfb.vnclisten, [rt.vnc_port - VNC_BASE_PORT]))
    except HostError as exc:
        log.warning("domain %s: VNC not served by the daemon: %s", dom.name, exc.message)
        return None


def _take_back(dom: "Domain", fd: int | None, port: int) -> socket.socket | None:
    """QEMU's copy of the listening socket (fd ``fd`` in it), if it is one on ``port``."""
    if fd is None or dom.process is None:
        return None
    got = dom.process.take_fd(fd)
    if got is None:
        log.warning("domain %s: cannot take the VNC socket back from QEMU (its fd %d)", dom.name, fd)
        return None
    try:
        sock = socket.socket(fileno=got)
    except OSError:  # not a socket (that number was reused in QEMU)
        os.close(got)
        return None
    try:
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and sock.getsockname()[1] == port:
            sock.setblocking(False)
            return sock
    except OSError:
        pass
    sock.close()
    return None


async def hand_over(dom: "Domain", conn: socket.socket) -> None:
    """Give one connected socket to the guest's QEMU as a VNC client (QEMU authenticates it)."""
    fdname = f"hvmctl-vnc{next(_names)}"
    await dom.pass_fd(conn.fileno(), "getfd", {"fdname": fdname}, timeout=HANDOVER_TIMEOUT)
    try:
        await dom.qmp("add_client", {"protocol": "vnc", "fdname": fdname, "skipauth": False},
                      timeout=HANDOVER_TIMEOUT)
    except HvmctlError:
        with contextlib.suppress(HvmctlError):
            await dom.qmp("closefd", {"fdname": fdname}, timeout=HANDOVER_TIMEOUT)
        raise


async def open_client(dom: "Domain") -> socket.socket:
    """One end of a socketpair whose other end QEMU serves as a VNC client (the web relay)."""
    vfb = dom.config.vfb
    if vfb is None or vfb.type != "vnc" or dom.monitor is None:
        raise HvmctlError(f"domain '{dom.name}' has no VNC console")
    ours, theirs = socket.socketpair()
    try:
        await hand_over(dom, theirs)
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    ours.setblocking(False)
    return ours
