"""xm dump-core: the guest's memory as an ELF core file, by QEMU's dump-guest-memory.

QEMU writes it detached (``detach=true``) so ``query-dump`` can report progress while it
runs. QEMU itself stops the vCPUs while it writes and resumes them after, whatever was
asked: ``--live`` (xm's ``-L``) cannot make a QEMU dump live, and the answer says so. The
dump goes to a temporary name beside the file and is linked into place when complete, so
an existing file is never overwritten and a failed dump leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from hvmctl.errors import ConfigError, ConflictError, HostError, QemuError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

POLL = 0.2  # seconds between query-dump calls


def check_target(path: str) -> None:
    """Refused before anything starts: a relative path, an existing file, a missing dir."""
    if not os.path.isabs(path):
        raise ConfigError(f"{path}: the dump file must be given as an absolute path")
    if os.path.lexists(path):
        raise ConflictError(f"{path}: already exists; dump-core never overwrites a file")
    if not os.path.isdir(os.path.dirname(path)):
        raise ConfigError(f"{path}: no such directory {os.path.dirname(path)}")


FDNAME = "hvmctl-dump"


async def _pass_target(dom: "Domain", tmp: str) -> None:
    if dom.monitor is None:
        raise ConflictError(f"domain '{dom.name}' has no running QEMU")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise HostError(f"{tmp}: cannot create the dump file: {exc.strerror}", cause=exc) from exc
    try:
        await dom.pass_fd(fd, "getfd", {"fdname": FDNAME})
    finally:
        os.close(fd)


async def dump_core(dom: "Domain", path: str, *, live: bool = False) -> AsyncIterator[dict[str, Any]]:
    """Dump ``dom``'s memory into ``path``: yields ``{"done", "total"}`` while QEMU writes,
    then ``{"result": {...}}``."""
    check_target(path)
    head, tail = os.path.split(path)
    tmp = os.path.join(head, f".{tail}.{os.getpid()}.dump.tmp")
    started = time.monotonic()
    async with dom.lock:
        dom.require("dump")
        was = dom.state.value
        try:
            # the daemon makes the file (new, 0600) and QEMU writes into the fd it is given
            await _pass_target(dom, tmp)
            await dom.qmp("dump-guest-memory", {"paging": False, "protocol": f"fd:{FDNAME}", "detach": True})
            while True:
                await asyncio.sleep(POLL)
                info = await dom.qmp("query-dump")
                status = str(info.get("status"))
                yield {"done": int(info.get("completed", 0)), "total": int(info.get("total", 0))}
                if status == "completed":
                    break
                if status != "active":
                    raise QemuError(f"domain '{dom.name}': the memory dump to {path} failed (QEMU: {status})")
            try:
                os.link(tmp, path)  # fails, rather than overwrites, if a file appeared meanwhile
            except FileExistsError:
                raise ConflictError(f"{path}: appeared during the dump; the dump was not kept") from None
        finally:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    notes = ["QEMU stops the vCPUs while it writes a dump: --live cannot make it live"] if live else []
    yield {"result": {"name": dom.name, "file": path, "bytes": os.path.getsize(path), "state": was,
                      "seconds": round(time.monotonic() - started, 2), "notes": notes}}
