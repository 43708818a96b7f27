#!/usr/bin/env python3
"""Man pages and bash completion for the Debian package, made from the CLI's own --help.

Why from the help text: it is what the user sees, so the pages cannot drift from it; and
the CLI's internals are being restructured, so nothing here imports them. The CLI is RUN
(``PYTHON -m hvmctl --help``, then ``PYTHON -m hvmctl CMD --help`` for every command it
lists, and once more for sub-commands such as ``image create``) and its output parsed.

hvmctl.conf(5) comes from the commented settings files the package installs
(contrib/debian/default-*): the comments a user reads in /etc/default are the manual.

Usage: manpages.py OUTDIR [--python PY] [--conf FILE ...] [--version V] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HELP_TIMEOUT = 60.0
ENTRY = re.compile(r"^( +)(\S+(?: \S+)*?)(?: {2,}(\S.*))?$")


@dataclass
class Entry:
    term: str
    desc: str
    indent: int


@dataclass
class Help:
    usage: str
    description: str
    sections: list[tuple[str, list[Entry]]] = field(default_factory=list)

    def section(self, *titles: str) -> list[Entry]:
        return [e for t, entries in self.sections if t in titles for e in entries]


def _desc_column(lines: list[str]) -> int:
    """The column descriptions start at in one section (argparse aligns them all)."""
    cols = []
    for line in lines:
        m = ENTRY.match(line)
        if m and m.group(3):
            cols.append(len(line) - len(m.group(3)))
    return min(cols) if cols else 10**6


def parse_help(text: str) -> Help:
    """argparse-style help: ``usage:`` (wrapped), description paragraphs, then sections
    (a line ``title:`` at column 0) of entries ``  term   description`` whose description
    may wrap onto lines indented to the description column, or start on the next line."""
    lines = text.rstrip("\n").splitlines()
    i = 0
    usage_lines: list[str] = []
    if lines and lines[0].startswith("usage:"):
        usage_lines.append(lines[0][len("usage:"):].strip())
        i = 1
        while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
            usage_lines.append(lines[i].strip())
            i += 1
    desc: list[str] = []
    while i < len(lines) and not (lines[i] and not lines[i][0].isspace() and lines[i].endswith(":")):
        desc.append(lines[i].strip())
        i += 1
    result = Help(usage=" ".join(usage_lines), description="\n".join(desc).strip())
    while i < len(lines):
        title = lines[i][:-1].strip()
        i += 1
        body: list[str] = []
        while i < len(lines) and not (lines[i] and not lines[i][0].isspace() and lines[i].endswith(":")):
            body.append(lines[i])
            i += 1
        col = _desc_column(body)
        entries: list[Entry] = []
        for line in body:
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            if indent >= col and entries:
                entries[-1].desc = f"{entries[-1].desc} {line.strip()}".strip()
                continue
            m = ENTRY.match(line)
            if m is None:
                continue
            entries.append(Entry(m.group(2), (m.group(3) or "").strip(), indent))
        result.sections.append((title, entries))
    return result


def commands_of(top: Help) -> list[Entry]:
    """The commands a top-level (or ``image``-like) help lists: lower-case words in any
    section but the options, below an upper-case placeholder (COMMAND) if there is one."""
    found = []
    for title, entries in top.sections:
        if title.lower() in ("options", "optional arguments"):
            continue
        for entry in entries:
            if re.fullmatch(r"[a-z][a-z0-9-]*", entry.term):
                found.append(entry)
    return found


def positionals(cmd: Help) -> list[str]:
    """Names of a command's positional arguments, in order (``{a,b}`` choices kept)."""
    names = []
    for entry in cmd.section("positional arguments", "arguments"):
        if re.fullmatch(r"[A-Z_]+", entry.term):  # SUBCOMMAND placeholder
            continue
        if entry.indent > 2:  # a sub-command listed under the placeholder
            continue
        names.append(entry.term)
    return names


def option_words(cmd: Help) -> list[str]:
    words = []
    for entry in cmd.section("options", "optional arguments"):
        for part in entry.term.split(", "):
            word = part.split(" ")[0]
            if word.startswith("-"):
                words.append(word)
    return words


# --------------------------------------------------------------------------- roff

