"""Managed domains: xend's ``xm new/start/delete/suspend/resume`` (libvirt's define,
start, undefine, managedsave).

A managed domain is a record that outlives its incarnations. ``new`` writes it, state
``inactive``, holding its name, UUID and MACs in the registry (not its images: nothing has
them open). ``start`` launches it with the same write-ahead intents as ``create``; when it
stops, however it stops, ``Daemon.forget`` hands it here (``deactivate``) and a fresh
record of its live definition -- hot-plugged disks, mem-set and all -- replaces it.
``suspend`` saves it into STATE_DIR/managed-save/UUID.save with the ordinary save code; the
definition then reads ``suspended`` until ``resume`` (or ``start``) restores it and removes
the file. Only ``delete`` removes the record, before its save file: a deleted domain
never comes back, and a save file left by a crash is removed at the next daemon start.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.atomic import fsync_dir
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.registry import claim_for_config
from hvmctl.daemon.state import DomainState
from hvmctl.errors import HostError, HvmctlError, StateError

if TYPE_CHECKING:
    from collections.abc import Callable

    from hvmctl.config.model import DomainConfig
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.managed")


def save_dir(daemon: "Daemon") -> Path:
    return daemon.paths.state_dir / "managed-save"


def save_path(daemon: "Daemon", uuid: str) -> Path:
    """Where ``suspend`` puts a managed domain's state (libvirt's managed save)."""
    return save_dir(daemon) / f"{uuid}.save"


# ---- define and undefine -----------------------------------------------------------------
def define(daemon: "Daemon", text: str, *, filename: str, overrides: list[str],
           check: "Callable[[DomainConfig], None] | None" = None) -> dict[str, Any]:
    """``xm new``: the profile read as ``xm create`` reads it (UUID and MACs filled in, the
    registry's one conflict check), stored inactive; nothing starts. ``check``: the
    caller's gate on the parsed profile, as for create."""
    from hvmctl.config import parse_profile

    loaded = parse_profile(text, filename=filename, overrides=overrides, default_name=Path(filename).name)
    if check is not None:
        check(loaded.config)
    cfg = daemon._complete(loaded)
    daemon.registry.check(claim_for_config(cfg))
    dom = Domain(daemon, cfg, filename if filename.startswith("/") else None)
    dom.managed = True
    dom.state = DomainState.INACTIVE
    daemon.domains[dom.uuid] = dom
    try:
        daemon.persist(dom)  # atomic: the definition is there whole, or not at all
    except BaseException:
        del daemon.domains[dom.uuid]
        raise
    daemon.crash_point("new:persisted")
    log.info("domain %s defined (uuid %s)", dom.name, dom.uuid)
    return {"warnings": [str(w) for w in loaded.warnings], "domain": dom.summary()}


async def delete(daemon: "Daemon", dom: Domain) -> dict[str, Any]:
    """``xm delete``: the record goes first (durably), then the managed save."""
    async with dom.lock:
        dom.require("delete")
        if daemon.pool is not None:  # a pool definition leaves etcd first (or nothing is deleted)
            await daemon.pool.managed_defs.delete(dom)
        daemon.undefine(dom)
        fsync_dir(daemon.paths.domains_dir)
        daemon.crash_point("delete:undefined")
        save_path(daemon, dom.uuid).unlink(missing_ok=True)
    log.info("domain %s deleted", dom.name)
    return {"name": dom.name, "uuid": dom.uuid, "result": "deleted"}


def deactivate(daemon: "Daemon", dom: Domain) -> None:
    """A managed domain's incarnation ended: a fresh record of its live definition takes
    its place, suspended when its managed save holds it, else inactive. A record that
    cannot be written is logged: the one on disk still carries the intent that ended the
    guest, and the next daemon start completes it into the same result."""
    # what a --live change did to the guest ends with it; a rename is kept
    kept = replace(dom.definition, name=dom.config.name) if dom.definition is not None else dom.config
    fresh = Domain(daemon, kept, dom.profile_path)
    fresh.managed, fresh.autostart = True, dom.autostart
    suspended = save_path(daemon, dom.uuid).is_file()
    fresh.state = DomainState.SUSPENDED if suspended else DomainState.INACTIVE
    daemon.domains[dom.uuid] = fresh
    try:
        daemon.persist(fresh)
    except HvmctlError as exc:
        log.error("domain %s: %s (kept %s in memory only)", dom.name, exc.message, fresh.state.value)
    daemon.crash_point("deactivate:persisted")


def remove_stale_saves(daemon: "Daemon") -> None:
    """At daemon start, once every intent is settled: a managed save whose domain is gone
    (deleted) or runs (resumed, the file not yet removed) is stale; a suspended domain
    whose save is missing is inactive."""
    directory = save_dir(daemon)
    if directory.is_dir():
        for tmp in directory.glob(".*.partial"):  # no save is under way at start
            tmp.unlink(missing_ok=True)
        for path in directory.glob("*.save"):
            dom = daemon.domains.get(path.stem)
            if dom is None or dom.state is not DomainState.SUSPENDED:
                log.info("%s: removing a managed save no suspended domain owns", path)
                path.unlink(missing_ok=True)
    for dom in list(daemon.domains.values()):
        if dom.state is DomainState.SUSPENDED and not save_path(daemon, dom.uuid).is_file():
            log.warning("domain %s: its managed save is missing; it is inactive now", dom.name)
            dom.note_state(DomainState.INACTIVE)


# ---- start, suspend, resume --------------------------------------------------------------
async def start(daemon: "Daemon", dom: Domain, *, paused: bool = False) -> Domain:
    """``xm start``: launch the definition (a suspended one is resumed, as libvirt starts
    a domain with a managed save). A start that fails leaves the definition inactive."""
    if dom.state is DomainState.SUSPENDED:
        return await resume(daemon, dom, paused=paused)
    from hvmctl.migration import saverestore

    async with dom.lock:
        dom.require("start")
        await saverestore.teardown_pending(dom.uuid)  # its last incarnation may still be ending
        await daemon.ensure_accel(dom.config.accel)
        if daemon.domains.get(dom.uuid) is not dom:
            raise StateError(f"domain '{dom.name}' changed while starting; try again")
        daemon.registry.check(claim_for_config(dom.config), exclude=dom.uuid)
        try:
            await dom.launch(paused=paused, intent="create")
        except BaseException:
            daemon.forget(dom)  # managed: back to inactive
            raise
    return dom


async def suspend(daemon: "Daemon", dom: Domain) -> dict[str, Any]:
    """``xm suspend``: save a running managed domain into its managed save."""
    from hvmctl.migration import saverestore

    if not dom.managed:
        raise StateError(f"domain '{dom.name}' is not managed (not made by xm new); use xm save DOM FILE")
    path = save_path(daemon, dom.uuid)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise HostError(f"{path.parent}: cannot make the managed save directory: {exc.strerror}") from exc
    result = await saverestore.save_domain(dom, path)  # its teardown hands it to deactivate
    return result | {"result": "suspended"}


async def resume(daemon: "Daemon", dom: Domain, *, paused: bool = False) -> Domain:
    """``xm resume``: restore a suspended managed domain from its managed save, which is
    removed once the guest runs from it. Until the restored guest's first record replaces
    it, the record on disk still says suspended: a crash in between loses nothing."""
    from hvmctl.migration import saverestore

    async with dom.lock:
        dom.require("resume")
        path = save_path(daemon, dom.uuid)
        if not path.is_file():
            dom.set_state(DomainState.INACTIVE)
            raise HostError(f"{path}: the managed save of '{dom.name}' is missing; it is inactive now")
        del daemon.domains[dom.uuid]  # memory only: restore's conflict check must not meet it
        try:
            new = await saverestore.restore_domain(daemon, path, paused=paused, managed=dom)
        except BaseException:
            if dom.uuid not in daemon.domains:  # refused before anything was registered
                daemon.domains[dom.uuid] = dom
            raise
        daemon.crash_point("resume:restored")
        path.unlink(missing_ok=True)
    log.info("domain %s resumed from its managed save", new.name)
    return new
