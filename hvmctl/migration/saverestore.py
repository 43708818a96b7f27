"""``xm save`` and ``xm restore``.

Save: the guest is stopped and QEMU streams its state into a file descriptor we pass over
QMP (``getfd`` + ``migrate fd:``; QEMU 7.2 has no ``file:`` URI), after a header carrying the
domain record (see ``savefile``). Everything that can fail before the guest is touched (the
directory, the temporary file) is done first; if QEMU's stream fails (disk full, I/O error)
the temporary file is removed and the guest resumes -- a failed save never loses a guest.

Restore: a QEMU started with ``-incoming defer -S`` from the saved config (same name, UUID,
MACs, VNC display when free), fed the stream from the file through another passed fd, then
``cont``: the guest's processes carry on where they stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import DomainConfig
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.state import DomainState
from hvmctl.atomic import fsync_dir
from hvmctl.errors import HostError, HvmctlError, QemuError, StateError
from hvmctl.migration import qmpmig, savefile
from hvmctl.qemu.version import running_version

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.migration")

SAVE_FORMAT = 1
SAVE_POLL = 0.002  # query-migrate every 2 ms (≈0.5 ms each): completion noticed within ~2 ms


def saved_facts(dom: Domain) -> dict[str, Any]:
    """What a save file / migration carries besides the record: the VNC display it had."""
    rt = dom.runtime
    return {
        "vnc_display": rt.vnc_port - 5900 if rt and rt.vnc_port else None,
        "was_running": dom.state is DomainState.RUNNING,
    }


async def save_domain(dom: Domain, path: Path, *, checkpoint: bool = False) -> dict[str, Any]:
    """Write ``dom``'s full state to ``path``; the guest ends (or, ``checkpoint``, resumes).

    On any failure the guest is left as it was (running or paused) and no file remains.

    The answer comes as soon as the file is complete and durable (fsynced, renamed, directory
    fsynced): the QEMU that is left holds nothing worth waiting for -- the migration's
    completion already flushed and released its disks -- so it is torn down in the
    background (``teardown_pending``); a restore of the same guest waits for that first."""
    path = Path(os.path.abspath(path))
    phases: dict[str, float] = {}
    t_begin = time.monotonic()
    async with dom.lock:
        dom.require("save")
        if dom.config.pci:  # QEMU cannot save a vfio-pci device's state: refused before any file
            raise StateError(f"domain '{dom.name}' has host PCI devices passed through "
                             f"({', '.join(dom.config.pci)}); they cannot be saved: detach them first (xm pci-detach)")
        was_running = dom.state is DomainState.RUNNING
        header: dict[str, Any] = {
            "format": SAVE_FORMAT,
            "record": dom.to_record(),
            "facts": saved_facts(dom),
            "saved_at": time.time(),
            "host": os.uname().nodename,
            "qemu": await running_version(dom.qmp),
            "stream_offset": 0,
            "stream_bytes": 0,
            "state_files": dom.host.state_files(dom),
        }
        committing = False
        size = savefile.header_size(header)
        header["stream_offset"] = size
        fh, tmp = _open_temp(path)
        started = time.monotonic()
        try:
            try:
                savefile.write_header(fh, header, size)
            except OSError as exc:
                raise HostError(f"{path}: cannot write the save file: {exc.strerror}", cause=exc) from exc
            # write-ahead: a daemon killed from here on rolls this save back (or forward, if
            # the file is complete); refused, guest untouched, if the record cannot say so
            dom.set_state(DomainState.SAVING, intent={
                "op": "save", "path": str(path), "tmp": str(tmp), "was_running": was_running,
                "checkpoint": checkpoint, "token": header["saved_at"]})
            dom.host.crash_point("save:intent")
            try:
                await qmpmig.prepare(dom)
                if was_running:
                    await dom.qmp("stop")
                dom.host.crash_point("save:stopped")
                assert dom.monitor is not None
                phases["prepare"] = time.monotonic() - started
                await dom.pass_fd(fh.fileno(), "getfd", {"fdname": "hvmctl-save"})
                await dom.qmp("migrate", {"uri": "fd:hvmctl-save"})
                info = await qmpmig.wait_outgoing(dom, stall_timeout=60.0, poll=SAVE_POLL)
                dom.host.crash_point("save:streamed")
                phases["stream"] = time.monotonic() - started - phases["prepare"]
                stream_end = os.fstat(fh.fileno()).st_size
                header["stream_bytes"] = stream_end - size
                header["seconds"] = round(time.monotonic() - started, 3)
                savefile.write_header(fh, header, size)
                t_sync = time.monotonic()
                await asyncio.to_thread(os.fsync, fh.fileno())
                fh.close()
                os.replace(tmp, path)
                fsync_dir(path.parent)
                phases["fsync"] = time.monotonic() - t_sync
                dom.host.crash_point("save:renamed")
                if not checkpoint:  # commit: the guest is in the file; this QEMU only ends
                    committing = True
                    try:
                        # not fsynced (the answer's latency): a host crash that could lose it
                        # ends this QEMU too, and a start then finds the file complete
                        dom.set_state(DomainState.DYING, intent={"op": "destroy", "saved": str(path)},
                                      durable=False)
                    except BaseException:
                        path.unlink(missing_ok=True)  # refused: the guest goes on here, no file
                        raise
                    dom.host.crash_point("save:committed")
            except BaseException as exc:
                full = not committing and _disk_full(exc, fh)
                await _resume_after_failure(dom, was_running)
                if full:
                    raise HostError(f"{path}: cannot write the save file: {os.strerror(errno.ENOSPC)}",
                                    cause=exc) from exc
                if isinstance(exc, OSError):
                    raise HostError(f"{path}: cannot write the save file: {exc.strerror}", cause=exc) from exc
                if isinstance(exc, HvmctlError):
                    raise HostError(f"saving '{dom.name}' to {path} failed: {exc.message}; "
                                    f"the domain is {dom.state.value}", cause=exc) from exc
                raise
        finally:
            with contextlib.suppress(OSError):  # a full disk fails the flush of close() too
                fh.close()
            with contextlib.suppress(OSError):
                tmp.unlink()
        seconds = time.monotonic() - started
        result = {
            "name": dom.name,
            "file": str(path),
            "bytes": path.stat().st_size,
            "seconds": round(seconds, 3),
            "memory_mib": dom.config.memory,
            "qemu_total_ms": info.get("total-time"),
        }
        if checkpoint:
            await qmpmig.resume_as_before(dom, was_running, DomainState.SAVING, "checkpoint")
            result["result"] = "checkpointed"
    if not checkpoint:
        _teardown_later(dom)
        result["result"] = "saved"
    result["phases_ms"] = {k: round(v * 1000, 1) for k, v in phases.items()} | {
        "total": round((time.monotonic() - t_begin) * 1000, 1)}
    log.info("domain %s saved to %s (%d bytes, %.2f s; %s)", dom.name, path, result["bytes"], seconds,
             result["phases_ms"])
    return result


#: QEMUs of saved guests still being torn down, by UUID (see ``save_domain``)
TEARDOWNS: dict[str, "asyncio.Task[None]"] = {}


def _teardown_later(dom: Domain) -> None:
    """A saved guest is gone at once, as in xm (not listed, name free); its QEMU, whose
    state is already on disk, is ended in the background."""
    dom.host.forget(dom)

    async def run() -> None:
        try:
            async with dom.lock:
                await dom._teardown()
        except HvmctlError as exc:
            log.error("domain %s: tearing down after save: %s", dom.name, exc)
        finally:
            TEARDOWNS.pop(dom.uuid, None)

    TEARDOWNS[dom.uuid] = asyncio.create_task(run(), name=f"teardown-{dom.name}")


async def teardown_pending(uuid: str | None, timeout: float = 30.0) -> None:
    """Wait until the QEMU of a just-saved guest with this UUID is gone (its VNC display,
    taps and registry entry are free again)."""
    task = TEARDOWNS.get(uuid or "")
    if task is not None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), timeout)


async def _resume_after_failure(dom: Domain, was_running: bool) -> None:
    """Put the guest back the way it was; it must never be lost to a failed save."""
    await qmpmig.cancel(dom)
    await qmpmig.resume_as_before(dom, was_running, DomainState.SAVING, "save")


def _disk_full(exc: BaseException, fh: io.BufferedRandom) -> bool:
    """Did the save fail because its filesystem is full (our write, or QEMU's stream)?"""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    cause = getattr(exc, "cause", None) or exc.__cause__
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return True
    if isinstance(exc, HvmctlError) and os.strerror(errno.ENOSPC) in exc.message:
        return True
    try:
        st = os.fstatvfs(fh.fileno())
    except (OSError, ValueError):
        return False
    return isinstance(exc, HvmctlError) and st.f_bavail * st.f_frsize < 1 << 20


def _open_temp(path: Path) -> tuple[io.BufferedRandom, Path]:
    """The hidden temporary beside ``path``: an unwritable place fails here, guest untouched."""
    if path.is_dir():
        raise HostError(f"{path}: is a directory; give a file name to save to")
    if not path.parent.is_dir():
        raise HostError(f"{path.parent}: no such directory")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise HostError(f"{path}: cannot write the save file: {exc.strerror}", cause=exc) from exc
    return os.fdopen(fd, "r+b"), tmp


# ---- restore ------------------------------------------------------------------------------
def vnc_display_free(display: int | None, host: str = "127.0.0.1") -> bool:
    """Can the guest have its old VNC display back? (Else QEMU picks as the profile says.)"""
    if display is None:
        return False
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, 5900 + display))
        except OSError:
            return False
    return True


