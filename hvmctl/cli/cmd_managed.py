"""Managed domains, as xm had them: new, start, delete, suspend, resume."""

from __future__ import annotations

import sys

from hvmctl.cli.main import Context, arg, command, emit, profile_args, profile_body, report_started

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


@command("new", "define a domain from a profile without starting it (xm start starts it)", profile_args)
def cmd_new(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("new", profile_body(args, ctx))
    for warning in result.get("warnings", []):
        print(warning, file=sys.stderr)
    dom = result["domain"]
    return emit(args, result, f"Domain {dom['name']} defined (uuid {dom['uuid']})")


def _start_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", "--paused", action="store_true", help="leave the domain paused after starting")
    p.add_argument("-c", "--console", action="store_true", help="attach to the console after starting")
    p.add_argument("domain", help="domain name or UUID")


@command("start", "start a domain defined with xm new (a suspended one is resumed)", _start_args)
def cmd_start(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("start", {"paused": args.paused}, ref=args.domain)
    return report_started(args, ctx, result)


@command("delete", "remove a managed domain's definition (and its managed save)", domain=True)
def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    return emit(args, ctx.client.act("delete", ref=args.domain), "")


@command("suspend", "save a managed domain into its managed state (xm resume brings it back)", domain=True)
def cmd_suspend(args: argparse.Namespace, ctx: Context) -> int:
    return emit(args, ctx.client.act("suspend", ref=args.domain), "")


@command("resume", "resume a suspended managed domain from its managed state",
         arg("-p", "--paused", action="store_true", help="leave it paused"), domain=True)
def cmd_resume(args: argparse.Namespace, ctx: Context) -> int:
    return emit(args, ctx.client.act("resume", {"paused": args.paused}, ref=args.domain), "")
