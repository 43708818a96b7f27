"""`hvmctl` and `xm`: the xm command set, plus hvmctl's own.

argparse (stdlib) rather than click: the CLI's whole start-up budget for `xm list` is a
few tens of milliseconds, and click alone costs ~40 ms to import here. Every command takes
`--json`. Errors print one line to stderr and exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from hvmctl.errors import HvmctlError, one_line
from hvmctl.paths import Paths

Handler = Callable[[argparse.Namespace, "Context"], int]
ArgSpec = Callable[[argparse.ArgumentParser], None]


class Command:
    def __init__(self, name: str, help: str, handler: Handler, args: ArgSpec | None) -> None:
        self.name, self.help, self.handler, self.args = name, help, handler, args


COMMANDS: dict[str, Command] = {}


class Context:
    def __init__(self, prog: str) -> None:
        self.prog = prog
        self.paths = Paths.from_env()
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from hvmctl.cli.client import Client

            self._client = Client(self.paths)
        return self._client


def command(name: str, help: str, args: ArgSpec | None = None, *, domain: bool = False) -> Callable[[Handler], Handler]:
    """Register a subcommand. ``domain=True`` adds the positional DOMAIN (name, ID or UUID)."""

    def spec(p: argparse.ArgumentParser) -> None:
        if domain:
            p.add_argument("domain", help="domain name, ID or UUID")
        if args is not None:
            args(p)

    def register(fn: Handler) -> Handler:
        COMMANDS[name] = Command(name, help, fn, spec)
        return fn

    return register


def arg(*names: str, **kw: Any) -> ArgSpec:
    """An ArgSpec adding one argument (for commands that take a single extra one)."""

    def spec(p: argparse.ArgumentParser) -> None:
        p.add_argument(*names, **kw)

    return spec


def emit(args: argparse.Namespace, data: Any, text: str | None = None) -> int:
    if getattr(args, "json", False) or text is None:
        print(json.dumps(data, indent=2, sort_keys=True))
    elif text:
        print(text)
    return 0


def _ref(ref: str) -> str:
    from urllib.parse import quote

    return quote(ref, safe="")


# ---- commands ---------------------------------------------------------------------------
def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--console", action="store_true", help="attach to the console after creating")
    p.add_argument("-n", "--dry-run", action="store_true", help="print the QEMU argv, start nothing")
    p.add_argument("-p", "--paused", action="store_true", help="leave the domain paused after creating")
    p.add_argument("profile", help="profile path, or name in the profile directory (/etc/xen)")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="override profile keys / set xm_vars")


@command("create", "create a domain from a profile", _create_args)
def cmd_create(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.config import find_profile

    path = find_profile(args.profile, search_dirs=[ctx.paths.profile_dir])
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise HvmctlError(f"{path}: cannot read profile: {exc}") from exc
    body = {"profile": text, "filename": str(path.resolve()), "overrides": args.overrides,
            "dry_run": args.dry_run, "paused": args.paused}
    result = ctx.client.post("/v1/domains", body)
    for warning in result.get("warnings", []):
        print(warning, file=sys.stderr)
    if args.dry_run:
        return emit(args, result, "\n".join(result["argv"]))
    dom = result["domain"]
    lines = [f"Started domain {dom['name']} (id={dom['id']})"]
    lines += [f"  {note}" for note in result.get("notes", [])]
    if dom.get("vnc"):
        lines.append(f"  vnc: {dom['vnc']} (display {dom['vnc_display']})")
    if args.console:
        print("\n".join(lines), file=sys.stderr)
        return _console(ctx, dom["name"])
    return emit(args, result, "\n".join(lines))


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-l", "--long", action="store_true", help="the long (SXP) form")
    p.add_argument("domains", nargs="*")


@command("list", "list domains", _list_args)
def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli import render

    data = ctx.client.get("/v1/domains")
    rows = [render.host_row(data["host"])] + data["domains"]
    if args.domains:
        wanted = set(args.domains)
        rows = [r for r in rows if r["name"] in wanted or str(r["id"]) in wanted or r.get("uuid") in wanted]
        missing = wanted - {r["name"] for r in rows} - {str(r["id"]) for r in rows} - {r.get("uuid") for r in rows}
        if missing:
            raise HvmctlError(f"domain '{sorted(missing)[0]}' does not exist")
    if args.json:
        return emit(args, rows)
    if args.long:
        return emit(args, rows, "\n".join(f"(domain\n{render.sxp(r, 1)}\n)" for r in rows))
    return emit(args, rows, render.list_table(rows))


def _simple(action: str, help: str) -> None:
    @command(action, help, domain=True)
    def handler(args: argparse.Namespace, ctx: Context) -> int:
        result = ctx.client.post(f"/v1/domains/{_ref(args.domain)}/{action}")
        return emit(args, result, "")


for _action, _help in (("destroy", "terminate a domain immediately"), ("pause", "pause a domain"),
                       ("unpause", "unpause a paused domain")):
    _simple(_action, _help)


def _shutdown_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-w", "--wait", action="store_true", help="wait for the domain to shut down")
    p.add_argument("-a", "--all", action="store_true", help="shut down every domain")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait (with -w or --force)")
    p.add_argument("-F", "--force", action="store_true", help="destroy the domain if it has not gone by then")
    p.add_argument("domain", nargs="?")


@command("shutdown", "ask a domain to shut down (ACPI power button)", _shutdown_args)
def cmd_shutdown(args: argparse.Namespace, ctx: Context) -> int:
    if args.all:
        targets = [d["name"] for d in ctx.client.get("/v1/domains")["domains"] if d["state"] in ("running", "paused")]
    elif args.domain:
        targets = [args.domain]
    else:
        raise HvmctlError("shutdown: name a domain, or -a for all")
    body = {"wait": args.wait, "timeout": args.timeout, "force": args.force}
    results = [ctx.client.post(f"/v1/domains/{_ref(t)}/shutdown", body) for t in targets]
    text = "\n".join(f"{r['name']}: {r['result']}" for r in results if r["result"] != "requested")
    return emit(args, results, text)


def _reboot_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-w", "--wait", action="store_true", help="wait for the reboot to happen")
    p.add_argument("--timeout", type=float, default=60.0)


@command("reboot", "reboot a domain (its on_reboot action applies)", _reboot_args, domain=True)
def cmd_reboot(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.post(f"/v1/domains/{_ref(args.domain)}/reboot", {"wait": args.wait, "timeout": args.timeout})
    return emit(args, result, "" if result["result"] == "requested" else f"{result['name']}: {result['result']}")


@command("mem-set", "set a running domain's memory (MiB) through its balloon",
         arg("mib", type=int, help="target memory in MiB"), domain=True)
def cmd_mem_set(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.post(f"/v1/domains/{_ref(args.domain)}/memory", {"mib": args.mib})
    return emit(args, result, f"{result['name']}: memory {result['actual_mib']} MiB (target {result['target_mib']})")


@command("profile", "print a domain as it is now (its live definition) as an xm profile, as xm list -l did",
         domain=True)
def cmd_profile(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.get(f"/v1/domains/{_ref(args.domain)}/profile")
    return emit(args, result, str(result["profile"]).rstrip("\n"))


@command("vcpu-set", "set a running domain's number of vCPUs (hotplug up to maxvcpus)",
         arg("count", type=int, help="vCPUs wanted"), domain=True)
def cmd_vcpu_set(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.post(f"/v1/domains/{_ref(args.domain)}/vcpus", {"count": args.count})
    return emit(args, result, f"{result['name']}: {result['present']} vCPUs")


def _top_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-d", "--delay", type=float, default=1.0, help="seconds between updates")
    p.add_argument("-i", "--iterations", type=int, default=0, help="stop after N updates (0: until Ctrl-C)")
    p.add_argument("-b", "--batch", action="store_true", help="plain lines, no screen clearing (for scripts)")


@command("top", "domains' CPU and memory use, refreshed (xentop)", _top_args)
def cmd_top(args: argparse.Namespace, ctx: Context) -> int:
    import time

    from hvmctl.cli import render

    def sample() -> tuple[float, dict[str, Any]]:
        data = ctx.client.get("/v1/domains")
        rows = [render.host_row(data["host"])] + data["domains"]
        return time.monotonic(), {r["name"]: r for r in rows}

    before_t, before = sample()
    shown = 0
    while not args.iterations or shown < args.iterations:
        time.sleep(args.delay)
        now_t, now = sample()
        rows = render.top_rows(before, now, now_t - before_t, now["Domain-0"]["memory"])
        if args.json:
            print(json.dumps(rows), flush=True)
        else:
            if not args.batch and sys.stdout.isatty():
                print("\x1b[H\x1b[2J", end="")
            print(render.top_table(rows), flush=True)
        before_t, before = now_t, now
        shown += 1
    return 0


@command("info", "information about the host")
def cmd_info(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli import render

    host = ctx.client.get("/v1/host")
    return emit(args, host, render.info_text(host))


@command("uptime", "uptime of domains", arg("domains", nargs="*"))
def cmd_uptime(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli import render

    data = ctx.client.get("/v1/domains")
    rows = [render.host_row(data["host"])] + data["domains"]
    if args.domains:
        rows = [r for r in rows if r["name"] in args.domains or str(r["id"]) in args.domains]
    return emit(args, rows, render.uptime_table(rows))


@command("domid", "the ID of a domain, by name", domain=True)
def cmd_domid(args: argparse.Namespace, ctx: Context) -> int:
    dom = _get(ctx, args.domain)
    return emit(args, {"name": dom["name"], "id": dom["id"]}, str(dom["id"]))


@command("domname", "the name of a domain, by ID", domain=True)
def cmd_domname(args: argparse.Namespace, ctx: Context) -> int:
    if args.domain == "0":
        return emit(args, {"name": "Domain-0", "id": 0}, "Domain-0")
    dom = _get(ctx, args.domain)
    return emit(args, {"name": dom["name"], "id": dom["id"]}, dom["name"])


def _get(ctx: Context, ref: str) -> dict[str, Any]:
    return ctx.client.get(f"/v1/domains/{_ref(ref)}")  # type: ignore[no-any-return]


_optional_domain = arg("domain", nargs="?", help="domain name, ID or UUID")


@command("log", "a domain's console log (or the daemon's log)", _optional_domain)
def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    if args.domain:
        text = ctx.client.call("GET", f"/v1/domains/{_ref(args.domain)}/console-log").decode(errors="replace")
    else:
        try:
            text = (ctx.paths.run_dir / "daemon.log").read_text(errors="replace")
        except OSError:
            text = ""
    return emit(args, {"log": text}, text.rstrip("\n"))


COMMANDS["dmesg"] = Command("dmesg", "the daemon's log (xm dmesg)", cmd_log, _optional_domain)


@command("screenshot", "save a domain's screen as PNG", arg("file", help="PNG file to write"),
         domain=True)
def cmd_screenshot(args: argparse.Namespace, ctx: Context) -> int:
    png = ctx.client.call("GET", f"/v1/domains/{_ref(args.domain)}/screenshot")
    out = Path(args.file)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(png)
    os.replace(tmp, out)
    return emit(args, {"file": str(out), "bytes": len(png)}, str(out))


@command("vncviewer", "open a VNC viewer on a domain's console (or print its address)",
         arg("--print", dest="print_only", action="store_true", help="only print host:port"), domain=True)
def cmd_vncviewer(args: argparse.Namespace, ctx: Context) -> int:
    import shutil

    dom = _get(ctx, args.domain)
    if not dom.get("vnc"):
        raise HvmctlError(f"domain '{dom['name']}' has no VNC console")
    viewer = shutil.which("vncviewer")
    if args.print_only or args.json or viewer is None or not sys.stdout.isatty():
        return emit(args, {"name": dom["name"], "vnc": dom["vnc"], "display": dom["vnc_display"]}, dom["vnc"])
    host, _, port = dom["vnc"].rpartition(":")
    os.execv(viewer, [viewer, f"{host}::{port}"])
    return 0


@command("console", "attach to a domain's serial console (detach with Ctrl-])", domain=True)
def cmd_console(args: argparse.Namespace, ctx: Context) -> int:
    return _console(ctx, args.domain)


def _console(ctx: Context, ref: str) -> int:
    from hvmctl.cli.console import attach

    dom = _get(ctx, ref)
    if not dom.get("serial_socket"):
        raise HvmctlError(f"domain '{dom['name']}': serial console goes to {dom['serial']}, not to a console")
    return attach(dom["serial_socket"], dom["name"])


@command("daemon", "run the hvmctl daemon in the foreground")
def cmd_daemon(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.daemon.main import run

    run()
    return 0


# feature areas register their commands on import (stdlib-only imports at module level)
for _area in ("network", "storage", "migration", "media"):
    importlib.import_module(f"hvmctl.cli.cmd_{_area}")


# ---- argument parsing -------------------------------------------------------------------
def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Run Xen xm/xl domain profiles as QEMU guests.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        if cmd.args is not None:
            cmd.args(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    prog = os.path.basename(sys.argv[0]) if argv is None else "hvmctl"
    if prog not in ("xm", "hvmctl"):
        prog = "hvmctl"
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command].handler(args, Context(prog))
    except HvmctlError as exc:
        print(f"{prog}: error: {one_line(exc.message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
