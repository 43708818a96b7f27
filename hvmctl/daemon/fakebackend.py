"""A stand-in for QEMU behind the daemon's ``Backend`` interface, for unit tests.

``FakeWorld`` is the host: the fake guest processes that live in it, as plain data, so a
test can take a snapshot of it at the moment it "kills" the daemon and give the snapshot
to a new daemon (guests outlive their daemon, as real QEMUs do). ``FakeBackend`` drives it
from one event loop: processes with exit futures, QMP connections that answer the commands
the daemon uses and deliver the events a guest sends (SHUTDOWN, RESET, GUEST_PANICKED).
Fake pids are above the kernel's largest pid_max (2**22), so they never name a real process.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import signal
import stat
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qemu.qmp import EventListener
from qemu.qmp.message import Message

from hvmctl.daemon.backend import GuestMonitor, GuestProcess, argv_uuid
from hvmctl.daemon.qemuuser import Identity
from hvmctl.errors import QemuError
from hvmctl.migration.savefile import QEMU_MAGIC
from hvmctl.qemu.events import MONITOR_CLOSED

FIRST_FAKE_PID = 5_000_000
STREAM_MAGIC = QEMU_MAGIC + b"FAKE-QEMU-STREAM\n"  # QEMU's own magic first, as savefile checks


class Listeners:
    """The listening sockets a fake QEMU was passed, kept open as QEMU keeps them (path ->
    socket): a test accepts on the one the daemon bound (a serial console's). The process
    is one across world snapshots, so a deep copy shares them."""

    def __init__(self) -> None:
        self.by_path: dict[str, socket.socket] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> "Listeners":
        return self

    def close(self) -> None:
        socks, self.by_path = self.by_path, {}
        for sock in socks.values():
            sock.close()


@dataclass
class FakeGuest:
    """One fake QEMU process as data: what it was started with and what it is doing."""

    pid: int
    argv: list[str]
    start_ticks: int
    status: str = "running"  # QMP query-status
    alive: bool = True
    migration: str = "none"  # QMP query-migrate status
    migration_error: str = ""
    loaded: dict[str, Any] = field(default_factory=dict)  # what an incoming stream carried
    devices: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # every QMP command it was sent
    balloon: int = 0  # the balloon target in bytes (its driver reaches it at once)
    identity: Identity | None = None  # the uid/gid it was started as (None: the daemon's)
    passed: list[str] = field(default_factory=list)  # what the fds passed at spawn were
    sockets: dict[int, str] = field(default_factory=dict)  # passed listening socket fd -> its path
    fdsets: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # QMP add-fd: set -> fds
    listeners: Listeners = field(default_factory=Listeners)

    def listener(self, path: str) -> socket.socket | None:
        """The passed listening socket bound at ``path`` (None: not passed, or exited)."""
        return self.listeners.by_path.get(path)

    def option(self, name: str) -> str | None:
        for i, arg in enumerate(self.argv[:-1]):
            if arg == name:
                return self.argv[i + 1]
        return None

    @property
    def uuid(self) -> str | None:
        return argv_uuid(self.argv)

    @property
    def qmp_path(self) -> str | None:
        for i, arg in enumerate(self.argv[:-1]):
            if arg == "-chardev" and "id=qmp" in self.argv[i + 1]:
                m = re.search(r"path=([^,]+)", self.argv[i + 1])
                if m:
                    return m.group(1)
                m = re.search(r"fd=(\d+)", self.argv[i + 1])  # a socket the daemon bound
                return self.sockets.get(int(m.group(1))) if m else None
        return None


class FakeNet:
    """The network between fake hosts: the ports their incoming QEMUs listen on, so a
    ``migrate`` to ``tcp:HOST:PORT`` in one world is loaded by a QEMU of another; and the
    daemons whose remote endpoint answers under a host name (``serve``), so a source can
    reach a destination's operations (``FakeBackend.connect_peer``)."""

    def __init__(self) -> None:
        self.listeners: dict[int, tuple["FakeWorld", int]] = {}
        self.next_port = 49152
        self.endpoints: dict[str, Any] = {}  # host name -> the daemon answering there
        self.asked: list[tuple[str, str]] = []  # (host, op) of every call, for the tests

    def serve(self, host: str, daemon: Any) -> None:
        self.endpoints[host] = daemon

    def unserve(self, host: str) -> None:
        self.endpoints.pop(host, None)

    def connect(self, host: str) -> "FakeChannel":
        from hvmctl.errors import DaemonError

        if host not in self.endpoints:
            raise DaemonError(f"cannot reach {host}:8002: Connection refused")
        return FakeChannel(self, host)

    def listen(self, world: "FakeWorld", pid: int) -> int:
        port = self.next_port
        self.next_port += 1
        self.listeners[port] = (world, pid)
        return port


class FakeChannel:
    """A control connection over the fake network: each call runs the destination daemon's
    remote operation (``RemoteEndpoint._dispatch``) on this connection's own session; a
    destination that stopped serving meanwhile reads as a lost connection."""

    def __init__(self, net: FakeNet, host: str) -> None:
        from hvmctl.migration.target import IncomingSession

        self.net, self.peer = net, host
        self.session = IncomingSession(net.endpoints[host], "127.0.0.1")

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        from hvmctl.api.remote import RemoteEndpoint
        from hvmctl.errors import DaemonError

        if self.net.endpoints.get(self.peer) is not self.session.daemon:
            raise DaemonError(f"lost the connection to {self.peer} during '{op}': reset")
        self.net.asked.append((self.peer, op))
        try:
            return await asyncio.wait_for(
                RemoteEndpoint._dispatch(None, self.session, op, args or {}), timeout)  # type: ignore[arg-type]
        except asyncio.TimeoutError:
            raise DaemonError(f"destination {self.peer} did not answer '{op}' within {timeout:.0f} s") from None

    async def close(self) -> None:
        if not self.session.done:
            await self.session.abort("the connection closed")


class FakeWorld:
    """The fake host's process table; survives daemons and event loops."""

    def __init__(self, net: FakeNet | None = None) -> None:
        self.net = net
        self.superseded = False  # a snapshot took over this host's timeline (its daemon died)
        self.guests: dict[int, FakeGuest] = {}
        self.next_pid = FIRST_FAKE_PID
        self.spawned = 0
        self.write_pidfile = True
        self.migrate_error = ""  # set to make the next outgoing migration fail with this
        self.obeys_acpi = True  # system_powerdown makes the guest power off
        self._watchers: dict[int, list[Callable[[], None]]] = {}
        self._monitors: dict[int, list["FakeMonitor"]] = {}

    # ---- tests' view ------------------------------------------------------------------
    def alive_with_uuid(self, uuid: str) -> list[FakeGuest]:
        return [g for g in self.guests.values() if g.alive and g.uuid == uuid.lower()]

    def alive(self) -> list[FakeGuest]:
        return [g for g in self.guests.values() if g.alive]

    def snapshot(self) -> "FakeWorld":
        """The processes as they are now, with no daemon attached (for the next daemon)."""
        world = FakeWorld(self.net)
        world.guests = copy.deepcopy(self.guests)
        if self.net is not None:  # the host lives on as the snapshot: its listening QEMUs too
            self.superseded = True
            for port, (owner, pid) in list(self.net.listeners.items()):
                if owner is self:
                    self.net.listeners[port] = (world, pid)
        world.next_pid, world.spawned = self.next_pid, self.spawned
        world.write_pidfile, world.migrate_error = self.write_pidfile, self.migrate_error
        world.obeys_acpi = self.obeys_acpi
        return world

    # ---- what the guest does ------------------------------------------------------------
    def emit(self, pid: int, event: str, data: dict[str, Any] | None = None) -> None:
        """The guest sends a QMP event (to every connection and listener)."""
        msg = {"event": event, "data": data or {},
               "timestamp": {"seconds": int(time.time()), "microseconds": 0}}
        for mon in list(self._monitors.get(pid, [])):
            mon.deliver(msg)

    def guest_poweroff(self, pid: int) -> None:
        self.guests[pid].status = "shutdown"
        self.emit(pid, "SHUTDOWN", {"guest": True, "reason": "guest-shutdown"})

    def guest_reboot(self, pid: int) -> None:
        self.guests[pid].status = "shutdown"  # -action reboot=shutdown
        self.emit(pid, "SHUTDOWN", {"guest": True, "reason": "guest-reset"})

    def guest_panic(self, pid: int) -> None:
        self.guests[pid].status = "guest-panicked"
        self.emit(pid, "GUEST_PANICKED", {"action": "pause"})

    def receive(self, pid: int, state: dict[str, Any]) -> bool:
        """An incoming QEMU loads a whole stream; without ``-S`` it runs the guest at once
        (RESUME, then MIGRATION completed, as the daemon's watcher expects either way)."""
        guest = self.guests.get(pid)
        if guest is None or not guest.alive or guest.status != "inmigrate":
            return False
        guest.loaded, guest.devices = dict(state), list(state.get("devices", []))
        guest.migration = "completed"
        guest.status = "paused" if "-S" in guest.argv else "running"
        if guest.status == "running":
            self.emit(pid, "RESUME")
        self.emit(pid, "MIGRATION", {"status": "completed"})
        return True

    def exit(self, pid: int) -> None:
        """The process ends (quit, kill, or a crash of QEMU itself)."""
        guest = self.guests.get(pid)
        if guest is None or not guest.alive:
            return
        guest.alive = False
        guest.status = "exited"
        guest.listeners.close()
        for mon in list(self._monitors.pop(pid, [])):
            mon.lost()
        for notify in self._watchers.pop(pid, []):
            notify()

    # ---- for FakeBackend ---------------------------------------------------------------
    def spawn(self, argv: list[str], sockets: dict[int, str] | None = None) -> FakeGuest:
        pid = self.next_pid
        self.next_pid += 1
        self.spawned += 1
        status = "inmigrate" if "-incoming" in argv else "prelaunch" if "-S" in argv else "running"
        guest = FakeGuest(pid=pid, argv=list(argv), start_ticks=pid * 7, status=status, sockets=dict(sockets or {}))
        self.guests[pid] = guest
        pidfile = guest.option("-pidfile")
        if pidfile and self.write_pidfile:
            Path(pidfile).write_text(f"{pid}\n")
        return guest

    def watch(self, pid: int, notify: Callable[[], None]) -> None:
        self._watchers.setdefault(pid, []).append(notify)

    def attach(self, pid: int, mon: "FakeMonitor") -> None:
        self._monitors.setdefault(pid, []).append(mon)

    def detach(self, pid: int, mon: "FakeMonitor") -> None:
        if mon in self._monitors.get(pid, []):
            self._monitors[pid].remove(mon)

    def by_socket(self, path: str) -> FakeGuest | None:
        for guest in self.guests.values():
            if guest.alive and guest.qmp_path == path:
                return guest
        return None


class FakeProcess:
    """A fake guest process as the daemon sees it (one event loop)."""

    def __init__(self, world: FakeWorld, guest: FakeGuest) -> None:
        self.world = world
        self.pid = guest.pid
        self.start_ticks: int | None = guest.start_ticks
        self.exited: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        if guest.alive:
            world.watch(guest.pid, self._finish)
        else:
            self._finish()

    def _finish(self) -> None:
        if not self.exited.done():
            self.exited.set_result(0)

    @property
    def alive(self) -> bool:
        guest = self.world.guests.get(self.pid)
        return guest is not None and guest.alive and not self.exited.done()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.world.exit(self.pid)

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def take_fd(self, fd: int) -> int | None:
        """As ``pidfd_getfd``: a copy of a listening socket it was passed at spawn as ``fd``."""
        guest = self.world.guests.get(self.pid)
        if guest is None or not self.alive:
            return None
        sock = guest.listener(guest.sockets.get(fd, ""))
        return os.dup(sock.fileno()) if sock is not None else None


class FakeMonitor:
    """A QMP connection to a fake guest: answers what the daemon asks, queues events."""

    def __init__(self, world: FakeWorld, socket_path: str, name: str) -> None:
        self.world = world
        self.socket_path = socket_path
        self.name = name
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.guest: FakeGuest | None = None
        self._listeners: list[EventListener] = []
        self._fds: list[int] = []
        self._named: dict[str, int] = {}
        self._closing = False

    async def connect(self, timeout: float = 10.0, alive: Callable[[], bool] | None = None) -> None:
        guest = self.world.by_socket(self.socket_path)
        if guest is None:
            raise QemuError(f"{self.name}: QEMU exited before its monitor answered")
        self.guest = guest
        self.world.attach(guest.pid, self)

    def deliver(self, msg: dict[str, Any]) -> None:
        self.events.put_nowait(dict(msg))
        for listener in self._listeners:
            message = Message(msg)
            if listener.accept(message):
                listener._queue.put_nowait(message)  # EventListener.put is a coroutine; same effect

    def lost(self) -> None:
        if not self._closing:
            self.events.put_nowait({"event": MONITOR_CLOSED, "data": {}})
        self.guest = None

    def listen(self, names: list[str]) -> EventListener:
        listener = EventListener(names)
        self._listeners.append(listener)
        return listener

    def unlisten(self, listener: EventListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def send_fd(self, fd: int) -> None:
        self._fds.append(os.dup(fd))

    async def close(self) -> None:
        self._closing = True
        if self.guest is not None:
            self.world.detach(self.guest.pid, self)
        self.guest = None
        for fd in self._fds + list(self._named.values()):
            os.close(fd)
        self._fds, self._named = [], {}

    async def execute(self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        await asyncio.sleep(0)  # an answer is never synchronous
        guest = self.guest
        if guest is None or not guest.alive:
            raise QemuError(f"{self.name}: {command}: monitor connection lost (fake QEMU gone)")
        guest.commands.append(command)
        args = arguments or {}
        handler = getattr(self, "_qmp_" + command.replace("-", "_"), None)
        if handler is None:
            raise QemuError(f"{self.name}: {command}: CommandNotFound: The command {command} has not been found")
        return handler(guest, args)

    # ---- the QMP commands the daemon uses ------------------------------------------------
    def _qmp_query_status(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {"status": g.status, "running": g.status == "running", "singlestep": False}

    def _qmp_query_version(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": "fake"}

    def _qmp_stop(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if g.status == "running":
            g.status = "paused"
            self.world.emit(g.pid, "STOP")
        return {}

    def _qmp_cont(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if g.status == "inmigrate":
            raise QemuError(f"{self.name}: cont: GenericError: Guest is waiting for an incoming migration")
        if g.status in ("shutdown", "guest-panicked"):
            raise QemuError(f"{self.name}: cont: GenericError: Resetting the Virtual Machine is required")
        if g.status != "running":
            g.status = "running"
            g.migration = "none" if g.migration != "completed" else g.migration
            self.world.emit(g.pid, "RESUME")
        return {}

    def _qmp_quit(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        asyncio.get_running_loop().call_soon(self.world.exit, g.pid)
        return {}

    def _qmp_system_powerdown(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if self.world.obeys_acpi and g.status == "running":
            asyncio.get_running_loop().call_soon(self.world.guest_poweroff, g.pid)
        return {}

    def _qmp_system_reset(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        def reset() -> None:
            g.status = "shutdown"
            self.world.emit(g.pid, "SHUTDOWN", {"guest": False, "reason": "host-qmp-system-reset"})

        asyncio.get_running_loop().call_soon(reset)
        return {}

    def _qmp_query_vnc(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        vnc = g.option("-vnc")
        if vnc is None or vnc.split(",")[0] == "none":  # as QEMU: a display that listens nowhere
            return {"enabled": False}
        host, _, rest = vnc.partition(",")[0].rpartition(":")
        return {"enabled": True, "host": host or "127.0.0.1", "service": str(5900 + int(rest or 0)),
                "family": "ipv4", "auth": "none", "clients": []}

    def _qmp_query_cpus_fast(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        smp = (g.option("-smp") or "1").split(",")[0]
        return [{"cpu-index": i, "thread-id": g.pid * 100 + i, "target": "x86_64"} for i in range(int(smp))]

    def _qmp_migrate_set_capabilities(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {}

    def _qmp_migrate_set_parameters(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {}

    def _qmp_getfd(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if not self._fds:
            raise QemuError(f"{self.name}: getfd: GenericError: No file descriptor supplied via SCM_RIGHTS")
        self._named[str(a["fdname"])] = self._fds.pop()
        return {}

    def _qmp_add_client(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        """A VNC client handed over: greeted as QEMU's VNC server does (the RFB version), and
        kept open with the guest (``Listeners``: closed when it exits)."""
        fd = self._named.pop(str(a["fdname"]), None)
        if fd is None:
            raise QemuError(f"{self.name}: add_client: GenericError: File descriptor named '{a['fdname']}' not found")
        if a.get("protocol") != "vnc" or g.option("-vnc") is None:
            os.close(fd)
            raise QemuError(f"{self.name}: add_client: GenericError: Invalid parameter 'protocol'")
        sock = socket.socket(fileno=fd)
        sock.setblocking(True)
        sock.sendall(b"RFB 003.008\n")
        g.listeners.by_path[f"vnc-client:{fd}"] = sock
        return {}

    def _qmp_closefd(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        fd = self._named.pop(str(a["fdname"]), None)
        if fd is None:
            raise QemuError(f"{self.name}: closefd: GenericError: File descriptor named '{a['fdname']}' not found")
        os.close(fd)
        return {}

    def _qmp_add_fd(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        """As QEMU: the fd sent with the command joins a set (a new one: the lowest free id);
        kept as what it is (its path), the fd itself closed."""
        if not self._fds:
            raise QemuError(f"{self.name}: add-fd: GenericError: No file descriptor supplied via SCM_RIGHTS")
        fd = self._fds.pop()
        target = os.readlink(f"/proc/self/fd/{fd}")
        os.close(fd)
        set_id = int(a["fdset-id"]) if "fdset-id" in a else next(i for i in range(len(g.fdsets) + 1)
                                                                  if i not in g.fdsets)
        fds = g.fdsets.setdefault(set_id, [])
        fds.append({"fd": 100 + sum(len(v) for v in g.fdsets.values()), "opaque": a.get("opaque"), "path": target})
        return {"fdset-id": set_id, "fd": fds[-1]["fd"]}

    def _qmp_remove_fd(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if g.fdsets.pop(int(a["fdset-id"]), None) is None:
            raise QemuError(f"{self.name}: remove-fd: GenericError: File descriptor named 'fdset-id:{a['fdset-id']}' not found")
        return {}

    def _qmp_query_fdsets(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return [{"fdset-id": k, "fds": [{"fd": f["fd"], "opaque": f["opaque"]} for f in v]}
                for k, v in sorted(g.fdsets.items())]

    def _take_fd(self, uri: str) -> int:
        name = uri.removeprefix("fd:")
        if name not in self._named:
            raise QemuError(f"{self.name}: migrate: GenericError: File descriptor named '{name}' not found")
        return self._named.pop(name)

    def _qmp_object_add(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {}  # the migration stream's TLS credentials

    def _qmp_object_del(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {}

    def _qmp_query_migrate_parameters(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {"tls-creds": ""}

    def _migrate_tcp(self, g: FakeGuest, port: int, made: socket.socket | None = None) -> Any:
        """The stream goes to another world's listening QEMU on the next turn of the loop
        (a daemon killed before that leaves it ``active``: its snapshot never sends it)."""
        g.migration = "active"
        # the destination's daemon accepts on a real socket and hands the connection to its
        # QEMU (which then joins the fake network under that port): connect for real first
        conn = made  # the connection the daemon made and passed (migrate fd:)
        if conn is None:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=1.0)
            except OSError:
                conn = None
        waited = [0]

        def send() -> None:
            if self.world.superseded or not g.alive or g.migration != "active":
                if conn is not None:
                    conn.close()
                return
            peer = self.world.net.listeners.pop(port, None) if self.world.net else None
            if peer is None and conn is not None and waited[0] < 400:  # not handed over yet
                waited[0] += 1
                asyncio.get_running_loop().call_later(0.005, send)
                return
            if conn is not None:
                conn.close()
            state = {"uuid": g.uuid, "devices": g.devices, "pid": g.pid}
            if self.world.migrate_error or peer is None or not peer[0].receive(peer[1], state):
                g.migration, g.migration_error = "failed", self.world.migrate_error or "Connection refused"
                self.world.migrate_error = ""
                self.world.emit(g.pid, "MIGRATION", {"status": "failed"})
                return
            if g.status == "running":
                self.world.emit(g.pid, "STOP")
            g.migration, g.status = "completed", "postmigrate"
            self.world.emit(g.pid, "MIGRATION", {"status": "completed"})

        asyncio.get_running_loop().call_soon(send)
        return {}

    def _qmp_migrate(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if str(a["uri"]).startswith("tcp:"):
            return self._migrate_tcp(g, int(str(a["uri"]).rsplit(":", 1)[1]))
        fd = self._take_fd(str(a["uri"]))
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            sock = socket.socket(fileno=fd)
            if sock.family in (socket.AF_INET, socket.AF_INET6):  # to a destination's listener
                return self._migrate_tcp(g, int(sock.getpeername()[1]), sock)
            sock.detach()
        try:
            if self.world.migrate_error:
                g.migration, g.migration_error = "failed", self.world.migrate_error
                self.world.migrate_error = ""
                return {}
            state = {"uuid": g.uuid, "devices": g.devices, "pid": g.pid}
            os.write(fd, STREAM_MAGIC + json.dumps(state).encode() + b"\n")
            g.migration = "completed"
            if g.status in ("running", "paused"):
                g.status = "postmigrate"
        finally:
            os.close(fd)
        return {}

    def _qmp_query_migrate(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if g.migration == "listening":
            port = next(p for p, (w, pid) in (self.world.net.listeners.items() if self.world.net else [])
                        if w is self.world and pid == g.pid)
            return {"status": "setup", "socket-address": [{"type": "inet", "host": "127.0.0.1",
                                                           "port": str(port)}]}
        if g.migration == "none":
            return {}
        info: dict[str, Any] = {"status": g.migration, "total-time": 1, "ram": {"transferred": 4096}}
        if g.migration_error:
            info["error-desc"] = g.migration_error
        return info

    def _qmp_migrate_cancel(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if g.migration not in ("none", "completed", "failed", "cancelled"):
            g.migration = "cancelled"
        return {}

    def _qmp_migrate_incoming(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if str(a["uri"]).startswith("tcp:"):
            if self.world.net is None:
                raise QemuError(f"{self.name}: migrate-incoming: GenericError: no network in this fake world")
            self.world.net.listen(self.world, g.pid)
            g.migration = "listening"
            return {}
        fd = self._take_fd(str(a["uri"]))
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            sock = socket.socket(fileno=fd)
            if sock.family in (socket.AF_INET, socket.AF_INET6):  # a migration's connection
                port = int(sock.getsockname()[1])  # the port the source connected to
                sock.close()
                if self.world.net is None:
                    raise QemuError(f"{self.name}: migrate-incoming: GenericError: no network in this fake world")
                self.world.net.listeners[port] = (self.world, g.pid)
                g.migration = "listening"
                return {}
            sock.detach()
        try:
            data = b""
            while chunk := os.read(fd, 1 << 16):
                data += chunk
        finally:
            os.close(fd)
        if not data.startswith(STREAM_MAGIC):
            asyncio.get_running_loop().call_soon(self.world.exit, g.pid)  # QEMU exits on a bad stream
            return {}
        g.loaded = json.loads(data[len(STREAM_MAGIC):].splitlines()[0])
        g.devices = list(g.loaded.get("devices", []))
        g.status = "paused"
        # as QEMU with the events capability: the stream's end is an event, after the answer
        asyncio.get_running_loop().call_soon(self.world.emit, g.pid, "MIGRATION", {"status": "completed"})
        return {}

    def _qmp_device_add(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        g.devices.append(str(a.get("id", a.get("driver"))))
        return {}

    def _qmp_query_pci(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return [{"bus": 0, "devices": [{"qdev_id": d} for d in g.devices]}]

    def _qmp_balloon(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        g.balloon = int(a["value"])
        return {}

    def _qmp_query_balloon(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {"actual": g.balloon}

    def _qmp_device_del(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        if a.get("id") in g.devices:
            g.devices.remove(str(a["id"]))
            self.world.emit(g.pid, "DEVICE_DELETED", {"device": a["id"]})
        return {}

    def _qmp_screendump(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        Path(str(a["filename"])).write_bytes(b"\x89PNG\r\n\x1a\nfake")
        return {}

    def _qmp_dump_guest_memory(self, g: FakeGuest, a: dict[str, Any]) -> Any:
        return {}


class FakeBackend:
    """The daemon's ``Backend`` over a ``FakeWorld``."""

    def __init__(self, world: FakeWorld | None = None) -> None:
        self.world = world or FakeWorld()

    def spawn(self, argv: list[str], log_path: Path, *, logs: Sequence[Path] = (),
              pass_fds: Sequence[int] = (), identity: Identity | None = None,
              prefix: Sequence[str] = ()) -> GuestProcess:
        """As QEMU: every passed fd must be open now (the daemon closes its copies after);
        what each one was is kept with the guest (``FakeGuest.passed``)."""
        passed, sockets, listeners = [], {}, Listeners()
        for fd in pass_fds:
            try:
                passed.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError as exc:
                listeners.close()
                raise QemuError(f"fake spawn: fd {fd} is not open: {exc.strerror}") from exc
            if passed[-1].startswith("socket:"):
                sock = socket.socket(fileno=os.dup(fd))
                sockets[fd] = str(sock.getsockname())
                listeners.by_path[sockets[fd]] = sock
        guest = self.world.spawn(argv, sockets)
        guest.listeners = listeners
        guest.passed = passed
        guest.identity = identity
        return FakeProcess(self.world, guest)

    def adopt(self, pid: int, start_ticks: int | None) -> GuestProcess | None:
        guest = self.world.guests.get(pid)
        if guest is None or not guest.alive or (start_ticks is not None and start_ticks != guest.start_ticks):
            return None
        return FakeProcess(self.world, guest)

    def monitor(self, socket_path: str, name: str) -> GuestMonitor:
        return FakeMonitor(self.world, socket_path, name)

    def cmdline(self, pid: int) -> list[str] | None:
        guest = self.world.guests.get(pid)
        return list(guest.argv) if guest is not None and guest.alive else None

    def start_ticks(self, pid: int) -> int | None:
        guest = self.world.guests.get(pid)
        return guest.start_ticks if guest is not None and guest.alive else None

    def pids_with_uuid(self, uuid: str) -> list[int]:
        return [g.pid for g in self.world.alive_with_uuid(uuid)]

    async def connect_peer(self, req: Any) -> FakeChannel:
        """A control connection to another fake host's daemon (handover.ask uses it)."""
        from hvmctl.errors import DaemonError

        if self.world.net is None:
            raise DaemonError(f"cannot reach {req.host}: no network in this fake world")
        return self.world.net.connect(str(req.host))
