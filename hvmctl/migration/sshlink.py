"""The ssh transport of ``xm migrate`` (the default, as xl's): the system ``ssh`` client, run as
an argv (never through a local shell), ``BatchMode=yes`` so it never prompts inside a daemon,
and a connect timeout. Who may log in, with which key, and the host keys are the user's ssh
configuration's business: nothing here reads or writes keys.

Three kinds of ssh session, all to the same destination:

- control: ``ssh HOST hvmctl migrate-receive``; the remote command bridges its stdin/stdout
  into the destination daemon's ``RUN_DIR/migrate.sock`` (mode 0600), so the protocol of
  ``hvmctl.migration.protocol`` runs unchanged, ssh having authenticated both ends;
- memory stream: ``ssh -W 127.0.0.1:PORT HOST`` with its stdin/stdout one end of a socket
  pair whose other end QEMU gets with ``getfd`` (``migrate fd:``). QEMU writes straight into
  ssh: no byte of guest memory passes through Python;
- NBD (``--copy-storage``): the same ``ssh -W`` behind the source's NBD relay, one per
  connection QEMU's NBD client opens.

ssh passes the remote command to the remote user's shell as one string: it is built with
``shlex.join`` from an argv, so no word of it is ever interpreted by that shell.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shlex
import socket
from collections.abc import Sequence
from typing import Any

from hvmctl.errors import ConfigError, DaemonError
from hvmctl.migration import protocol

CONNECT_TIMEOUT = 10  # ssh's own ConnectTimeout (TCP connect + banner)
HELLO_TIMEOUT = 40.0  # connect + key exchange + authentication + the remote hvmctl starting
STDERR_KEEP = 4096
_OPTION = re.compile(r"^[A-Za-z][A-Za-z0-9]*[= ].*$")


def check_request(host: str, options: Sequence[str], user: str | None) -> None:
    """Refuse what ssh would read as one of its own options (``-oProxyCommand=...`` as a host)."""
    if not host or host.startswith("-") or any(c.isspace() for c in host):
        raise ConfigError(f"invalid ssh destination {host!r}")
    if user is not None and (not user or user.startswith("-") or any(c.isspace() for c in user)):
        raise ConfigError(f"invalid ssh user {user!r}")
    for opt in options:
        if not _OPTION.match(opt) or "\n" in opt:
            raise ConfigError(f"invalid ssh option {opt!r} (expected KEY=VALUE)")


def base_argv(*, port: int | None, user: str | None, options: Sequence[str]) -> list[str]:
    """ssh's argv up to the destination. The user's ``-o`` options come first: ssh keeps the
    first value it reads for an option, so they override our defaults."""
    argv = ["ssh"]
    for opt in options:
        argv += ["-o", opt]
    argv += ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}",
             # a dead link ends ssh (and so the channel) within ~15 s, not TCP's minutes
             "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
             "-o", "ClearAllForwardings=yes", "-T", "-e", "none", "-x", "-a"]
    if port:
        argv += ["-p", str(port)]
    if user:
        argv += ["-l", user]
    return argv


def remote_command(hvmctl: Sequence[str], *args: str) -> str:
    """The one string ssh hands the remote shell, each word quoted."""
    return shlex.join([*hvmctl, *args])


class _Stderr:
    """Keeps the tail of an ssh process's stderr: its last line is the reason it failed."""

    def __init__(self, stream: asyncio.StreamReader | None) -> None:
        self.data = b""
        self.task = asyncio.create_task(self._read(stream)) if stream is not None else None

    async def _read(self, stream: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while chunk := await stream.read(4096):
                self.data = (self.data + chunk)[-STDERR_KEEP:]

    async def settle(self, timeout: float = 2.0) -> None:
        if self.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self.task), timeout)

    def last_line(self) -> str:
        lines = [ln.strip() for ln in self.data.decode(errors="replace").splitlines() if ln.strip()]
        # ssh prints "Warning: Permanently added ..." and banners before the real reason
        return lines[-1] if lines else ""


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(proc.wait(), 5.0)


