"""CLI commands for the storage area (registered on import; keep imports stdlib-only here).

``image``, ``convert``, ``import`` and the export of a profile work on files directly (no
daemon needed: the other host may run none yet); ``export`` of a known domain and the
``block-*`` commands go through the daemon, which owns the guests' QEMU.
"""

from __future__ import annotations

import os
import sys

from hvmctl.cli.main import Context, command, emit, scope_args
from hvmctl.errors import DaemonError, NotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse, typing and contextlib cost more start-up time than a command
    import argparse
    from collections.abc import Callable
    from typing import Any

    ProgressFn = Callable[[int, int], None]


class _progress:
    """A progress bar on a terminal (rich, imported only then); silent otherwise."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> ProgressFn:
        if not self.enabled:
            return lambda done, total: None
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=True),
                            TransferSpeedColumn(), TimeRemainingColumn(), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task(self.label, total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(task, completed=done, total=total or None)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _human(n: float) -> str:
    from hvmctl.storage.images import human

    return human(n)


# ---- image ------------------------------------------------------------------------------
def _image_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="image_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser("create", help="create a disk image (raw sparse, or qcow2)")
    create.add_argument("path")
    create.add_argument("size", help="20G, 512M, 20480M ...")
    create.add_argument("-f", "--format", choices=("raw", "qcow2"), default="raw")
    create.add_argument("--force", action="store_true", help="replace an existing file")
    create.add_argument("--json", action="store_true", help="machine-readable output")
    info = sub.add_parser("info", help="what an image is: format, size, data held, in use")
    info.add_argument("path")
    info.add_argument("--json", action="store_true", help="machine-readable output")


@command("image", "disk images: create, info", _image_args)
def cmd_image(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.storage import images

    if args.image_command == "create":
        info = images.create_image(os.path.abspath(args.path), images.parse_size(args.size), args.format,
                                   force=args.force)
        return emit(args, info, f"Created {info['path']}: {info['format']}, {_human(info['virtual_size'])} "
                                f"({_human(info['allocated'])} allocated)")
    info = images.image_info(args.path)
    lines = [f"image: {info['path']}", f"format: {info['format']}", f"kind: {info['kind']}",
             f"virtual size: {_human(info['virtual_size'])} ({info['virtual_size']} bytes)",
             f"file size: {_human(info['file_size'])}", f"disk usage: {_human(info['allocated'])}",
             f"data: {_human(info['data'])}"]
    if info["backing_file"]:
        lines.append(f"backing file: {info['backing_file']}")
    lines.append(f"in use for writing: {'yes' if info['in_use'] else 'no'}")
    return emit(args, info, "\n".join(lines))


# ---- convert ----------------------------------------------------------------------------
def _convert_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to-hvm", action="store_true", required=True, help="make an HVM profile of a PV one")
    p.add_argument("-n", "--dry-run", action="store_true", help="show the change as a diff, write nothing")
    p.add_argument("-o", "--output", help="write the HVM profile here (default: in place, PROFILE.bak kept)")
    p.add_argument("--force", action="store_true", help="replace an existing --output file")
    p.add_argument("profile", help="profile path, or name in the profile directory (/etc/xen)")


@command("convert", "port a PV profile to HVM (seed 2.3.2)", _convert_args)
def cmd_convert(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.config import find_profile, read_profile_text
    from hvmctl.storage.convert import check_image, convert_to_hvm, write_converted

    path = find_profile(args.profile, search_dirs=[ctx.paths.profile_dir])
    conv = convert_to_hvm(read_profile_text(path), filename=str(path))
    warnings = check_image(conv)
    for warning in warnings:
        print(f"{ctx.prog}: warning: {warning}", file=sys.stderr)
    result: dict[str, Any] = {"profile": str(path), "diff": conv.diff(str(path)), "notes": conv.notes,
                              "warnings": warnings, "dry_run": args.dry_run}
    if args.dry_run:
        return emit(args, result, result["diff"].rstrip("\n"))
    result.update(write_converted(str(path), conv.new_text, output=args.output, force=args.force))
    text = f"Converted {path} to HVM: {result['profile']}"
    if "backup" in result:
        text += f" (PV profile kept as {result['backup']})"
    return emit(args, result, "\n".join([text] + [f"  {n}" for n in conv.notes]))


# ---- export / import --------------------------------------------------------------------
def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="DOMAIN|PROFILE", help="a domain known to the daemon, or a profile")
    p.add_argument("bundle", help="bundle to write: .tar (plain tar -xSf unpacks it), .tar.zst, .tar.gz")
    p.add_argument("--live", action="store_true", help="consistent copy of a running domain")
    p.add_argument("--force", action="store_true", help="replace an existing bundle")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _known_domain(ctx: Context, ref: str) -> dict[str, Any] | None:
    """The domain ``ref`` names if a daemon runs and knows it (export never starts a daemon)."""
    from hvmctl.cli.client import Client

    try:
        client = ctx.client if ctx.remote else Client(ctx.where, autostart=False)
        return client.act("get", ref=ref)  # type: ignore[no-any-return]
    except (DaemonError, NotFoundError):
        return None


@command("export", "pack a domain's profile and images into a bundle for another host", _export_args)
def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    bundle = os.path.abspath(args.bundle)
    dom = _known_domain(ctx, args.source)
    with _progress(f"exporting {args.source}", not args.quiet and not args.json) as update:
        if dom is not None:
            result = _stream(ctx, str(dom["name"]), {"bundle": bundle, "live": args.live, "force": args.force},
                             update)
        else:
            result = _export_profile(ctx, args.source, bundle, args.force, update)
    for note in result.get("notes", []):
        print(f"{ctx.prog}: note: {note}", file=sys.stderr)
    lines = [f"Exported {args.source} to {result['bundle']} ({result['compression']}): "
             f"{_human(result['data'])} of data, bundle {_human(result['bundle_bytes'])}, {result['seconds']} s"]
    for f in result["files"]:
        if f["kind"] == "image":
            lines.append(f"  {f['name']}: {f['vdev']} {_human(f['size'])} ({_human(f['data'])} data) "
                         f"sha256 {f['sha256'][:16]}...")
    return emit(args, result, "\n".join(lines))


def _export_profile(ctx: Context, ref: str, bundle: str, force: bool, update: ProgressFn) -> dict[str, Any]:
    from hvmctl.config import find_profile, parse_profile, read_profile_text
    from hvmctl.errors import ConflictError
    from hvmctl.storage.bundle import export_plan, write_bundle
    from hvmctl.storage.images import in_use_for_writing

    path = find_profile(ref, search_dirs=[ctx.paths.profile_dir])
    text = read_profile_text(path)
    cfg = parse_profile(text, filename=str(path)).config
    images, notes = export_plan(cfg)
    for image in images:
        if in_use_for_writing(image.source):
            raise ConflictError(f"{image.path} is in use by a running guest; export the domain instead "
                                "(paused, or with --live)")
    result = write_bundle(bundle, profile_name=path.name, profile_text=text, images=images, force=force,
                          progress=update)
    result["notes"] = notes
    return result


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", help="a bundle made by export (or a plain sparse tarball)")
    p.add_argument("dir", help="where the images and the profile go (created if missing)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


@command("import", "unpack a bundle: images sparse, profile pointed at them, checksums verified",
         _import_args)
def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from hvmctl.storage.bundle import read_bundle

    with _progress(f"importing {os.path.basename(args.bundle)}", not args.quiet and not args.json) as update:
        result = read_bundle(args.bundle, os.path.abspath(args.dir), progress=update)
    from hvmctl.daemon.statefiles import import_nvram

    installed = import_nvram(ctx.paths, result)  # an OVMF guest's UEFI variables
    if installed:
        result["notes"].append(f"UEFI variable store installed as {installed}")
    for note in result["notes"]:
        print(f"{ctx.prog}: note: {note}", file=sys.stderr)
    lines = [f"Imported {args.bundle} into {result['dest']} ({'verified' if result['verified'] else 'unverified'},"
             f" {result['seconds']} s)"]
    lines += [f"  {f['path']} ({_human(f['size'])})" for f in result["files"]]
    if result["profile"]:
        lines.append(f"Start it with: {ctx.prog} create {result['profile']}")
    return emit(args, result, "\n".join(lines))


# ---- hotplug ------------------------------------------------------------------------------
def _attach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("uname", help="file:/path, phy:/dev/sdb2, tap:aio:/path")
    p.add_argument("vdev", help="guest device: xvdb (virtio) or sdb (SCSI)")
    p.add_argument("mode", help="r, w or w!")
    scope_args(p)
    p.add_argument("--allow-any-path", action="store_true",
                   help="let the guest use a system file (/etc, /boot, ...) too; local root only")


@command("block-attach", "hot-plug a disk into a running domain", _attach_args, domain=True)
def cmd_block_attach(args: argparse.Namespace, ctx: Context) -> int:
    body = {"uname": args.uname, "vdev": args.vdev, "mode": args.mode, "live": args.live, "config": args.config}
    if args.allow_any_path:
        body["allow_any_path"] = True
    result = ctx.client.act("block-attach", body, ref=args.domain)
    return emit(args, result, "")


def _detach_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("vdev", help="guest device to remove")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the guest to let go")
    scope_args(p)


@command("block-detach", "hot-unplug a disk from a running domain", _detach_args, domain=True)
def cmd_block_detach(args: argparse.Namespace, ctx: Context) -> int:
    body = {"vdev": args.vdev, "timeout": args.timeout, "live": args.live, "config": args.config}
    result = ctx.client.act("block-detach", body, ref=args.domain)
    return emit(args, result, "")


@command("block-list", "list a domain's disks", domain=True)
def cmd_block_list(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.client.act("block-list", ref=args.domain)
    rows = [("Vdev", "Mode", "Type", "Format", "Attached", "Target")]
    rows += [(d["vdev"], d["mode"], d["devtype"], d["format"] or "-", "yes" if d["attached"] else "no",
              d["target"] or "(empty)") for d in result["disks"]]
    width = [max(len(str(r[i])) for r in rows) for i in range(5)]
    text = "\n".join("  ".join(str(c).ljust(width[i]) for i, c in enumerate(r[:5])) + "  " + r[5] for r in rows)
    return emit(args, result["disks"], text)


# ---- a streaming call (export of a domain) ------------------------------------------------
def _stream(ctx: Context, ref: str, body: dict[str, Any], update: ProgressFn) -> dict[str, Any]:
    """Export, with its progress lines on a bar."""
    result: dict[str, Any] = ctx.client.act_progress("export", body, update, ref=ref)
    return result