def roff(text: str) -> str:
    """Escape text for a roff line (backslashes, leading dots and quotes, hyphens)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def _entries_roff(entries: list[Entry]) -> list[str]:
    out = []
    for entry in entries:
        out += [".TP", f"\\fB{roff(entry.term)}\\fR", roff(entry.desc or "")]
    return out


@dataclass
class Command:
    name: str
    summary: str
    help: Help
    subcommands: list["Command"] = field(default_factory=list)


def command_roff(cmd: Command, prog: str, level: str = ".SS") -> list[str]:
    usage = cmd.help.usage.replace("hvmctl", prog, 1)
    out = [f"{level} {roff(cmd.name)}", ".nf", f"\\fB{roff(usage)}\\fR", ".fi", ".PP",
           roff(cmd.help.description or cmd.summary)]
    args = [e for e in cmd.help.section("positional arguments", "arguments")
            if e.indent <= 2 and not re.fullmatch(r"[A-Z_]+", e.term)]
    opts = [e for e in cmd.help.section("options", "optional arguments") if e.term not in ("-h, --help",)]
    if args or opts:
        out += [".RS"] + _entries_roff(args + opts) + [".RE"]
    for sub in cmd.subcommands:
        out += command_roff(sub, prog, ".TP" if False else ".SS")
    return out


def page_header(name: str, section: str, version: str, date: str, title: str) -> list[str]:
    return [
        f'.\\" Generated by scripts/manpages.py from `hvmctl --help`; edit the CLI, not this file.',
        f'.TH {name.upper()} {section} "{date}" "hvmctl {version}" "{title}"',
    ]


FILES_ROFF = [
    ".SH FILES", ".TP", "\\fI/etc/xen\\fR", "Domain profiles; \\fBxm create NAME\\fR looks here.",
    ".TP", "\\fI/etc/xen/auto\\fR", "Profiles (links) started with the host by \\fBhvmctl\\-guests.service\\fR.",
    ".TP", "\\fI/etc/default/hvmctl\\fR, \\fI/etc/default/hvmctl\\-guests\\fR", "Settings; see \\fBhvmctl.conf\\fR(5).",
    ".TP", "\\fI/var/lib/hvmctl\\fR", "Domain records, MAC registry, accelerator verdict, saved guests.",
    ".TP", "\\fI/var/log/hvmctl\\fR", "Guests' console and QEMU logs.",
    ".TP", "\\fI/run/hvmctl\\fR", "The daemon's API socket and the guests' runtime files.",
]


def cli_page(prog: str, top: Help, commands: list[Command], version: str, date: str) -> str:
    other = "hvmctl" if prog == "xm" else "xm"
    lines = page_header(prog, "1", version, date, "hvmctl manual")
    lines += [".SH NAME", f"{prog} \\- {roff(top.description.splitlines()[0] if top.description else 'hvmctl')}",
              ".SH SYNOPSIS", f"\\fB{prog}\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
              ".SH DESCRIPTION",
              roff(f"{prog} reads Xen xm/xl domain profiles and runs each guest under QEMU; a daemon "
                   "(hvmctl-daemon(8)) supervises the guests and answers the commands below."),
              roff(f"{other} is the same program under another name. Every command takes --json "
                   "for machine-readable output. A domain is named by name, ID or UUID."),
              ".SH COMMANDS"]
    for cmd in commands:
        lines += command_roff(cmd, prog)
    lines += [".SH ENVIRONMENT", ".TP", "\\fBHVMCTL_SOCKET\\fR", "The daemon's API socket.",
              ".TP", "\\fBHVMCTL_NO_AUTOSTART\\fR", "Set: never start a daemon on demand.",
              ".PP", "The other \\fBHVMCTL_*\\fR variables are described in \\fBhvmctl.conf\\fR(5)."]
    lines += FILES_ROFF
    lines += [".SH SEE ALSO", f"\\fB{other}\\fR(1), \\fBhvmctl\\-daemon\\fR(8), \\fBhvmctl.conf\\fR(5)"]
    return "\n".join(lines) + "\n"


def daemon_page(daemon: Command, version: str, date: str) -> str:
    lines = page_header("hvmctl-daemon", "8", version, date, "hvmctl manual")
    lines += [".SH NAME", f"hvmctl\\-daemon \\- {roff(daemon.help.description or daemon.summary)}",
              ".SH SYNOPSIS", f"\\fB{roff(daemon.help.usage)}\\fR",
              ".SH DESCRIPTION",
              roff("The daemon supervises every guest: QEMU runs detached (it survives the daemon), "
                   "the daemon holds each guest's QMP connection, decides what poweroff, reboot and "
                   "crash mean, and re-attaches to running guests after a restart. The CLI talks to it "
                   "over HTTP/JSON on a Unix socket (mode 0600); without systemd the CLI starts it on demand."),
              ".SH OPTIONS"] + _entries_roff(daemon.help.section("options", "optional arguments"))
    lines += [".SH SYSTEMD UNITS", ".TP", "\\fBhvmctl.socket\\fR",
              roff("Holds the API socket, so clients queue instead of being refused while the daemon restarts."),
              ".TP", "\\fBhvmctl.service\\fR",
              roff("Runs the daemon (KillMode=process: stopping it never stops a guest); reads /etc/default/hvmctl."),
              ".TP", "\\fBhvmctl\\-guests.service\\fR (alias \\fBhvmctl\\-domains.service\\fR)",
              roff("Xen's xendomains: hvmctl host-start at boot, hvmctl host-stop at shutdown, "
                   "as /etc/default/hvmctl-guests says.")]
    lines += FILES_ROFF
    lines += [".SH SEE ALSO", "\\fBxm\\fR(1), \\fBhvmctl\\fR(1), \\fBhvmctl.conf\\fR(5), \\fBsystemd.exec\\fR(5)"]
    return "\n".join(lines) + "\n"


def parse_settings_doc(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A commented settings file: its header comment, then (key, default, explanation) for
    each ``KEY=value`` or ``#KEY=value`` line, explained by the comment lines above it."""
    header: list[str] = []
    items: list[tuple[str, str, str]] = []
    pending: list[str] = []
    in_header = True
    for raw in text.splitlines():
        line = raw.strip()
        m = re.fullmatch(r"#?\s*([A-Z][A-Z0-9]*_[A-Z0-9_]+)=(\S*)", line)
        if m and not in_header:
            items.append((m.group(1), m.group(2), " ".join(pending)))
            pending = []
        elif not line:
            if in_header:
                header, in_header = pending, False
            pending = []
        elif line.startswith("#"):
            pending.append(line.lstrip("#").strip())
    return " ".join(header), items


