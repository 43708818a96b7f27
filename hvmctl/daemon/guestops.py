"""xm's direct actions on a guest: ``trigger`` (NMI, reset, power button, S3 wake-up) and
``sysrq`` (Alt+SysRq+KEY on its PS/2 keyboard), one QMP command each; ``rename``.

What xend did through the hypervisor QEMU does on the emulated machine. ``trigger init``
(an INIT IPI) has no QMP command on QEMU 7.2 and is refused, naming what comes closest.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import NAME_RULE, valid_name
from hvmctl.errors import ConfigError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.registry import Registry

log = logging.getLogger("hvmctl.domain")

#: xm trigger's names -> QMP command
TRIGGERS = {
    "nmi": "inject-nmi",
    "reset": "system_reset",  # a reset: the profile's on_reboot applies, as for `xm reboot`
    "power": "system_powerdown",  # the ACPI power button
    "s3resume": "system_wakeup",
}
SYSRQ_KEYS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def trigger_command(what: str) -> str:
    """The QMP command of ``xm trigger DOM WHAT`` (ConfigError for ``init`` and unknowns)."""
    if what == "init":
        raise ConfigError("trigger init: QEMU 7.2 has no way to send an INIT IPI; "
                          "'trigger reset' (a full reset) is the closest")
    if what not in TRIGGERS:
        raise ConfigError(f"trigger: expected one of nmi, reset, init, power, s3resume; got {what!r}")
    return TRIGGERS[what]


def sysrq_args(key: str) -> dict[str, Any]:
    """QMP ``send-key`` for Alt+SysRq+KEY (ConfigError for a key SysRq has no use for)."""
    if key not in SYSRQ_KEYS:
        raise ConfigError(f"sysrq: expected one letter or digit (e.g. h for help, s to sync); got {key!r}")
    return {"keys": [{"type": "qcode", "data": k} for k in ("alt", "sysrq", key)], "hold-time": 100}


async def trigger(dom: "Domain", what: str) -> dict[str, Any]:
    command = trigger_command(what)
    async with dom.lock:
        dom.require("trigger")
        await dom.qmp(command)
    return {"name": dom.name, "trigger": what, "qmp": command}


async def sysrq(dom: "Domain", key: str) -> dict[str, Any]:
    args = sysrq_args(key)
    async with dom.lock:
        dom.require("trigger")
        await dom.qmp("send-key", args)
    return {"name": dom.name, "sysrq": key}


async def rename(dom: "Domain", registry: "Registry", new: str) -> dict[str, Any]:
    """``xm rename``: the live definition takes the new name (free on this host: the
    registry's one check), persisted. The console and QEMU logs are renamed with it (QEMU
    writes on through its open file, and the next incarnation appends to the same file),
    unless a file of the new name is already there: then they stay where they are."""
    from hvmctl.daemon.registry import Claim

    if not valid_name(new):
        raise ConfigError(f"rename: expected {NAME_RULE}; got {new!r}")
    async with dom.lock:
        dom.require("rename")
        old = dom.name
        if new == old:
            return {"name": new, "old_name": old, "console_log": dom.runtime.console_log if dom.runtime else None}
        registry.check(Claim(name=new))
        dom.config = replace(dom.config, name=new)
        rt = dom.runtime
        moved: list[tuple[str, str]] = []
        if rt is not None:
            for attr in ("console_log", "qemu_log"):
                path = str(getattr(rt, attr))
                head, tail = os.path.split(path)
                if not path or not tail.startswith(old + "."):
                    continue
                target = os.path.join(head, new + tail[len(old):])
                if os.path.exists(target) or not os.path.exists(path):
                    continue
                os.rename(path, target)
                moved.append((path, target))
                setattr(rt, attr, target)
        try:
            dom.host.persist(dom)
        except BaseException:
            dom.config = replace(dom.config, name=old)
            for path, target in moved:
                os.rename(target, path)
            if rt is not None:
                for attr in ("console_log", "qemu_log"):
                    for path, target in moved:
                        if getattr(rt, attr) == target:
                            setattr(rt, attr, path)
            raise
        log.info("domain %s renamed to %s", old, new)
    return {"name": new, "old_name": old, "console_log": rt.console_log if rt else None}
