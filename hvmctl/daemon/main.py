"""`hvmctl daemon`: run the API on a Unix socket (mode 0600) until told to stop."""

from __future__ import annotations

import os
import signal
import socket
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.errors import DaemonError
from hvmctl.paths import Paths

if TYPE_CHECKING:
    import logging

    from hvmctl.daemon.codestamp import CodeStamp
    from hvmctl.daemon.prelude import Prelude

# asyncio (~20 ms) and ctypes are imported only once the socket answers lists
# (hvmctl.daemon.prelude): a restarted daemon's first `xm list` does not wait for them

PR_SET_CHILD_SUBREAPER = 36



def _log() -> "logging.Logger":
    """logging (~5 ms with traceback, string, re) is imported once the prelude answers."""
    import logging

    return logging.getLogger("hvmctl.daemon")


def _setup_logging() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("qemu.qmp").setLevel(logging.CRITICAL)  # our Monitor reports what matters


def _become_subreaper() -> None:
    """Orphaned QEMUs of ours get reparented to us and reaped at once (PID 1 here is slow)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _bind_socket(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
        probe.close()
        raise DaemonError(f"{path}: another hvmctl daemon is already listening")
    except (ConnectionRefusedError, FileNotFoundError):
        probe.close()
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        sock.bind(str(path))
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(128)
    return sock


SD_LISTEN_FDS_START = 3


def _activated_socket() -> socket.socket | None:
    """The listening socket systemd passed (socket activation: ``hvmctl.socket``), if any.
    systemd keeps it open across daemon restarts, so clients queue instead of being refused."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or os.environ.get("LISTEN_FDS", "0") == "0":
        return None
    for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
        os.environ.pop(name, None)  # not for our children (QEMU, scripts)
    sock = socket.socket(fileno=SD_LISTEN_FDS_START)
    os.set_inheritable(sock.fileno(), False)
    return sock


def _import_full_api() -> Any:
    """The full API (its app and routes): most of a start's import time, so loaded in a
    thread while the early server (api/early.py) already answers on the socket."""
    from hvmctl.api.app import create_app

    return create_app


async def _start_remote_api(daemon: Any, app: Any) -> Any:
    """The HTTPS listener of HVMCTL_LISTEN (api/listen.py), started once the Unix socket
    serves; nothing of it is imported when the variable is unset. A listener that cannot
    start is logged and the daemon runs on without it (the local socket still works)."""
    address = (os.environ.get("HVMCTL_LISTEN") or "").strip()
    if not address:
        return None
    from hvmctl.api.listen import start_listener
    from hvmctl.errors import HvmctlError

    try:
        return await start_listener(daemon, app, address)
    except HvmctlError as exc:
        _log().error("remote API not started: %s", exc.message)
        return None
async def _join_pool(daemon: Any) -> None:
    """A pool member (HVMCTL_POOL_ETCD): joins in the background; etcd's client is
    imported only then."""
    from hvmctl.pool import settings

    pool = settings()
    if pool is not None:
        from hvmctl.pool.member import PoolMember

        daemon.pool = PoolMember(daemon, pool)
        await daemon.pool.start()


def _import_daemon() -> tuple[Any, Any, Any]:
    """The daemon's own modules (~40 ms): loaded in a thread, while the loop already answers
    `xm list` from the records on disk (api/early.py, daemon/listing.py)."""
    from hvmctl.daemon.service import Daemon
    from hvmctl.migration.startup import before_daemon_start, on_daemon_start

    return Daemon, before_daemon_start, on_daemon_start


