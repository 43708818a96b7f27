"""Move a guest to another host: ``export`` packs its profile and every writable image into one
bundle, ``import`` unpacks it elsewhere (seed 2.3.2, done there with ``tar -cvzSf``).

A bundle is a tar archive (optionally zstd- or gzip-compressed), flat like the seed's
tarball: the images as GNU sparse members (holes stay holes; time and size follow the data,
not the apparent size), the profile as it was written, and ``hvmctl-bundle.json`` last with
sizes and SHA-256 checksums. Plain ``tar -xSf bundle.tar`` unpacks it too.

Checksums cover what is stored: for an image, the SHA-256 of its data extents, each
preceded by its offset and length (16 bytes, little-endian) -- hashing the holes of a
20 GiB image would cost more than the whole copy.

Import writes every file under a temporary name and links it into place only once the
whole bundle has been read and verified; an existing file is never replaced. A corrupt or
truncated bundle leaves nothing behind.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import socket
import struct
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hvmctl.errors import ConfigError, ConflictError, HostError, HvmctlError, NotFoundError
from hvmctl.storage import tarstream as ts
from hvmctl.storage.sparse import data_extents

if TYPE_CHECKING:
    from hvmctl.config.model import DomainConfig

MANIFEST = "hvmctl-bundle.json"
BUNDLE_FORMAT = "hvmctl-bundle"
BUNDLE_VERSION = 1
CHUNK = 1 << 20
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_LEVEL = 3

Progress = Callable[[int, int], None]  # (done, total) in bytes


def compression_for(path: str) -> str:
    """The compression a bundle's name asks for: .tar, .tar.zst/.tzst, .tar.gz/.tgz."""
    name = path.lower()
    if name.endswith((".tar.zst", ".tzst", ".tar.zstd")):
        return "zstd"
    if name.endswith((".tar.gz", ".tgz")):
        return "gzip"
    if name.endswith(".tar"):
        return "none"
    raise ConfigError(f"{path}: name the bundle .tar, .tar.zst or .tar.gz (that picks the compression)")


# ---------------------------------------------------------------------------------------------
# what goes in


@dataclass(frozen=True)
class ExportImage:
    """One image to pack: ``path`` as the profile names it, ``source`` the file to read."""

    path: str
    vdev: str
    source: str
    format: str | None = None


def export_plan(cfg: DomainConfig) -> tuple[list[ExportImage], list[str]]:
    """The images worth moving: every writable image file. Read-only media (install CDs) and
    host block devices (``phy:``) stay behind; notes say so."""
    images: list[ExportImage] = []
    notes: list[str] = []
    seen: set[str] = set()
    for disk in cfg.disks:
        if disk.empty:
            continue
        if disk.backend == "phy":
            notes.append(f"{disk.vdev}: host device {disk.target} is not packed; the new host needs its own")
            continue
        if disk.readonly or disk.devtype == "cdrom":
            notes.append(f"{disk.vdev}: read-only {disk.target} is not packed")
            continue
        real = os.path.realpath(disk.target)
        if real in seen:
            continue
        seen.add(real)
        if not os.path.isfile(disk.target):
            raise NotFoundError(f"{disk.vdev}: {disk.target}: no such image file")
        images.append(ExportImage(disk.target, disk.vdev, disk.target, disk.format))
    return images, notes


def member_names(profile_name: str, images: list[ExportImage]) -> list[str]:
    """Flat, unique member names: each image's basename (disk.img, disk-2.img on a clash)."""
    taken = {profile_name, MANIFEST}
    names = []
    for image in images:
        base = os.path.basename(image.path) or "disk.img"
        stem, dot, ext = base.partition(".")
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{dot}{ext}"
        taken.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------------------------------------
# overlapping the work


class _Worker:
    """One background thread running calls in order, a bounded number ahead.

    Why: SHA-256, writing and (de)compression each cost about the same per byte; on their
    own threads they overlap (hashlib, pwrite and zstd release the GIL), so a bundle moves
    at the speed of the slowest of them, not of their sum."""

    WINDOW = 16

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._pending: deque[Future[Any]] = deque()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self._pending.append(self._pool.submit(fn, *args))
        while len(self._pending) > self.WINDOW or (self._pending and self._pending[0].done()):
            self._pending.popleft().result()  # re-raises the worker's error here

    def drain(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        for fut in self._pending:
            fut.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)


class _Hasher:
    """SHA-256 computed on a worker thread."""

    def __init__(self, worker: _Worker) -> None:
        self._digest = hashlib.sha256()
        self._worker = worker

    def update(self, data: bytes) -> None:
        self._worker.submit(self._digest.update, data)

    def hexdigest(self) -> str:
        self._worker.drain()
        return self._digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# writing


class _Sink:
    """Where the tar stream goes: a file, through zstd or gzip; counts what it is given."""

    def __init__(self, fh: IO[bytes], compression: str) -> None:
        self.written = 0
        self._fh = fh
        self._stream: Any = fh
        if compression == "zstd":
            import zstandard

            cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=max(1, min(4, os.cpu_count() or 1)),
                                            write_checksum=True)
            self._stream = cctx.stream_writer(fh, closefd=False)
        elif compression == "gzip":
            self._stream = gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1, mtime=0)

    def write(self, data: bytes) -> None:
        self._stream.write(data)
        self.written += len(data)

    def close(self) -> None:
        if self._stream is not self._fh:
            self._stream.close()


def _extent_header(offset: int, length: int) -> bytes:
    return struct.pack("<QQ", offset, length)


def write_bundle(
    out: str,
    *,
    profile_name: str,
    profile_text: str,
    images: list[ExportImage],
    force: bool = False,
    progress: Progress | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pack ``images`` and the profile into ``out``; written under a temporary name and renamed
    into place only when complete."""
    compression = compression_for(out)
    target = Path(out)
    if target.exists() and not force:
        raise ConflictError(f"{out}: already exists; use --force to replace it")
    if not target.parent.is_dir():
        raise NotFoundError(f"{target.parent}: no such directory")
    names = member_names(profile_name, images)
    started = time.monotonic()
    with ExitStack() as stack:
        fds = []
        plans = []
        for image in images:
            try:
                fd = os.open(image.source, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise HostError(f"{image.source}: cannot read: {exc.strerror}", cause=exc) from exc
            stack.callback(os.close, fd)
            fds.append(fd)
            size = os.fstat(fd).st_size
            plans.append((size, data_extents(fd, size)))
        total = sum(n for _, extents in plans for _, n in extents)
        hasher = _Worker("hvmctl-sha256")
        stack.callback(hasher.close)
        fd_out, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        fh = os.fdopen(fd_out, "wb", buffering=CHUNK)
        try:
            files = []
            sink = _Sink(fh, compression)
            done = 0
            for image, name, fd, (size, extents) in zip(images, names, fds, plans):
                digest = _Hasher(hasher)
                head, _ = ts.sparse_headers(name, extents, size)
                sink.write(head)
                stored = len(head)
                for offset, length in extents:
                    digest.update(_extent_header(offset, length))
                    pos = 0
                    while pos < length:
                        data = os.pread(fd, min(CHUNK, length - pos), offset + pos)
                        if not data:
                            raise HostError(f"{image.source}: file shrank while being exported")
                        digest.update(data)
                        sink.write(data)
                        pos += len(data)
                        done += len(data)
                        if progress:
                            progress(done, total)
                    stored += length
                sink.write(ts.pad(stored))
                files.append({"name": name, "kind": "image", "path": image.path, "vdev": image.vdev,
                              "format": image.format, "size": size, "data": sum(n for _, n in extents),
                              "extents": len(extents), "sha256": digest.hexdigest()})
            profile_bytes = profile_text.encode()
            sink.write(ts.regular_member(profile_name, profile_bytes))
            files.append({"name": profile_name, "kind": "profile", "size": len(profile_bytes),
                          "sha256": hashlib.sha256(profile_bytes).hexdigest()})
            manifest = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "profile": profile_name,
                        "created": time.time(), "host": socket.gethostname(),
                        "checksum": "sha256 of each (offset, length, data) extent", "files": files,
                        **(extra or {})}
            sink.write(ts.regular_member(MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode()))
            sink.write(ts.end_of_archive(sink.written))
            sink.close()
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.replace(tmp, target)
        except BaseException:
            fh.close()
            _unlink(tmp)
            raise
    return {"bundle": str(target), "compression": compression, "files": files, "data": total,
            "bundle_bytes": target.stat().st_size, "seconds": round(time.monotonic() - started, 3)}


# ---------------------------------------------------------------------------------------------
# reading


class _Source:
    """The archive's bytes: decompressed, read exactly, with the file position for progress."""

    def __init__(self, raw: IO[bytes], compression: str) -> None:
        self._raw = raw
        self.compression = compression
        self._stream: Any = raw
        self._errors: tuple[type[BaseException], ...] = (EOFError, zlib.error, gzip.BadGzipFile)
        if compression == "zstd":
            import zstandard

            self._stream = zstandard.ZstdDecompressor().stream_reader(raw, read_size=CHUNK, read_across_frames=True)
            self._errors += (zstandard.ZstdError,)
        elif compression == "gzip":
            self._stream = gzip.GzipFile(fileobj=raw, mode="rb")

    def read(self, n: int) -> bytes:
        parts = []
        want = n
        while want:
            try:
                data = self._stream.read(want)
            except self._errors as exc:
                raise ts.BundleError(f"corrupt or truncated bundle ({self.compression}: {exc})") from exc
            if not data:
                raise ts.BundleError("truncated bundle: it ends in the middle of a file")
            parts.append(data)
            want -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    @property
    def position(self) -> int:
        return self._raw.tell()


def _safe_name(name: str) -> str | None:
    """A flat member name, or None for the archive's own directory; anything else is refused."""
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    if name in ("", "."):
        return None
    if "/" in name or name == ".." or "\0" in name or name.startswith("."):
        raise ts.BundleError(f"bundle member {name!r} is not a plain file name; refusing it")
    return name


@dataclass
class _Unpacked:
    name: str
    tmp: str
    size: int
    sha256: str
    kind: str = "file"


def read_bundle(bundle: str, dest: str, *, progress: Progress | None = None) -> dict[str, Any]:
    """Unpack ``bundle`` into ``dest`` (created if missing), verify it, rewrite the profile's
    image paths to where the images now are. Nothing is left behind on failure."""
    started = time.monotonic()
    try:
        raw = open(bundle, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{bundle}: no such bundle") from None
    except OSError as exc:
        raise HostError(f"{bundle}: {exc.strerror}", cause=exc) from exc
    destdir = Path(dest)
    created_dir = not destdir.exists()
    destdir.mkdir(parents=True, exist_ok=True)
    unpacked: list[_Unpacked] = []
    linked: list[Path] = []
    try:
        with raw:
            total = os.fstat(raw.fileno()).st_size
            magic = raw.read(4)
            raw.seek(0)
            compression = "zstd" if magic == ZSTD_MAGIC else "gzip" if magic[:2] == GZIP_MAGIC else "none"
            src = _Source(raw, compression)
            files = _unpack_members(src, destdir, unpacked, lambda: progress(raw.tell(), total) if progress else None)
        manifest = _verify(files)
        profile_name = manifest.get("profile") if manifest else None
        mapping = {}
        for entry in (manifest or {}).get("files", []):
            if entry.get("kind") == "image" and entry.get("path"):
                mapping[entry["path"]] = str((destdir / entry["name"]).resolve())
        notes: list[str] = []
        if manifest is None:
            notes.append("no hvmctl manifest: a plain tarball; nothing to verify checksums against")
        if profile_name:
            prof = files[profile_name]
            text = Path(prof.tmp).read_text(encoding="utf-8", errors="surrogateescape")
            new_text = rewrite_disk_paths(text, mapping, filename=profile_name)
            _write_over(prof.tmp, new_text)
        for item in files.values():
            if item.name == MANIFEST:
                continue
            final = destdir / item.name
            try:
                os.link(item.tmp, final)  # never replaces: fails if the name exists
            except FileExistsError:
                raise ConflictError(f"{final}: already exists; refusing to overwrite it") from None
            linked.append(final)
        for item in files.values():
            _unlink(item.tmp)
    except BaseException:
        for item in unpacked:
            _unlink(item.tmp)
        for path in linked:
            _unlink(str(path))
        if created_dir:
            try:
                destdir.rmdir()
            except OSError:
                pass
        raise
    result_files = [{"name": f.name, "path": str(destdir / f.name), "size": f.size, "kind": f.kind}
                    for f in files.values() if f.name != MANIFEST]
    return {"dest": str(destdir), "profile": str(destdir / profile_name) if profile_name else None,
            "files": result_files, "verified": manifest is not None, "notes": notes,
            "seconds": round(time.monotonic() - started, 3), "compression": compression}


def _unpack_members(src: _Source, destdir: Path, unpacked: list[_Unpacked],
                    tick: Callable[[], None]) -> dict[str, _Unpacked]:
    files: dict[str, _Unpacked] = {}
    while True:
        member = ts.read_member(src.read)
        if member is None:
            break
        if member.typeflag == b"5":
            if _safe_name(member.name) is not None:
                raise ts.BundleError(f"bundle holds a directory {member.name!r}; a bundle is flat")
            continue
        if member.typeflag not in (b"0", b"\0", b"7"):
            raise ts.BundleError(f"bundle member {member.name!r} is a link or device; refusing it")
        name = _safe_name(member.name)
        if name is None or name in files:
            raise ts.BundleError(f"bundle holds {member.name!r} twice or without a name")
        if (destdir / name).exists() or (destdir / name).is_symlink():
            raise ConflictError(f"{destdir / name}: already exists; refusing to overwrite it")
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".import", dir=destdir)
        item = _Unpacked(name, tmp, member.realsize, "")
        unpacked.append(item)
        try:
            os.fchmod(fd, (member.mode & 0o777) or 0o600)
            item.sha256 = _write_member(src, fd, member, tick)
            os.fsync(fd)
        finally:
            os.close(fd)
        files[name] = item
        tick()
    return files


def _write_member(src: _Source, fd: int, member: ts.Member, tick: Callable[[], None]) -> str:
    """Write one member's data where it belongs in the file (holes stay holes); its checksum."""
    hasher, writer = _Worker("hvmctl-sha256"), _Worker("hvmctl-write")
    try:
        return _write_member_data(src, fd, member, tick, _Hasher(hasher), writer)
    finally:
        writer.close()
        hasher.close()


def _write_member_data(src: _Source, fd: int, member: ts.Member, tick: Callable[[], None], digest: _Hasher,
                       writer: _Worker) -> str:
    remaining = member.size
    if member.sparse_v1:
        extents, used = ts.read_sparse_map(src.read)
        remaining -= used
    elif member.sparse is not None:
        extents = member.sparse
    else:
        extents = [(0, member.size)] if member.size else []
    sparse = member.sparse_v1 or member.sparse is not None
    zero = bytes(CHUNK)
    for offset, length in extents:
        if length > remaining:
            raise ts.BundleError(f"corrupt bundle: {member.name}: sparse map exceeds the data")
        if sparse:
            digest.update(_extent_header(offset, length))
        pos = 0
        while pos < length:
            data = src.read(min(CHUNK, length - pos))
            digest.update(data)
            if sparse or data != zero[: len(data)]:  # plain members: zero runs become holes
                writer.submit(os.pwrite, fd, data, offset + pos)
            pos += len(data)
            tick()
        remaining -= length
    if remaining < 0:
        raise ts.BundleError(f"corrupt bundle: {member.name}: sizes do not add up")
    stored = member.size
    if remaining:
        src.read(remaining)
    src.read(-stored % ts.BLOCK)
    writer.drain()
    os.ftruncate(fd, member.realsize)
    return digest.hexdigest()  # plain members (profile, manifest): the SHA-256 of their bytes


def _verify(files: dict[str, _Unpacked]) -> dict[str, Any] | None:
    """Compare what was unpacked with the manifest; None for a plain tarball without one."""
    item = files.get(MANIFEST)
    if item is None:
        return None
    try:
        manifest = json.loads(Path(item.tmp).read_text())
        if manifest.get("format") != BUNDLE_FORMAT:
            raise ValueError("not an hvmctl bundle manifest")
        entries = {e["name"]: e for e in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise ts.BundleError(f"corrupt bundle: unreadable manifest ({exc})") from exc
    if int(manifest.get("version", 0)) > BUNDLE_VERSION:
        raise ts.BundleError(f"bundle version {manifest['version']} is newer than this hvmctl understands")
    for name, entry in entries.items():
        got = files.get(name)
        if got is None:
            raise ts.BundleError(f"corrupt or truncated bundle: {name} is missing")
        if got.sha256 != entry.get("sha256") or got.size != int(entry.get("size", -1)):
            raise ts.BundleError(f"corrupt bundle: {name}: checksum mismatch")
        got.kind = str(entry.get("kind", "file"))
    for name in files:
        if name != MANIFEST and name not in entries:
            raise ts.BundleError(f"corrupt bundle: {name} is not in the manifest")
    profile = manifest.get("profile")
    if profile is not None and profile not in files:
        raise ts.BundleError("corrupt bundle: the profile is missing")
    return manifest  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# profile


def rewrite_disk_paths(text: str, mapping: dict[str, str], *, filename: str = "<profile>") -> str:
    """The profile with each moved image's path replaced where a disk entry names it.

    A text edit, so comments and layout stay; afterwards the profile is parsed to check that
    every moved disk now points at its new place."""
    from hvmctl.config import parse_profile

    new = text
    for old, path in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        pattern = re.compile(r"(?<=[:'\"=,\s\[])" + re.escape(old) + r"(?=[,'\"\s\]])")
        new = pattern.sub(lambda _m, p=path: p, new)  # type: ignore[misc]
    if not mapping:
        return new
    try:
        cfg = parse_profile(new, filename=filename).config
    except HvmctlError as exc:
        raise ts.BundleError(f"the bundle's profile does not read back after moving its images: {exc}") from exc
    targets = {d.target for d in cfg.disks}
    missing = [p for p in mapping.values() if p not in targets]
    if missing:
        raise ts.BundleError(f"could not point the profile's disks at {', '.join(missing)}")
    return new


def _write_over(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
