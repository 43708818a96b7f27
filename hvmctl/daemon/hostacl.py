"""One uid's POSIX ACL entry on one host file: given, and taken back exactly.

Dynamic ownership by ACL rather than chown: the file keeps its owner, group and mode (what
``ls -l`` and backups see stays true), two guests can read one ISO at once (each has its own
entry), and taking an entry back touches only that uid's entry -- another guest's grant on
the same file, or on a directory both need to pass through, stays. On a filesystem without
ACLs (EOPNOTSUPP) the file is chowned to the uid instead, its owner/group/mode remembered.

The ACL is read and written as the kernel's xattr (``system.posix_acl_access``, version 2:
little-endian u16 tag, u16 perm, u32 id per entry): no acl tools needed.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from typing import Any

from hvmctl.errors import HostError

XATTR = "system.posix_acl_access"
VERSION = 2
USER_OBJ, USER, GROUP_OBJ, GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
UNDEFINED = 0xFFFFFFFF
PERMS = {"r": 4, "w": 2, "x": 1}

Entry = tuple[int, int, int]  # tag, perm, id


def perm_bits(access: str) -> int:
    return sum(PERMS[c] for c in access)


def decode(raw: bytes) -> list[Entry]:
    if len(raw) < 4 or struct.unpack_from("<I", raw)[0] != VERSION or (len(raw) - 4) % 8:
        raise ValueError("not a version 2 POSIX ACL")
    return [struct.unpack_from("<HHI", raw, 4 + 8 * i) for i in range((len(raw) - 4) // 8)]


def encode(entries: list[Entry]) -> bytes:
    order = sorted(entries, key=lambda e: (e[0], e[2] if e[0] in (USER, GROUP) else 0))
    return struct.pack("<I", VERSION) + b"".join(struct.pack("<HHI", *e) for e in order)


def from_mode(mode: int) -> list[Entry]:
    """The minimal ACL a plain mode is."""
    return [(USER_OBJ, (mode >> 6) & 7, UNDEFINED), (GROUP_OBJ, (mode >> 3) & 7, UNDEFINED),
            (OTHER, mode & 7, UNDEFINED)]


def read_acl(path: str) -> bytes | None:
    """The file's access ACL as stored, None when it has only its mode."""
    try:
        return os.getxattr(path, XATTR, follow_symlinks=True)
    except OSError as exc:
        if exc.errno == errno.ENODATA:
            return None
        raise


def _with_user(entries: list[Entry], uid: int, perm: int | None) -> list[Entry]:
    """``entries`` with uid's entry set to ``perm`` (None: removed) and the mask recomputed
    as the union of the group class, as setfacl does."""
    out = [e for e in entries if not (e[0] == USER and e[2] == uid) and e[0] != MASK]
    if perm is not None:
        out.append((USER, perm, uid))
    named = [e for e in out if e[0] in (USER, GROUP)]
    if named:
        mask = 0
        for tag, bits, _ in out:
            if tag in (USER, GROUP, GROUP_OBJ):
                mask |= bits
        out.append((MASK, mask, UNDEFINED))
    return out


def grant(path: str, uid: int, access: str) -> dict[str, Any]:
    """Give ``uid`` ``access`` (``r``, ``rw``, ``x``...) to ``path``; returns what undoes it
    (call :func:`revoke` with it). The caller writes that down *before* calling this."""
    st = os.stat(path)
    return {"path": path, "uid": uid, "access": access, "mode": stat.S_IMODE(st.st_mode),
            "owner": st.st_uid, "group": st.st_gid, "had_acl": (read_acl(path) or b"").hex() or None}


def apply(entry: dict[str, Any]) -> str:
    """Carry out a grant :func:`grant` described; returns "acl" or "chown" (how)."""
    path, uid = str(entry["path"]), int(entry["uid"])
    raw = read_acl(path)
    entries = decode(raw) if raw else from_mode(int(entry["mode"]))
    current = next((e[1] for e in entries if e[0] == USER and e[2] == uid), 0)
    try:
        os.setxattr(path, XATTR, encode(_with_user(entries, uid, current | perm_bits(str(entry["access"])))))
        return "acl"
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.ENOTSUP):
            raise HostError(f"{path}: cannot give uid {uid} access: {exc.strerror}") from exc
    try:
        os.chown(path, uid, -1)
    except OSError as exc:
        raise HostError(f"{path}: cannot give uid {uid} access (no ACLs here, chown: {exc.strerror})") from exc
    return "chown"


def revoke(entry: dict[str, Any]) -> None:
    """Take back what ``entry`` gave: the uid's ACL entry (its earlier one, if the file had
    one), or the owner/group/mode of a chown. A file gone meanwhile is nothing to do."""
    path, uid = str(entry["path"]), int(entry["uid"])
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if entry.get("how") == "chown" or (st.st_uid == uid and int(entry["owner"]) != uid):
        os.chown(path, int(entry["owner"]), int(entry["group"]))
        os.chmod(path, int(entry["mode"]))
        return
    raw = read_acl(path)
    if raw is None:
        return
    before = decode(bytes.fromhex(entry["had_acl"])) if entry.get("had_acl") else []
    old = next((e[1] for e in before if e[0] == USER and e[2] == uid), None)
    entries = _with_user(decode(raw), uid, old)
    if not entry.get("had_acl") and not any(e[0] in (USER, GROUP) for e in entries):
        os.removexattr(path, XATTR)  # back to a plain mode; its group bits were the mask
        os.chmod(path, (stat.S_IMODE(st.st_mode) & ~0o070) | (int(entry["mode"]) & 0o070))
        return
    os.setxattr(path, XATTR, encode(entries))


def allows(path: str, uid: int, gid: int, access: str) -> bool:
    """Would ``uid`` (groups: ``gid`` only) get ``access`` to ``path`` from its mode and ACL?
    (No grant is needed then.)"""
    try:
        st = os.stat(path)
        raw = read_acl(path)
    except OSError:
        return False
    want = perm_bits(access)
    entries = decode(raw) if raw else from_mode(stat.S_IMODE(st.st_mode))
    mask = next((e[1] for e in entries if e[0] == MASK), 7)
    if st.st_uid == uid:
        return want & ~next(e[1] for e in entries if e[0] == USER_OBJ) == 0
    named = next((e[1] for e in entries if e[0] == USER and e[2] == uid), None)
    if named is not None:
        return want & ~(named & mask) == 0
    if st.st_gid == gid:
        return want & ~(next(e[1] for e in entries if e[0] == GROUP_OBJ) & mask) == 0
    return want & ~next(e[1] for e in entries if e[0] == OTHER) == 0
