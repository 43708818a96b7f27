"""CLI commands for save/restore, migration and host start/stop (registered on import;
stdlib-only imports here: `xm list` must not pay for them)."""

from __future__ import annotations

import os

from hvmctl.cli.main import Context, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and typing cost more start-up time than a command
    import argparse
    from typing import Any


def _save_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--checkpoint", action="store_true", help="leave the domain running after saving")
    p.add_argument("file", help="file to write the domain's state to")


@command("save", "save a domain's state to a file (the domain stops)", _save_args, domain=True)
def cmd_save(args: argparse.Namespace, ctx: Context) -> int:
    body = {"file": os.path.abspath(args.file), "checkpoint": args.checkpoint}
    result: dict[str, Any] = ctx.client.act("save", body, ref=args.domain)
    mib = result["bytes"] / 2**20
    text = f"Saved domain {result['name']} to {result['file']} ({mib:.1f} MiB in {result['seconds']:.2f} s)"
    return emit(args, result, text)


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", "--paused", action="store_true", help="leave the domain paused after restoring")
    p.add_argument("file", help="a file written by `save`")


@command("restore", "restore a domain from a save file", _restore_args)
def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    dom: dict[str, Any] = ctx.client.act("restore", {"file": os.path.abspath(args.file), "paused": args.paused})
    text = f"Restored domain {dom['name']} (id={dom['id']})"
    if dom.get("vnc"):
        text += f"\n  vnc: {dom['vnc']} (display {dom['vnc_display']})"
    return emit(args, dom, text)


def _autostart_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("enable", "disable", "list"))
    p.add_argument("ref", nargs="?", help="domain, or profile name/path (enable/disable)")


@command("autostart", "start domains with the host: links in the auto directory (/etc/xen/auto)",
         _autostart_args)
