"""What /proc says about a process: alive (against pid reuse), CPU time, thread states.

Its own module, importing nothing but ``os``: the restarted daemon's first `xm list`
(hvmctl.daemon.listing) checks each guest's QEMU with these before anything heavy loads.
"""

from __future__ import annotations

import os

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: split after the last ')'
    return raw[raw.rfind(")") + 2 :].split()


def process_start_ticks(pid: int) -> int | None:
    """Kernel start time of ``pid`` (clock ticks since boot); identifies it against pid reuse."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def process_alive(pid: int, start_ticks: int | None = None) -> bool:
    fields = _stat_fields(pid)
    if fields is None or fields[0] in ("Z", "X"):
        return False
    return start_ticks is None or int(fields[19]) == start_ticks


def thread_running(pid: int, tid: int) -> bool:
    """Is this thread on a CPU or runnable right now (state R)?"""
    try:
        with open(f"/proc/{pid}/task/{tid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return False
    return raw[raw.rfind(")") + 2] == "R"


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (xm list's Time(s) column)."""
    fields = _stat_fields(pid)
    if not fields:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK
