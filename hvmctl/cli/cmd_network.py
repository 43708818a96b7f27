"""CLI commands for the network area (registered on import; keep imports stdlib-only here).

``network-bridge`` and ``bridges`` act in the daemon's network namespace (where its guests'
taps live), so they go through the daemon like every other command.
"""

from __future__ import annotations

from hvmctl.cli.main import Context, command, emit, scope_args

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse costs more start-up time than a command
    import argparse


def _netbridge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument("options", nargs="*", metavar="key=value", help="vifnum=N, bridge=NAME, netdev=NIC")
    p.add_argument("-f", "--force", action="store_true", help="stop even while guests are attached")


@command("network-bridge", "Xen's network-bridge: make (or undo) xenbrN on ethN, moving the host's addresses",
         _netbridge_args)
def cmd_network_bridge(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("network-bridge", {"args": [args.action, *args.options], "force": args.force})
    return emit(args, result, result["message"])


@command("bridges", "the host's bridges, their ids, STP and interfaces (brctl show)")
def cmd_bridges(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.network.bridge import BridgeInfo, format_bridges

    data = ctx.client.act("bridges")["bridges"]
    infos = [BridgeInfo(b["name"], b["bridge_id"], b["stp"], tuple(b["interfaces"])) for b in data]
    return emit(args, data, format_bridges(infos).rstrip("\n"))


def _attach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", nargs="*", metavar="key=value",
                   help="mac=, bridge=, model=, ip=, script=, vifname=, rate=, type=; hostfwd= for NAT")
    scope_args(p)


@command("network-attach", "hot-plug a network interface into a running domain", _attach_args, domain=True)
def cmd_network_attach(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("network-attach", {"spec": args.spec, "live": args.live, "config": args.config},
                            ref=args.domain)
    if "nic" not in result:  # --config only
        return emit(args, result, f"{result['name']}: {result['result']}")
    nic = result["nic"]
    return emit(args, result, f"{nic['note']}, mac {nic['mac']} ({nic['model']})")


def _detach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("device", metavar="DEVID|MAC", help="the Idx shown by network-list, or the MAC")
    p.add_argument("-f", "--force", action="store_true",
                   help="remove the backend even if the guest does not release the device")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the guest")
    scope_args(p)


@command("network-detach", "hot-unplug a network interface from a running domain", _detach_args, domain=True)
def cmd_network_detach(args: argparse.Namespace, ctx: Context) -> int:
    body = {"device": args.device, "force": args.force, "timeout": args.timeout, "live": args.live,
            "config": args.config}
    result = ctx.client.act("network-detach", body, ref=args.domain)
    return emit(args, result, "")


@command("network-list", "a domain's network interfaces", domain=True)
def cmd_network_list(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.daemon.netmgr import format_nic_list

    result = ctx.client.act("network-list", ref=args.domain)
    return emit(args, result["nics"], format_nic_list(result["nics"]))


def _forward_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", help="tcp|udp:[hostaddr]:hostport-[guestaddr]:guestport (host address: 127.0.0.1)")
    p.add_argument("--device", type=int, default=None, help="which user-mode NIC (default: the first)")
    p.add_argument("--remove", action="store_true", help="remove the forward instead")


@command("network-forward", "forward a host port to a guest on user-mode NAT (kept across restarts)",
         _forward_args, domain=True)
def cmd_network_forward(args: argparse.Namespace, ctx: Context) -> int:
    body = {"rule": args.rule, "device": args.device, "remove": args.remove}
    result = ctx.client.act("network-forward", body, ref=args.domain)
    return emit(args, result, "")
