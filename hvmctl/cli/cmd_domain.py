"""CLI commands: xm's other domain commands (registered on import; stdlib-only imports here).

``trigger``, ``sysrq``, ``rename``, ``dump-core``, ``mem-max``, ``vcpu-list``, ``vcpu-pin``,
``sched-credit``, with xm's argument syntax and output.
"""

from __future__ import annotations

from hvmctl.cli.main import Context, arg, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and typing cost more start-up time than a command
    import argparse
    from typing import Any


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


def vcpu_table(rows: list[dict[str, Any]]) -> str:
    """xm vcpu-list's table."""
    lines = [f"{'Name':<32} {'ID':>4} {'VCPU':>4} {'CPU':>4} {'State':>5} {'Time(s)':>9} CPU Affinity"]
    for r in rows:
        cpu = "-" if r["cpu"] is None else r["cpu"]
        lines.append(f"{r['name']:<32} {r['id'] if r['id'] is not None else '-':>4} {r['vcpu']:>4} {cpu:>4} "
                     f"{r['state']:>5} {r['time']:>9.1f} {r['affinity']}")
    return "\n".join(lines)


@command("vcpu-list", "the vCPUs of domains: host CPU, state, time, affinity",
         arg("domains", nargs="*", help="domain names, IDs or UUIDs (default: all)"))
def cmd_vcpu_list(args: argparse.Namespace, ctx: Context) -> int:
    refs = args.domains or [d["name"] for d in ctx.client.act("list")["domains"] if d.get("id") is not None]
    rows = [row for ref in refs for row in ctx.client.act("vcpu-list", ref=ref)["vcpus"]]
    return emit(args, rows, vcpu_table(rows))


def _pin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("vcpu", help="the vCPU number, or 'all'")
    p.add_argument("cpus", help="host CPUs: '0-1,3', '0-3,^1' or 'all'")


