"""`hvmctl` and `xm`: the xm command set, plus hvmctl's own.

The start path is lean, because `xm list` should cost little more than the interpreter:
the command table is static (hvmctl.cli.table), only the typed command's module is
imported and only its arguments are set up, a plain command line is parsed without
argparse (hvmctl.cli.quickargs; argparse, with the `re` and `gettext` it imports, costs
~10 ms here), and nothing imports pathlib, typing, socket, re or urllib on that path.
Every command takes `--json`. Errors print one line to stderr and exit 1; with --json,
``{"error": kind, "message": ...}`` on stdout.
"""

from __future__ import annotations

import os
import sys

from hvmctl.cli.table import ALIASES, COMMANDS, MODULES
from hvmctl.errors import HvmctlError, one_line
from hvmctl.locations import Locations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

    from hvmctl.cli.client import Client
    from hvmctl.paths import Paths

    Handler = Callable[[argparse.Namespace, "Context"], int]
    ArgSpec = Callable[[argparse.ArgumentParser], None]

__all__ = ["COMMANDS", "Context", "arg", "command", "emit", "main"]


class Command:
    def __init__(self, name: str, help: str, handler: Handler, args: ArgSpec | None) -> None:
        self.name, self.help, self.handler, self.args = name, help, handler, args


#: what the command modules registered (name -> Command); COMMANDS is the static table
REGISTERED: dict[str, Command] = {}


class Context:
    def __init__(self, prog: str, connect: dict[str, str] | None = None) -> None:
        self.prog = prog
        self.where = Locations()
        self._paths: Paths | None = None
        self._client: Client | None = None
        #: -c/--connect, --token-file, --ca as given before the command (HVMCTL_CONNECT... else)
        self.connect = connect or {}
        self.remote = bool(self.connect.get("url") or os.environ.get("HVMCTL_CONNECT"))

    def require_local(self, what: str) -> None:
        """Refuse, in one line, a command that needs this host's files or sockets when the
        daemon is a remote one."""
        if self.remote:
            raise HvmctlError(f"{what} works on the daemon's own host only, not over -c/HVMCTL_CONNECT")

    @property
    def paths(self) -> Paths:
        """The locations as Path objects (pathlib is imported only by the commands using them)."""
        if self._paths is None:
            from hvmctl.paths import Paths

            self._paths = Paths.from_env()
        return self._paths

    @property
    def client(self) -> Any:
        if self._client is None:
            from hvmctl.cli.client import Client

            remote = None
            if self.remote:
                from hvmctl.cli.remote import Remote

                remote = Remote.from_options(self.connect.get("url"), self.connect.get("token_file"),
                                             self.connect.get("ca"))
            self._client = Client(self.where, remote=remote)
        return self._client


def command(name: str, help: str, args: ArgSpec | None = None, *, domain: bool = False) -> Callable[[Handler], Handler]:
    """Register a subcommand (list it in hvmctl.cli.table too). ``domain=True`` adds the
    positional DOMAIN (name, ID or UUID)."""

    def spec(p: argparse.ArgumentParser) -> None:
        if domain:
            p.add_argument("domain", help="domain name, ID or UUID")
        if args is not None:
            args(p)

    def register(fn: Handler) -> Handler:
        REGISTERED[name] = Command(name, help, fn, spec)
        return fn

    return register


def arg(*names: str, **kw: Any) -> ArgSpec:
    """An ArgSpec adding one argument (for commands that take a single extra one)."""

    def spec(p: argparse.ArgumentParser) -> None:
        p.add_argument(*names, **kw)

    return spec


def emit(args: argparse.Namespace, data: Any, text: str | None = None) -> int:
    if getattr(args, "json", False) or text is None:
        from hvmctl.cli.fastjson import dumps

        print(dumps(data, indent=2, sort_keys=True))
    elif text:
        print(text)
    return 0


# ---- commands ---------------------------------------------------------------------------
def profile_args(p: argparse.ArgumentParser) -> None:
    """The profile and its key=value overrides, as xm create and xm new take them."""
    p.add_argument("profile", help="profile path, or name in the profile directory (/etc/xen)")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="override profile keys / set xm_vars")


