"""Drive one outgoing or incoming QEMU migration over the domain's QMP connection.

The daemon's supervisor owns the domain's event queue; a caller that must react at once
(live migration: the source noticing completion, the destination resuming the guest) adds
its own listener for ``MIGRATION`` events (``Monitor.listen``) and polls ``query-migrate``
only now and then for progress figures and stall detection: polling every few ms costs
CPU the migration thread needs on a busy host. Without a listener (saves) it polls.
A stream that stops moving (peer gone, link cut: TCP may stay silent for minutes) is
cancelled after ``stall_timeout`` so the source guest gets its CPU back quickly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from qemu.qmp import EventListener

from hvmctl.daemon.domain import Domain
from hvmctl.daemon.state import DomainState
from hvmctl.errors import HvmctlError, QemuError, TimeoutError_

Progress = Callable[[dict[str, Any]], Awaitable[None] | None]

#: QEMU's default migration bandwidth is 128 MiB/s; saves and LAN migrations want the wire
UNLIMITED_BANDWIDTH = 1 << 40  # bytes/s (1 TiB/s: no limit in practice)
DONE = frozenset({"completed", "failed", "cancelled"})


TLS_OBJECT = "hvmctl-migration-tls"
#: raised from QEMU's default 30 ms only by request; the limit QEMU aims the last pass at
DEFAULT_DOWNTIME_MS = 30


def event_time(event: Any) -> float:
    """A QMP event's timestamp in seconds (QEMU stamps it with CLOCK_REALTIME when it
    happens, so two QEMUs on one host, or the daemon's ``time.time()``, compare directly)."""
    stamp = event.get("timestamp") or {}
    return float(stamp.get("seconds", 0)) + float(stamp.get("microseconds", 0)) / 1e6


async def next_event(listener: EventListener, timeout: float) -> Any | None:
    """The listener's next event, or None after ``timeout`` seconds."""
    try:
        return await asyncio.wait_for(listener.get(), timeout)
    except asyncio.TimeoutError:
        return None


async def prepare(dom: Domain, *, bandwidth: int = UNLIMITED_BANDWIDTH, downtime_ms: int | None = None,
                  tls_dir: str | None = None, tls_endpoint: str = "client", tls_hostname: str = "") -> None:
    """Capabilities and parameters for the next migration of ``dom``'s QEMU.

    ``tls_dir``: the stream runs in TLS (QEMU's ``tls-creds-x509`` from that directory: a
    ``server`` needs ca-cert/server-cert/server-key.pem, a ``client`` ca-cert.pem, and checks
    the server's certificate against ``tls_hostname``). Without it TLS is switched off: a
    parameter left from an earlier migration would break a save to an fd."""
    await dom.qmp("migrate-set-capabilities", {"capabilities": [{"capability": "events", "state": True}]})
    params: dict[str, Any] = {"max-bandwidth": bandwidth, "tls-creds": "", "tls-hostname": ""}
    if tls_dir is not None:
        try:
            await dom.qmp("object-del", {"id": TLS_OBJECT})
        except HvmctlError:
            pass  # none yet
        obj: dict[str, Any] = {"qom-type": "tls-creds-x509", "id": TLS_OBJECT, "dir": tls_dir,
                               "endpoint": tls_endpoint}
        if tls_endpoint == "server":
            obj["verify-peer"] = False  # the source proved itself with the token on the control channel
        # QEMU (its guest's uid) reads the credentials once, at object-add: granted just for it
        from hvmctl.qemu.hostpaths import HostPath

        pems = [str(p) for p in sorted(Path(tls_dir).glob("*.pem"))]
        dom.host.grant_paths(dom, [HostPath(p, "r") for p in pems])
        try:
            await dom.qmp("object-add", obj)
        finally:
            dom.host.revoke_paths(dom, pems)
        params["tls-creds"] = TLS_OBJECT
        params["tls-hostname"] = tls_hostname
    if downtime_ms is not None:
        params["downtime-limit"] = downtime_ms
    await dom.qmp("migrate-set-parameters", params)


