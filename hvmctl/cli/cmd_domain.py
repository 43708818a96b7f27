"""CLI commands: xm's other domain commands (registered on import; stdlib-only imports here).

``trigger``, ``sysrq``, ``rename``, ``dump-core``, ``mem-max``, ``vcpu-list``, ``vcpu-pin``,
``sched-credit``, with xm's argument syntax and output.
"""

from __future__ import annotations

from hvmctl.cli.main import Context, arg, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse costs more start-up time than a command
    import argparse


def _trigger_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("trigger", choices=("nmi", "reset", "init", "power", "s3resume"),
                   help="nmi: inject an NMI; reset: hard reset (on_reboot applies); power: ACPI power "
                        "button; s3resume: wake from S3; init: refused (QEMU 7.2 cannot send an INIT IPI)")


@command("trigger", "send a trigger to a domain: nmi, reset, init, power, s3resume", _trigger_args, domain=True)
def cmd_trigger(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("trigger", {"trigger": args.trigger}, ref=args.domain)
    return emit(args, result, "")


@command("sysrq", "send Alt+SysRq+KEY to a domain's keyboard",
         arg("key", help="the SysRq key: h help, s sync, u remount, b reboot..."),
         domain=True)
def cmd_sysrq(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("sysrq", {"key": args.key}, ref=args.domain)
    return emit(args, result, "")


@command("rename", "rename a domain (its live definition; the console log follows)",
         arg("new_name", metavar="NEW", help="the new name"), domain=True)
def cmd_rename(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("rename", {"name": args.new_name}, ref=args.domain)
    return emit(args, result, "")


@command("mem-max", "set a domain's maximum memory (MiB): the ceiling of mem-set",
         arg("mib", type=int, help="maximum memory in MiB"), domain=True)
def cmd_mem_max(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("mem-max", {"mib": args.mib}, ref=args.domain)
    text = f"{result['name']}: maxmem {result['maxmem_mib']} MiB"
    if result["next_start"]:
        text += f" (above the {result['running_mib']} MiB it was started with: from its next start)"
    return emit(args, result, text)
