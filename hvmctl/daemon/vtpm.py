"""One swtpm per domain with ``vtpm``: the emulated TPM 2.0 QEMU's ``tpm-crb`` talks to.

It is started before QEMU (``swtpm socket --daemon``: the command returns once the socket
listens, so QEMU never races it) and lives as QEMU does: detached from the daemon (a killed
or restarted daemon leaves it running with its guest; the next one finds it by the pidfile
in the run dir), ended with the incarnation (``--terminate`` when QEMU's connection goes,
and by the daemon at teardown in any case). Its state -- the TPM's seeds, NV indexes,
PCRs across a power cycle -- is STATE_DIR/tpm/UUID, kept with the domain and removed with
it (``statefiles.remove``); a save file and a migration carry the TPM's live state in
QEMU's own stream.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from hvmctl.config.model import DomainConfig
from hvmctl.daemon.filemodes import prepare_log
from hvmctl.daemon.process import process_alive
from hvmctl.daemon.qemuuser import Identity
from hvmctl.devices import tpm
from hvmctl.errors import HostError
from hvmctl.paths import Paths
from hvmctl.qemu.hostpaths import HostPath

log = logging.getLogger("hvmctl.vtpm")

START_TIMEOUT = 10.0
STOP_WAIT = 2.0


def swtpm_binary() -> str:
    return os.environ.get("HVMCTL_SWTPM", "swtpm")


def state_dir(paths: Paths, uuid: str) -> Path:
    from hvmctl.daemon.statefiles import tpm_dir

    return tpm_dir(paths, uuid)


def pidfile(run_dir: Path) -> Path:
    return run_dir / tpm.PIDFILE


def argv(paths: Paths, cfg: DomainConfig, run_dir: Path) -> list[str]:
    assert cfg.uuid is not None
    logfile = paths.log_dir / f"{cfg.name}.swtpm.log"
    return [
        swtpm_binary(), "socket", "--tpm2",
        "--tpmstate", f"dir={_opt(str(state_dir(paths, cfg.uuid)))},mode=0600",
        "--ctrl", f"type=unixio,path={_opt(str(tpm.socket_path(run_dir)))},mode=0600",
        "--pid", f"file={_opt(str(pidfile(run_dir)))}",
        "--log", f"file={_opt(str(logfile))},level=1",
        "--daemon", "--terminate",
    ]


def _opt(value: str) -> str:
    """swtpm's option values are comma-separated like QEMU's (',' doubled)."""
    return value.replace(",", ",,")


def check(cfg: DomainConfig) -> None:
    """Refused before anything starts (create and dry-run alike) when swtpm is missing."""
    if cfg.vtpm is not None and shutil.which(swtpm_binary()) is None:
        raise HostError(f"{cfg.name}: vtpm: {swtpm_binary()} not found (Debian packages swtpm, swtpm-tools)")


def host_paths(paths: Paths, cfg: DomainConfig, run_dir: Path) -> list[HostPath]:
    """What swtpm opens by path, for its guest's uid: its state dir (it makes its files
    there), its log, the run dir (control socket, pidfile)."""
    assert cfg.uuid is not None
    directory = state_dir(paths, cfg.uuid)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    logfile = paths.log_dir / f"{cfg.name}.swtpm.log"
    prepare_log(logfile)
    return [HostPath(str(run_dir), "rwx"), HostPath(str(directory), "rwx"), HostPath(str(logfile), "rw")]


async def start(paths: Paths, cfg: DomainConfig, run_dir: Path, *, identity: Identity | None = None) -> int | None:
    """Start the domain's swtpm (nothing without ``vtpm``); its pid. HostError naming what
    swtpm said when it cannot start (not installed, state unreadable...). ``identity``:
    the uid/gid of its guest's QEMU (a TPM escape reaches no more than that guest)."""
    if cfg.vtpm is None:
        return None
    assert cfg.uuid is not None
    directory = state_dir(paths, cfg.uuid)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    command = argv(paths, cfg, run_dir)
    try:
        proc = await asyncio.to_thread(subprocess.run, command, stdin=subprocess.DEVNULL, capture_output=True,
                                       text=True, timeout=START_TIMEOUT, check=False, start_new_session=True,
                                       user=identity.uid if identity is not None else None,
                                       group=identity.gid if identity is not None else None,
                                       extra_groups=[] if identity is not None else None)
    except FileNotFoundError as exc:
        raise HostError(f"{cfg.name}: vtpm: {command[0]} not found (Debian packages swtpm, swtpm-tools)",
                        cause=exc) from exc
    except subprocess.TimeoutExpired as exc:
        raise HostError(f"{cfg.name}: vtpm: swtpm did not start within {START_TIMEOUT:.0f} s", cause=exc) from exc
    if proc.returncode != 0:
        why = (proc.stderr or proc.stdout).strip().splitlines()
        raise HostError(f"{cfg.name}: vtpm: swtpm failed ({proc.returncode}): {why[-1] if why else 'no message'}")
    pid = running_pid(run_dir)
    log.info("domain %s: swtpm started (pid %s, state %s)", cfg.name, pid, directory)
    return pid


def running_pid(run_dir: Path) -> int | None:
    """The pid of the swtpm serving this run dir, if one runs (checked against its command
    line: a pidfile left by a dead swtpm must not name someone else's process)."""
    try:
        pid = int(pidfile(run_dir).read_text().strip())
    except (OSError, ValueError):
        return None
    if not process_alive(pid):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return pid if str(tpm.socket_path(run_dir)).encode() in cmdline else None


def stop(run_dir: Path) -> None:
    """End the run dir's swtpm, if one still runs (blocking, at most a few seconds)."""
    pid = running_pid(run_dir)
    if pid is None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_WAIT), (signal.SIGKILL, STOP_WAIT)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not process_alive(pid):
                return
            time.sleep(0.02)
    log.error("swtpm pid %d in %s did not end", pid, run_dir)


def rows(paths: Paths, cfg: DomainConfig, run_dir: Path | None) -> list[dict[str, Any]]:
    """``xm vtpm-list``: the domain's TPM, its swtpm and where its state is."""
    if cfg.vtpm is None or cfg.uuid is None:
        return []
    pid = running_pid(run_dir) if run_dir is not None else None
    return [{
        "idx": 0,
        "model": f"tpm-{cfg.vtpm}",
        "version": "2.0",
        "backend": "swtpm",
        "state": "running" if pid is not None else "stopped",
        "pid": pid,
        "socket": str(tpm.socket_path(run_dir)) if run_dir is not None and pid is not None else None,
        "state_dir": str(state_dir(paths, cfg.uuid)),
    }]
