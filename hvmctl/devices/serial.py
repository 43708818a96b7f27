"""Serial ports: the ``-chardev``/``-serial`` pairs of the argv, one per port of the profile.

Port 0 keeps a log of everything the guest wrote (console.log: ``xm log``, ``dmesg``) and, for
pty/vc/stdio, becomes the Unix socket the daemon hands to ``xm console``; a further
pty/vc/stdio port gets a socket of its own (``serialN.sock`` in the run dir). The daemon
binds those sockets and QEMU gets each as ``fd=N`` (``sockets``: port index -> fd); without
an fd (a dry run's plain argv) the chardev names the path and QEMU binds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath

from hvmctl.config.keys import Mismatch
from hvmctl.config.serial import Serial, parse_serial
from hvmctl.devices import Props, render
from hvmctl.errors import ConfigError


def socket_path(run_dir: PurePath, index: int) -> PurePath:
    """Where port ``index`` of a pty/vc/stdio kind listens for ``xm console``."""
    return run_dir / ("serial.sock" if index == 0 else f"serial{index}.sock")


def console_ports(ports: list[str]) -> list[int]:
    """Indexes of the ports that listen on a socket in the run dir (the daemon binds them)."""
    out = []
    for index, text in enumerate(ports):
        try:
            port = parse_serial(text)
        except Mismatch:
            continue  # serial_args says what is wrong with it
        if port is not None and port.kind == "console":
            out.append(index)
    return out


def chardev_props(port: Serial, index: int, console_socket: PurePath, fd: int | None = None) -> Props:
    """The chardev of one parsed port (options from the profile, never in the path)."""
    cid = f"serial{index}"
    if port.kind == "console":
        where: Props = {"fd": fd} if fd is not None else {"path": str(console_socket)}
        return {"backend": "socket", "id": cid, **where, "server": True, "wait": False}
    if port.kind == "null":
        return {"backend": "null", "id": cid}
    if port.kind in ("file", "pipe"):
        return {"backend": port.kind, "id": cid, "path": port.path}
    if port.kind == "tty":
        return {"backend": "serial", "id": cid, "path": port.path}
    if port.kind == "udp":
        props: Props = {"backend": "udp", "id": cid, "host": port.host or "127.0.0.1", "port": port.port}
        if port.localport or port.localaddr:
            props.update({"localaddr": port.localaddr or "0.0.0.0", "localport": port.localport})
        return props
    if port.kind == "unix":
        props = {"backend": "socket", "id": cid, "path": port.path, "server": port.server}
    else:  # tcp, telnet; an empty host listens on (or connects to) this host only
        props = {"backend": "socket", "id": cid, "host": port.host or "127.0.0.1", "port": port.port,
                 "server": port.server}
        if port.nodelay:
            props["nodelay"] = True
        props["telnet"] = port.kind == "telnet"
    if port.server:
        props["wait"] = False  # the daemon never blocks a start on a client (build warns)
    return props


def serial_args(ports: list[str], run_dir: PurePath, console_log: PurePath,
                sockets: Mapping[int, int] | None = None) -> list[str]:
    args: list[str] = []
    for index, text in enumerate(ports):
        try:
            port = parse_serial(text)
        except Mismatch as exc:  # a record not read from a profile (the reader refuses these)
            raise ConfigError(exc.describe(), key="serial") from None
        if port is None:
            continue
        props = chardev_props(port, index, socket_path(run_dir, index), (sockets or {}).get(index))
        if index == 0:
            props.update({"logfile": str(console_log), "logappend": True})
        args += ["-chardev", render(props, head="backend"), "-serial", f"chardev:serial{index}"]
    return args