def cmd_autostart(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.errors import HvmctlError

    if args.action == "list":
        data = ctx.client.act("autostart-list")
        lines = [f"auto directory: {data['settings']['auto_dir']}"]
        for row in data["links"]:
            state = row["state"] or ("not running" if row["exists"] else "profile missing")
            where = "(managed: flag in its record)" if row.get("managed") else row["profile"]
            lines.append(f"  {row['name']:<24} {state:<12} {where}")
        return emit(args, data, "\n".join(lines))
    if not args.ref:
        raise HvmctlError(f"autostart {args.action}: name a domain or profile")
    result = ctx.client.act("autostart-set", {"ref": args.ref, "enable": args.action == "enable"})
    if result.get("managed"):
        return emit(args, result, f"{result['result']}: managed domain {result['name']}")
    return emit(args, result, f"{result['result']}: {result['link']} -> {result['profile']}")


def _report_text(report: dict[str, Any]) -> str:
    lines = []
    for key in ("restored", "started", "saved", "shutdown", "forced", "skipped"):
        for item in report.get(key, []):
            extra = f" ({item['why']})" if "why" in item else ""
            lines.append(f"{key}: {item['name']}{extra}")
    for item in report.get("errors", []):
        what = item.get("name") or item.get("file") or item.get("profile")
        lines.append(f"error: {what}: {item['error']}")
    return "\n".join(lines)


@command("host-start", "host start (xendomains start): restore saved domains, then start auto ones")
def cmd_host_start(args: argparse.Namespace, ctx: Context) -> int:
    report: dict[str, Any] = ctx.client.act("host-start")
    emit(args, report, _report_text(report))
    return 1 if report.get("errors") else 0


@command("host-stop", "host stop (xendomains stop): save or shut down every running domain")
def cmd_host_stop(args: argparse.Namespace, ctx: Context) -> int:
    report: dict[str, Any] = ctx.client.act("host-stop")
    emit(args, report, _report_text(report))
    return 1 if report.get("errors") else 0


def _migrate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-l", "--live", action="store_true", help="migrate while the guest runs (else pause it first)")
    p.add_argument("--copy-storage", action="store_true",
                   help="local storage: mirror the guest's writable disks to the destination while it runs")
    p.add_argument("-n", "--dry-run", action="store_true", help="print the destination's pre-flight report only")
    p.add_argument("-t", "--transport", choices=("ssh", "tls"), default="ssh",
                   help="ssh (default, as xl) or the destination daemon's TLS endpoint")
    p.add_argument("-p", "--port", type=int, help="TLS endpoint port (default 8002) or ssh port")
    p.add_argument("--token-file", help="the destination endpoint's token "
                   "(default STATE_DIR/remote/peers/HOST/token)")
    p.add_argument("--ca", help="certificate the destination must present "
                   "(default STATE_DIR/remote/peers/HOST/cert.pem)")
    p.add_argument("--ssh-user", help="ssh login (default: ssh's own)")
    p.add_argument("--remote-hvmctl", metavar="COMMAND",
                   default=os.environ.get("HVMCTL_REMOTE_HVMCTL", "hvmctl"),
                   help="how to run hvmctl on the destination over ssh, as words "
                        "(default: $HVMCTL_REMOTE_HVMCTL or 'hvmctl')")
    p.add_argument("-o", dest="ssh_options", action="append", default=[], metavar="KEY=VALUE",
                   help="extra ssh option (repeatable)")
    p.add_argument("-r", "--resource", type=float, metavar="MBIT",
                   help="bandwidth limit in Mbit/s, as xm (default: no limit)")
    p.add_argument("--downtime-ms", type=int, default=30, help="longest pause to aim for at switch-over")
    p.add_argument("--stall-timeout", type=float, default=10.0,
                   help="give up when no data moved for this many seconds")
    p.add_argument("host", help="destination host (HOST or HOST:PORT)")


def _read_optional(path: str | None, default: Any, what: str) -> str | None:
    from pathlib import Path

    from hvmctl.errors import HvmctlError

    target = Path(path) if path else default
    try:
        return str(target.read_text())
    except OSError as exc:
        if path:
            raise HvmctlError(f"{path}: cannot read the {what}: {exc.strerror}") from exc
        return None


def _pool_member(ctx: Context, name: str) -> bool:
    """Is ``name`` a member of this daemon's pool (xm migrate DOM MEMBER)? False when the
    daemon is in no pool, or the pool cannot answer (then HOST is a host, as before)."""
    from hvmctl.errors import HvmctlError

    try:
        members = ctx.client.act("pool-status")["members"]
    except HvmctlError:
        return False
    return any(m["host"] == name for m in members)


@command("migrate", "move a domain to another host's hvmctl daemon", _migrate_args, domain=True)
def cmd_migrate(args: argparse.Namespace, ctx: Context) -> int:
    import shlex
    import sys
    import time

    from hvmctl.errors import HvmctlError

    host, port = args.host, args.port
    if host.count(":") == 1 and host.rsplit(":", 1)[1].isdigit():
        host, port = host.rsplit(":", 1)[0], int(host.rsplit(":", 1)[1])
    peers = ctx.paths.state_dir / "remote" / "peers" / host
    body: dict[str, Any] = {
        "host": host, "port": port, "transport": args.transport, "live": args.live,
        "copy_storage": args.copy_storage, "dry_run": args.dry_run, "ssh_user": args.ssh_user,
        "ssh_options": args.ssh_options, "remote_hvmctl": shlex.split(args.remote_hvmctl),
        "downtime_ms": args.downtime_ms, "stall_timeout": args.stall_timeout,
    }
    if args.resource:
        body["bandwidth"] = int(args.resource * 125_000)
    if args.transport == "tls":
        token = _read_optional(args.token_file, peers / "token", "token")
        if not token:
            raise HvmctlError(f"the tls transport needs the destination's token: --token-file, or {peers}/token")
        body["token"] = token.strip()
        body["ca_pem"] = _read_optional(args.ca, peers / "cert.pem", "certificate")
    if args.transport == "ssh" and port is None and not args.dry_run and _pool_member(ctx, host):
        started = ctx.client.act("pool-migrate", {"member": host, "live": args.live}, ref=args.domain)
    else:
        started = ctx.client.act("migrate", body, ref=args.domain)
    if args.dry_run:
        emit(args, started["report"], _preflight_text(started["report"]))
        return 0 if started["report"]["ok"] else 1
    job_id = started["job"]
    show = sys.stderr.isatty() and not args.json
    bar = _Bar(args.domain, host) if show else None
    try:
        while True:
            view = ctx.client.act("migration", job=job_id)
            if bar is not None:
                bar.update(view)
            if view["state"] != "running":
                break
            time.sleep(0.02)  # the job ends within ~20 ms of our noticing
    finally:
        if bar is not None:
            bar.close()
    if view["state"] == "failed":
        err = view["error"] or {}
        where = "keeps running here" if err.get("source", "running") == "running" else "is left paused here"
        phase = f" in the {err['phase']} phase" if err.get("phase") else ""
        raise HvmctlError(f"migration of '{args.domain}' to {host} failed{phase}: {err.get('message')}; "
                          f"the domain {where}")
    res = view["result"]
    text = (f"Migrated {res['name']} to {host} in {res['total_ms'] / 1000:.2f} s "
            f"(downtime {res['downtime_ms']:.0f} ms, {res['bytes'] / 2**20:.1f} MiB sent)")
    return emit(args, res, text)


def _preflight_text(report: dict[str, Any]) -> str:
    lines = [f"pre-flight on {report['host']} (hvmctl {report['hvmctl']}, QEMU {report['qemu']}):"]
    for check in report["checks"]:
        lines.append(f"  [{'ok' if check['ok'] else 'FAIL'}] {check['check']}: {check['detail']}")
    lines.append("result: " + ("ready to migrate" if report["ok"] else f"{len(report['problems'])} problem(s)"))
    return "\n".join(lines)


class _Bar:
    """A progress bar on the terminal (rich, imported only here)."""

    def __init__(self, name: str, host: str) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TimeElapsedColumn(), transient=True)
        self.task = self.progress.add_task(f"{name} → {host}", total=None)
        self.progress.start()

    def update(self, view: dict[str, Any]) -> None:
        prog = view.get("progress") or {}
        if prog.get("phase") == "storage":
            total, done = prog.get("disk_total"), prog.get("disk_done")
        else:
            total = prog.get("ram_total")
            remaining = prog.get("ram_remaining") or 0
            done = (total - remaining) if total else None
        self.progress.update(self.task, total=total or None, completed=done or 0,
                             description=f"{view['domain']} → {view['destination']} [{view['phase']}]")

    def close(self) -> None:
        self.progress.stop()