async def serve(paths: Paths, sock: socket.socket, activated: bool, first: "Prelude", stamp: "CodeStamp") -> None:
    import asyncio

    from hvmctl.api.early import EarlyServer

    early = EarlyServer(paths, first.started_at)
    await early.start(sock)
    await early.adopt(first.stop())  # the prelude stops: the loop answers from here on
    Daemon, before_daemon_start, on_daemon_start = await asyncio.to_thread(_import_daemon)
    daemon = Daemon(paths)
    loaded = asyncio.Event()

    async def load_full_api() -> Any:
        # only once the records are loaded: an import thread shares the GIL with the loop,
        # and the first answers (the waiting `xm list`) come first
        await loaded.wait()
        await asyncio.sleep(0.02)
        return await asyncio.to_thread(_import_full_api)

    full_api = asyncio.create_task(load_full_api())
    before_daemon_start(paths)  # discard incoming migrations a killed daemon never finished
    await daemon.start(loaded=loaded, reattached=lambda: early.attach(daemon))
    await _join_pool(daemon)
    migration = await on_daemon_start(daemon)  # remote endpoint; xendomains start
    create_app = await full_api
    from hvmctl.api.audit import Audit

    from hvmctl.api.codeguard import CodeGuard

    api: Any = CodeGuard(create_app(daemon), stamp)  # no action runs a mix of old and new code
    if daemon.pool is not None:  # commands for other members' domains are relayed to them
        from hvmctl.pool.forward import Forward

        api = Forward(api, daemon)
    app = Audit(api, paths.log_dir)  # every state-changing call, on either listener
    early.take_over(app)  # the early server runs every request through it from now on
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    _log().info("hvmctl daemon listening on %s (pid %d)", paths.socket, os.getpid())
    remote_api: Any = None
    try:
        remote_api = await _start_remote_api(daemon, api)
        if remote_api is not None and daemon.pool is not None:
            await asyncio.to_thread(daemon.pool.publish_api, remote_api)
        await stop.wait()
    finally:
        await early.close()  # no new requests; those under way get 2 s
        if remote_api is not None:
            await remote_api.close()
        await migration.close()
        if daemon.pool is not None:
            await daemon.pool.close()
        await daemon.shutdown_daemon()
        if not activated:  # systemd's socket stays for the next daemon
            try:
                paths.socket.unlink()
            except FileNotFoundError:
                pass


def _single_instance(paths: Paths) -> int | None:
    """One daemon per state dir: two CLIs starting one at once must not get two."""
    import fcntl

    paths.state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.state_dir / "daemon.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _private_files(paths: Paths) -> None:
    """Nothing the daemon or its QEMUs write (records, save files, logs, sockets) is
    world-readable: umask 027, the run dir 0750 in HVMCTL_GROUP, the daemon's log 0640."""
    from hvmctl.daemon import filemodes

    os.umask(filemodes.UMASK)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    if not paths.run_dir.stat().st_mode & stat.S_ISVTX:  # never tighten a shared /tmp-like dir
        filemodes.make_run_dir(paths.run_dir)
    log_file = paths.run_dir / "daemon.log"  # the CLI made it when it started us
    if log_file.exists():
        os.close(filemodes.open_log(log_file))


def _apply_config_file() -> list[str]:
    """HVMCTL_CONFIG (hvmctl/daemonconf.py) fills in the environment before anything reads
    it; a bad line stops the start, said on stderr with its file:line. Returns the settings
    it applied (logged once logging is set up)."""
    import sys

    from hvmctl.daemonconf import ConfigFileError, load

    try:
        applied = load()
    except ConfigFileError as exc:
        print(f"hvmctl daemon: not started: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from None
    return sorted(applied)


def _say_settings(applied: list[str]) -> None:
    if applied:
        _log().info("settings from %s: %s", os.environ.get("HVMCTL_CONFIG") or "/etc/hvmctl/hvmctl.conf",
                    ", ".join(k[len("HVMCTL_"):].lower() for k in applied))


def run() -> None:
    from hvmctl import tlsload

    tlsload.block()  # before asyncio: ssl (1.5 MiB + libcrypto) loads only for a TLS listener or client
    from hvmctl.daemon.codestamp import CodeStamp

    stamp = CodeStamp()  # first: the code this process runs is the code on disk now
    applied = _apply_config_file()
    paths = Paths.from_env()
    if _single_instance(paths) is None:
        _setup_logging()
        _log().info("another hvmctl daemon already runs for %s", paths.state_dir)
        return
    _private_files(paths)
    (paths.run_dir / "daemon.pid").write_text(f"{os.getpid()}\n")  # for init scripts and tests
    # the socket first: from here on a client queues (or gets its answer) and is never refused
    activated = _activated_socket()
    sock = activated or _bind_socket(paths.socket)
    from hvmctl.daemon.prelude import Prelude

    first = Prelude(sock, paths, time.time())
    first.start()
    _setup_logging()  # after the prelude answers: nothing before it logs
    _say_settings(applied)
    _become_subreaper()
    import asyncio

    tlsload.defer()  # libraries imported from here on get ssl's stand-in (the real one on use)
    asyncio.run(serve(paths, sock, activated is not None, first, stamp))