class SshChannel(protocol.Channel):
    """The control channel: the protocol over the stdin/stdout of ``ssh HOST hvmctl migrate-receive``."""

    def __init__(self, proc: asyncio.subprocess.Process, peer: str, *, ssh: list[str]) -> None:
        assert proc.stdout is not None and proc.stdin is not None
        super().__init__(proc.stdout, proc.stdin, peer)
        self.proc = proc
        self.ssh = ssh  # base argv, reused for the -W tunnels to the same host
        self.stderr = _Stderr(proc.stderr)
        self.tunnels: list[asyncio.subprocess.Process] = []

    @property
    def local_address(self) -> str | None:
        return None

    async def why(self) -> str:
        """Why ssh ended (its stderr's last line and exit status), once it has."""
        await self.stderr.settle()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.proc.wait(), 2.0)
        line = self.stderr.last_line()
        if self.proc.returncode is None:
            return line
        return line or f"ssh exited with status {self.proc.returncode}"

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = protocol.CALL_TIMEOUT) -> Any:
        try:
            return await super().call(op, args, timeout)
        except DaemonError as exc:
            if self.proc.returncode is None and "lost the connection" not in exc.message:
                raise
            why = await self.why()
            raise DaemonError(f"{exc.message} (ssh: {why})" if why else exc.message, cause=exc) from exc

    async def tunnel(self, host: str, port: int) -> socket.socket:
        """``ssh -W host:port`` (as seen from the destination); returns our end of it.

        The other end of a socket pair is ssh's stdin and stdout, so whoever holds the
        returned socket (QEMU, through ``getfd``) talks to ``host:port`` there directly."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            argv = [*self.ssh, "-W", _hostport(host, port), "--", self.peer]
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=theirs.fileno(), stdout=theirs.fileno(), stderr=asyncio.subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            ours.close()
            raise DaemonError(f"cannot run ssh: {exc.strerror or exc}") from exc
        finally:
            theirs.close()
        self.tunnels.append(proc)
        return ours

    async def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self.writer.close()  # EOF to the remote bridge: the destination ends the session
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.proc.wait(), 3.0)
        for proc in [self.proc, *self.tunnels]:
            await _stop(proc)
        if self.stderr.task is not None:
            self.stderr.task.cancel()


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def connect_ssh(host: str, *, port: int | None, user: str | None, options: Sequence[str],
                      hvmctl: Sequence[str]) -> SshChannel:
    """Log in to ``host`` with ssh, run ``hvmctl migrate-receive`` there, and say hello.

    Refusals come back as one line: ssh's own reason (``Permission denied (publickey).``,
    ``Host key verification failed.``, ``Connection refused``) or the remote hvmctl's."""
    check_request(host, options, user)
    ssh = base_argv(port=port, user=user, options=options)
    argv = [*ssh, "--", host, remote_command(hvmctl, "migrate-receive")]
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, limit=protocol.MAX_MESSAGE)
    except OSError as exc:
        raise DaemonError(f"cannot run ssh: {exc.strerror or exc}") from exc
    channel = SshChannel(proc, host, ssh=ssh)
    try:
        await protocol.Channel.call(channel, "hello", {}, timeout=HELLO_TIMEOUT)
    except BaseException as exc:
        why = await channel.why() if isinstance(exc, Exception) else ""
        await channel.close()
        if not isinstance(exc, DaemonError):
            raise
        if why and any(s in why for s in ("Permission denied", "Host key verification failed",
                                          "REMOTE HOST IDENTIFICATION HAS CHANGED", "not allowed")):
            raise protocol.AuthError(f"ssh to {host} refused: {why}") from exc
        raise DaemonError(f"ssh to {host} failed: {why or exc.message}") from exc
    return channel