@command("migrate-receive", "(internal) the destination's end of `migrate` over ssh")
def cmd_migrate_receive(args: argparse.Namespace, ctx: Context) -> int:
    """The destination's end of the ssh transport (``ssh HOST hvmctl migrate-receive``): bridge
    stdin/stdout into this host's daemon at ``RUN_DIR/migrate.sock``. ssh has authenticated
    the source; the socket (0600) admits only root or the daemon's user, as ssh logged in."""
    import socket
    import sys
    import threading

    from hvmctl.errors import DaemonError

    ctx.require_local("migrate-receive (ssh runs it on the destination)")
    path = ctx.paths.run_dir / "migrate.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10.0)
    try:
        sock.connect(str(path))
    except OSError as exc:
        raise DaemonError(f"no hvmctl daemon accepting migrations at {path}: {exc.strerror or exc}") from exc
    sock.settimeout(None)  # a migration may run for a long time; the daemon times out idle sessions
    sys.stdout.flush()

    def upstream() -> None:
        try:
            while data := os.read(0, 1 << 16):
                sock.sendall(data)
        except OSError:
            pass
        try:
            sock.shutdown(socket.SHUT_WR)  # the source went away: the daemon discards the session
        except OSError:
            pass

    threading.Thread(target=upstream, daemon=True).start()
    try:
        while data := sock.recv(1 << 16):
            view = memoryview(data)
            while view:
                view = view[os.write(1, view):]
    except OSError:
        return 1
    finally:
        sock.close()
    return 0
