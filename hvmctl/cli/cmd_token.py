"""`hvmctl token create|list|revoke`: the remote API's tokens (hvmctl/api/auth.py).

All three are daemon actions of role admin, so they work on the Unix socket (root) and with
an admin token over -c. ``create`` prints the secret once: the daemon keeps only its hash.
"""

from __future__ import annotations

from hvmctl.cli.main import Context, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and typing cost more start-up time than a command
    import argparse


def _token_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="token_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser("create", help="a new token; its secret is printed once")
    create.add_argument("--role", required=True, choices=("viewer", "operator", "admin"),
                        help="viewer: read only; operator: lifecycle, consoles, media; admin: everything")
    create.add_argument("--name", help="a name to revoke it by (default ROLE-N)")
    create.add_argument("--json", action="store_true", help="machine-readable output")
    listing = sub.add_parser("list", help="the tokens: name, role, when made (never their secrets)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    revoke = sub.add_parser("revoke", help="revoke a token: its calls and web sessions stop at once")
    revoke.add_argument("name")
    revoke.add_argument("--json", action="store_true", help="machine-readable output")


@command("token", "the remote API's tokens: create, list, revoke", _token_args)
def cmd_token(args: argparse.Namespace, ctx: Context) -> int:
    if args.token_command == "create":
        body = {"role": args.role} | ({"name": args.name} if args.name else {})
        made = ctx.client.act("token-create", body)
        return emit(args, made, made["token"])
    if args.token_command == "list":
        import time

        data = ctx.client.act("token-list")
        lines = [f"{'NAME':<24} {'ROLE':<9} CREATED"]
        for t in data["tokens"]:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(t["created"])) if t.get("created") else "-"
            lines.append(f"{t['name']:<24} {t['role']:<9} {when}")
        return emit(args, data, "\n".join(lines))
    result = ctx.client.act("token-revoke", token=args.name)
    return emit(args, result, f"Revoked token {args.name}")
