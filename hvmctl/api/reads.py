"""The daemon's hot reads, as plain functions: the full API's routes and the early server
(api/early.py, which answers while the full API is still loading) both call these, so the
two can never answer differently. Nothing heavy may be imported here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon


def host(daemon: "Daemon") -> dict[str, Any]:
    return daemon.host_info()


def domains(daemon: "Daemon") -> dict[str, Any]:
    return {"host": daemon.host_info(), "domains": [d.summary() for d in daemon.all()]}
