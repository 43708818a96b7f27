"""xm's direct actions on a running guest that are one QMP command each: ``trigger``
(NMI, reset, power button, S3 wake-up) and ``sysrq`` (Alt+SysRq+KEY on its PS/2 keyboard).

What xend did through the hypervisor QEMU does on the emulated machine. ``trigger init``
(an INIT IPI) has no QMP command on QEMU 7.2 and is refused, naming what comes closest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hvmctl.errors import ConfigError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

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