def profile_body(args: argparse.Namespace, ctx: Context) -> dict[str, Any]:
    """The request body naming a profile: its text (read here, where the file is), where it
    came from (for file:line errors) and the overrides."""
    from hvmctl.config import find_profile, read_profile_text

    path = find_profile(args.profile, search_dirs=[ctx.paths.profile_dir])
    text = read_profile_text(path)  # UTF-8, or Latin-1 for old xm files (as xend's Python 2 read bytes)
    return {"profile": text, "filename": str(path.resolve()), "overrides": args.overrides}


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--console", action="store_true", help="attach to the console after creating")
    p.add_argument("-n", "--dry-run", action="store_true", help="print the QEMU argv, start nothing")
    p.add_argument("-p", "--paused", action="store_true", help="leave the domain paused after creating")
    p.add_argument("--host", help="the pool member to start it on (default: placement by free memory)")
    p.add_argument("--allow-any-path", action="store_true",
                   help="let the guest use system files (/etc, /boot, ...) too; local root only")
    profile_args(p)


@command("create", "create a domain from a profile", _create_args)
def cmd_create(args: argparse.Namespace, ctx: Context) -> int:
    body = profile_body(args, ctx) | {"dry_run": args.dry_run, "paused": args.paused}
    if args.host:
        body["host"] = args.host
    if args.allow_any_path:
        body["allow_any_path"] = True
    result = ctx.client.act("create", body)
    for warning in result.get("warnings", []):
        print(warning, file=sys.stderr)
    if args.dry_run:
        for note in result.get("notes", []):  # what this host leaves out of the machine asked for
            print(f"note: {note}", file=sys.stderr)
        return emit(args, result, "\n".join(result["argv"]))
    return report_started(args, ctx, result)


def report_started(args: argparse.Namespace, ctx: Context, result: dict[str, Any]) -> int:
    """What xm create and xm start print for a started domain (or attach its console, -c)."""
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
    p.add_argument("--pool", action="store_true", help="every domain of every pool member, with its host")
    p.add_argument("domains", nargs="*")


@command("list", "list domains", _list_args)
def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli import render

    if args.pool:
        from hvmctl.cli.cmd_pool import pool_list

        return pool_list(args, ctx)
    data = ctx.client.act("list")
    rows = [render.host_row(data["host"])] + data["domains"]
    if args.domains:
        wanted = set(args.domains)
        rows = [r for r in rows if r["name"] in wanted or str(r["id"]) in wanted or r.get("uuid") in wanted]
        missing = wanted - {r["name"] for r in rows} - {str(r["id"]) for r in rows} - {r.get("uuid") for r in rows}
        if missing:
            rows += _pool_rows(ctx, missing)
            missing -= {r["name"] for r in rows} | {r.get("uuid") for r in rows}
        if missing:
            raise HvmctlError(f"domain '{sorted(missing)[0]}' does not exist")
    if args.json:
        return emit(args, rows)
    if args.long:
        return emit(args, rows, "\n".join(f"(domain\n{render.sxp(r, 1)}\n)" for r in rows))
    return emit(args, rows, render.list_table(rows))


def _pool_rows(ctx: Context, names: set[str]) -> list[dict[str, Any]]:
    """`xm list NAME` of a domain on another pool member: its row from the pool view (by
    name or UUID; IDs are per host). Not a member, or the pool unreachable: none."""
    try:
        listed = ctx.client.act("pool-list")
    except HvmctlError:
        return []
    return [r for r in listed["domains"] if r["host"] != listed.get("host")
            and (r["name"] in names or r.get("uuid") in names)]


def _simple(action: str, help: str) -> None:
    @command(action, help, domain=True)
    def handler(args: argparse.Namespace, ctx: Context) -> int:
        result = ctx.client.act(action, ref=args.domain)
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
        targets = [d["name"] for d in ctx.client.act("list")["domains"] if d["state"] in ("running", "paused")]
    elif args.domain:
        targets = [args.domain]
    else:
        raise HvmctlError("shutdown: name a domain, or -a for all")
    body = {"wait": args.wait, "timeout": args.timeout, "force": args.force}
    results = [ctx.client.act("shutdown", body, ref=t) for t in targets]
    text = "\n".join(f"{r['name']}: {r['result']}" for r in results if r["result"] != "requested")
    return emit(args, results, text)


def scope_args(p: argparse.ArgumentParser) -> None:
    """virsh's --live/--config (hvmctl.daemon.scope); neither: as without them."""
    p.add_argument("--live", action="store_true", help="change the running guest only")
    p.add_argument("--config", action="store_true",
                   help="change the managed definition only (also while it is stopped); both flags: both")


