"""CLI commands for removable media (registered on import; keep imports stdlib-only here).

``block-configure DOM UNAME VDEV MODE`` is xm's own way to change a running guest's CD
(``xm block-configure 3 file:/xen/domU/drivers.iso hdc:cdrom r``; ``file:`` alone
ejects); ``eject``, ``insert`` and ``media-list`` are hvmctl's shorter spellings.
"""

from __future__ import annotations

import os

from hvmctl.cli.main import Context, command, emit

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and typing cost more start-up time than a command
    import argparse
    from typing import Any


def _describe(view: dict[str, Any]) -> str:
    medium = view.get("medium") or "(empty)"
    extra = []
    if view.get("tray_open"):
        extra.append("tray open")
    if view.get("locked"):
        extra.append("locked by the guest")
    return f"{view['vdev']}: {medium}" + (f" ({', '.join(extra)})" if extra else "")


def _absolute_uname(uname: str) -> str:
    """Relative paths in a uname are the user's, so resolve them here, not in the daemon."""
    kind, sep, rest = uname.partition(":")
    if not sep:
        return os.path.abspath(uname) if uname else uname
    if kind == "file" and rest and not rest.startswith("/"):
        return f"file:{os.path.abspath(rest)}"
    if kind == "tap" and ":" in rest:
        taptype, _, path = rest.partition(":")
        if path and not path.startswith("/"):
            return f"tap:{taptype}:{os.path.abspath(path)}"
    return uname


def _block_configure_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("uname", help="new medium: file:/path.iso, phy:/dev/sr0, tap:aio:/path; 'file:' ejects")
    p.add_argument("vdev", help="the guest's cdrom device, e.g. hdc:cdrom")
    p.add_argument("mode", help="access mode (r: removable media are read-only)")
    p.add_argument("-f", "--force", action="store_true", help="even if the guest has locked the tray")


@command("block-configure", "change the medium of a running domain's cdrom drive (as xm did)",
         _block_configure_args, domain=True)
def cmd_block_configure(args: argparse.Namespace, ctx: Context) -> int:
    body = {"uname": _absolute_uname(args.uname), "vdev": args.vdev, "mode": args.mode, "force": args.force}
    view = ctx.client.act("block-configure", body, ref=args.domain)
    return emit(args, view, _describe(view))


def _eject_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("vdev", help="the guest's cdrom device, e.g. hdc")
    p.add_argument("-f", "--force", action="store_true", help="even if the guest has locked the tray")


@command("eject", "take the medium out of a running domain's cdrom drive", _eject_args, domain=True)
def cmd_eject(args: argparse.Namespace, ctx: Context) -> int:
    view = ctx.client.act("eject", {"vdev": args.vdev, "force": args.force}, ref=args.domain)
    return emit(args, view, _describe(view))


def _insert_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("vdev", help="the guest's cdrom device, e.g. hdc")
    p.add_argument("path", help="the image to insert (ISO, raw or qcow2)")
    p.add_argument("--format", help="image format (default: detected from the file)")
    p.add_argument("-f", "--force", action="store_true", help="even if the guest has locked the tray")


@command("insert", "put an image into a running domain's cdrom drive", _insert_args, domain=True)
def cmd_insert(args: argparse.Namespace, ctx: Context) -> int:
    body = {"vdev": args.vdev, "path": os.path.abspath(args.path), "format": args.format, "force": args.force}
    view = ctx.client.act("insert", body, ref=args.domain)
    return emit(args, view, _describe(view))


@command("media-list", "the cdrom drives of a running domain and what is in them", domain=True)
def cmd_media_list(args: argparse.Namespace, ctx: Context) -> int:
    views = ctx.client.act("media-list", ref=args.domain)
    return emit(args, views, "\n".join(_describe(v) for v in views))