@command("vcpu-pin", "pin a domain's vCPU to host CPUs (kept across restarts)", _pin_args, domain=True)
def cmd_vcpu_pin(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("vcpu-pin", {"vcpu": args.vcpu, "cpus": args.cpus}, ref=args.domain)
    return emit(args, result, "")


def _dump_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the ELF core file to write (must not exist)")
    p.add_argument("-L", "--live", action="store_true",
                   help="xm's live dump (QEMU still pauses the vCPUs while it writes)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


@command("dump-core", "dump a domain's memory into an ELF core file", _dump_args, domain=True)
def cmd_dump_core(args: argparse.Namespace, ctx: Context) -> int:
    import os
    import sys

    from hvmctl.cli.cmd_storage import _progress

    body = {"file": os.path.abspath(args.file), "live": args.live}
    with _progress(f"dumping {args.domain}", not args.quiet and not args.json) as update:
        result = ctx.client.act_progress("dump-core", body, update, ref=args.domain)
    for note in result.get("notes", []):
        print(f"{ctx.prog}: note: {note}", file=sys.stderr)
    return emit(args, result, f"{result['file']}: {result['bytes']} bytes ({result['seconds']} s)")


def _sched_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-d", "--domain", required=True, help="domain name, ID or UUID")
    p.add_argument("-w", "--weight", type=int, help="CPU weight, 1..65535 (256: default)")
    p.add_argument("-c", "--cap", type=int, help="CPU cap, percent of one host CPU (0: none)")


@command("sched-credit", "show or set a domain's CPU weight and cap (a cgroup per domain)", _sched_args)
def cmd_sched_credit(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("sched-credit", {"weight": args.weight, "cap": args.cap}, ref=args.domain)
    text = f"{'Name':<32} {'ID':>4} {'Weight':>6} {'Cap':>4}\n" \
           f"{result['name']:<32} {result['id'] if result['id'] is not None else '-':>4} " \
           f"{result['weight']:>6} {result['cap']:>4}"
    return emit(args, result, text)


def vtpm_table(name: str, rows: list[dict[str, Any]]) -> str:
    """xm vtpm-list's table, with what replaced Xen's backend: the domain's swtpm."""
    lines = [f"{'Idx':>3} {'Model':<8} {'Ver':<4} {'State':<8} {'Pid':>7} State-dir"]
    for r in rows:
        pid = r["pid"] if r["pid"] is not None else "-"
        lines.append(f"{r['idx']:>3} {r['model']:<8} {r['version']:<4} {r['state']:<8} {pid:>7} {r['state_dir']}")
    return "\n".join(lines) if rows else f"{name}: no vtpm"


@command("vtpm-list", "a domain's emulated TPM 2.0 and its swtpm", domain=True)
def cmd_vtpm_list(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("vtpm-list", ref=args.domain)
    return emit(args, result["vtpms"], vtpm_table(result["name"], result["vtpms"]))


@command("pci-list", "host PCI devices passed through to a domain", domain=True)
def cmd_pci_list(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("pci-list", ref=args.domain)
    lines = [f"{'Vdev':<6} {'Slot':<5} Host"] + [
        f"{d['idx']:<6} {hex(d['slot']) if d['slot'] is not None else '-':<5} {d['bdf']}"
        for d in result["devices"]]
    return emit(args, result["devices"], "\n".join(lines))


def _pci_attach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("bdf", help="host PCI function [DDDD:]BB:DD.F")
    p.add_argument("vslot", nargs="?", help="guest slot on pci.0, hex (default: the lowest free)")


@command("pci-attach", "hot-plug a host PCI device (vfio-pci) into a running domain", _pci_attach_args, domain=True)
def cmd_pci_attach(args: argparse.Namespace, ctx: Context) -> int:
    r = ctx.client.act("pci-attach", {"bdf": args.bdf, "vslot": args.vslot}, ref=args.domain)
    return emit(args, r, f"{r['name']}: {r['bdf']} attached at slot {hex(r['slot'])}")


def _pci_detach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("bdf", help="host PCI function [DDDD:]BB:DD.F")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds the guest has to let go (default 30)")


@command("pci-detach", "hot-unplug a host PCI device from a running domain", _pci_detach_args, domain=True)
def cmd_pci_detach(args: argparse.Namespace, ctx: Context) -> int:
    r = ctx.client.act("pci-detach", {"bdf": args.bdf, "timeout": args.timeout}, ref=args.domain)
    return emit(args, r, f"{r['name']}: {r['bdf']} detached")


@command("pci-assignable-add", "bind a host PCI device to vfio-pci so guests can have it (xl)",
         arg("bdf", help="host PCI function [DDDD:]BB:DD.F"))
def cmd_pci_assignable_add(args: argparse.Namespace, ctx: Context) -> int:
    r = ctx.client.act("pci-assignable-add", {"bdf": args.bdf})
    was = f" (was {r['previous']})" if r["previous"] else ""
    return emit(args, r, f"{r['bdf']}: bound to {r['driver']}{was}" if r["changed"] else
                f"{r['bdf']}: already bound to {r['driver']}")


def _assignable_remove_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("bdf", help="host PCI function [DDDD:]BB:DD.F")
    p.add_argument("--no-rebind", action="store_true",
                   help="leave it unbound (default: bind it back to the driver it had)")


@command("pci-assignable-remove", "give a host PCI device back to the driver it had (xl)", _assignable_remove_args)
def cmd_pci_assignable_remove(args: argparse.Namespace, ctx: Context) -> int:
    r = ctx.client.act("pci-assignable-remove", {"bdf": args.bdf, "rebind": not args.no_rebind})
    return emit(args, r, f"{r['bdf']}: released from vfio-pci, now bound to {r['driver'] or 'no driver'}")


@command("pci-list-assignable-devices", "host PCI devices that can be passed through (bound to vfio-pci)")
def cmd_pci_assignable(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.client.act("pci-list-assignable-devices")["devices"]
    return emit(args, rows, "\n".join(f"{r['bdf']} {r['id']} group {r['iommu_group']}" for r in rows))
