"""CLI commands for snapshots, virsh's spelling (registered on import; stdlib-only imports).

``snapshot-create DOM NAME [--disk-only]``, ``snapshot-list DOM``, ``snapshot-revert DOM
NAME``, ``snapshot-delete DOM NAME``: internal qcow2 snapshots of memory and disks.
"""

from __future__ import annotations

from hvmctl.cli.main import Context, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and typing cost more start-up time than a command
    import argparse
    from typing import Any


def _when(stamp: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def _row(snap: dict[str, Any]) -> str:
    kind = "memory+disks" if snap.get("vmstate") else "disks only"
    desc = f"  {snap['description']}" if snap.get("description") else ""
    return f"{snap['name']:<20} {_when(float(snap['created']))}  {kind:<13} {snap.get('state', '')}{desc}"


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("snapshot", help="the snapshot's name")
    p.add_argument("--disk-only", action="store_true", help="disks only, no memory (revert offline)")
    p.add_argument("--description", default="", help="a note kept with the snapshot")


@command("snapshot-create", "snapshot a running domain's memory and disks (qcow2, internal)", _create_args,
         domain=True)
def cmd_snapshot_create(args: argparse.Namespace, ctx: Context) -> int:
    body = {"snapshot": args.snapshot, "disk_only": args.disk_only, "description": args.description}
    result = ctx.client.act("snapshot-create", body, ref=args.domain)
    snap = result["snapshot"]
    what = "memory and disks" if snap["vmstate"] else "disks"
    return emit(args, result, f"Domain {result['name']}: snapshot {snap['name']} created "
                              f"({what}: {', '.join(snap['disks'])})")


@command("snapshot-list", "a domain's snapshots", domain=True)
def cmd_snapshot_list(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("snapshot-list", ref=args.domain)
    lines = [f"{'Name':<20} {'Created':<19}  {'Contents':<13} State"]
    lines += [_row(s) for s in result["snapshots"]]
    return emit(args, result, "\n".join(lines))


def _name_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("snapshot", help="the snapshot's name")


@command("snapshot-revert", "bring a running domain back to a snapshot (memory, disks, definition)", _name_arg,
         domain=True)
def cmd_snapshot_revert(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("snapshot-revert", {"snapshot": args.snapshot}, ref=args.domain)
    return emit(args, result, f"Domain {result['name']}: reverted to snapshot {args.snapshot} ({result['state']})")


@command("snapshot-delete", "delete a domain's snapshot (from its images too)", _name_arg, domain=True)
def cmd_snapshot_delete(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("snapshot-delete", {"snapshot": args.snapshot}, ref=args.domain)
    return emit(args, result, f"Domain {result['name']}: snapshot {args.snapshot} deleted")
