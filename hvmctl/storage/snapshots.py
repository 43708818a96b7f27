"""Snapshots of a running domain (virsh's snapshot-create/-list/-revert/-delete), as QEMU's
internal qcow2 snapshots: the guest's memory and device state go into one qcow2 disk (the
first writable one), every writable disk gets a snapshot of the same name.

Why internal and not an external overlay: a revert is then one QMP job on the running guest,
the images stay single files (export, migration and the registry's disk identity keep
working), and ``qemu-img snapshot -l`` shows what hvmctl made. The cost: raw and phy disks
cannot hold one, so a domain with a writable raw or phy disk is refused, naming the disk.
Read-only disks and cdroms are not snapshotted (nothing to go back to).

The metadata (name, time, whether the vm state is in it, description, the live definition
at that moment) is kept in the state dir, one JSON file per domain
(``snapshots/UUID.json``), so snapshot-list answers without QMP and a revert gives the
domain back the definition it had.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.atomic import write_json_atomic
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError, StateError
from hvmctl.storage import jobs

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

SNAPSHOT_TIMEOUT = 600.0  # a TCG guest's RAM written to a qcow2 disk
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._+@")
# what a vm state needs to match: the devices QEMU had when it was saved
_DEVICE_KEYS = ("disks", "vifs", "vcpus", "maxvcpus", "cpu_plugs", "machine", "maxmem", "usb", "soundhw", "stdvga")


def check_name(name: str) -> None:
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS or name[0] in "-.":
        raise ConfigError(f"snapshot name {name!r}: use 1-64 letters, digits and - . _ + @ (not starting with - or .)")


def snapshot_file(daemon: "Daemon", dom: "Domain") -> Path:
    return daemon.paths.state_dir / "snapshots" / f"{dom.uuid}.json"


def load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise HostError(f"{path}: cannot read the snapshot list: {exc}") from exc
    return list(data.get("snapshots", []))


def _store(path: Path, snaps: list[dict[str, Any]]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_json_atomic(path, {"snapshots": snaps})


def covered(cfg: DomainConfig) -> list[DiskSpec]:
    """The disks a snapshot covers: writable, not cdroms, not empty."""
    return [d for d in sorted(cfg.disks, key=lambda d: d.vdev)
            if not d.readonly and d.devtype != "cdrom" and not d.empty]


async def _nodes(dom: "Domain") -> dict[str, tuple[str, str]]:
    """vdev -> (node name, format driver) of every open image, from QEMU itself."""
    out: dict[str, tuple[str, str]] = {}
    for blk in await dom.qmp("query-block"):
        qdev = str(blk.get("qdev") or "")
        inserted = blk.get("inserted") or {}
        vdev = qdev.removeprefix("/machine/peripheral/").split("/")[0] if qdev else ""
        if vdev and inserted.get("node-name"):
            out[vdev] = (str(inserted["node-name"]), str(inserted.get("drv") or ""))
    return out


async def _plan(dom: "Domain") -> tuple[list[DiskSpec], list[str]]:
    """The covered disks and their nodes; a raw or phy disk is refused, named."""
    disks = covered(dom.config)
    if not disks:
        raise ConfigError(f"domain '{dom.name}' has no writable qcow2 disk to hold a snapshot")
    nodes = await _nodes(dom)
    names = []
    for disk in disks:
        if disk.backend == "phy":
            raise ConfigError(f"domain '{dom.name}': disk {disk.vdev} ({disk.target}) is a phy device; "
                              "snapshots need qcow2 images (make it read-only, or convert it)")
        node, drv = nodes.get(disk.vdev, ("", ""))
        if not node:
            raise StateError(f"domain '{dom.name}': QEMU has no open image for {disk.vdev}")
        if drv != "qcow2":
            raise ConfigError(f"domain '{dom.name}': disk {disk.vdev} ({disk.target}) is {drv or 'not qcow2'}; "
                              "snapshots need qcow2 images (qemu-img convert -O qcow2)")
        names.append(node)
    return disks, names


def _job_id(op: str) -> str:
    return f"hvmctl-{op}-{time.monotonic_ns()}"


def view(snap: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as answered (without its stored definition: ``profile``-sized noise)."""
    return {k: v for k, v in snap.items() if k != "config"}


def _find(snaps: list[dict[str, Any]], dom: "Domain", name: str) -> dict[str, Any]:
    for snap in snaps:
        if snap["name"] == name:
            return snap
    raise NotFoundError(f"domain '{dom.name}' has no snapshot '{name}'")


async def create(daemon: "Daemon", dom: "Domain", name: str, *, disk_only: bool = False,
                 description: str = "") -> dict[str, Any]:
    check_name(name)
    async with dom.lock:
        dom.require("snapshot")
        path = snapshot_file(daemon, dom)
        snaps = load(path)
        if any(s["name"] == name for s in snaps):
            raise ConflictError(f"domain '{dom.name}' already has a snapshot '{name}'")
        disks, nodes = await _plan(dom)
        if disk_only:  # all disks at the same instant, no vm state
            actions = [{"type": "blockdev-snapshot-internal-sync", "data": {"device": n, "name": name}}
                       for n in nodes]
            await dom.qmp("transaction", {"actions": actions}, timeout=SNAPSHOT_TIMEOUT)
        else:  # QEMU pauses the guest while it writes its state, and resumes it if it ran
            job = _job_id("snapshot-save")
            await dom.qmp("snapshot-save", {"job-id": job, "tag": name, "vmstate": nodes[0], "devices": nodes})
            await jobs.finish_job(dom, job, SNAPSHOT_TIMEOUT, what=f"snapshot-create '{name}'")
        snap = {"name": name, "created": time.time(), "vmstate": not disk_only, "description": description,
                "disks": [d.vdev for d in disks], "vmstate_disk": None if disk_only else disks[0].vdev,
                "state": dom.state.value, "config": dom.config.to_dict()}
        _store(path, snaps + [snap])
    return {"name": dom.name, "snapshot": view(snap)}