async def restore_domain(daemon: "Daemon", path: Path, *, paused: bool = False,
                         managed: Domain | None = None,
                         check: Callable[[DomainConfig], None] | None = None) -> Domain:
    """Bring a saved guest back from ``path``, continuing where it stopped (``managed``:
    the managed domain's definition it is a new incarnation of: ``xm resume``). ``check``:
    the caller's gate on the record's config (its disks), before anything starts."""
    path = Path(os.path.abspath(path))
    t0 = time.monotonic()
    header = await asyncio.to_thread(savefile.read_header, path)
    record = header.record
    cfg = DomainConfig.from_dict(record["config"])
    if check is not None:
        check(cfg)
    await teardown_pending(cfg.uuid)  # saved a moment ago: its old QEMU may still be going
    facts = header.data.get("facts") or {}
    paused = paused or not facts.get("was_running", True)  # a guest saved paused comes back paused
    display = facts.get("vnc_display")
    vnc_host = cfg.vfb.vnclisten if cfg.vfb else "127.0.0.1"
    pin = display if cfg.vfb and cfg.vfb.type == "vnc" and vnc_display_free(display, vnc_host) else None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise HostError(f"{path}: cannot read the save file: {exc.strerror}", cause=exc) from exc
    try:
        os.lseek(fd, header.stream_offset, os.SEEK_SET)
        t_spawn = time.monotonic()
        dom = await daemon.create_from_config(
            cfg, profile_path=record.get("profile_path"), paused=True, incoming="defer", vnc_display=pin,
            intent="restore", managed=managed, state_files=header.data.get("state_files"),
        )
        daemon.crash_point("restore:launched")
        t_fed = time.monotonic()
        try:
            await feed_incoming(dom, fd)
            daemon.crash_point("restore:fed")
        except BaseException as exc:
            await dom.destroy()
            if isinstance(exc, HvmctlError):
                raise QemuError(f"restoring '{cfg.name}' from {path} failed: {exc.message}", cause=exc) from exc
            raise
    finally:
        os.close(fd)
    async with dom.lock:
        if not paused:
            await dom.qmp("cont")
        # a fact now: the guest runs from the file; its intent is done
        dom.note_state(DomainState.PAUSED if paused else DomainState.RUNNING, intent=None)
    daemon.crash_point("restore:committed")
    t_end = time.monotonic()
    log.info("domain %s restored from %s as ID %s (header %.1f ms, QEMU start %.1f ms, stream %.1f ms)",
             dom.name, path, dom.domid, (t_spawn - t0) * 1000, (t_fed - t_spawn) * 1000, (t_end - t_fed) * 1000)
    return dom


async def feed_incoming(dom: Domain, fd: int) -> None:
    """Load a migration stream from ``fd`` into ``dom``'s waiting QEMU (``-incoming defer``)."""
    dom.expect_exit(True)  # a bad stream makes QEMU exit: not a crash to restart from
    assert dom.monitor is not None
    await qmpmig.prepare(dom)
    await dom.pass_fd(fd, "getfd", {"fdname": "hvmctl-restore"})
    listener = dom.monitor.listen(["MIGRATION", "RESUME"])  # before the stream can end
    try:
        await dom.qmp("migrate-incoming", {"uri": "fd:hvmctl-restore"})
        await qmpmig.wait_incoming(dom, listener)
    except HvmctlError as exc:
        reason = _qemu_log_tail(dom)
        raise QemuError(f"QEMU could not load the state: {reason or exc.message}", cause=exc) from exc
    finally:
        dom.monitor.unlisten(listener)
    dom.expect_exit(False)


def _qemu_log_tail(dom: Domain) -> str:
    if dom.runtime is None:
        return ""
    try:
        lines = [ln for ln in Path(dom.runtime.qemu_log).read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1].removeprefix("qemu-system-x86_64: ") if lines else ""