def _reboot_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-w", "--wait", action="store_true", help="wait for the reboot to happen")
    p.add_argument("--timeout", type=float, default=60.0)


@command("reboot", "reboot a domain (its on_reboot action applies)", _reboot_args, domain=True)
def cmd_reboot(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("reboot", {"wait": args.wait, "timeout": args.timeout}, ref=args.domain)
    return emit(args, result, "" if result["result"] == "requested" else f"{result['name']}: {result['result']}")


def _mem_set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("mib", type=int, help="target memory in MiB")
    scope_args(p)


@command("mem-set", "set a running domain's memory (MiB) through its balloon", _mem_set_args, domain=True)
def cmd_mem_set(args: argparse.Namespace, ctx: Context) -> int:
    body = {"mib": args.mib, "live": args.live, "config": args.config}
    result = ctx.client.act("mem-set", body, ref=args.domain)
    if "actual_mib" not in result:  # --config only
        return emit(args, result, f"{result['name']}: {result['result']}")
    return emit(args, result, f"{result['name']}: memory {result['actual_mib']} MiB (target {result['target_mib']})")


@command("profile", "print a domain as it is now (its live definition) as an xm profile, as xm list -l did",
         arg("--format", choices=("xm", "xl", "libvirt"), default="xm",
             help="xm profile (default), xl.cfg, or libvirt domain XML"), domain=True)
def cmd_profile(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("profile", ref=args.domain)
    if args.format != "xm":
        result["profile"] = result.get("formats", {}).get(args.format, "")
    result["format"] = args.format
    return emit(args, result, str(result["profile"]).rstrip("\n"))


def _vcpu_set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("count", type=int, help="vCPUs wanted")
    scope_args(p)


@command("vcpu-set", "set a running domain's number of vCPUs (hotplug up to maxvcpus)", _vcpu_set_args,
         domain=True)
def cmd_vcpu_set(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("vcpu-set", {"count": args.count, "live": args.live, "config": args.config},
                            ref=args.domain)
    if "present" not in result:  # --config only
        return emit(args, result, f"{result['name']}: {result['result']}")
    return emit(args, result, f"{result['name']}: {result['present']} vCPUs")


def _top_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-d", "--delay", type=float, default=1.0, help="seconds between updates")
    p.add_argument("-i", "--iterations", type=int, default=0, help="stop after N updates (0: until Ctrl-C)")
    p.add_argument("-b", "--batch", action="store_true", help="plain lines, no screen clearing (for scripts)")


@command("top", "domains' CPU and memory use, refreshed (xentop)", _top_args)
def cmd_top(args: argparse.Namespace, ctx: Context) -> int:
    import json
    import time

    from hvmctl.cli import render

    def sample() -> tuple[float, dict[str, Any]]:
        data = ctx.client.act("list")
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

    host = ctx.client.act("host")
    return emit(args, host, render.info_text(host))


@command("uptime", "uptime of domains", arg("domains", nargs="*"))
def cmd_uptime(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.cli import render

    data = ctx.client.act("list")
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
    return ctx.client.act("get", ref=ref)  # type: ignore[no-any-return]


_optional_domain = arg("domain", nargs="?", help="domain name, ID or UUID")


@command("log", "a domain's console log (or the daemon's log)", _optional_domain)
def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    if args.domain:
        text = ctx.client.act("console-log", ref=args.domain).decode(errors="replace")
    else:
        ctx.require_local("the daemon's log (xm log without a domain)")
        try:
            with open(os.path.join(ctx.where.run_dir, "daemon.log"), errors="replace") as fh:
                text = fh.read()
        except OSError:
            text = ""
    return emit(args, {"log": text}, text.rstrip("\n"))


REGISTERED["dmesg"] = Command("dmesg", "the daemon's log (xm dmesg)", cmd_log, _optional_domain)


@command("screenshot", "save a domain's screen as PNG", arg("file", help="PNG file to write"),
         domain=True)
def cmd_screenshot(args: argparse.Namespace, ctx: Context) -> int:
    png = ctx.client.act("screenshot", ref=args.domain)
    from pathlib import Path

    from hvmctl.atomic import write_bytes_atomic

    out = args.file
    write_bytes_atomic(Path(out), png, 0o644)
    return emit(args, {"file": out, "bytes": len(png)}, out)


#: VNC viewers tried in order, with how each is told host and port
VIEWERS = (
    ("vncviewer", "{host}::{port}"),  # TigerVNC, TightVNC, RealVNC
    ("xtightvncviewer", "{host}::{port}"),
    ("xvnc4viewer", "{host}::{port}"),
    ("gvncviewer", "{host}:{display}"),
    ("remmina", "vnc://{host}:{port}"),
    ("vinagre", "{host}::{port}"),
)


def find_viewer(vnc: str, display: int) -> list[str] | None:
    """The argv of the first VNC viewer on PATH for ``host:port``, or None (none installed)."""
    import shutil

    host, _, port = vnc.rpartition(":")
    for name, form in VIEWERS:
        path = shutil.which(name)
        if path is not None:
            target = form.format(host=host, port=port, display=display)
            return [path, "-c", target] if name == "remmina" else [path, target]
    return None


@command("vncviewer", "open a VNC viewer on a domain's console (or print its address)",
         arg("--print", dest="print_only", action="store_true", help="only print host:port"), domain=True)
def cmd_vncviewer(args: argparse.Namespace, ctx: Context) -> int:
    dom = _get(ctx, args.domain)
    if not dom.get("vnc"):
        raise HvmctlError(f"domain '{dom['name']}' has no VNC console")
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    viewer = None if args.print_only or args.json or not has_display else find_viewer(dom["vnc"], dom["vnc_display"])
    if viewer is None:  # --print, --json, no viewer or no screen to show it on: the address
        return emit(args, {"name": dom["name"], "vnc": dom["vnc"], "display": dom["vnc_display"]}, dom["vnc"])
    os.execv(viewer[0], viewer)
    return 0


@command("console", "attach to a domain's serial console (detach with Ctrl-])", domain=True)
def cmd_console(args: argparse.Namespace, ctx: Context) -> int:
    return _console(ctx, args.domain)


def _console(ctx: Context, ref: str) -> int:
    """The serial socket when the guest is on this host; else (a pool member has it, or
    the daemon is remote) its console relayed by the daemon (serial-out / serial-in)."""
    from hvmctl.cli.console import attach, relay

    dom = _get(ctx, ref)
    if not dom.get("serial_socket"):
        raise HvmctlError(f"domain '{dom['name']}': serial console goes to {dom['serial']}, not to a console")
    headers, output = ctx.client.act_bytes("serial-out", ref=dom["uuid"])
    if not ctx.remote and "x-hvmctl-forwarded" not in headers:
        output.close()  # closes the stream
        return attach(dom["serial_socket"], dom["name"])

    def send(data: bytes) -> None:
        ctx.client.act("serial-in", {"keys": data.decode("latin-1")}, ref=dom["uuid"])

    return relay(dom["name"], output, send)


@command("daemon", "run the hvmctl daemon in the foreground")
def cmd_daemon(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.daemon.main import run

    run()
    return 0


@command("help", "the command list, or one command's arguments (xm help [CMD])",
         arg("topic", nargs="?", metavar="COMMAND", help="the command to explain"))
def cmd_help(args: argparse.Namespace, ctx: Context) -> int:
    if not args.topic:
        return emit(args, {"commands": {n: h for n, (_, h) in COMMANDS.items()}, "aliases": ALIASES},
                    help_text(ctx.prog))
    name = ALIASES.get(args.topic, args.topic)
    cmd = _find(name)
    if cmd is None:
        raise HvmctlError(_unknown(args.topic))
    if args.json:
        return emit(args, {"command": name, "help": COMMANDS.get(name, ("", cmd.help))[1]})
    try:
        _argparse(ctx.prog, cmd, ["--help"])
    except SystemExit:
        pass
    return 0


# ---- the start path --------------------------------------------------------------------
def _usage(prog: str) -> str:
    return f"usage: {prog} [-h] COMMAND ..."


def help_text(prog: str) -> str:
    """The whole program's help, from the static table (no command module is imported)."""
    width = max(len(name) for name in COMMANDS) + 2
    lines = [_usage(prog), "", "Run Xen xm/xl domain profiles as QEMU guests.", "", "commands:"]
    lines += [f"  {name:<{width}}{help}" for name, (_, help) in COMMANDS.items()]
    lines += ["", "aliases (xl):"] + [f"  {alias:<{width}}= {name}" for alias, name in ALIASES.items()]
    lines += ["", "options:", f"  {'-h, --help':<{width}}show this help message and exit",
              f"  {'--version':<{width}}show the version and exit",
              f"  {'-c, --connect URL':<{width}}a remote daemon, https://HOST:PORT (HVMCTL_CONNECT)",
              f"  {'--token-file F':<{width}}its API token (HVMCTL_TOKEN_FILE)",
              f"  {'--ca FILE':<{width}}verify its certificate against FILE (else: pinned on first use)", "",
              f"'{prog} COMMAND --help' shows a command's arguments; every command takes --json."]
    return "\n".join(lines)


def _find(name: str) -> Command | None:
    """The typed command, importing only its module (or, for a command missing from the
    table, every command module)."""
    if name in COMMANDS:
        __import__(COMMANDS[name][0])
    elif name not in REGISTERED:
        for module in MODULES:
            __import__(module)
    return REGISTERED.get(name)


def _unknown(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(COMMANDS) + list(ALIASES), n=1)
    return f"unknown command '{one_line(name)}'; " + (f"did you mean '{close[0]}'?" if close else
                                                      "see --help for the list")


def _usage_error(prog: str, message: str, as_json: bool) -> int:
    if as_json:
        _print_json_error("usage", message)
    else:
        print(f"{_usage(prog)}\n{prog}: error: {message}", file=sys.stderr)
    return 2


def _print_json_error(kind: str, message: str) -> None:
    from hvmctl.cli.fastjson import dumps

    print(dumps({"error": kind, "message": message}))


def parse(prog: str, cmd: Command, words: list[str]) -> Any:
    """The command's arguments: without argparse when the line is plain, else argparse's
    own parsing, help and errors (as JSON with --json)."""
    from hvmctl.cli.quickargs import Recorder, Unsupported

    rec = Recorder()
    rec.add_argument("--json", action="store_true")
    try:
        if cmd.args is not None:
            cmd.args(rec)  # type: ignore[arg-type]  # a Recorder stands in for the parser
        parsed = rec.parse(words)
    except Unsupported:
        parsed = None
    if parsed is not None:
        return parsed
    return _argparse(prog, cmd, words)


def _argparse(prog: str, cmd: Command, words: list[str]) -> argparse.Namespace:
    import argparse

    as_json = "--json" in words

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> Any:
            if not as_json:
                super().error(message)
            _print_json_error("usage", f"{self.prog}: {message}")
            raise SystemExit(2)

    help = COMMANDS[cmd.name][1] if cmd.name in COMMANDS else cmd.help
    parser = Parser(prog=f"{prog} {cmd.name}", description=help)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    if cmd.args is not None:
        cmd.args(parser)
    return parser.parse_args(words)


#: options before the command: which daemon (a remote one over HTTPS), see cli/remote.py
GLOBAL_OPTIONS = {"-c": "url", "--connect": "url", "--token-file": "token_file", "--ca": "ca"}


def main(argv: list[str] | None = None) -> int:
    prog = os.path.basename(sys.argv[0]) if argv is None else "hvmctl"
    if prog not in ("xm", "hvmctl"):
        prog = "hvmctl"
    words = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in words
    if not words:
        print(help_text(prog))
        return 2
    if words[0] in ("-h", "--help"):
        print(help_text(prog))
        return 0
    if words[0] in ("--version", "-V"):
        from hvmctl import __version__

        if as_json:
            from hvmctl.cli.fastjson import dumps

            print(dumps({"program": prog, "version": __version__}))
        else:
            print(f"{prog} (hvmctl) {__version__}")
        return 0
    connect: dict[str, str] = {}
    while words and words[0].split("=", 1)[0] in GLOBAL_OPTIONS:
        option, eq, value = words[0].partition("=")
        if not eq:
            if len(words) < 2:
                return _usage_error(prog, f"{option} needs a value", as_json)
            value = words[1]
        words = words[1:] if eq else words[2:]
        connect[GLOBAL_OPTIONS[option]] = value
    if not words:
        return _usage_error(prog, "a command is needed after the connection options", as_json)
    if words[0].startswith("-"):
        return _usage_error(prog, f"unrecognized arguments: {one_line(words[0])}", as_json)
    cmd = _find(ALIASES.get(words[0], words[0]))
    if cmd is None:
        return _usage_error(prog, _unknown(words[0]), as_json)
    args = parse(prog, cmd, words[1:])
    try:
        return cmd.handler(args, Context(prog, connect))
    except HvmctlError as exc:
        if getattr(args, "json", False):
            _print_json_error(exc.kind, one_line(exc.message))
        else:
            print(f"{prog}: error: {one_line(exc.message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
