"""Dynamic ownership: host paths a guest's QEMU opens by name, granted to its uid for the
incarnation and taken back after -- written down before they are given.

The ledger ``STATE_DIR/grants/UUID.json`` lists each grant (path, uid, access, the file's
owner/group/mode and ACL before) and is written (atomically) before the file is touched, so
a daemon killed at any point leaves a ledger that undoes everything it did: the next start
takes back the grants of every domain whose QEMU is gone (:func:`recover`). A path needs a
grant only when the uid could not already reach it; directories on the way that the uid
cannot pass get a search (``x``) entry of their own. A directory granted ``rwx`` (the tpm
state dir, a dump's dir) gets back whatever the uid made in it, handed to the directory's
owner: no host file stays owned by a QEMU uid.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hvmctl.atomic import write_json_atomic
from hvmctl.daemon import hostacl
from hvmctl.daemon.qemuuser import Identity
from hvmctl.errors import HostError
from hvmctl.qemu.hostpaths import HostPath

log = logging.getLogger("hvmctl.grants")


def ledger_dir(state_dir: Path) -> Path:
    return state_dir / "grants"


def ledger_path(state_dir: Path, uuid: str) -> Path:
    return ledger_dir(state_dir) / f"{uuid}.json"


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise HostError(f"{path}: unreadable grants ledger: {exc}") from exc
    return list(data.get("grants", []))


def _save(path: Path, entries: list[dict[str, Any]], *, durable: bool = True) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_json_atomic(path, {"grants": entries}, durable=durable)


def _needed(items: Iterable[HostPath], ident: Identity, held: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, access) grants the uid lacks: each path, and each directory above it it
    cannot search, outermost first; nothing already granted (``held``)."""
    out: list[tuple[str, str]] = []
    seen = set(held)
    for item in items:
        path = os.path.abspath(item.path)
        if not os.path.exists(path):
            continue  # QEMU reports it, in its words
        chain = [p for p in reversed(Path(path).parents)] if path != "/" else []
        for parent in chain:
            key = (str(parent), "x")
            if key not in seen and not hostacl.allows(str(parent), ident.uid, ident.gid, "x"):
                out.append(key)
            seen.add(key)
        key = (path, item.access)
        if key not in seen and not hostacl.allows(path, ident.uid, ident.gid, item.access):
            out.append(key)
        seen.add(key)
    return out


def grant(state_dir: Path, uuid: str, ident: Identity | None, items: Iterable[HostPath]) -> list[str]:
    """Give ``ident`` the access ``items`` need (nothing when QEMU runs as root); returns the
    paths granted. The ledger names them before any is touched."""
    if ident is None:
        return []
    path = ledger_path(state_dir, uuid)
    entries = _load(path)
    todo = _needed(items, ident, {(str(e["path"]), str(e["access"])) for e in entries})
    if not todo:
        return []
    new = [hostacl.grant(p, ident.uid, access) | {"how": "pending"} for p, access in todo]
    _save(path, entries + new)  # write-ahead, durable: an ACL must never outlive its ledger entry
    try:
        for entry in new:
            entry["how"] = hostacl.apply(entry)
    finally:  # only says how (revoke tells a pending entry by the file itself): no fsync
        _save(path, entries + new, durable=False)
    log.info("domain %s: uid %d granted %s", uuid, ident.uid, ", ".join(f"{p} ({a})" for p, a in todo))
    return [str(e["path"]) for e in new]


def _reclaim(directory: str, uid: int) -> None:
    """What ``uid`` made directly in ``directory``: handed to the directory's owner."""
    try:
        st = os.stat(directory)
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        child = os.path.join(directory, name)
        try:
            if os.lstat(child).st_uid == uid:
                os.lchown(child, st.st_uid, st.st_gid)
        except OSError as exc:
            log.error("%s: cannot take it back from uid %d: %s", child, uid, exc.strerror)


def _undo(entry: dict[str, Any]) -> None:
    try:
        if entry["access"] == "rwx":
            _reclaim(str(entry["path"]), int(entry["uid"]))
        hostacl.revoke(entry)
    except (OSError, ValueError) as exc:
        log.error("%s: cannot take back uid %s's access: %s", entry.get("path"), entry.get("uid"), exc)


def revoke(state_dir: Path, uuid: str, paths: Iterable[str]) -> None:
    """Take back the grants of ``paths`` (a detached disk, an ejected medium); the
    directories above them stay granted until the incarnation ends."""
    wanted = {os.path.abspath(p) for p in paths}
    ledger = ledger_path(state_dir, uuid)
    entries = _load(ledger)
    gone = [e for e in entries if e["path"] in wanted and e["access"] != "x"]
    if not gone:
        return
    for entry in reversed(gone):
        _undo(entry)
    _save(ledger, [e for e in entries if e not in gone])


def revoke_all(state_dir: Path, uuid: str) -> None:
    """The incarnation ended: every grant taken back, last first; the ledger goes."""
    ledger = ledger_path(state_dir, uuid)
    try:
        entries = _load(ledger)
    except HostError as exc:
        log.error("%s", exc.message)
        return
    for entry in reversed(entries):
        _undo(entry)
    ledger.unlink(missing_ok=True)


def move(state_dir: Path, from_uuid: str, to_uuid: str) -> None:
    """The ledger of a QEMU that now belongs to another domain (rename-restart)."""
    try:
        os.replace(ledger_path(state_dir, from_uuid), ledger_path(state_dir, to_uuid))
    except FileNotFoundError:
        pass


def recover(state_dir: Path, live: set[str]) -> list[str]:
    """At the daemon's start: the grants of every domain whose QEMU is not running (killed
    daemon, crashed guest, a record gone) are taken back. Returns those UUIDs."""
    done = []
    for ledger in sorted(ledger_dir(state_dir).glob("*.json")):
        uuid = ledger.stem
        if uuid in live:
            continue
        log.info("domain %s: taking back the host file grants of a QEMU that is gone", uuid)
        revoke_all(state_dir, uuid)
        done.append(uuid)
    return done


def granted(state_dir: Path, uuid: str) -> list[dict[str, Any]]:
    """The ledger as it stands (tests, ``xm info`` later)."""
    return _load(ledger_path(state_dir, uuid))
