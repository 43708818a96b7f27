"""The files the daemon opens for QEMU and passes as file descriptors.

QEMU is to open nothing that needs privilege: the daemon opens a launch's disk images, CD
media, ``phy:`` devices, the OVMF variable store, the console log and the bridged taps, and
binds the QMP socket and the serial consoles' sockets (QEMU listens on the fd, and need
not write into the run dir), keeps
the fds in an ``FdTable`` keyed by what each is for, and the LaunchPlan carries only their
numbers (the argv stays pure). ``spawn`` passes exactly those fds (inherited under the same
numbers); the daemon closes its copies after the spawn, or when the launch fails. Hot-plug
and media change pass theirs over the QMP socket (SCM_RIGHTS + ``add-fd``) and give the
fd set back with ``remove-fd`` when the device goes; each set's opaque string is
``KEY=PATH`` so the daemon finds it again with ``query-fdsets`` -- nothing to persist.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.devices import firmware, serial
from hvmctl.errors import HostError, HvmctlError
from hvmctl.qemu.argv import FdSet, LaunchPlan

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain


class FdTable:
    """Open fds of one launch, keyed by what they are for; :meth:`close` is idempotent."""

    def __init__(self, crash_point: Callable[[str], None] | None = None) -> None:
        self._fds: dict[str, int] = {}
        self._crash_point = crash_point

    def open(self, key: str, path: str, flags: int, mode: int = 0o600) -> int:
        try:
            fd = os.open(path, flags | os.O_CLOEXEC, mode)
        except OSError as exc:
            raise HostError(f"{path}: cannot open for the guest ({key}): {exc.strerror}", cause=exc) from exc
        return self.keep(key, fd)

    def keep(self, key: str, fd: int) -> int:
        """Take ownership of an fd opened elsewhere (a tap)."""
        if key in self._fds:
            os.close(fd)
            raise HvmctlError(f"fd table: {key} opened twice")
        self._fds[key] = fd
        if self._crash_point is not None:
            self._crash_point("launch:fd")
        return fd

    @property
    def fds(self) -> tuple[int, ...]:
        return tuple(self._fds.values())

    def items(self) -> dict[str, int]:
        return dict(self._fds)

    def close(self) -> None:
        fds, self._fds = self._fds, {}
        for fd in fds.values():
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "FdTable":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PlannedFds(FdTable):
    """A dry run's table: nothing is opened; each fd is a number counted from 3, in the
    order a start opens them, so a dry run prints the argv a start runs (fd passing
    included) with only the fd numbers differing (a start's are the daemon's own)."""

    def __init__(self) -> None:
        super().__init__()
        self._next = 3

    def open(self, key: str, path: str, flags: int, mode: int = 0o600) -> int:
        return self.keep(key, self.placeholder())  # the plan has checked the images exist

    def placeholder(self) -> int:
        self._next += 1
        return self._next - 1

    def close(self) -> None:
        self._fds = {}


def named(text: str, argv: list[str]) -> str:
    """QEMU's words with each ``/dev/fdset/N`` replaced by the path the daemon passed in it
    (from the argv's ``-add-fd ...,opaque=KEY=PATH``): an error names the user's file."""
    if "/dev/fdset/" not in text:
        return text
    paths: dict[str, str] = {}
    for i, arg in enumerate(argv[:-1]):
        if arg == "-add-fd":
            opts = dict(kv.split("=", 1) for kv in argv[i + 1].replace(",,", "\0").split(",") if "=" in kv)
            path = opts.get("opaque", "").replace("\0", ",").partition("=")[2]
            if path and "set" in opts:
                paths[f"/dev/fdset/{opts['set']}"] = path
    for fdset in sorted(paths, key=len, reverse=True):  # /dev/fdset/12 before /dev/fdset/1
        text = text.replace(fdset, paths[fdset])
    return text


def disk_flags(disk: DiskSpec) -> tuple[int, ...]:
    """The opens one image gets: O_RDONLY for read-only media, else O_RDWR -- one fd, and
    the argv says ``auto-read-only=off``: were QEMU to switch between a read-only and a
    read-write fd of the set, the image locks it took on the one it left would stay (the
    set keeps that open file description), and a migration's destination could not lock."""
    if disk.readonly or disk.devtype == "cdrom":
        return (os.O_RDONLY,)
    return (os.O_RDWR,)


def _fdset(table: FdTable, set_id: int, key: str, path: str, flags: tuple[int, ...]) -> FdSet:
    fds = tuple(table.open(f"{key}#{i}", path, f) for i, f in enumerate(flags))
    if isinstance(table, PlannedFds):
        try:
            block = stat.S_ISBLK(os.stat(path).st_mode)
        except OSError:
            block = False
    else:
        block = stat.S_ISBLK(os.fstat(fds[0]).st_mode)
    return FdSet(set_id, key, fds, opaque=f"{key}={path}", block=block)


def open_launch(cfg: DomainConfig, plan: LaunchPlan, table: FdTable,
                open_tap: Callable[[str], int] | None = None) -> LaunchPlan:
    """Open what ``plan`` names into ``table``; the plan with the fd numbers in it.
    Empty CD drives stay empty; kernel, initrd and the OVMF code (read-only, public) are
    still opened by QEMU by name."""
    sets: list[FdSet] = []
    for disk in sorted(cfg.disks, key=lambda d: d.vdev):
        if not disk.empty:
            sets.append(_fdset(table, len(sets) + 1, f"disk:{disk.vdev}", disk.target, disk_flags(disk)))
    if firmware.uses_ovmf(cfg) and plan.nvram is not None:
        sets.append(_fdset(table, len(sets) + 1, "nvram", str(plan.nvram), (os.O_RDWR,)))
    planned = isinstance(table, PlannedFds)
    if _logs_console(cfg):
        from hvmctl.daemon import filemodes

        if not planned:
            filemodes.prepare_log(Path(plan.console_log))  # our mode and group, before it is opened
        sets.append(_fdset(table, len(sets) + 1, "console-log", str(plan.console_log),
                           (os.O_WRONLY | os.O_APPEND,)))
    sockets = {}
    wanted = [("qmp", plan.qmp_socket)]
    wanted += [(f"serial{i}", serial.socket_path(plan.run_dir, i))
               for i in serial.console_ports([cfg.serial, *cfg.more_serials])]
    for name, path in wanted:
        if len(os.fsencode(str(path))) < UNIX_PATH_MAX:  # else QEMU says it is too long
            fd = table.placeholder() if isinstance(table, PlannedFds) else listen_unix(str(path))
            sockets[name] = table.keep(f"socket:{name}", fd)
    taps: dict[int, int] = {}
    for nic in plan.nics:
        if nic.kind == "bridge" and nic.tap:
            if isinstance(table, PlannedFds):
                open_tap = lambda _name: table.placeholder()  # noqa: E731 -- nothing opened
            if open_tap is None:
                from hvmctl.network import taps as tapmod

                open_tap = tapmod.open_tap
            taps[nic.index] = table.keep(f"tap:{nic.index}", open_tap(nic.tap))
    return replace(plan, fdsets=tuple(sets), tap_fds=taps, socket_fds=sockets)


UNIX_PATH_MAX = 108  # sun_path, with its NUL


def listen_unix(path: str) -> int:
    """A listening Unix socket at ``path`` (QEMU's chardev ``server=on`` gets the fd): QEMU
    need not write into the run dir; owner-only, as QEMU's own (umask 027) is in effect."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        sock.bind(path)
        os.chmod(path, 0o700)
        sock.listen(8)
    except OSError as exc:
        sock.close()
        raise HostError(f"{path}: cannot listen for the guest: {exc.strerror or exc}", cause=exc) from exc
    return sock.detach()


def _logs_console(cfg: DomainConfig) -> bool:
    """Port 0 exists (and so writes console.log): see hvmctl.devices.serial."""
    from hvmctl.config.serial import parse_serial

    try:
        return parse_serial(cfg.serial) is not None
    except Exception:
        return False  # the argv builder reports a bad port


# ---- over QMP: hot-plug and media change ----------------------------------------------------
async def add_fdset(dom: "Domain", key: str, path: str, flags: tuple[int, ...]) -> str:
    """Open ``path`` and hand it to the running QEMU as a new fd set; its ``/dev/fdset/ID``.
    The daemon's copies are closed whatever happens."""
    if dom.monitor is None:
        raise HvmctlError(f"domain '{dom.name}' has no running QEMU")
    set_id: int | None = None
    with FdTable() as table:
        for i, flag in enumerate(flags):
            fd = table.open(f"{key}#{i}", path, flag)
            args: dict[str, Any] = {"opaque": f"{key}={path}"}
            if set_id is not None:
                args["fdset-id"] = set_id
            try:
                info = await dom.pass_fd(fd, "add-fd", args)
            except BaseException:
                if set_id is not None:
                    await _remove(dom, set_id)
                raise
            set_id = int(info["fdset-id"])
    assert set_id is not None
    return f"/dev/fdset/{set_id}"


async def fdset_ids(dom: "Domain", key: str) -> list[int]:
    """The sets QEMU holds for ``key`` (found by their opaque ``KEY=PATH``)."""
    return [int(s["fdset-id"]) for s in await dom.qmp("query-fdsets")
            if any(str(f.get("opaque", "")).split("=", 1)[0] == key for f in s.get("fds", []))]


async def remove_fdsets(dom: "Domain", key: str, *, keep: str | None = None) -> list[int]:
    """``remove-fd`` every set passed for ``key`` but ``keep`` (a ``/dev/fdset/N``); QEMU
    closes a removed set's fds once no node uses them."""
    found = [s for s in await fdset_ids(dom, key) if f"/dev/fdset/{s}" != keep]
    for set_id in found:
        await _remove(dom, set_id)
    return found


async def fdset_paths(dom: "Domain") -> dict[str, str]:
    """``/dev/fdset/ID`` -> the host path passed in it (what a view shows instead)."""
    out: dict[str, str] = {}
    for s in await dom.qmp("query-fdsets"):
        for f in s.get("fds", []):
            _, _, path = str(f.get("opaque", "")).partition("=")
            if path:
                out[f"/dev/fdset/{s['fdset-id']}"] = path
    return out


async def drop(dom: "Domain", path: str) -> None:
    """Give back one set by its ``/dev/fdset/N`` (a hot-plug that failed after add-fd)."""
    await _remove(dom, int(path.rsplit("/", 1)[1]))


async def _remove(dom: "Domain", set_id: int) -> None:
    try:
        await dom.qmp("remove-fd", {"fdset-id": set_id})
    except HvmctlError:
        pass

