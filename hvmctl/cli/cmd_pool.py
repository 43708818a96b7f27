"""The pool of hosts on etcd: `hvmctl pool status|events|leave` and `xm list --pool`."""

from __future__ import annotations

import time

from hvmctl.cli.main import Context, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

POOL_HEADER = "%-40s %-16s %3s %5s %5s %10s %9s" % ("Name", "Host", "ID", "Mem", "VCPUs", "State", "Time(s)")
POOL_ROW = "%-40s %-16s %3s %5d %5d %10s %8.1f"


def pool_list(args: argparse.Namespace, ctx: Context) -> int:
    """`xm list --pool`: what every member published, with a Host column."""
    rows = ctx.client.act("pool-list")["domains"]
    if args.domains:
        wanted = set(args.domains)
        rows = [r for r in rows if r["name"] in wanted or r.get("uuid") in wanted]
    rows.sort(key=lambda r: (r["host"], r["id"] is None, r["id"] or 0, r["name"]))
    if args.json:
        return emit(args, rows)
    lines = [POOL_HEADER] + [POOL_ROW % (r["name"], r["host"], "" if r["id"] is None else r["id"], r["memory"],
                                         r["vcpus"], r["flags"], r["cpu_time"]) for r in rows]
    return emit(args, rows, "\n".join(lines))


def _pool_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=("status", "events", "leave"), help="status, events or leave")


@command("pool", "the pool of hosts on etcd: status, events, leave", _pool_args)
def cmd_pool(args: argparse.Namespace, ctx: Context) -> int:
    if args.what == "status":
        data = ctx.client.act("pool-status")
        return emit(args, data, _status_text(data))
    if args.what == "events":
        data = ctx.client.act("pool-events")
        text = "\n".join(f"{time.strftime('%H:%M:%S', time.localtime(e['time']))} {e['host']:<16} {e['text']}"
                         for e in data["events"])
        return emit(args, data, text)
    data = ctx.client.act("pool-leave")
    return emit(args, data, f"{data['host']} left the pool")


def _host_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=("evacuate",), help="evacuate: live-migrate every guest off the member")
    p.add_argument("member", help="the pool member's name")
    p.add_argument("--copy-storage", action="store_true",
                   help="copy each guest's disks to its new member too (no shared storage)")


@command("host", "a pool member: evacuate NAME (live-migrate every guest to the others)", _host_args)
def cmd_host(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli.cmd_storage import _progress

    body = {"member": args.member, "copy_storage": args.copy_storage}
    with _progress(f"evacuate {args.member}", not getattr(args, "json", False)) as update:
        data = ctx.client.act_progress("pool-evacuate", body, update)
    lines = [f"{m['name']}: {'-> ' + m['to'] if m['to'] else ''} {m['state']}"
             + (f" ({m['error']['message'] if isinstance(m['error'], dict) else m['error']})" if m["error"] else "")
             for m in data["moved"]]
    failed = any(m["state"] != "completed" for m in data["moved"])
    emit(args, data, "\n".join(lines) or f"nothing runs on {data['host']}")
    return 1 if failed else 0


def _status_text(data: dict[str, Any]) -> str:
    lines = [f"member {data['host']}; manager {data['leader'] or '(none elected)'}; "
             f"lease {data['lease_ttl']} s; fence agent {data['fence_agent'] or 'none (self-fence only)'}",
             "%-16s %9s %9s %5s %-6s %s" % ("Host", "Free(MiB)", "Guests", "CPUs", "Accel", "Tags")]
    for m in data["members"]:
        lines.append("%-16s %9d %9d %5d %-6s %s" % (m["host"], m["free_memory"], m.get("guest_memory", 0),
                                                   m["nr_cpus"], m.get("accel") or "-", ",".join(m["tags"]) or "-"))
    etcd = data.get("etcd") or {}
    if "error" in etcd:
        lines.append(f"etcd: {etcd['error']}")
    else:
        names = ", ".join(m["name"] for m in etcd.get("members", []))
        lines.append(f"etcd {etcd.get('version')}: members {names}; raft leader {etcd.get('leader')}")
    return "\n".join(lines)
