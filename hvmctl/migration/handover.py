"""The source's side of a handover whose answer was lost: its QEMU sent the whole state, but
the destination's ``finish`` answer never came (the destination daemon died, the link was
cut, or this daemon was killed). Only the destination knows whether the guest runs there,
so the source asks it (the ``status`` op, on the migration's own transport):

- ``owns``: the guest lives there: the paused copy here is torn down (as after a handover);
- ``no``: it never ran there: it resumes here as it was;
- ``gone``: it ran there and ended there: the copy here is stale, left paused (never resumed
  by us), and the log says so;
- no answer (unreachable, ``pending``): it stays paused here -- never two running copies --
  the log says why, and the question is asked again every ``RETRY_EVERY`` seconds.

Where to ask is part of the ``migrate-out`` intent (``dest``: address, transport, job ID),
written before the stream starts; the TLS token and CA go to a 0600 file of their own
(``STATE_DIR/migration/outgoing-UUID.json``), never into the record.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from hvmctl.atomic import write_json_atomic
from hvmctl.daemon.state import DomainState
from hvmctl.errors import HvmctlError
from hvmctl.migration import protocol

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon
    from hvmctl.migration.live import MigrateRequest
    from hvmctl.paths import Paths

log = logging.getLogger("hvmctl.migration")

RETRY_EVERY = 30.0  # seconds between questions to an unreachable destination
FIRST_RETRY = 3.0  # after a lost answer: the destination may just be restarting
FIRST_ASK_TIMEOUT = 5.0  # at daemon start: a dead peer must not hold the start up for long
ASK_TIMEOUT = 60.0  # later questions (an ssh login may take a while)

_ASKING: dict[int, "asyncio.Task[None]"] = {}  # id(domain) -> its retry task; removed when done


def secret_path(paths: "Paths", uuid: str) -> Path:
    return paths.state_dir / "migration" / f"outgoing-{uuid}.json"


def record_destination(paths: "Paths", uuid: str, req: "MigrateRequest", job: str) -> dict[str, Any]:
    """The intent's ``dest`` (where to ask later); the credentials go to a 0600 file."""
    write_json_atomic(secret_path(paths, uuid), {"token": req.token, "ca_pem": req.ca_pem})
    return {"host": req.host, "port": req.port, "transport": req.transport, "job": job,
            "ssh_user": req.ssh_user, "ssh_port": req.ssh_port, "ssh_options": list(req.ssh_options),
            "remote_hvmctl": list(req.remote_hvmctl)}


def forget_destination(paths: "Paths", uuid: str) -> None:
    secret_path(paths, uuid).unlink(missing_ok=True)


def forget_destination_of(dom: "Domain") -> None:
    forget_destination(cast("Daemon", dom.host).paths, dom.uuid)


def sweep(paths: "Paths") -> None:
    """Before the records load: credentials whose record has no ``migrate-out`` intent left
    (a daemon killed between writing them and the intent, or after the intent was settled)."""
    for path in (paths.state_dir / "migration").glob("outgoing-*.json"):
        uuid = path.stem.removeprefix("outgoing-")
        try:
            intent = json.loads((paths.domains_dir / f"{uuid}.json").read_text()).get("intent") or {}
        except (OSError, ValueError):
            intent = {}
        if intent.get("op") != "migrate-out":
            path.unlink(missing_ok=True)


def _request(paths: "Paths", uuid: str, dest: dict[str, Any]) -> "MigrateRequest":
    from hvmctl.migration.live import MigrateRequest

    try:
        secret = json.loads(secret_path(paths, uuid).read_text())
    except (OSError, ValueError):
        secret = {}
    return MigrateRequest(host=str(dest["host"]), port=int(dest["port"]), transport=str(dest["transport"]),
                          token=str(secret.get("token") or ""), ca_pem=secret.get("ca_pem"),
                          ssh_user=dest.get("ssh_user"), ssh_port=dest.get("ssh_port"),
                          ssh_options=tuple(dest.get("ssh_options") or ()),
                          remote_hvmctl=tuple(dest.get("remote_hvmctl") or ("hvmctl",)))


