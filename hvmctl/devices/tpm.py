"""The guest's TPM 2.0: QEMU's ``tpm-crb`` (or ``tpm-tis``) front end on an ``emulator``
backend, which talks to the domain's own swtpm over a socket in the run dir (started and
ended by the daemon: ``hvmctl.daemon.vtpm``)."""

from __future__ import annotations

from pathlib import PurePath

from hvmctl.config.model import DomainConfig
from hvmctl.devices import escape

SOCKET = "swtpm.sock"
PIDFILE = "swtpm.pid"


def socket_path(run_dir: PurePath) -> PurePath:
    return run_dir / SOCKET


def tpm_args(cfg: DomainConfig, run_dir: PurePath) -> list[str]:
    if cfg.vtpm is None:
        return []
    return [
        "-chardev", f"socket,id=chrtpm,path={escape(str(socket_path(run_dir)))}",
        "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
        "-device", f"tpm-{cfg.vtpm},tpmdev=tpm0",
    ]
