"""Exec helper: put QEMU in a mount namespace of its own, then become it.

Run by the daemon as root, between its fork and QEMU: ``python3 -S -E -s jailexec.py UID GID ROOT
EXE N KIND SOURCE TARGET ... QEMU-ARGV...``: the N mounts of hvmctl.qemu.jailplan, flat
(argv words, not JSON: ``json`` imports ``re``, which alone doubles the start), ROOT an
empty directory to build on. It unshares the mount namespace, makes
every mount private (nothing propagates back to the host), mounts a fresh tmpfs on
``root``, fills it with the planned mounts, pivots into it and detaches the old root, drops
to the guest's uid/gid with no groups and execs QEMU. The fds the daemon passed are left as
they are. Standalone on purpose -- no hvmctl import, no site -- so it starts in a few ms
(a subprocess ``preexec_fn`` runs after the uid change, too late to mount, and is unsafe in
a threaded daemon).

``--enter PID N KIND SOURCE TARGET ...``: a path granted to a running QEMU (a host CD drive, migration TLS
credentials) is bound into that QEMU's namespace at the same path: the mount is cloned
here (open_tree), then attached there (setns + move_mount).

Any failure before the exec exits 127 with one line on stderr (QEMU's log): QEMU never
starts half-confined.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
SYS_PIVOT_ROOT, SYS_OPEN_TREE, SYS_MOVE_MOUNT = 155, 428, 429  # x86_64
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
AT_FDCWD = -100

_libc = ctypes.CDLL(None, use_errno=True)


class JailError(Exception):
    pass


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise JailError(f"{what}: {os.strerror(err)}")
    return ret


def _b(path: str | None) -> bytes | None:
    return os.fsencode(path) if path is not None else None


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    _check(_libc.mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)),
           f"mount {source or fstype} on {target}")


def _mountpoint(target: str, is_dir: bool) -> None:
    """An empty file or directory to mount on (the tmpfs is root's: QEMU cannot add any)."""
    if os.path.lexists(target):
        return
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    if is_dir:
        os.mkdir(target, 0o755)
    else:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))


def _bind(source: str, target: str, readonly: bool) -> None:
    mount(source, target, None, MS_BIND)
    if readonly:  # a bind takes its flags only from a remount
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


def build(root: str, mounts: list[list[str]]) -> None:
    """The planned tree under ``root`` (already the new tmpfs)."""
    for kind, source, target in mounts:
        inside = root + target
        if kind == "link":
            os.makedirs(os.path.dirname(inside), mode=0o755, exist_ok=True)
            os.symlink(source, inside)
        elif kind == "proc":
            _mountpoint(inside, True)
            try:
                mount("proc", inside, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible,subset=pid")
            except JailError:  # a kernel before 5.8: the pid list, hidden
                mount("proc", inside, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        elif kind in ("ro", "rw"):
            try:
                is_dir = os.path.isdir(source)
            except OSError:
                continue
            if not os.path.exists(source):
                continue  # QEMU says so, in its words, as without the jail
            _mountpoint(inside, is_dir)
            _bind(source, inside, kind != "rw")
        else:
            raise JailError(f"unknown mount kind {kind!r}")


def jail(root: str, uid: int, gid: int, mounts: list[list[str]]) -> None:
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID, "mode=0755,size=4m")
    umask = os.umask(0o022)  # the tree is root's and searchable; QEMU keeps the daemon's umask
    build(root, mounts)
    os.umask(umask)
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID)  # nothing more is made in it
    os.chdir(root)
    _check(_libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "detach the old root")  # the old root, stacked under
    os.chdir("/")
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def enter(pid: int, mounts: list[list[str]]) -> None:
    """Bind ``mounts`` (ro/rw) into the mount namespace of ``pid``."""
    trees: list[tuple[int, str, str, bool]] = []
    for kind, source, target in mounts:
        if not os.path.exists(source):
            continue
        fd = _check(_libc.syscall(SYS_OPEN_TREE, AT_FDCWD, _b(source), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC),
                    f"open_tree {source}")
        trees.append((fd, kind, target, os.path.isdir(source)))
    ns = os.open(f"/proc/{pid}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    _check(_libc.setns(ns, CLONE_NEWNS), f"setns into {pid}'s mount namespace")
    os.chdir("/")
    remounted = False
    os.umask(0o022)
    for fd, kind, target, is_dir in trees:
        if not os.path.lexists(target):
            if not remounted:  # the jail's tmpfs is read-only once built; root makes room
                mount(None, "/", None, MS_REMOUNT | MS_NOSUID)
                remounted = True
            _mountpoint(target, is_dir)
        _check(_libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, _b(target), MOVE_MOUNT_F_EMPTY_PATH),
               f"move_mount {target}")
        if kind != "rw":
            mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
    if remounted:
        mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID)


def _mounts(words: list[str]) -> tuple[list[list[str]], list[str]]:
    """``N kind source target ...``: the N mounts, and the words after them."""
    count = int(words[0])
    flat = words[1:1 + 3 * count]
    if len(flat) != 3 * count:
        raise ValueError("the mount list is cut short")
    return [flat[i:i + 3] for i in range(0, len(flat), 3)], words[1 + 3 * count:]


def main(argv: list[str]) -> int:
    try:
        if argv[1:2] == ["--enter"]:
            enter(int(argv[2]), _mounts(argv[3:])[0])
            return 0
        uid, gid, root, exe = int(argv[1]), int(argv[2]), argv[3], argv[4]
        mounts, qemu = _mounts(argv[5:])
        if not qemu:
            raise ValueError("no QEMU argv")
        jail(root, uid, gid, mounts)
        os.execv(exe, qemu)
    except (JailError, OSError, ValueError, IndexError) as exc:
        sys.stderr.write(f"hvmctl jail: {exc}\n")
        sys.stderr.flush()
        return 127
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