def list_(daemon: "Daemon", dom: "Domain") -> dict[str, Any]:
    return {"name": dom.name, "snapshots": [view(s) for s in load(snapshot_file(daemon, dom))]}


def _device_changes(now: DomainConfig, then: DomainConfig) -> list[str]:
    """What differs in the devices a vm state depends on (a cdrom's medium does not count)."""
    def norm(cfg: DomainConfig) -> dict[str, Any]:
        data = cfg.to_dict()
        disks = tuple(replace(d, target="") if d.devtype == "cdrom" else d for d in cfg.disks)
        data["disks"] = sorted((d.vdev, d.target, d.mode, d.devtype) for d in disks)
        return {k: data.get(k) for k in _DEVICE_KEYS}

    a, b = norm(now), norm(then)
    return [k for k in _DEVICE_KEYS if a[k] != b[k]]


async def revert(daemon: "Daemon", dom: "Domain", name: str) -> dict[str, Any]:
    async with dom.lock:
        dom.require("snapshot")
        snap = _find(load(snapshot_file(daemon, dom)), dom, name)
        if not snap.get("vmstate"):
            raise ConfigError(f"snapshot '{name}' of domain '{dom.name}' is disk-only: revert it with the "
                              "domain stopped (qemu-img snapshot -a)")
        then = DomainConfig.from_dict(snap["config"])
        changed = _device_changes(dom.config, then)
        was_running = dom.state is DomainState.RUNNING
        if changed:
            await _restart_as(daemon, dom, then)
        _, nodes = await _plan(dom)
        vm_node = dict(zip([d.vdev for d in covered(dom.config)], nodes)).get(str(snap.get("vmstate_disk")))
        if vm_node is None:
            raise StateError(f"domain '{dom.name}': the disk holding snapshot '{name}' is gone")
        job = _job_id("snapshot-load")
        await dom.qmp("snapshot-load", {"job-id": job, "tag": name, "vmstate": vm_node, "devices": nodes})
        await jobs.finish_job(dom, job, SNAPSHOT_TIMEOUT, what=f"snapshot-revert '{name}'")
        # the definition it had (memory target, media...), with what the host gave this incarnation
        dom.config = _as_then(dom, then)
        daemon.persist(dom)
        if changed and was_running and dom.state is DomainState.PAUSED:
            dom.set_state(DomainState.RUNNING)  # as the guest was before the revert
            await dom.qmp("cont")
    return {"name": dom.name, "snapshot": view(snap), "state": dom.state.value,
            "restarted": bool(changed), "changed": changed}


def _as_then(dom: "Domain", then: DomainConfig) -> DomainConfig:
    """The snapshot's definition under the domain's name now (a rename since is kept)."""
    return replace(then, name=dom.config.name, source=dom.config.source, key_lines=dom.config.key_lines)


async def _restart_as(daemon: "Daemon", dom: "Domain", then: DomainConfig) -> None:
    """The guest's devices differ from the snapshot's (a disk, NIC or vCPU plugged since, a
    new machine...): its vm state fits only a QEMU with the devices it was saved from. So
    this QEMU goes and one is started, paused, from the snapshot's definition; the caller
    then loads the state into it. The snapshot's images and MACs must be free (the
    registry's one check) and there, before the running guest is touched.

    Write-ahead as a reboot restart: the record holds the snapshot's definition with the
    ``restart`` intent, so a daemon killed midway starts the domain from that definition."""
    from hvmctl.daemon import hostcheck
    from hvmctl.daemon.registry import claim_for_config

    new = _as_then(dom, then)
    hostcheck.check_disks(new)
    daemon.registry.check(claim_for_config(new), exclude=dom.uuid)
    old = dom.config
    dom.config = new
    try:
        dom.set_state(DomainState.DYING, intent={"op": "restart"})
    except BaseException:
        dom.config = old  # nothing was written: the guest runs on as it was
        raise
    daemon.crash_point("snapshot-revert:intent")
    supervisor = dom._supervisor
    await dom._teardown()
    if supervisor is not None:  # let it see its QEMU's expected end before a new one starts
        await asyncio.wait({supervisor}, timeout=5.0)
    await dom.launch(paused=True, intent="relaunch")


async def delete(daemon: "Daemon", dom: "Domain", name: str) -> dict[str, Any]:
    async with dom.lock:
        dom.require("snapshot")
        path = snapshot_file(daemon, dom)
        snaps = load(path)
        snap = _find(snaps, dom, name)
        nodes = await _nodes(dom)
        devices = [nodes[v][0] for v in snap.get("disks", []) if v in nodes and nodes[v][1] == "qcow2"]
        if devices:
            job = _job_id("snapshot-delete")
            await dom.qmp("snapshot-delete", {"job-id": job, "tag": name, "devices": devices})
            await jobs.finish_job(dom, job, SNAPSHOT_TIMEOUT, what=f"snapshot-delete '{name}'")
        _store(path, [s for s in snaps if s["name"] != name])
    return {"name": dom.name, "deleted": name}
