"""Serial port forms of xm/xl profiles (qemu-dm's ``-serial`` syntax, which xend and xl pass
on as is), parsed into what a QEMU chardev needs.

Options after a comma belong to the chardev, never to the path: ``unix:/run/s,server,nowait``
is the socket ``/run/s`` in server mode. As in qemu-dm, ``unix:`` and ``tcp:`` without
``server`` connect to a listener; ``udp:[REMOTE]:PORT[@[SRC]:SRCPORT]`` sends datagrams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hvmctl.config.keys import Mismatch, has_control

SERIAL_WHAT = (
    "a serial port: pty, vc, stdio, null, none, file:PATH, pipe:PATH, unix:PATH[,server][,nowait], "
    "tcp:[HOST]:PORT[,server][,nowait], telnet:HOST:PORT[,server][,nowait], udp:[HOST]:PORT[@[HOST]:PORT] or /dev/ttyX"
)
#: forms qemu-dm took that have no equivalent under a daemon-run QEMU
_REFUSED = {
    "mon": "the QEMU monitor is hvmctl's own (QMP); it cannot share a serial port",
    "braille": "no braille display backend here",
    "msmouse": "a serial mouse is not supported; use usbdevice = 'mouse'",
}
_OPTIONS = ("server", "nowait", "nodelay", "wait")
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]*\]|[^\s:@,\[\]]*):(\d{1,5})")
_TTY = re.compile(r"/dev/(tty[A-Za-z0-9]+|pts/\d+)")


@dataclass(frozen=True)
class Serial:
    """One parsed serial port. ``kind``: console (pty/vc/stdio: the daemon's socket), null,
    file, pipe, unix, tcp, telnet, udp, tty."""

    kind: str
    path: str = ""
    host: str = ""
    port: int = 0
    server: bool = False
    wait: bool = True  # qemu-dm's default for a server: wait for a client (',nowait' clears it)
    nodelay: bool = False
    localaddr: str = ""
    localport: int = 0


def parse_serial(text: str) -> Serial | None:
    """One serial entry → Serial; None for ``none`` (no port). Raises Mismatch."""
    value = text.strip()
    if has_control(value) or any(c.isspace() for c in value):
        raise Mismatch(SERIAL_WHAT, text)
    if value in ("", "none"):
        return None
    if value in ("pty", "vc", "stdio") or value.startswith("vc:"):
        return Serial("console")
    if value == "null":
        return Serial("null")
    if _TTY.fullmatch(value):
        return Serial("tty", path=value)
    kind, sep, rest = value.partition(":")
    if kind in _REFUSED or re.fullmatch(r"COM\d+|/dev/parport\d+", value):
        why = _REFUSED.get(kind, "a Windows COM port or a host parallel port is not a serial chardev here")
        raise Mismatch(f"{SERIAL_WHAT} ({why})", text)
    if not sep:
        raise Mismatch(SERIAL_WHAT, text)
    if kind in ("file", "pipe"):  # qemu-dm's file: and pipe: took no options: a comma is the path's
        return Serial(kind, path=_path(rest, text, commas=True))
    if kind == "udp":
        return _udp(rest, text)
    if kind in ("unix", "tcp", "telnet"):
        where, *opts = rest.split(",")
        flags = _options(opts, text)
        server = "server" in flags
        wait = server and "nowait" not in flags
        nodelay = "nodelay" in flags
        if kind == "unix":
            return Serial("unix", path=_path(where, text), server=server, wait=wait)
        host, port = _host_port(where, text)
        return Serial(kind, host=host, port=port, server=server, wait=wait, nodelay=nodelay)
    raise Mismatch(SERIAL_WHAT, text)


def _options(opts: list[str], text: str) -> set[str]:
    for opt in opts:
        if opt not in _OPTIONS:
            raise Mismatch(f"serial options among {', '.join(_OPTIONS)}", opt, text)
    return set(opts)


def _path(path: str, text: str, commas: bool = False) -> str:
    if not path.startswith("/") or ("," in path and not commas):
        raise Mismatch("an absolute path (options go after a comma: unix:/run/s,server,nowait)", path, text)
    return path


def _host_port(where: str, text: str) -> tuple[str, int]:
    m = _HOST_PORT.fullmatch(where)
    if m is None or not 1 <= int(m.group(2)) <= 65535:
        raise Mismatch("HOST:PORT with a port 1-65535", where, text)
    return m.group(1).strip("[]"), int(m.group(2))


def _udp(rest: str, text: str) -> Serial:
    remote, at, local = rest.partition("@")
    host, port = _host_port(remote, text)
    lhost, lport = _host_port(local, text) if at else ("", 0)
    return Serial("udp", host=host, port=port, localaddr=lhost, localport=lport)