async def wait_outgoing(
    dom: Domain,
    *,
    progress: Progress | None = None,
    poll: float = 0.01,
    stall_timeout: float = 10.0,
    timeout: float = 3600.0,
    listener: EventListener | None = None,
) -> dict[str, Any]:
    """Wait for the running migration to end; returns QEMU's final ``query-migrate``.

    With ``listener`` (``MIGRATION`` events) a status change is seen as it happens and
    ``poll`` is only the progress/stall interval; without, ``poll`` is the polling interval.
    Raises QemuError (with QEMU's reason) when it failed or was cancelled, TimeoutError_
    (after cancelling it) when it stalled or ran out of time."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    last_bytes, last_move = -1, start
    while True:
        info: dict[str, Any] = await dom.qmp("query-migrate", timeout=10.0)
        status = info.get("status", "none")
        if status in DONE:
            if status != "completed":
                reason = info.get("error-desc") or status
                raise QemuError(f"{dom.name}: migration {status}: {reason}")
            return info
        now = loop.time()
        moved = int((info.get("ram") or {}).get("transferred", 0))
        if moved != last_bytes:
            last_bytes, last_move = moved, now
        if progress is not None:
            res = progress(info)
            if res is not None:
                await res
        reason = None
        if now - last_move > stall_timeout:
            reason = f"no data moved for {stall_timeout:.0f} s (peer gone or link cut)"
        elif now - start > timeout:
            reason = f"not finished within {timeout:.0f} s"
        if reason is not None:
            await cancel(dom)
            raise TimeoutError_(f"{dom.name}: migration cancelled: {reason}")
        if listener is None:
            await asyncio.sleep(poll)
        else:
            await next_event(listener, poll)  # any status change: look at once


log = logging.getLogger("hvmctl.migration")


async def cancel(dom: Domain) -> None:
    """Cancel a running migration and wait (briefly) until QEMU says it is over."""
    try:
        await dom.qmp("migrate_cancel", timeout=5.0)
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            info = await dom.qmp("query-migrate", timeout=5.0)
            if info.get("status", "none") in DONE | {"none"}:  # none: it never started
                return
            await asyncio.sleep(0.05)
    except HvmctlError:
        pass


async def resume_as_before(dom: Domain, was_running: bool, busy: DomainState, what: str) -> None:
    """After a failed save or migration the guest carries on here as it was (running or
    paused); if even that fails it is left paused -- never lost, never in ``busy``."""
    try:
        if was_running:
            await dom.qmp("cont")
        # a fact by now: kept in memory even if the record cannot be written (disk full)
        dom.note_state(DomainState.RUNNING if was_running else DomainState.PAUSED, intent=None)
    except HvmctlError as exc:
        log.error("domain %s: could not resume after a failed %s: %s", dom.name, what, exc)
        if dom.state is busy:
            dom.note_state(DomainState.PAUSED, intent=None)


async def wait_incoming(dom: Domain, listener: EventListener, *, timeout: float = 3600.0) -> tuple[float, float | None]:
    """Wait until an incoming stream is fully loaded, on QEMU's own MIGRATION events (the
    ``listener`` -- for MIGRATION and RESUME -- is registered before ``migrate-incoming``, so
    none is missed). One wait for every way in: restore and the migration target.

    Returns (loaded at, resumed at or None), in QEMU's event timestamps. A failed stream
    raises QemuError; so does QEMU exiting (what a bad stream makes it do)."""
    assert dom.process is not None
    exited: asyncio.Future[Any] = dom.process.exited
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    resumed_at: float | None = None
    while True:
        getter: asyncio.Future[Any] = asyncio.ensure_future(listener.get())
        done, _ = await asyncio.wait({getter, exited}, timeout=max(0.0, deadline - loop.time()),
                                     return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            if exited in done:
                raise QemuError(f"{dom.name}: the incoming stream did not load; QEMU exited")
            raise TimeoutError_(f"{dom.name}: incoming migration not finished within {timeout:.0f} s")
        event = getter.result()
        if event["event"] == "RESUME":
            resumed_at = event_time(event)
            continue
        status = (event.get("data") or {}).get("status")
        if status == "completed":
            return event_time(event), resumed_at
        if status in ("failed", "cancelled"):
            raise QemuError(f"{dom.name}: incoming migration {status}")
