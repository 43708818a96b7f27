"""Text output shaped exactly like xm's, so scripts written for xm keep working."""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs more start-up time than the rest of `xm list`
    from typing import Any

LIST_HEADER = "%-40s %3s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
LIST_ROW = "%-40s %3s %5d %5d %10s %8.1f"


def host_row(host: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Domain-0", "id": 0, "memory": host["total_memory"], "vcpus": host["nr_cpus"],
        "flags": "r-----", "cpu_time": host["cpu_time"], "state": "running",
        "start_time": host.get("boot_time"),
    }


def list_table(rows: list[dict[str, Any]]) -> str:
    lines = [LIST_HEADER]
    for row in rows:
        domid = "" if row.get("id") is None else str(row["id"])
        lines.append(LIST_ROW % (row["name"], domid, row["memory"], row["vcpus"], row["flags"], row["cpu_time"]))
    return "\n".join(lines)


TOP_HEADER = "%-24s %6s %10s %6s %10s %6s %5s" % (
    "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "VCPUS")


def top_rows(before: dict[str, Any], now: dict[str, Any], seconds: float, host_mib: int) -> list[dict[str, Any]]:
    """xentop's figures from two samples: CPU% over the interval, memory share of the host."""
    rows = []
    for name, row in now.items():
        prev = before.get(name, row)
        busy = max(0.0, row["cpu_time"] - prev["cpu_time"])
        rows.append({
            "name": name, "flags": row["flags"], "cpu_time": row["cpu_time"],
            "cpu_percent": round(100.0 * busy / seconds, 1) if seconds > 0 else 0.0,
            "memory_kib": row["memory"] * 1024,
            "memory_percent": round(100.0 * row["memory"] / host_mib, 1) if host_mib else 0.0,
            "vcpus": row["vcpus"],
        })
    return rows


def top_table(rows: list[dict[str, Any]]) -> str:
    lines = [TOP_HEADER]
    for r in rows:
        lines.append("%-24s %6s %10d %6.1f %10d %6.1f %5d" % (
            r["name"][:24], r["flags"], r["cpu_time"], r["cpu_percent"], r["memory_kib"],
            r["memory_percent"], r["vcpus"]))
    return "\n".join(lines)


def sxp(value: Any, indent: int = 0) -> str:
    """xm list -l's S-expression form."""
    pad = "    " * indent
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if item is None or item == [] or item == {}:
                continue
            if isinstance(item, dict):
                parts.append(f"{pad}({key}\n{sxp(item, indent + 1)}\n{pad})")
            elif isinstance(item, list):
                inner = "\n".join(
                    f"{pad}    ({key[:-1] if key.endswith('s') else key}\n{sxp(i, indent + 2)}\n{pad}    )"
                    if isinstance(i, dict) else f"{pad}    {i}"
                    for i in item
                )
                parts.append(f"{pad}({key}\n{inner}\n{pad})")
            else:
                parts.append(f"{pad}({key} {_atom(item)})")
        return "\n".join(parts)
    return f"{pad}{_atom(value)}"


def _atom(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    return text if text and all(c.isalnum() or c in "-_./:" for c in text) else '"' + text.replace('"', '\\"') + '"'


def uptime_text(seconds: float) -> str:
    seconds = int(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    mins, secs = divmod(rem, 60)
    clock = f"{hours:2d}:{mins:02d}:{secs:02d}"
    if days:
        return f"{days} day{'s' if days > 1 else ''}, {clock}"
    return clock


def uptime_table(rows: list[dict[str, Any]]) -> str:
    now = time.time()
    lines = ["%-33s %4s %s" % ("Name", "ID", "Uptime")]
    for row in rows:
        start = row.get("start_time")
        lines.append("%-33s %4s %s" % (row["name"], row.get("id", ""), uptime_text(now - start) if start else "-"))
    return "\n".join(lines)


def info_text(host: dict[str, Any]) -> str:
    order = [
        "host", "release", "version", "machine", "nr_cpus", "total_memory", "free_memory",
        "hvmctl_version", "qemu", "accel", "accel_reason", "domains", "daemon_pid", "daemon_uptime",
    ]
    lines = ["%-23s: %s" % (k, host.get(k)) for k in order]
    # the host report's keys (daemon/hostreport.py) after xm's; lists one item a line
    extra = [k for k in host if k not in order and k not in ("cpu_time", "boot_time", "platform")]
    for key in extra:
        values = host[key] if isinstance(host[key], list) else [host[key]]
        lines += ["%-23s: %s" % (key, v) for v in values]
    return "\n".join(lines)
