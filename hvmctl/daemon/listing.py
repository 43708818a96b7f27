"""`xm list`'s rows and host facts, as plain functions over plain data.

The one place a domain's list row is made: ``Domain.summary`` calls :func:`row` with its
live objects, and a restarted daemon's early server (api/early.py) calls it, through
:func:`from_disk`, with the domain records on disk -- before the daemon's own modules are
even imported, so that the first `xm list` after a restart answers within milliseconds.
The two cannot drift: same function, same fields. Liveness on disk is the daemon's own
test (the record's pid and its kernel start ticks against /proc), so a guest whose QEMU
died while the daemon was away is shown crashed, never running.

Nothing heavy may be imported here (os, json and the state enum only).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hvmctl import __version__
from hvmctl.daemon.procfs import cpu_seconds, process_alive, thread_running
from hvmctl.daemon.state import DomainState

if TYPE_CHECKING:
    from hvmctl.paths import Paths

#: the definition's fields a list row shows (DomainConfig attributes, record "config" keys)
CONFIG_KEYS = ("name", "uuid", "memory", "vcpus", "serial", "on_poweroff", "on_reboot", "on_crash")

#: states in which the domain has a QEMU: a record in one of these whose QEMU is gone died
#: while no daemon watched (on_crash applies once the daemon has re-attached)
WITH_QEMU = frozenset({"running", "paused", "saving", "migrating"})


def flags(state: str, pid: int | None, vcpu_threads: list[int] | None) -> str:
    """xm's state column; a running guest whose vCPUs all sleep is 'blocked' (-b----)."""
    if state == "running" and pid is not None and vcpu_threads:
        if not any(thread_running(pid, tid) for tid in vcpu_threads):
            return "-b----"
    return DomainState(state).flags


def handover_note(intent: Mapping[str, Any] | None) -> str | None:
    """Why a paused copy waits (its migration's answer was lost), for list -l / info."""
    intent = intent or {}
    if intent.get("op") != "migrate-out" or intent.get("handover") != "unconfirmed":
        return None
    host = (intent.get("dest") or {}).get("host", "the destination")
    return (f"its whole state went to {host}, whose answer was lost: paused here (never resumed "
            f"by hvmctl) until {host} says whether it runs there; asked again periodically")


def row(config: Mapping[str, Any], runtime: Mapping[str, Any] | None, *, state: str, pid: int | None,
        alive: bool, profile: str | None, managed: bool, autostart: bool,
        intent: Mapping[str, Any] | None) -> dict[str, Any]:
    """The facts `list`, `info` and the API show about one domain. ``runtime`` is its
    Runtime's fields (a record's "runtime"); ``pid`` its QEMU's when the daemon holds one."""
    rt = runtime
    vnc_port = rt.get("vnc_port") if rt else None
    threads = rt.get("vcpu_threads") if rt else None
    return {
        "name": config["name"],
        "uuid": config["uuid"],
        "id": rt["domid"] if rt else None,
        "state": state,
        "flags": flags(state, pid if rt else None, threads),
        "memory": (rt.get("memory_mib") if rt and rt.get("memory_mib") else config["memory"]),
        "vcpus": (len(threads) if threads else config["vcpus"]),
        "cpu_time": round(cpu_seconds(pid) if pid is not None and alive else 0.0, 1),
        "start_time": rt.get("started_at") if rt else None,
        "pid": pid,
        "vnc": f"{rt.get('vnc_host')}:{vnc_port}" if rt and vnc_port else None,
        "vnc_display": vnc_port - 5900 if rt and vnc_port else None,
        "serial": config["serial"],
        "serial_socket": (os.path.join(rt["run_dir"], "serial.sock")
                          if rt and config["serial"] in ("pty", "vc", "stdio") else None),
        "console_log": rt.get("console_log") if rt else None,
        "accel": rt.get("accel") if rt else None,
        "nics": rt.get("nics") or [] if rt else [],
        "profile": profile,
        "on_poweroff": config["on_poweroff"],
        "on_reboot": config["on_reboot"],
        "on_crash": config["on_crash"],
        "managed": managed,
        "autostart": autostart,
        "handover": handover_note(intent),
    }


def record_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """A domain record's row, its QEMU checked against /proc as the daemon's re-attach does
    (pid and start ticks): dead while the daemon was away -> crashed, no pid."""
    rt = record.get("runtime") or None
    state = str(record["state"])
    pid = rt.get("pid") if rt else None
    alive = pid is not None and process_alive(int(pid), rt.get("start_ticks") if rt else None)
    if not alive:
        pid = None
        if state in WITH_QEMU:
            state = "crashed"
    return row(record["config"], rt, state=state, pid=pid, alive=alive, profile=record.get("profile_path"),
               managed=bool(record.get("managed", False)), autostart=bool(record.get("autostart", False)),
               intent=record.get("intent"))


#: a record with one of these intents and no live QEMU is a start the daemon died in; the
#: daemon forgets it when it re-attaches (Domain._recover_launch), so a list from disk leaves
#: it out (a ``relaunch`` stays: the daemon starts that guest again)
FORGOTTEN_IF_DEAD = frozenset({"create", "restore", "migrate-in"})


def forgotten(record: Mapping[str, Any]) -> bool:
    """Will the daemon drop this record at start (an unfinished first start, dead QEMU)?"""
    op = (record.get("intent") or {}).get("op")
    if op not in FORGOTTEN_IF_DEAD:
        return False
    rt = record.get("runtime") or {}
    pid = rt.get("pid")
    return pid is None or not process_alive(int(pid), rt.get("start_ticks"))


def sort_key(r: Mapping[str, Any]) -> tuple[bool, int, str]:
    """The daemon's order: by domain ID, inactive definitions last, then by name."""
    return (r["id"] is None, r["id"] or 0, r["name"])


def from_disk(paths: "Paths") -> list[dict[str, Any]]:
    """Every domain record's row (an unreadable record is skipped: the daemon sets it aside)."""
    rows = []
    try:
        names = sorted(n for n in os.listdir(paths.domains_dir) if n.endswith(".json"))
    except FileNotFoundError:
        return []
    for name in names:
        try:
            with open(os.path.join(paths.domains_dir, name)) as fh:
                record = json.load(fh)
            if not forgotten(record):
                rows.append(record_row(record))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    rows.sort(key=sort_key)
    return rows


def host_base(paths: "Paths", *, started_at: float, domains: int, accel: str | None,
              accel_reason: str) -> dict[str, Any]:
    """The host facts of `xm list`'s Domain-0 row and `xm info`'s first lines (cheap reads;
    the daemon adds hostreport's checks for `xm info`)."""
    mem_total, mem_free = meminfo()
    uname = os.uname()
    return {
        "host": uname.nodename,
        "release": uname.release,
        "version": uname.version,
        "machine": uname.machine,
        "nr_cpus": os.cpu_count() or 1,
        "total_memory": mem_total,
        "free_memory": mem_free,
        "hvmctl_version": __version__,
        "qemu": paths.qemu,
        "accel": accel,
        "accel_reason": accel_reason,
        "daemon_pid": os.getpid(),
        "daemon_uptime": round(time.time() - started_at, 1),
        "domains": domains,
        "cpu_time": round(host_cpu_seconds(), 1),
        "boot_time": boot_time(),
        "platform": platform_string(uname),
    }


def disk_list(paths: "Paths", started_at: float) -> dict[str, Any]:
    """GET /v1/domains from the records on disk (the daemon not loaded yet)."""
    rows = from_disk(paths)
    host = host_base(paths, started_at=started_at, domains=len(rows), accel=None, accel_reason="not probed yet")
    return {"host": host, "domains": rows}


def platform_string(uname: os.uname_result) -> str:
    """What ``platform.platform()`` says (Linux-RELEASE-MACHINE-with-glibcX.Y), without its
    cost: it runs ``uname -p`` as a subprocess on first use, ~7 ms of a restarted daemon's
    first answer, with the event loop blocked."""
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""
    suffix = f"-with-{libc.replace(' ', '')}" if libc else ""
    return f"{uname.sysname}-{uname.release}-{uname.machine}{suffix}"


def meminfo() -> tuple[int, int]:
    values: dict[str, int] = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0])
    return values["MemTotal"] // 1024, values.get("MemAvailable", values["MemFree"]) // 1024


def host_cpu_seconds() -> float:
    with open("/proc/stat") as fh:
        parts = fh.readline().split()
    user, nice, system = (int(x) for x in parts[1:4])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def boot_time() -> float:
    with open("/proc/stat") as fh:
        for line in fh:
            if line.startswith("btime"):
                return float(line.split()[1])
    return 0.0