async def ask(daemon: "Daemon", uuid: str, dest: dict[str, Any], timeout: float) -> tuple[str, str]:
    """The destination's answer and a detail; ``unreachable`` when none came."""
    from hvmctl.migration import live

    req = _request(daemon.paths, uuid, dest)
    # the fake backend brings its fake network (unit tests); else the real transports
    connect = getattr(daemon.backend, "connect_peer", None) or live.connect
    try:
        async with asyncio.timeout(timeout):
            channel = await connect(req)
            try:
                reply = await protocol.ask_owner(channel, uuid, str(dest.get("job") or ""), timeout)
            finally:
                await channel.close()
    except HvmctlError as exc:
        return "unreachable", exc.message
    except (TimeoutError, asyncio.TimeoutError):
        return "unreachable", f"no answer from {req.host} within {timeout:.0f} s"
    return str(reply["answer"]), str(reply.get("state") or "")


def _waiting(dom: "Domain") -> dict[str, Any] | None:
    """The intent of a paused copy still waiting for its destination's word, or None."""
    intent = dom.intent or {}
    return intent if intent.get("op") == "migrate-out" and intent.get("dest") else None


async def settle(dom: "Domain", timeout: float) -> bool:
    """Ask the destination and act on its answer; False when there was none (still paused)."""
    daemon = cast("Daemon", dom.host)
    intent = _waiting(dom)
    if intent is None:
        return True
    dest = intent["dest"]
    answer, detail = await ask(daemon, dom.uuid, dest, timeout)
    if dom.intent is not intent or daemon.domains.get(dom.uuid) is not dom:
        return True  # someone else acted meanwhile (destroy, unpause)
    where = f"{dest['host']} ({dest['transport']})"
    if answer == "owns":
        log.info("domain %s runs on %s (%s): ending the paused copy here", dom.name, where, detail)
        await dom.destroy()
    elif answer == "no":
        log.warning("domain %s: %s says it never ran there: resuming it here", dom.name, where)
        async with dom.lock:
            if intent.get("was_running"):
                await dom.qmp("cont")
            dom.note_state(DomainState.RUNNING if intent.get("was_running") else DomainState.PAUSED, intent=None)
    elif answer == "gone":
        log.error("domain %s ran on %s after its migration and has ended there: the copy here is stale "
                  "and stays paused (destroy it)", dom.name, where)
        dom.note_state(DomainState.PAUSED, intent=None)
    else:
        why = "its arrival is not settled there yet" if answer == "pending" else detail
        log.warning("domain %s: left paused here: its whole state went to %s and nobody can tell yet "
                    "whether it runs there (%s); asking again in %.0f s", dom.name, where, why, RETRY_EVERY)
        return False
    forget_destination(daemon.paths, dom.uuid)
    return True


def keep_asking(dom: "Domain", first_delay: float | None = None) -> None:
    """Ask the destination again, every ``RETRY_EVERY`` s, until it answers. A copy the user
    resumed meanwhile (their call) is no longer waiting: the question is dropped."""
    if id(dom) in _ASKING:
        return

    async def loop() -> None:
        delay = RETRY_EVERY if first_delay is None else first_delay
        try:
            while True:
                await asyncio.sleep(delay)
                delay = RETRY_EVERY
                daemon = cast("Daemon", dom.host)
                if daemon.domains.get(dom.uuid) is not dom or _waiting(dom) is None:
                    return
                if dom.state is not DomainState.PAUSED:  # unpaused by hand: the user decided
                    dom.note_state(dom.state, intent=None)
                    forget_destination(daemon.paths, dom.uuid)
                    return
                try:
                    if await settle(dom, ASK_TIMEOUT):
                        return
                except HvmctlError as exc:
                    log.error("domain %s: settling its handover: %s", dom.name, exc.message)
        finally:
            _ASKING.pop(id(dom), None)

    _ASKING[id(dom)] = asyncio.create_task(loop(), name=f"handover-{dom.name}")


def unconfirmed(dom: "Domain") -> None:
    """The handover's answer was lost: the copy here is paused, and says why in its intent."""
    intent = _waiting(dom)
    assert intent is not None
    dom.note_state(DomainState.PAUSED, intent=intent | {"handover": "unconfirmed"})


async def after_restart(dom: "Domain") -> None:
    """A restarted daemon found a copy whose stream had completed: ask once now (briefly),
    then in the background until the destination answers."""
    unconfirmed(dom)
    if not await settle(dom, FIRST_ASK_TIMEOUT):
        keep_asking(dom)
