"""Who may read what the daemon leaves on disk.

A guest's console and QEMU logs hold what it printed (a password typed at a console, keys in
dmesg) and its run dir holds its control sockets: none of it is world-readable. Logs are
0640, run dirs 0750, and both belong to the group ``HVMCTL_GROUP`` (a name or a number;
unset, files keep the daemon's own group, root's when it runs as root), so an operators'
group can read logs without being root. QEMU runs with umask 027, so whatever it creates
itself (sockets, pidfile, screenshots) is never world-readable either.
"""

from __future__ import annotations

import grp
import os
from pathlib import Path
from typing import Mapping

from hvmctl.errors import HostError

GROUP_ENV = "HVMCTL_GROUP"
LOG_MODE = 0o640
DIR_MODE = 0o750
UMASK = 0o027  # for QEMU and the daemon: group may read, others nothing


def group_id(environ: Mapping[str, str] | None = None) -> int | None:
    """The gid that logs and run dirs belong to; None to leave the creating process's."""
    name = (os.environ if environ is None else environ).get(GROUP_ENV, "").strip()
    if not name:
        return None
    if name.isdigit():
        return int(name)
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise HostError(f"{GROUP_ENV}={name!r}: no such group") from None


def _give_to_group(fd_or_path: int | Path, gid: int | None) -> None:
    if gid is None:
        return
    try:
        if isinstance(fd_or_path, int):
            os.fchown(fd_or_path, -1, gid)
        else:
            os.chown(fd_or_path, -1, gid)
    except PermissionError:  # not root, and not in that group: the file keeps our group
        pass


def open_log(path: Path) -> int:
    """Open (create if needed) a log for appending, mode 0640 and the log group, even if an
    older run left it 0644. Returns the fd; the caller closes it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, LOG_MODE)
    try:
        os.fchmod(fd, LOG_MODE)
        _give_to_group(fd, group_id())
    except BaseException:
        os.close(fd)
        raise
    return fd


def prepare_log(path: Path) -> None:
    """Create a log another process (QEMU's ``logfile=``) will append to, with our mode:
    QEMU would create it 0666 minus its umask, in its own group."""
    os.close(open_log(path))


def make_run_dir(path: Path) -> None:
    """A run dir: 0750, the log group (its parents are made as usual)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=DIR_MODE, exist_ok=True)
    os.chmod(path, DIR_MODE)  # mkdir's mode is cut by the umask; an old dir may be wider
    _give_to_group(path, group_id())
