"""Who a guest's QEMU runs as: one unprivileged uid/gid per guest, from a range of its own.

Why one per guest rather than libvirt's single ``libvirt-qemu`` user: libvirt separates its
guests with SELinux/AppArmor labels (sVirt); hvmctl has no labels, so a QEMU that a guest
escapes into would, under a shared uid, reach every other guest's memory (``ptrace``,
``/proc/PID/mem``) and images. A uid of its own keeps an escape inside its guest.

The range (``HVMCTL_QEMU_UIDS=START-END``, ``qemu_uids`` in the config file) must be no
account's: it is checked at the daemon's start against /etc/passwd, /etc/group, /etc/subuid
and /etc/subgid. The default sits where Debian and systemd put nothing: above systemd's
container range (524288-1879048191), below 2^31 (tools that keep uids signed). A uid is
taken through the registry's one conflict check and is in the domain's record before the
spawn; it is free again when the guest ends (the registry derives claims from live guests).
``HVMCTL_QEMU_USER=root`` (``qemu_user = root``) keeps QEMU as root, for hosts that cannot
(libvirt's ``user = "root"``), with a warning at start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hvmctl.errors import ConfigError, HostError

log = logging.getLogger("hvmctl.qemuuser")

UIDS_ENV = "HVMCTL_QEMU_UIDS"
USER_ENV = "HVMCTL_QEMU_USER"
DEFAULT_RANGE = (1_900_000_000, 1_900_000_999)
ACCOUNT_FILES = ("/etc/passwd", "/etc/group")
SUBID_FILES = ("/etc/subuid", "/etc/subgid")


@dataclass(frozen=True)
class Identity:
    """The uid and gid one guest's QEMU (and its swtpm) run as."""

    uid: int
    gid: int


@dataclass(frozen=True)
class Settings:
    """``root``: QEMU keeps the daemon's identity; else one uid per guest in [start, end]."""

    root: bool
    start: int
    end: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        user = env.get(USER_ENV, "").strip()
        if user not in ("", "root", "per-guest"):
            raise ConfigError(f"{USER_ENV}={user!r}: expected 'root' or 'per-guest'")
        start, end = parse_range(env.get(UIDS_ENV, "").strip()) if env.get(UIDS_ENV, "").strip() else DEFAULT_RANGE
        return cls(root=user == "root" or os.geteuid() != 0, start=start, end=end)


def parse_range(text: str) -> tuple[int, int]:
    """``START-END`` (inclusive), both above 0 and below 2^31."""
    first, dash, last = text.partition("-")
    try:
        start, end = int(first), int(last)
    except ValueError:
        raise ConfigError(f"{UIDS_ENV}={text!r}: expected START-END, e.g. 1900000000-1900000999") from None
    if not dash or not 0 < start <= end < 2**31 - 1:
        raise ConfigError(f"{UIDS_ENV}={text!r}: expected 0 < START <= END < 2147483647")
    return start, end


def _ids_in(path: str, fields: int) -> list[tuple[int, int, str]]:
    """(first, last, name) of each id in an account file (passwd/group: field 2) or subid
    file (name:first:count)."""
    out: list[tuple[int, int, str]] = []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return out
    except OSError as exc:
        raise HostError(f"{path}: cannot read: {exc.strerror}") from exc
    for line in lines:
        parts = line.split(":")
        try:
            if fields == 2 and len(parts) > 2:
                out.append((int(parts[2]), int(parts[2]), parts[0]))
            elif fields == 3 and len(parts) >= 3:
                first = int(parts[1])
                out.append((first, first + max(int(parts[2]), 1) - 1, parts[0]))
        except ValueError:
            continue
    return out


def check_range(settings: Settings, *, account_files: tuple[str, ...] = ACCOUNT_FILES,
                subid_files: tuple[str, ...] = SUBID_FILES) -> None:
    """Refuse a range an account, a group or someone's subordinate ids use (at the start:
    a guest given such a uid could reach that account's files)."""
    if settings.root:
        return
    for path, fields in [(p, 2) for p in account_files] + [(p, 3) for p in subid_files]:
        for first, last, name in _ids_in(path, fields):
            if first <= settings.end and last >= settings.start:
                raise HostError(f"{UIDS_ENV}={settings.start}-{settings.end} overlaps {name!r} in {path} "
                                f"({first}-{last}); choose a range no account uses")


def allocate(settings: Settings, free: Callable[[int], bool], hint: int = 0) -> Identity | None:
    """The first uid of the range ``free`` accepts, searching from ``hint`` (round robin: a
    uid just given back is not the next one handed out). None: QEMU runs as root."""
    if settings.root:
        return None
    size = settings.end - settings.start + 1
    offset = (hint - settings.start) % size if settings.start <= hint <= settings.end else 0
    for step in range(size):
        uid = settings.start + (offset + step) % size
        if free(uid):
            return Identity(uid, uid)
    raise HostError(f"{UIDS_ENV}={settings.start}-{settings.end}: every uid is in use by a guest; "
                    "widen the range")


def announce(settings: Settings) -> None:
    """Said once at the daemon's start."""
    if settings.root:
        why = "HVMCTL_QEMU_USER=root" if os.geteuid() == 0 else "the daemon is not root"
        log.warning("QEMU runs with the daemon's own identity (%s): a guest that escapes QEMU has it", why)
    else:
        log.info("QEMU runs as one uid per guest from %d-%d", settings.start, settings.end)