def conf_page(confs: list[tuple[str, str]], version: str, date: str) -> str:
    lines = page_header("hvmctl.conf", "5", version, date, "hvmctl manual")
    lines += [".SH NAME", "hvmctl.conf \\- settings of the hvmctl daemon and of hvmctl\\-guests",
              ".SH DESCRIPTION",
              roff("hvmctl has no configuration file of its own syntax: the daemon takes HVMCTL_* variables "
                   "from its environment (under systemd: /etc/default/hvmctl), and the xendomains settings "
                   "from a file of the seed's XENDOMAINS_* keys. Both are KEY=value lines read as data: "
                   "shell quoting, no command substitution. Below, each file as installed.")]
    for path, text in confs:
        header, items = parse_settings_doc(text)
        lines += [f".SH {roff(path)}", roff(header)]
        for key, default, why in items:
            shown = f"{key}={default}" if default else key
            lines += [".TP", f"\\fB{roff(shown)}\\fR", roff(why)]
    lines += [".SH SEE ALSO", "\\fBxm\\fR(1), \\fBhvmctl\\-daemon\\fR(8), \\fBsystemd.exec\\fR(5)"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- completion

def completion_script(commands: list[Command]) -> str:
    """bash completion for xm and hvmctl: the command list and each command's options are
    baked in (from --help at build time); domain names come from the daemon (`xm list`,
    never starting a daemon, 2 s at most) and profile names from the profile directory."""
    cases = []
    for cmd in commands:
        pos = positionals(cmd.help)
        first = pos[0] if pos else ""
        kind = "domain" if first in ("domain", "domains") else "profile" if first == "profile" else "file"
        if first.startswith("{"):
            kind = "words:" + " ".join(first.strip("{}").split(","))
        if cmd.subcommands:
            kind = "words:" + " ".join(s.name for s in cmd.subcommands)
        opts = " ".join(option_words(cmd.help))
        cases.append(f"        {cmd.name}) opts='{opts}'; kind='{kind}' ;;")
    names = " ".join(c.name for c in commands)
    return f"""# bash completion for xm and hvmctl -- generated by scripts/manpages.py from --help
_hvmctl_domains() {{
    HVMCTL_NO_AUTOSTART=1 timeout 2 "$1" list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" {{ print $1 }}'
}}
_hvmctl_profiles() {{
    local dir=${{HVMCTL_PROFILE_DIR:-/etc/xen}} f
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        case ${{f##*/}} in *~|*.sxp|*.dpkg-*|xend-*) continue ;; esac
        printf '%s\\n' "${{f##*/}}"
    done
}}
_hvmctl() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} cmd=${{COMP_WORDS[1]}} opts='' kind='file'
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W '{names}' -- "$cur"))
        return
    fi
    case $cmd in
{chr(10).join(cases)}
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $kind in
        domain) COMPREPLY=($(compgen -W "$(_hvmctl_domains "${{COMP_WORDS[0]}}")" -- "$cur")) ;;
        profile) COMPREPLY=($(compgen -W "$(_hvmctl_profiles)" -- "$cur") $(compgen -f -- "$cur")) ;;
        words:*) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "${{kind#words:}}" -- "$cur"));
                 else COMPREPLY=($(compgen -W "$(_hvmctl_domains "${{COMP_WORDS[0]}}")" -- "$cur") $(compgen -f -- "$cur")); fi ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}}
complete -o filenames -F _hvmctl xm hvmctl
"""


# --------------------------------------------------------------------------- running the CLI

def run_help(python: str, *words: str) -> str:
    env = dict(os.environ, COLUMNS="100", HVMCTL_NO_AUTOSTART="1")
    proc = subprocess.run([python, "-m", "hvmctl", *words, "--help"], capture_output=True, text=True,
                          timeout=HELP_TIMEOUT, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"manpages: `hvmctl {' '.join(words)} --help` failed (exit {proc.returncode}): "
                         f"{proc.stderr.strip().splitlines()[-1:] or ''}")
    return proc.stdout


def collect(python: str) -> tuple[Help, list[Command]]:
    top = parse_help(run_help(python))
    entries = commands_of(top)
    with ThreadPoolExecutor(max_workers=4) as pool:  # ~45 interpreter starts: overlap them
        helps = list(pool.map(lambda e: parse_help(run_help(python, e.term)), entries))
        commands = [Command(e.term, e.desc, h) for e, h in zip(entries, helps)]
        subs = [(cmd, sub) for cmd in commands for sub in commands_of(cmd.help)
                if sub.indent > 2]  # listed under the SUBCOMMAND placeholder
        sub_helps = list(pool.map(lambda cs: parse_help(run_help(python, cs[0].name, cs[1].term)), subs))
    for (cmd, sub), sub_help in zip(subs, sub_helps):
        cmd.subcommands.append(Command(f"{cmd.name} {sub.term}", sub.desc, sub_help))
    if not commands:
        raise SystemExit("manpages: no commands found in `hvmctl --help`")
    return top, commands


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--conf", action="append", default=[], metavar="INSTALLED_PATH=SOURCE")
    ap.add_argument("--version", default="0")
    ap.add_argument("--date", default="2026-01-01")
    args = ap.parse_args(argv)
    top, commands = collect(args.python)
    out: Path = args.outdir
    for sub in ("man1", "man5", "man8", "completion"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for prog in ("xm", "hvmctl"):
        (out / "man1" / f"{prog}.1").write_text(cli_page(prog, top, commands, args.version, args.date))
    daemon = next((c for c in commands if c.name == "daemon"), None)
    if daemon is None:
        raise SystemExit("manpages: `hvmctl --help` lists no daemon command")
    (out / "man8" / "hvmctl-daemon.8").write_text(daemon_page(daemon, args.version, args.date))
    confs = []
    for spec in args.conf:
        installed, _, source = spec.partition("=")
        confs.append((installed, Path(source).read_text()))
    (out / "man5" / "hvmctl.conf.5").write_text(conf_page(confs, args.version, args.date))
    (out / "completion" / "hvmctl").write_text(completion_script(commands))
    print(f"manpages: {len(commands)} commands, "
          f"{sum(len(c.subcommands) for c in commands)} sub-commands", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
